// The index page of `crm serve`: every report dashboard under <dir>/reports, latest as-of date first, and the API's routes.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface DashboardLink {
  report: string;
  asOf: string;
  /** Server path, e.g. `/reports/rfm/as_of=2026-10-31/dashboard.html`. */
  href: string;
}

export function listDashboards(dir: string): DashboardLink[] {
  const root = join(dir, 'reports');
  if (!existsSync(root)) return [];
  const out: DashboardLink[] = [];
  for (const report of readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
    const runs = readdirSync(join(root, report), { withFileTypes: true })
      .filter((d) => d.isDirectory() && /^as_of=\d{4}-\d{2}-\d{2}$/.test(d.name) && existsSync(join(root, report, d.name, 'dashboard.html')))
      .map((d) => d.name)
      .sort()
      .reverse();
    for (const run of runs) out.push({ report, asOf: run.slice('as_of='.length), href: `/reports/${encodeURIComponent(report)}/${run}/dashboard.html` });
  }
  return out;
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function indexPage(dir: string, links: DashboardLink[]): string {
  const byReport = new Map<string, DashboardLink[]>();
  for (const l of links) byReport.set(l.report, [...(byReport.get(l.report) ?? []), l]);
  const reports = [...byReport.entries()]
    .map(([report, runs]) => `<li><strong>${escape(report)}</strong>: ${runs.map((r) => `<a href="${escape(r.href)}">${escape(r.asOf)}</a>`).join(', ')}</li>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>CRM (local)</title>
<style>body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;line-height:1.5}code{background:#f3f3f3;padding:0 .2rem}</style></head>
<body>
<h1>CRM on this machine</h1>
<p>State directory <code>${escape(dir)}</code>.</p>
<h2>Report dashboards</h2>
${links.length ? `<ul id="dashboards">\n${reports}\n</ul>` : '<p id="dashboards">No reports yet: run <code>crm report all</code> or <code>crm demo</code>.</p>'}
<h2>API</h2>
<ul>
<li><code>POST /v1/{entity}</code>: a JSON array of records (or <code>{"records": [...]}</code>), as the AWS ingest API</li>
<li><code>GET /v1/customers/{id}</code>, <code>GET /v1/customers?phone=...</code>, <code>GET /v1/customers?email=...</code>: the customer 360 profile</li>
</ul>
</body></html>
`;
}
