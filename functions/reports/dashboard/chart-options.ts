// ChartSpec + table → ECharts options, one per panel (facet value). The options are plain JSON built
// here, deterministically; the page's small runtime (chart-runtime.ts) adds the formatters (functions
// cannot travel in JSON) and draws them with the SVG renderer, so marks are DOM elements that print
// crisply. Hover shows exact values (tooltips), legend entries toggle series, heatmaps have a colour
// scale whose range can be dragged.
import type { ChartSpec, ReportTable, ValueFormat } from '../report-definition.ts';
import { chartData, facets, heatmapData, histogramBins, measures, seriesNamesOf, unique } from './chart-data.ts';
import { categoryLabel, compactNumber, formatValue, humanize } from './format.ts';

export const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
/** Sequential scale of heatmaps, light to dark. */
const HEAT = ['#f3f6fa', '#a9c4e0', '#4e79a7', '#1d3a5c'];
/** Scatter plots draw at most this many points (every k-th row beyond it), so a dashboard stays small. */
export const MAX_SCATTER_POINTS = 5000;

export type ChartKind = ChartSpec['type'];

/** What the page runtime needs beside the option: how values read, axis names for tooltips. */
export interface ChartMeta {
  kind: ChartKind;
  format: ValueFormat;
  xFormat: ValueFormat;
  currency?: string;
  xName: string;
  yName: string;
  /** Data marks the chart draws (bars, points, cells): what a browser test expects to find. */
  marks: number;
}

export interface ChartPanel {
  caption: string;
  /** Pixel height of the chart box. */
  height: number;
  option: Record<string, unknown>;
  meta: ChartMeta;
}

const NONE = '(none)';

/** A few named categories (segments, stages) all show, slanted when long; long series (months) thin out. */
const categoryAxisLabel = (labels: readonly string[]) =>
  labels.length <= 12 ? { interval: 0, hideOverlap: false, rotate: labels.some((l) => l.length > 9) && labels.length > 5 ? 25 : 0 } : { hideOverlap: true };

/** A category x axis with its title below the labels, further down when the labels are slanted. */
function categoryXAxis(labels: string[], name: string) {
  const axisLabel = categoryAxisLabel(labels);
  const slanted = (('rotate' in axisLabel && axisLabel.rotate) || 0) > 0;
  const longest = Math.max(0, ...labels.map((l) => l.length));
  return { type: 'category', data: labels, axisLabel, name, nameLocation: 'middle', nameGap: slanted ? Math.min(90, 24 + longest * 3.2) : 30, nameTextStyle: { color: '#5f6b76' } };
}
const label = (value: unknown) => (value === null || value === undefined ? NONE : categoryLabel(value));

/** One panel per facet value (or one); an empty table gives none. */
export function chartPanels(spec: ChartSpec, table: ReportTable): ChartPanel[] {
  if (!table.rows.length) return [];
  const measured = spec.type === 'bar' || spec.type === 'line' ? measures(spec) : spec.type === 'scatter' ? measures(spec) : [];
  const panels = spec.facet ? facets(table, spec.facet, measured) : [{ label: '', rows: table.rows }];
  // Bar and line panels span the categories and series of the whole table: facets line up month for
  // month and a channel keeps its colour throughout.
  const categories = unique(table.rows.map((r) => r[spec.x]));
  const names = seriesNamesOf(spec, table.rows);
  return panels.flatMap(({ label: facet, rows }) => {
    const caption = facet ? `${spec.title} — ${facet}` : spec.title;
    const currency = spec.facet === 'currency' ? facet : undefined;
    const built = build(spec, rows, categories, names, currency);
    return built ? [{ caption, ...built }] : [];
  });
}

