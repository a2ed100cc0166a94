// The dashboard's pure parts: number formatting independent of the machine's locale, chart pivots,
// heatmap cells, histogram bins, ECharts options, and HTML escaping of whatever the data holds.
import { describe, expect, it } from 'vitest';
import { renderDashboard } from '#functions/reports/dashboard/dashboard.ts';
import { categoryLabel, compactNumber, formatValue, groupedNumber } from '#functions/reports/dashboard/format.ts';
import { chartData, heatmapData, histogramBins } from '#functions/reports/dashboard/chart-data.ts';
import { chartPanels } from '#functions/reports/dashboard/chart-options.ts';
import { defineReport, type ReportTable } from '#functions/reports/report-definition.ts';
import { buildSummary } from '#functions/reports/report-summary.ts';

describe('formatting', () => {
  it.each([
    [1234567.891, 2, '1,234,567.89'],
    [1.005, 2, '1.01'],
    [-1234.5, 2, '-1,234.50'],
    [-0.001, 2, '0.00'],
    [999.5, 0, '1,000'],
  ])('groupedNumber(%d, %d) = %s', (value, decimals, text) => {
    expect(groupedNumber(value, decimals)).toBe(text);
  });

  it('formats money with its currency, counts whole, ratios as percentages and null as a dash', () => {
    expect(formatValue(1973.3, 'money', 'EUR')).toBe('EUR 1,973.30');
    expect(formatValue(12345, 'count')).toBe('12,345');
    expect(formatValue(1 / 3, 'ratio')).toBe('33.3%');
    expect(formatValue(null, 'ratio')).toBe('–');
    expect(formatValue('web', undefined)).toBe('web');
  });

  it('labels months and shortens axis numbers', () => {
    expect(categoryLabel('2024-06-01')).toBe('Jun 2024');
    expect(categoryLabel('2024-06-15')).toBe('2024-06-15');
    expect(compactNumber(2_500_000)).toBe('2.5M');
    expect(compactNumber(1500)).toBe('1.5k');
    expect(compactNumber(0.25, 'ratio')).toBe('25%');
  });
});

describe('chart data', () => {
  const rows = [
    { month: '2024-05-01', channel: 'web', revenue: 100 },
    { month: '2024-06-01', channel: 'store', revenue: 200 },
    { month: '2024-06-01', channel: 'web', revenue: 143.83 },
  ];

  it('pivots rows into categories and series, in row order, null where a series has no row', () => {
    expect(chartData({ x: 'month', y: 'revenue', series: 'channel' }, rows)).toEqual({
      categories: ['2024-05-01', '2024-06-01'],
      series: [
        { name: 'web', color: 0, values: [100, 143.83] },
        { name: 'store', color: 1, values: [null, 200] },
      ],
    });
  });

  it('makes measures the series when y lists several columns', () => {
    const data = chartData({ x: 'month', y: ['new_buyers', 'returning_buyers'] }, [{ month: '2024-06-01', new_buyers: 3, returning_buyers: 2 }]);
    expect(data.series).toEqual([
      { name: 'New buyers', color: 0, values: [3] },
      { name: 'Returning buyers', color: 1, values: [2] },
    ]);
  });

  it('counts heatmap rows per cell, or sums or averages a value, with axes in the given order then ascending', () => {
    const cells = [
      { r: 5, fm: 2, p: 0.5 },
      { r: 5, fm: 2, p: 0.25 },
      { r: 1, fm: 4, p: 1 },
    ];
    expect(heatmapData({ x: 'fm', y: 'r' }, cells)).toEqual({ xs: [2, 4], ys: [1, 5], cells: [[1, 0, 1], [0, 1, 2]] });
    expect(heatmapData({ x: 'fm', y: 'r', value: 'p', aggregate: 'mean' }, cells).cells).toEqual([[1, 0, 1], [0, 1, 0.375]]);
    const moves = [
      { from: 'Lost', to: 'New', n: 2 },
      { from: null, to: 'Champions', n: 3 },
    ];
    expect(heatmapData({ x: 'to', y: 'from', value: 'n', order: { x: ['Champions', 'New'], y: [null, 'Champions', 'Lost'] } }, moves)).toEqual({
      xs: ['Champions', 'New'],
      ys: [null, 'Lost'],
      cells: [[0, 0, 3], [1, 1, 2]],
    });
  });

  it('bins whole numbers one value per bin when few, and decimals in equal-width bins including the maximum', () => {
    expect(histogramBins([1, 1, 2, 4].map((n) => ({ n })), 'n')).toEqual([
      { from: 1, to: 2, count: 2 },
      { from: 2, to: 3, count: 1 },
      { from: 3, to: 4, count: 0 },
      { from: 4, to: 5, count: 1 },
    ]);
    expect(histogramBins([0.5, 1.5, 2.5].map((v) => ({ v })), 'v', 2)).toEqual([
      { from: 0.5, to: 1.5, count: 1 },
      { from: 1.5, to: 2.5, count: 2 },
    ]);
  });
});

