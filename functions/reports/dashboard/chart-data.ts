// Shapes a report table into what a chart plots: facet panels, category × series pivots, heatmap
// cells and histogram bins. Pure functions of the rows (in their SQL order), so the same rows give
// the same chart options, byte for byte.
import type { ChartSpec, ReportTable } from '../report-definition.ts';
import { humanize } from './format.ts';

type Row = Record<string, unknown>;

/** The series of one chart panel: a value per category, null where the table has no row. */
export interface ChartData {
  categories: unknown[];
  /** `color` indexes the palette; a series keeps its colour in every facet panel. */
  series: { name: string; color: number; values: (number | null)[] }[];
}

export const measures = (spec: Pick<ChartSpec, 'y'>): string[] => (spec.y === undefined ? [] : typeof spec.y === 'string' ? [spec.y] : [...spec.y]);

export const unique = <T,>(values: T[]) => [...new Set(values)];

export const seriesNamesOf = (spec: Pick<ChartSpec, 'y' | 'series'>, rows: readonly Row[]) =>
  spec.series ? unique(rows.map((r) => String(r[spec.series!]))) : measures(spec).map(humanize);

/** Rows split by a column's values, the panel with the largest total first (the main currency on top). */
export function facets(table: ReportTable, column: string, measured: readonly string[]): { label: string; rows: Row[] }[] {
  const groups = new Map<string, { rows: Row[]; total: number }>();
  for (const row of table.rows) {
    const label = String(row[column] ?? '–');
    const group = groups.get(label) ?? { rows: [], total: 0 };
    group.rows.push(row);
    group.total += measured.length ? measured.reduce((sum, m) => sum + (typeof row[m] === 'number' ? (row[m] as number) : 0), 0) : 1;
    groups.set(label, group);
  }
  return [...groups]
    .sort(([a, x], [b, y]) => y.total - x.total || (a < b ? -1 : a > b ? 1 : 0))
    .map(([label, { rows }]) => ({ label, rows }));
}

/** Pivots rows into categories × series, in the order the rows give them (the SQL's ORDER BY). */
export function chartData(
  spec: Pick<ChartSpec, 'x' | 'y' | 'series'>,
  rows: readonly Row[],
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

/** Categories of an axis: those of `order` first, then numbers ascending or anything else in row order. */
export function axisCategories(rows: readonly Row[], column: string, order: readonly unknown[] = []): unknown[] {
  const values: unknown[] = unique(rows.map((r) => r[column] ?? null));
  const rest = values.filter((v) => !order.includes(v));
  const sorted = rest.every((v) => typeof v === 'number') ? (rest as number[]).sort((a, b) => a - b) : rest;
  return [...order.filter((v) => values.includes(v)), ...sorted];
}

export interface HeatmapData {
  xs: unknown[];
  ys: unknown[];
  /** [x index, y index, value] of every non-empty cell. */
  cells: [number, number, number][];
}

export function heatmapData(spec: Pick<ChartSpec, 'x' | 'y' | 'value' | 'aggregate' | 'order'>, rows: readonly Row[]): HeatmapData {
  const yColumn = measures(spec)[0]!;
  const xs = axisCategories(rows, spec.x, spec.order?.x);
  const ys = axisCategories(rows, yColumn, spec.order?.y);
  const sums = new Map<string, { sum: number; n: number }>();
  for (const row of rows) {
    const key = `${xs.indexOf(row[spec.x] ?? null)},${ys.indexOf(row[yColumn] ?? null)}`;
    const value = spec.value === undefined ? 1 : row[spec.value];
    if (typeof value !== 'number') continue;
    const cell = sums.get(key) ?? { sum: 0, n: 0 };
    cell.sum += value;
    cell.n += 1;
    sums.set(key, cell);
  }
  const cells = [...sums].map(([key, { sum, n }]): [number, number, number] => {
    const [x, y] = key.split(',').map(Number) as [number, number];
    return [x, y, spec.aggregate === 'mean' ? sum / n : sum];
  });
  cells.sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  return { xs, ys, cells };
}

export interface HistogramBin {
  from: number;
  to: number;
  count: number;
}

/** Equal-width bins over [min, max] of the column's numbers; the last bin includes max. */
export function histogramBins(rows: readonly Row[], column: string, bins = 20): HistogramBin[] {
  const values = rows.map((r) => r[column]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (!values.length) return [];
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const integer = values.every(Number.isInteger);
  // Whole-number data (order counts) gets whole-number bins, one per value when there are few.
  const width = max === min ? 1 : integer ? Math.max(1, Math.ceil((max - min + 1) / bins)) : (max - min) / bins;
  const count = max === min ? 1 : integer ? Math.ceil((max - min + 1) / width) : bins;
  const out = Array.from({ length: count }, (_, i) => ({ from: min + i * width, to: min + (i + 1) * width, count: 0 }));
  for (const v of values) out[Math.min(count - 1, Math.floor((v - min) / width))]!.count += 1;
  return out;
}