function build(spec: ChartSpec, rows: Record<string, unknown>[], categories: unknown[], names: string[], currency: string | undefined): Omit<ChartPanel, 'caption'> | undefined {
  const format = spec.format ?? 'number';
  const base = {
    xName: spec.xLabel ?? humanize(spec.x),
    yName: spec.yLabel ?? (spec.type === 'histogram' ? 'Count' : measures(spec).length === 1 && !spec.series ? humanize(measures(spec)[0]!) : ''),
    format,
    xFormat: spec.xFormat ?? 'number',
    ...(currency ? { currency } : {}),
  };
  const common = { animation: false, color: PALETTE, textStyle: { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif' } };
  const axisName = (name: string) => ({ name, nameLocation: 'middle', nameGap: 32, nameTextStyle: { color: '#5f6b76' } });
  switch (spec.type) {
    case 'bar':
    case 'line': {
      const data = chartData(spec, rows, categories, names);
      if (!data.series.length) return undefined;
      const legend = data.series.length > 1;
      const option = {
        ...common,
        grid: { left: 16, right: 24, top: legend ? 48 : 32, bottom: 44, containLabel: true },
        legend: { show: legend, type: 'scroll', top: 0 },
        tooltip: { trigger: 'axis', axisPointer: { type: spec.type === 'bar' ? 'shadow' : 'line' } },
        xAxis: categoryXAxis(data.categories.map(label), base.xName),
        yAxis: { type: 'value', name: base.yName, nameTextStyle: { color: '#5f6b76', align: 'left' } },
        series: data.series.map((s) => ({
          name: s.name,
          type: spec.type,
          data: s.values,
          itemStyle: { color: PALETTE[s.color % PALETTE.length] },
          ...(spec.type === 'bar' && spec.stacked ? { stack: 'total' } : {}),
          ...(spec.type === 'line' ? { showAllSymbol: true, symbolSize: 6, connectNulls: false } : {}),
          emphasis: { focus: 'series' },
        })),
      };
      const marks = data.series.reduce((n, s) => n + s.values.filter((v) => v !== null && v !== 0).length, 0);
      return { height: 300, option, meta: { kind: spec.type, ...base, marks } };
    }
    case 'scatter': {
      const y = measures(spec)[0];
      if (!y) throw new Error(`chart "${spec.title}": a scatter plot needs y`);
      const stride = Math.ceil(rows.length / MAX_SCATTER_POINTS);
      const sampled = rows.filter((_, i) => i % stride === 0);
      const groups = spec.series ? unique(sampled.map((r) => String(r[spec.series!]))) : [base.yName || humanize(y)];
      const series = groups.map((name, i) => ({
        name,
        type: 'scatter',
        symbolSize: 6,
        itemStyle: { color: PALETTE[i % PALETTE.length], opacity: 0.7 },
        data: sampled.filter((r) => !spec.series || String(r[spec.series]) === name).filter((r) => typeof r[spec.x] === 'number' && typeof r[y] === 'number').map((r) => [r[spec.x], r[y]]),
      }));
      const marks = series.reduce((n, s) => n + s.data.length, 0);
      if (!marks) return undefined;
      const option = {
        ...common,
        grid: { left: 16, right: 24, top: groups.length > 1 ? 48 : 32, bottom: 44, containLabel: true },
        legend: { show: groups.length > 1, type: 'scroll', top: 0 },
        tooltip: { trigger: 'item' },
        xAxis: { type: 'value', scale: true, ...axisName(base.xName) },
        yAxis: { type: 'value', scale: true, name: base.yName || humanize(y), nameTextStyle: { color: '#5f6b76', align: 'left' } },
        series,
      };
      return { height: 320, option, meta: { kind: 'scatter', ...base, yName: base.yName || humanize(y), marks } };
    }
    case 'heatmap': {
      if (!measures(spec)[0]) throw new Error(`chart "${spec.title}": a heatmap needs y (the row column)`);
      const data = heatmapData(spec, rows);
      if (!data.cells.length) return undefined;
      const max = Math.max(...data.cells.map((c) => c[2]));
      const min = Math.min(0, ...data.cells.map((c) => c[2]));
      // Numbers read upwards (R 5 at the top); names read downwards like a table (first segment on top).
      const numericY = data.ys.every((v) => typeof v === 'number');
      const yName = spec.yLabel ?? humanize(measures(spec)[0]!);
      const option = {
        ...common,
        grid: { left: 16, right: 96, top: 32, bottom: 40, containLabel: true },
        tooltip: { trigger: 'item' },
        xAxis: { ...categoryXAxis(data.xs.map(label), base.xName), splitArea: { show: true } },
        // The axis title goes above the rows either way (an inverse axis starts at the top).
        yAxis: { type: 'category', data: data.ys.map(label), splitArea: { show: true }, inverse: !numericY, name: yName, nameLocation: numericY ? 'end' : 'start', nameTextStyle: { color: '#5f6b76', align: 'left' } },
        visualMap: { min, max: max === min ? min + 1 : max, calculable: true, orient: 'vertical', right: 8, top: 'middle', itemHeight: 140, inRange: { color: HEAT } },
        series: [{ type: 'heatmap', name: spec.title, data: data.cells, label: { show: data.cells.length <= 150, fontSize: 11 }, emphasis: { itemStyle: { borderColor: '#1f2933', borderWidth: 1 } } }],
      };
      const height = Math.max(240, Math.min(640, 90 + 26 * data.ys.length));
      return { height, option, meta: { kind: 'heatmap', ...base, yName, marks: data.cells.length } };
    }
    case 'histogram': {
      const bins = histogramBins(rows, spec.x, spec.bins);
      if (!bins.length) return undefined;
      const unitBins = bins.every((b) => b.to - b.from === 1 && Number.isInteger(b.from));
      const binLabel = (b: (typeof bins)[number]) =>
        unitBins ? formatValue(b.from, base.format === 'money' ? 'number' : base.format) : `${compactNumber(b.from, base.format)}–${compactNumber(b.to, base.format)}`;
      const option = {
        ...common,
        grid: { left: 16, right: 24, top: 32, bottom: 44, containLabel: true },
        tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
        xAxis: categoryXAxis(bins.map(binLabel), `${base.xName}${currency ? ` (${currency})` : ''}`),
        yAxis: { type: 'value', name: base.yName, minInterval: 1, nameTextStyle: { color: '#5f6b76', align: 'left' } },
        series: [{ type: 'bar', name: base.yName, data: bins.map((b) => b.count), barCategoryGap: '4%', itemStyle: { color: PALETTE[0] } }],
      };
      return { height: 280, option, meta: { kind: 'histogram', ...base, format: 'count', marks: bins.filter((b) => b.count > 0).length } };
    }
  }
}
