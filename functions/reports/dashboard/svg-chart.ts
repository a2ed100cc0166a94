// Inline SVG charts (bar, stacked bar, line) of one report table, drawn from a ChartSpec. No script
// and no external resource (inline SVG in HTML5 needs no namespace URL either): each mark carries a
// <title>, which browsers show as a tooltip, and coordinates are rounded to 0.1 px so the same rows
// give the same bytes.
import type { ChartSpec, ReportTable, ValueFormat } from '../report-definition.ts';
import { categoryLabel, compactNumber, escapeHtml, formatValue, humanize } from './format.ts';

export const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

const WIDTH = 720;
const HEIGHT = 260;
const MARGIN = { top: 12, right: 12, bottom: 36, left: 64 };
const PLOT_W = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom;
const MAX_X_LABELS = 12;

/** The series of one chart panel: a value per category, null where the table has no row. */
export interface ChartData {
  categories: unknown[];
  /** `color` indexes the palette; a series keeps its colour in every facet panel. */
  series: { name: string; color: number; values: (number | null)[] }[];
}

const px = (n: number) => (Math.round(n * 10) / 10).toString();

/** One chart per facet value (or one chart), each with its heading and legend, as an HTML fragment. */
export function renderChart(spec: ChartSpec, table: ReportTable): string {
  if (!table.rows.length) return `<figure class="chart"><figcaption>${escapeHtml(spec.title)}</figcaption><p class="empty">No data up to the as-of date.</p></figure>`;
  const panels = spec.facet ? facets(table, spec.facet, measures(spec)) : [{ label: '', rows: table.rows }];
  // Every panel spans the categories and series of the whole table: facets line up month for month
  // and a channel has one colour throughout.
  const categories = unique(table.rows.map((r) => r[spec.x]));
  const seriesNames = seriesNamesOf(spec, table.rows);
  return panels
    .map(({ label, rows }) => {
      const caption = label ? `${spec.title} — ${label}` : spec.title;
      const data = chartData(spec, rows, categories, seriesNames);
      const currency = spec.facet === 'currency' ? label : undefined;
      return [
        `<figure class="chart">`,
        `<figcaption>${escapeHtml(caption)}</figcaption>`,
        svg(spec, data, caption, currency),
        spec.series || typeof spec.y !== 'string' ? legend(data) : '',
        `</figure>`,
      ].join('\n');
    })
    .join('\n');
}

const measures = (spec: Pick<ChartSpec, 'y'>) => (typeof spec.y === 'string' ? [spec.y] : [...spec.y]);

/** Rows split by a column's values, the panel with the largest total first (the main currency on top). */
function facets(table: ReportTable, column: string, measured: readonly string[]): { label: string; rows: Record<string, unknown>[] }[] {
  const groups = new Map<string, { rows: Record<string, unknown>[]; total: number }>();
  for (const row of table.rows) {
    const label = String(row[column] ?? '–');
    const group = groups.get(label) ?? { rows: [], total: 0 };
    group.rows.push(row);
    for (const m of measured) group.total += typeof row[m] === 'number' ? (row[m] as number) : 0;
    groups.set(label, group);
  }
  return [...groups]
    .sort(([a, x], [b, y]) => y.total - x.total || (a < b ? -1 : a > b ? 1 : 0))
    .map(([label, { rows }]) => ({ label, rows }));
}

/** Pivots rows into categories × series, in the order the rows give them (the SQL's ORDER BY). */
export function chartData(
  spec: Pick<ChartSpec, 'x' | 'y' | 'series'>,
  rows: readonly Record<string, unknown>[],
  categories = unique(rows.map((r) => r[spec.x])),
  names = seriesNamesOf(spec, rows),
): ChartData {
  const index = new Map(categories.map((c, i) => [c, i]));
  const measured = measures(spec);
  const series = names.map((name, color) => ({ name, color, values: categories.map((): number | null => null) }));
  for (const row of rows) {
    const at = index.get(row[spec.x]);
    if (at === undefined) continue;
    measured.forEach((measure, m) => {
      const value = row[measure];
      if (typeof value !== 'number') return;
      const target = spec.series ? series[names.indexOf(String(row[spec.series]))]! : series[m]!;
      target.values[at] = (target.values[at] ?? 0) + value;
    });
  }
  // A series with no value in this panel (a channel unused in one currency) gets no legend entry.
  return { categories, series: series.filter((s) => s.values.some((v) => v !== null)) };
}

const unique = <T,>(values: T[]) => [...new Set(values)];

const seriesNamesOf = (spec: Pick<ChartSpec, 'y' | 'series'>, rows: readonly Record<string, unknown>[]) =>
  spec.series ? unique(rows.map((r) => String(r[spec.series!]))) : measures(spec).map(humanize);

