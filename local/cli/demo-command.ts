// `crm demo`: generate a deterministic data set, ingest it through the ingest handler, let the stream
// handler fill the lake, and print what happened.
import { join } from 'node:path';
import { entities, type EntityName } from '#schemas/registry.ts';
import { DEFAULT_AS_OF, generateDemo, writeDemoInput } from '../demo/generate.ts';
import { reportNames } from '#functions/reports/catalog.ts';
import { runLocalReports } from './report-command.ts';
import { recordWriterScoreSink } from '../reports/score-sink.ts';
import { withLocalStack } from '../stack.ts';
import { writeLocalClock } from '../automation/local-rules.ts';
import { shiftDate } from '#functions/rules/rules-runtime.ts';
import { openLocalQueryEngine } from '#lib/query/duckdb-engine.ts';
import { exitCodeFor, ingestFile } from './ingest-command.ts';
import { intOption, type Options } from './main.ts';
import { startProgress } from './progress.ts';

/** Parents before children, so the order of events on the bus reads naturally. */
const INGEST_ORDER: EntityName[] = ['user', 'customer', 'contact', 'campaign', 'product', 'lead', 'campaign_touch', 'opportunity', 'order', 'contract', 'payment', 'activity', 'ticket', 'survey_response', 'task', 'automation_run', 'score'];
/** Schedule and date rules run for the last days of the data set, the rules' clock on each day. */
const AUTOMATION_DAYS = 30;

/**
 * The demo's data set is made again from its seed by running the demo again, so its DynamoDB Local skips the fsync per
 * commit (SQLite synchronous NORMAL): a crash of crm or the JVM loses nothing; an OS crash mid-demo may roll back its
 * last writes. Every other command keeps FULL.
 */
const DEMO_STACK = { sqliteSynchronous: 'NORMAL' } as const;

/**
 * Customers of `crm demo` without --customers. Set by wall time, not by size (issue 11): `npm start` must stay under
 * 60 s on a 2-core machine, and DynamoDB Local writes about 600 to 900 items a second there whatever the client
 * does (one SQLite thread behind a hand-off per statement), so the size follows what the demo runs (every rule
 * over 30 days, every report). 500 customers took 60 to 71 s once all of that was in; 350 gives about 12,700 records.
 */
export const DEFAULT_DEMO_CUSTOMERS = 350;

const log = (message: string) => process.stderr.write(`${message}\n`);
const seconds = (start: number) => Math.round((performance.now() - start) / 10) / 100;

