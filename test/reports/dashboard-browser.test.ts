// Every report's dashboard opened in a real browser (Debian's chromium driven by playwright-core): each
// chart drew a graphic for every data value and the page logged no error and fetched nothing (it
// must open offline). Hovering shows the exact value; a legend click hides its series.
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocalQueryEngine } from '#lib/query/duckdb-engine.ts';
import { FsObjectStore } from '#lib/store/fs-object-store.ts';
import { reportNames } from '#functions/reports/catalog.ts';
import { runReport } from '#functions/reports/run-report.ts';
import { DASHBOARD_FILE, runPrefix } from '#functions/reports/report-layout.ts';
import type { ValueFormat } from '#functions/reports/report-definition.ts';
import { formatValue } from '#functions/reports/dashboard/format.ts';
import { DEMO_AS_OF, writeDemoLake } from './demo-lake-fixture.ts';
import { tempDir } from './sales-lake-fixture.ts';

/** Debian's chromium (`apt-get install chromium`; .ci/run installs it when missing). */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let dir: string;
let reportsDir: string;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  dir = await tempDir('dashboards-');
  const { lakeDir } = await writeDemoLake(dir, { seed: 7, customers: 300 });
  reportsDir = path.join(dir, 'reports');
  const engine = await openLocalQueryEngine({ lakeDir });
  const store = new FsObjectStore(reportsDir);
  try {
    // An earlier rfm run first, so the movement matrix has something to show.
    await runReport({ engine, store, name: 'rfm', asOf: '2026-07-31' });
    for (const name of reportNames) await runReport({ engine, store, name, asOf: DEMO_AS_OF });
  } finally {
    await engine.close();
  }
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await rm(dir, { recursive: true, force: true });
});

interface ChartCheck {
  caption: string;
  kind: string;
  /** Data values the chart should draw (from the page's data-marks). */
  expected: number;
  /** Data values with a drawn, non-empty graphic in ECharts' scene. */
  drawn: number;
  /** Filled SVG paths in the chart's DOM. */
  filledPaths: number;
}

async function openDashboard(report: string): Promise<{ page: Page; errors: string[]; requests: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
  // Offline: anything but the file itself is recorded and refused.
  const file = pathToFileURL(path.join(reportsDir, runPrefix(report, DEMO_AS_OF), DASHBOARD_FILE)).href;
  await page.route('**/*', (route) => {
    if (route.request().url() === file) return route.continue();
    requests.push(route.request().url());
    return route.abort();
  });
  await page.goto(file);
  await page.waitForLoadState('load');
  await page.evaluate(PROBE);
  return { page, errors, requests };
}

/**
 * Browser-side probes (plain JS: the page has no TypeScript, and the project's types have no DOM).
 * charts(): per chart, the data values with a drawn, non-empty graphic in ECharts' own scene and the
 * filled SVG paths in its DOM; values(i): the numbers chart i plots; targets(i): centres of its filled
 * marks; tooltip(i): the visible tooltip text; seriesName(i): the name of its first series.
 */
const PROBE = String.raw`window.__probe = {
  filled: (el) => [...el.querySelectorAll('svg path')].filter((p) => !['none', 'transparent', null].includes(p.getAttribute('fill'))),
  charts() {
    return [...document.querySelectorAll('[data-chart]')].map((el) => {
      const chart = echarts.getInstanceByDom(el);
      let drawn = 0;
      for (const series of chart ? chart.getModel().getSeries() : []) {
        const data = series.getData();
        for (let i = 0; i < data.count(); i++) {
          const graphic = data.getItemGraphicEl(i);
          if (!graphic || graphic.ignore || graphic.invisible) continue;
          const box = graphic.getBoundingRect();
          if (box.width > 0 || box.height > 0) drawn++;
        }
      }
      return { caption: el.getAttribute('aria-label') || '', kind: el.dataset.kind || '', expected: Number(el.dataset.marks), drawn, filledPaths: this.filled(el).length };
    });
  },
  spec: (i) => JSON.parse(document.getElementById('chart-options').textContent)[i],
  values(i) {
    const { option, meta } = this.spec(i);
    const values = option.series.flatMap((s) => s.data.map((d) => (Array.isArray(d) ? d[d.length - 1] : d))).filter((v) => typeof v === 'number');
    return { values, meta };
  },
  targets(i) {
    const el = document.querySelectorAll('[data-chart]')[i];
    el.scrollIntoView();
    return this.filled(el).map((p) => p.getBoundingClientRect()).filter((r) => r.width > 2 && r.height > 2).map((r) => ({ x: r.left + r.width / 2, y: r.top + r.height / 2 }));
  },
  tooltip(i) {
    const el = document.querySelectorAll('[data-chart]')[i];
    return [...el.querySelectorAll('div')].filter((d) => d.style.position === 'absolute' && getComputedStyle(d).display !== 'none' && getComputedStyle(d).visibility !== 'hidden').map((d) => d.innerText).join(' | ');
  },
  seriesName(i) { return this.spec(i).option.series[0].name; },
};`;

