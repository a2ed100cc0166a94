// dashboard.html of a report run: one self-contained page (inline CSS, the chart library and the
// charts' data inlined; no fonts, images or scripts to fetch) so it opens offline from S3, a mail
// attachment or the local folder alike. It shows the headline figures, then each output table with
// its interactive charts, its first rows and the SQL to query all of them.
import type { Headline, ReportDefinition, ReportTable, ReportTables, ReportTableSpec, ValueFormat } from '../report-definition.ts';
import { AS_OF_PARTITION } from '../report-layout.ts';
import type { ReportSummary, TableSummary } from '../report-summary.ts';
import { escapeHtml, formatValue, humanize } from './format.ts';
import { chartPanels, type ChartPanel } from './chart-options.ts';
import { CHART_RUNTIME, chartLibrarySource, scriptJson } from './chart-runtime.ts';

/** Tables longer than this start folded, so the charts stay in view. */
const OPEN_TABLE_ROWS = 25;
/** Rows shown per table: per-customer tables can have millions; the query line reads them all. */
const SHOWN_TABLE_ROWS = 200;

export interface DashboardInput {
  definition: ReportDefinition;
  summary: ReportSummary;
  tables: ReportTables;
}

export function renderDashboard({ definition, summary, tables }: DashboardInput): string {
  const title = `${definition.title} — as of ${summary.asOf}`;
  const panels: ChartPanel[] = [];
  const sections = definition.tables.map((spec) => tableSection(spec, tables[spec.name]!, summary.tables.find((t) => t.name === spec.name)!, summary.asOf, panels));
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<header>',
    `<h1>${escapeHtml(definition.title)}</h1>`,
    `<p class="as-of">Data up to and including <strong>${escapeHtml(summary.asOf)}</strong> (UTC)</p>`,
    `<p>${escapeHtml(definition.description)}</p>`,
    '</header>',
    headlineTiles(summary.headlines),
    contents(definition.tables),
    ...sections,
    '<footer>',
    `<p>Report <code>${escapeHtml(summary.report)}</code>, as of ${escapeHtml(summary.asOf)}. Files beside this page: ${summary.files.map((f) => `<code>${escapeHtml(f)}</code>`).join(', ')}.</p>`,
    '<p>Charts: hover for exact values; click a legend entry to hide or show its series; drag the ends of a colour scale to filter cells. Drawn with Apache ECharts (Apache-2.0), inlined in this page.</p>',
    '</footer>',
    ...(panels.length
      ? [
          `<script>${chartLibrarySource()}</script>`,
          `<script type="application/json" id="chart-options">${scriptJson(panels.map(({ option, meta }) => ({ option, meta })))}</script>`,
          `<script>${CHART_RUNTIME}</script>`,
        ]
      : []),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** One tile per headline key; money and other per-currency figures list a line per currency. */
function headlineTiles(headlines: readonly Headline[]): string {
  if (!headlines.length) return '';
  const groups = new Map<string, Headline[]>();
  for (const h of headlines) groups.set(h.key, [...(groups.get(h.key) ?? []), h]);
  const tiles = [...groups.values()].map((group) => {
    const lines = group.map((h) => {
      const text = h.format === 'money' ? formatValue(h.value, 'money', h.currency) : `${h.currency ? `${h.currency} ` : ''}${formatValue(h.value, h.format)}`;
      return `<div class="figure">${escapeHtml(text)}</div>`;
    });
    return `<div class="tile"><div class="label">${escapeHtml(group[0]!.label)}</div>${lines.join('')}</div>`;
  });
  return `<section class="headlines">\n${tiles.join('\n')}\n</section>`;
}

function contents(specs: readonly ReportTableSpec[]): string {
  const links = specs.map((s) => `<li><a href="#${escapeHtml(s.name)}">${escapeHtml(s.title)}</a></li>`);
  return `<nav><ul>${links.join('')}</ul></nav>`;
}

function tableSection(spec: ReportTableSpec, table: ReportTable, summary: TableSummary, asOf: string, panels: ChartPanel[]): string {
  const charts = (spec.charts ?? []).map((chart) => {
    const drawn = chartPanels(chart, table);
    if (!drawn.length) return `<figure class="chart"><figcaption>${escapeHtml(chart.title)}</figcaption><p class="empty">No data to chart.</p></figure>`;
    return drawn
      .map((panel) => {
        panels.push(panel);
        const index = panels.length - 1;
        return `<figure class="chart"><figcaption>${escapeHtml(panel.caption)}</figcaption><div class="echart" data-chart="${index}" data-kind="${panel.meta.kind}" data-marks="${panel.meta.marks}" role="img" aria-label="${escapeHtml(panel.caption)}" style="height:${panel.height}px"></div></figure>`;
      })
      .join('\n');
  });
  const sql = `SELECT * FROM ${summary.view} WHERE ${AS_OF_PARTITION} = DATE '${asOf}'`;
  return [
    `<section id="${escapeHtml(spec.name)}">`,
    `<h2>${escapeHtml(spec.title)}</h2>`,
    `<p>${escapeHtml(spec.description)}</p>`,
    ...charts,
    `<details${table.rows.length <= OPEN_TABLE_ROWS ? ' open' : ''}>`,
    `<summary>${table.rows.length} ${table.rows.length === 1 ? 'row' : 'rows'}</summary>`,
    dataTable(spec, table),
    '</details>',
    `<p class="query">Query these rows: <code>${escapeHtml(sql)}</code></p>`,
    '</section>',
  ].join('\n');
}

function dataTable(spec: ReportTableSpec, table: ReportTable): string {
  if (!table.rows.length) return '<p class="empty">No rows up to the as-of date.</p>';
  const formats = table.columns.map((c): ValueFormat | undefined => spec.formats?.[c.name] ?? defaultFormat(c.kind));
  const numeric = table.columns.map((c) => ['bigint', 'double', 'decimal'].includes(c.kind));
  const head = table.columns.map((c, i) => `<th${numeric[i] ? ' class="num"' : ''} title="${escapeHtml(c.name)}">${escapeHtml(humanize(c.name))}</th>`).join('');
  const body = table.rows
    .slice(0, SHOWN_TABLE_ROWS)
    .map((row) => `<tr>${table.columns.map((c, i) => `<td${numeric[i] ? ' class="num"' : ''}>${escapeHtml(cellText(row[c.name], formats[i]))}</td>`).join('')}</tr>`)
    .join('\n');
  const more = table.rows.length > SHOWN_TABLE_ROWS ? `<p class="empty">The first ${SHOWN_TABLE_ROWS} of ${table.rows.length} rows; the query below reads them all.</p>` : '';
  return `<div class="scroll"><table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table></div>${more}`;
}

/** Money cells sit beside their currency column, so they show the amount alone. */
const defaultFormat = (kind: string): ValueFormat | undefined => (kind === 'bigint' ? 'count' : kind === 'decimal' ? 'money' : undefined);

const cellText = (value: unknown, format: ValueFormat | undefined) => (value instanceof Date ? value.toISOString() : formatValue(value, format));

const STYLE = `
:root { color-scheme: light; --ink: #1f2933; --muted: #5f6b76; --line: #d9dee3; --panel: #f6f8fa; --accent: #4e79a7; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1040px; padding: 24px 20px 48px; color: var(--ink); background: #fff;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
h1 { margin: 0 0 4px; font-size: 28px; }
h2 { margin: 40px 0 4px; font-size: 20px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.as-of { margin: 0; color: var(--muted); }
.headlines { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 12px; margin: 24px 0; }
.tile { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
.tile .label { color: var(--muted); font-size: 13px; }
.tile .figure { font-size: 20px; font-weight: 600; font-variant-numeric: tabular-nums; }
nav ul { list-style: none; padding: 0; margin: 0; display: flex; flex-wrap: wrap; gap: 6px 16px; }
nav a { color: var(--accent); }
figure.chart { margin: 16px 0; }
figcaption { font-weight: 600; margin-bottom: 4px; }
.echart { width: 100%; }
details { margin: 8px 0; }
summary { cursor: pointer; color: var(--accent); }
.scroll { overflow-x: auto; max-height: 520px; overflow-y: auto; border: 1px solid var(--line); border-radius: 6px; margin-top: 6px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { padding: 5px 10px; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; }
th { background: var(--panel); position: sticky; top: 0; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
.query { color: var(--muted); font-size: 13px; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; background: var(--panel); padding: 1px 4px; border-radius: 3px; }
.empty { color: var(--muted); font-style: italic; }
footer { margin-top: 48px; color: var(--muted); font-size: 13px; border-top: 1px solid var(--line); padding-top: 8px; }
`.trim();
