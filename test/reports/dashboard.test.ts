// The dashboard's pure parts: number formatting independent of the machine's locale, chart pivots and
// scales, and HTML escaping of whatever the data holds.
import { describe, expect, it } from 'vitest';
import { renderDashboard } from '#functions/reports/dashboard/dashboard.ts';
import { categoryLabel, compactNumber, formatValue, groupedNumber } from '#functions/reports/dashboard/format.ts';
import { chartData, niceTicks, renderChart } from '#functions/reports/dashboard/svg-chart.ts';
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

describe('charts', () => {
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

  it('picks round ticks that cover the data, whole numbers for counts', () => {
    expect(niceTicks(0, 343.83)).toEqual([0, 100, 200, 300, 400]);
    expect(niceTicks(-30, 120)).toEqual([-50, 0, 50, 100, 150]);
    expect(niceTicks(0, 2, true)).toEqual([0, 1, 2]);
    expect(niceTicks(0, 0.8)).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
  });

  it('draws one panel per facet value, the largest first, keeping each series colour', () => {
    const table: ReportTable = {
      columns: [],
      rows: [
        { month: '2024-06-01', channel: 'store', currency: 'USD', revenue: 5 },
        { month: '2024-06-01', channel: 'web', currency: 'EUR', revenue: 50 },
        { month: '2024-06-01', channel: 'web', currency: 'USD', revenue: 7 },
      ],
    };

    const html = renderChart({ type: 'bar', title: 'Revenue', x: 'month', y: 'revenue', series: 'channel', stacked: true, facet: 'currency', format: 'money' }, table);

    expect(html.indexOf('Revenue — EUR')).toBeLessThan(html.indexOf('Revenue — USD'));
    // 'web' is the table's second series: it keeps the second colour in the EUR panel, where it is alone.
    expect(html).toContain('fill="#f28e2b"><title>Jun 2024 · web: EUR 50.00</title>');
    expect(html).toContain('fill="#f28e2b"><title>Jun 2024 · web: USD 7.00</title>');
    expect(html).toContain('fill="#4e79a7"><title>Jun 2024 · store: USD 5.00</title>');
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
    const html = renderDashboard({ definition, summary: buildSummary(definition, '2024-06-30', tables, []), tables });

    // Assess
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('Tom &amp; Jerry');
  });
});