const checkCharts = (page: Page) => page.evaluate('window.__probe.charts()') as Promise<ChartCheck[]>;

// The fixture is the demo data set written straight into the lake: no rules ran, so the automation report's
// tables (automation_runs, tasks) are empty there and it has no marks to draw; every other report is opened.
const drawnReports = reportNames.filter((r) => r !== 'automation');

describe.each(drawnReports)('dashboard of %s in chromium', (report) => {
  let page: Page;
  let errors: string[];
  let requests: string[];
  let charts: ChartCheck[];
  beforeAll(async () => {
    ({ page, errors, requests } = await openDashboard(report));
    charts = await checkCharts(page);
    await page.screenshot({ path: path.join(dir, `${report}.png`), fullPage: true });
  }, 60_000);
  afterAll(async () => {
    await page?.close();
  });

  it('draws every chart with a mark for each data value, logs no error and fetches nothing', () => {
    expect(charts.length).toBeGreaterThan(0);
    for (const chart of charts) {
      expect(chart.expected, chart.caption).toBeGreaterThan(0);
      // Bars of zero height have no area: only non-zero values count as marks.
      expect(chart.drawn, chart.caption).toBeGreaterThanOrEqual(chart.expected);
      expect(chart.filledPaths, chart.caption).toBeGreaterThanOrEqual(chart.expected);
    }
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
  });

  it('shows the exact value of a mark on hover', async () => {
    // The values the first chart plots, formatted as the dashboard formats them (money with its currency).
    const { values, meta } = (await page.evaluate('window.__probe.values(0)')) as { values: number[]; meta: { format: ValueFormat; currency?: string } };
    const exact = new Set(values.map((v) => formatValue(v, meta.format, meta.currency)));
    const targets = (await page.evaluate('window.__probe.targets(0)')) as { x: number; y: number }[];
    let tooltip = '';
    for (const point of targets.slice(0, 40)) {
      await page.mouse.move(point.x, point.y);
      await page.waitForTimeout(60);
      tooltip = (await page.evaluate('window.__probe.tooltip(0)')) as string;
      if ([...exact].some((text) => tooltip.includes(text))) break;
    }
    expect([...exact].filter((text) => tooltip.includes(text)), tooltip).not.toEqual([]);
  });
});

describe('dashboard interactions', () => {
  it('hides a series when its legend entry is clicked', async () => {
    const { page } = await openDashboard('sales_overview');
    try {
      const before = await checkCharts(page);
      const index = before.findIndex((c) => c.kind === 'bar');
      const chart = page.locator('[data-chart]').nth(index);
      await chart.scrollIntoViewIfNeeded();
      // A legend entry is an SVG <text> with the series name.
      const name = (await page.evaluate(`window.__probe.seriesName(${index})`)) as string;
      await chart.locator('svg text', { hasText: new RegExp(`^${name}$`) }).first().click();
      await page.waitForTimeout(100);
      const after = await checkCharts(page);
      expect(after[index]!.drawn).toBeLessThan(before[index]!.drawn);
    } finally {
      await page.close();
    }
  });
});
