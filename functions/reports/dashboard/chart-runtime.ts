// The browser side of the dashboard charts: ECharts itself, inlined so dashboard.html stays one file
// that opens offline, and a small script that draws every chart from its JSON option, adding the
// tooltip, axis and colour-scale formatters (functions cannot travel in the JSON).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

let library: string | undefined;

/** In a Lambda bundle the library arrives as text (bundled-chart-library.ts) instead of being read from node_modules. */
export function provideChartLibrarySource(source: string): void {
  library = source;
}

/** ECharts' minified UMD build (Apache-2.0, licence header kept), read once from the installed package. */
export function chartLibrarySource(): string {
  library ??= readFileSync(createRequire(import.meta.url).resolve('echarts/dist/echarts.min.js'), 'utf8');
  if (/<\/script/i.test(library)) throw new Error('the chart library contains "</script" and cannot be inlined');
  return library;
}

/** JSON safe inside a <script> element: `<` escaped so no `</script>` or `<!--` can appear. */
export const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

/** Draws every `[data-chart]` element from the options in `#chart-options`. Plain ES2017 for any browser. */
export const CHART_RUNTIME = String.raw`(function () {
  'use strict';
  var grouped = function (v, d) { return v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }); };
  var fmt = function (v, format, currency) {
    if (v === null || v === undefined || typeof v !== 'number' || !isFinite(v)) return '\u2013';
    if (format === 'money') return (currency ? currency + ' ' : '') + grouped(v, 2);
    if (format === 'count') return grouped(v, 0);
    if (format === 'ratio') return grouped(v * 100, 1) + '%';
    return Number.isInteger(v) ? grouped(v, 0) : grouped(v, 2);
  };
  var compact = function (v, format) {
    if (format === 'ratio') return grouped(v * 100, 0) + '%';
    var a = Math.abs(v), units = [[1e9, 'B'], [1e6, 'M'], [1e3, 'k']];
    for (var i = 0; i < units.length; i++) if (a >= units[i][0]) return (v / units[i][0]).toFixed(1).replace(/\.0$/, '') + units[i][1];
    return String(Math.round(v * 100) / 100);
  };
  var esc = echarts.format.encodeHTML;
  var specs = JSON.parse(document.getElementById('chart-options').textContent);
  var charts = [];
  document.querySelectorAll('[data-chart]').forEach(function (el) {
    var spec = specs[Number(el.getAttribute('data-chart'))], option = spec.option, meta = spec.meta;
    var value = function (v) { return fmt(v, meta.format, meta.currency); };
    if (meta.kind === 'heatmap') {
      var xs = option.xAxis.data, ys = option.yAxis.data;
      option.tooltip.formatter = function (p) {
        return esc(meta.yName) + ': <b>' + esc(String(ys[p.data[1]])) + '</b><br>' + esc(meta.xName) + ': <b>' + esc(String(xs[p.data[0]])) + '</b><br>' + value(p.data[2]);
      };
      option.series[0].label.formatter = function (p) { return compact(p.data[2], meta.format); };
      option.visualMap.formatter = function (v) { return compact(v, meta.format); };
    } else if (meta.kind === 'scatter') {
      option.tooltip.formatter = function (p) {
        return esc(p.seriesName) + '<br>' + esc(meta.xName) + ': <b>' + fmt(p.data[0], meta.xFormat, meta.currency) + '</b><br>' + esc(meta.yName) + ': <b>' + value(p.data[1]) + '</b>';
      };
      option.xAxis.axisLabel = { formatter: function (v) { return compact(v, meta.xFormat); } };
      option.yAxis.axisLabel = { formatter: function (v) { return compact(v, meta.format); } };
    } else {
      option.tooltip.valueFormatter = value;
      option.yAxis.axisLabel = { formatter: function (v) { return compact(v, meta.format); } };
    }
    var chart = echarts.init(el, null, { renderer: 'svg' });
    chart.setOption(option);
    charts.push(chart);
  });
  window.addEventListener('resize', function () { charts.forEach(function (c) { c.resize(); }); });
})();`;
