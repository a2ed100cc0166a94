// ECharts imported with `{ type: 'text' }` in Lambda bundles (bundled-chart-library.ts) is its source text.
declare module 'echarts/dist/echarts.min.js' {
  const source: string;
  export default source;
}