export async function demoCommand(positionals: string[], options: Options): Promise<number> {
  if (positionals.length) throw new Error(`unexpected arguments: ${positionals.join(' ')}`);
  const dir = String(options.dir);
  const seed = intOption(options, 'seed', 1);
  // The default size is set by wall time (see DEFAULT_DEMO_CUSTOMERS). `--customers 1000` is the size the acceptance checks use.
  const customers = intOption(options, 'customers', DEFAULT_DEMO_CUSTOMERS, 1);
  const months = intOption(options, 'months', 24, 1);
  const progress = { quiet: options.quiet === true };
  const started = performance.now();

  let t = performance.now();
  const data = generateDemo({ seed, customers, months });
  await writeDemoInput(dir, data);
  const generated = seconds(t);
  const distinctIds = Object.fromEntries(Object.entries(data).map(([table, rows]) => [table, new Set((rows as { id: string }[]).map((r) => r.id)).size]));
  log(`generated ${Object.values(data).reduce((n, rows) => n + rows.length, 0)} records for ${customers} customers over ${months} months in ${generated}s -> ${join(dir, 'input')}`);

  t = performance.now();
  // The rules' present is the end of the data set, so "no activity for 7 days" means 7 days before it.
  writeLocalClock(dir, DEFAULT_AS_OF);
  const lastDay = DEFAULT_AS_OF.toISOString().slice(0, 10);
  const { ingest, stream, automation, asOf, reportRuns, reported } = await withLocalStack(dir, async (stack) => {
    const ingest: Record<string, Awaited<ReturnType<typeof ingestFile>>> = {};
    for (const name of INGEST_ORDER) {
      const entity = entities[name];
      const t0 = performance.now();
      const rows = data[entity.table as keyof typeof data]?.length;
      const summary = await ingestFile(stack, join(dir, 'input', `${entity.table}.ndjson`), entity, 'ndjson', { progress, ...(rows === undefined ? {} : { rows }) });
      ingest[entity.table] = summary;
      log(`ingested ${entity.table}: ${summary.accepted} accepted, ${summary.rejected} rejected in ${seconds(t0)}s`);
    }
    const t1 = performance.now();
    const stream = await stack.sync();
    log(`stream: ${stream.records} changes -> ${stream.files} lake files, ${stream.events} events in ${seconds(t1)}s`);
    // Event rules ran as the stream published; their tasks and assignments are changes of their own.
    const tRules = performance.now();
    const settled = await stack.settle();
    log(`event rules: ${settled.changes} changes from automations in ${seconds(tRules)}s`);
    const t2 = performance.now();
    const firstDay = shiftDate(lastDay, -(AUTOMATION_DAYS - 1));
    const days = startProgress(`schedule and date rules ${firstDay}..${lastDay}`, 'days', progress, AUTOMATION_DAYS);
    let daysDone = 0;
    await stack.rules.runDays(firstDay, lastDay, stack.sync, () => days.update(++daysDone));
    days.end();
    log(`schedule and date rules ${firstDay}..${lastDay} in ${seconds(t2)}s`);
    // Reports as of the generator's fixed as-of date, so the same seed gives the same report files. They run
    // inside the stack so the events they publish (ChurnRiskDetected, CustomerSegmentChanged) reach the rules.
    const t3 = performance.now();
    const asOf = DEFAULT_AS_OF.toISOString().slice(0, 10);
    // rfm first as of the previous month's end, so the run as of asOf has a movement matrix and
    // publishes CustomerSegmentChanged events for the customers who moved.
    const baseline = new Date(Date.UTC(DEFAULT_AS_OF.getUTCFullYear(), DEFAULT_AS_OF.getUTCMonth(), 0)).toISOString().slice(0, 10);
    const baselineRuns = reportNames.includes('rfm') ? await runLocalReports(dir, ['rfm'], baseline, stack.bus, undefined, progress) : { written: [], failed: [] };
    // Only the as-of run writes scores back: the baseline's would be replaced at once.
    const reportRuns = await runLocalReports(dir, reportNames, asOf, stack.bus, recordWriterScoreSink(stack.writer), progress);
    reportRuns.failed.push(...baselineRuns.failed);
    for (const r of reportRuns.written) log(`report ${r.report} as of ${asOf} -> ${r.path}`);
    const reported = seconds(t3);
    const t4 = performance.now();
    const fromReports = await stack.settle();
    log(`rules on the reports' events: ${fromReports.changes} changes in ${seconds(t4)}s`);
    const automation = { days: { from: firstDay, to: lastDay }, runs: Object.fromEntries([...stack.rules.runtime.counts.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) };
    return { ingest, stream, automation, asOf, reportRuns, reported };
  }, DEMO_STACK);
  const ingested = seconds(t);

  t = performance.now();
  const engine = await openLocalQueryEngine({ lakeDir: join(dir, 'lake') });
  const tables: Record<string, unknown> = {};
  try {
    for (const entity of Object.values(entities)) {
      const rows = (await engine.query(`SELECT count(*) AS n FROM ${entity.table}`)).rows;
      const s = ingest[entity.table]!;
      tables[entity.table] = {
        records: data[entity.table as keyof typeof data]?.length ?? 0,
        distinctIds: distinctIds[entity.table] ?? 0,
        accepted: s.accepted,
        rejected: s.rejected,
        inLake: Number(rows[0]?.n ?? 0),
      };
    }
  } finally {
    await engine.close();
  }
  const verified = seconds(t);


  const summary = {
    dir,
    seed,
    customers,
    months,
    tables,
    lake: { dir: join(dir, 'lake'), files: stream.files, changes: stream.records, deadLettered: stream.deadLettered },
    events: { published: stream.events, file: join(dir, 'events', 'events.ndjson') },
    automation: { ...automation, outbox: join(dir, 'outbox') },
    reports: {
      asOf,
      written: reportRuns.written.map((r) => ({ report: r.report, path: r.path, tables: r.tables.map((x) => x.view), headlines: r.headlines, ...(r.events ? { events: r.events } : {}), ...(r.scores ? { scores: r.scores } : {}) })),
      ...(reportRuns.failed.length ? { failed: reportRuns.failed } : {}),
    },
    seconds: { generate: generated, ingestAndStream: ingested, verify: verified, reports: reported, total: seconds(started) },
    next: [
      `npx crm query --dir ${dir} "SELECT count(*) FROM orders"`,
      `npx crm query --dir ${dir} "SELECT * FROM sales_overview_monthly_sales WHERE as_of = DATE '${asOf}' ORDER BY 1 DESC LIMIT 12"`,
      `open ${join(dir, 'reports', 'sales_overview', `as_of=${asOf}`, 'dashboard.html')}`,
      `npx crm query --dir ${dir} "SELECT from_segment, to_segment, customers FROM rfm_segment_movements WHERE as_of = DATE '${asOf}' AND moved ORDER BY customers DESC LIMIT 10"`,
      `open ${join(dir, 'reports', 'rfm', `as_of=${asOf}`, 'dashboard.html')}`,
      `npx crm customer --dir ${dir} cus-000001`,
      `npx crm query --dir ${dir} "SELECT rule_id, status, count(*) AS runs FROM automation_runs GROUP BY 1, 2 ORDER BY 1, 2"`,
    ],
  };
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  return Math.max(...Object.values(ingest).map(exitCodeFor), reportRuns.failed.length ? 1 : 0);
}