function svg(spec: ChartSpec, data: ChartData, label: string, currency: string | undefined): string {
  const stacked = spec.type === 'bar' && (spec.stacked ?? false);
  const { min, max } = extent(data, stacked);
  const format: ValueFormat = spec.format ?? 'number';
  const ticks = niceTicks(min, max, format === 'count');
  const lo = ticks[0]!;
  const hi = ticks[ticks.length - 1]!;
  const y = (v: number) => MARGIN.top + PLOT_H - ((v - lo) / (hi - lo)) * PLOT_H;
  const band = PLOT_W / Math.max(1, data.categories.length);
  const x = (i: number) => MARGIN.left + band * i;

  const parts: string[] = [`<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeHtml(label)}">`];
  for (const tick of ticks) {
    parts.push(`<line class="grid" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${px(y(tick))}" y2="${px(y(tick))}"/>`);
    parts.push(`<text class="axis" x="${MARGIN.left - 6}" y="${px(y(tick) + 4)}" text-anchor="end">${escapeHtml(compactNumber(tick, format))}</text>`);
  }
  const every = Math.ceil(data.categories.length / MAX_X_LABELS);
  data.categories.forEach((category, i) => {
    if (i % every) return;
    parts.push(`<text class="axis" x="${px(x(i) + band / 2)}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle">${escapeHtml(categoryLabel(category))}</text>`);
  });
  const tip = (category: unknown, name: string, value: number) => `<title>${escapeHtml(`${categoryLabel(category)} · ${name}: ${formatValue(value, format, currency)}`)}</title>`;

  if (spec.type === 'line') {
    data.series.forEach((s) => {
      const color = PALETTE[s.color % PALETTE.length]!;
      const points = s.values.map((v, i) => (v === null ? null : { cx: x(i) + band / 2, cy: y(v), v, i }));
      // A missing value breaks the line rather than drawing it down to zero.
      const path = points.map((p, i) => (p ? `${i && points[i - 1] ? 'L' : 'M'}${px(p.cx)} ${px(p.cy)}` : '')).join('');
      if (path) parts.push(`<path d="${path}" fill="none" stroke="${color}" stroke-width="2"/>`);
      for (const p of points) if (p) parts.push(`<circle cx="${px(p.cx)}" cy="${px(p.cy)}" r="3" fill="${color}">${tip(data.categories[p.i], s.name, p.v)}</circle>`);
    });
  } else {
    const gap = band * 0.15;
    const inner = band - 2 * gap;
    const width = stacked ? inner : inner / Math.max(1, data.series.length);
    data.categories.forEach((category, i) => {
      let up = 0;
      let down = 0;
      data.series.forEach((s, k) => {
        const value = s.values[i];
        if (value === null || value === undefined || value === 0) return;
        let from: number;
        if (stacked) {
          from = value >= 0 ? up : down;
          if (value >= 0) up += value;
          else down += value;
        } else from = 0;
        const top = y(Math.max(from, from + value));
        const bottom = y(Math.min(from, from + value));
        const left = x(i) + gap + (stacked ? 0 : width * k);
        parts.push(
          `<rect x="${px(left)}" y="${px(top)}" width="${px(Math.max(width - 1, 1))}" height="${px(Math.max(bottom - top, 0.5))}" fill="${PALETTE[s.color % PALETTE.length]}">${tip(category, s.name, value)}</rect>`,
        );
      });
    });
  }
  parts.push(`<line class="zero" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${px(y(Math.max(lo, Math.min(0, hi))))}" y2="${px(y(Math.max(lo, Math.min(0, hi))))}"/>`);
  parts.push('</svg>');
  return parts.join('\n');
}

function extent(data: ChartData, stacked: boolean): { min: number; max: number } {
  let min = 0;
  let max = 0;
  data.categories.forEach((_, i) => {
    const values = data.series.map((s) => s.values[i] ?? 0);
    if (stacked) {
      max = Math.max(max, values.filter((v) => v > 0).reduce((a, b) => a + b, 0));
      min = Math.min(min, values.filter((v) => v < 0).reduce((a, b) => a + b, 0));
    } else {
      max = Math.max(max, ...values);
      min = Math.min(min, ...values);
    }
  });
  return { min, max };
}

/** Round tick values (1, 2 or 5 × 10^n apart, whole numbers for counts) covering [min, max], zero included. */
export function niceTicks(min: number, max: number, integer = false, target = 5): number[] {
  if (max === min) max = min + 1;
  const raw = Math.max((max - min) / target, integer ? 1 : 0);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let v = Math.floor(min / step) * step; v < max + step / 2; v += step) ticks.push(Number(v.toPrecision(12)));
  if (ticks[ticks.length - 1]! < max) ticks.push(Number((ticks[ticks.length - 1]! + step).toPrecision(12)));
  return ticks;
}

function legend(data: ChartData): string {
  const items = data.series.map((s) => `<li><span class="swatch" style="background:${PALETTE[s.color % PALETTE.length]}"></span>${escapeHtml(s.name)}</li>`);
  return `<ul class="legend">${items.join('')}</ul>`;
}