describe('chart options', () => {
  it('draws one panel per facet value, the largest first, keeping each series colour', () => {
    const table: ReportTable = {
      columns: [],
      rows: [
        { month: '2024-06-01', channel: 'store', currency: 'USD', revenue: 5 },
        { month: '2024-06-01', channel: 'web', currency: 'EUR', revenue: 50 },
        { month: '2024-06-01', channel: 'web', currency: 'USD', revenue: 7 },
      ],
    };

    const panels = chartPanels({ type: 'bar', title: 'Revenue', x: 'month', y: 'revenue', series: 'channel', stacked: true, facet: 'currency', format: 'money' }, table);

    expect(panels.map((p) => [p.caption, p.meta.currency, p.meta.marks])).toEqual([
      ['Revenue — EUR', 'EUR', 1],
      ['Revenue — USD', 'USD', 2],
    ]);
    // 'web' is the table's second series: it keeps the second colour in the EUR panel, where it is alone.
    const series = (i: number) => (panels[i]!.option.series as { name: string; data: unknown[]; stack?: string; itemStyle: { color: string } }[]).map((s) => [s.name, s.itemStyle.color, s.data, s.stack]);
    expect(series(0)).toEqual([['web', '#f28e2b', [50], 'total']]);
    expect(series(1)).toEqual([
      ['store', '#4e79a7', [5], 'total'],
      ['web', '#f28e2b', [7], 'total'],
    ]);
    expect((panels[0]!.option.xAxis as { data: string[] }).data).toEqual(['Jun 2024']);
  });

  it('draws nothing for an empty table, and refuses a scatter plot without y', () => {
    expect(chartPanels({ type: 'heatmap', title: 'H', x: 'a', y: 'b' }, { columns: [], rows: [] })).toEqual([]);
    expect(() => chartPanels({ type: 'scatter', title: 'S', x: 'a' }, { columns: [], rows: [{ a: 1 }] })).toThrow(/scatter plot needs y/);
  });
});

describe('renderDashboard', () => {
  it('escapes the data it shows', () => {
    // Prepare
    const definition = defineReport({
      name: 'escaping',
      title: 'A <b>title</b>',
      description: 'Tom & Jerry',
      sqlDir: new URL('./', import.meta.url),
      tables: [{ name: 't', title: 'T', description: 'd', charts: [{ type: 'line', title: 'L', x: 'k', y: 'v' }] }],
      headlines: () => [],
    });
    const tables = { t: { columns: [{ name: 'k', kind: 'string' as const }, { name: 'v', kind: 'double' as const }], rows: [{ k: '<img src=x onerror=alert(1)>', v: 1.5 }] } };

    // Act
    const page = renderDashboard({ definition, summary: buildSummary(definition, '2024-06-30', tables, []), tables });
    // The inlined chart library is code, not data: look at the page around it.
    const html = page.replace(/<script>[\s\S]*?<\/script>/g, '<script></script>');

    // Assess
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('Tom &amp; Jerry');
    // In the charts' JSON, `<` is escaped so no `</script>` can close the element early.
    expect(html).toContain('\\u003cimg src=x onerror=alert(1)>');
  });
});
