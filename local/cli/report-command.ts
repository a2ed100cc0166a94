// `crm report NAME|all [--as-of YYYY-MM-DD]`: runs reports on the local lake through DuckDB and writes
// each run to `<dir>/reports/<name>/as_of=<date>/` — the same runReport a report Lambda calls with
// Athena and S3. Prints a JSON account of what was written; progress goes to stderr.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { EventBus } from '#lib/bus/event-bus.ts';
import { LocalBus } from '#lib/bus/local-bus.ts';
import { openLocalQueryEngine } from '#lib/query/duckdb-engine.ts';
import { FsObjectStore } from '#lib/store/fs-object-store.ts';
import { isCalendarDate, todayUtc } from '#functions/reports/as-of.ts';
import { findReport, reportNames } from '#functions/reports/catalog.ts';
import type { ScoreSink, ScoreWriteCounts } from '#functions/reports/report-scores.ts';
import { runPrefix } from '#functions/reports/report-layout.ts';
import { runReport } from '#functions/reports/run-report.ts';
import { withLocalStack } from '../stack.ts';
import { recordWriterScoreSink } from '../reports/score-sink.ts';
import { UsageError } from './usage.ts';
import type { Options } from './main.ts';
import { startProgress, type ProgressOptions } from './progress.ts';

const validNames = () => `${reportNames.join(', ')}, or all`;

export async function reportCommand(positionals: string[], options: Options): Promise<number> {
  if (positionals[0] === 'open') return openDashboard(positionals.slice(1), options);
  const [name, ...extra] = positionals;
  if (!name) throw new UsageError(`report NAME is required: one of ${validNames()}`);
  if (extra.length) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  if (name !== 'all' && !reportNames.includes(name)) throw new UsageError(`unknown report "${name}": one of ${validNames()}`);
  const asOf = options['as-of'] === undefined ? todayUtc() : String(options['as-of']);
  if (!isCalendarDate(asOf)) throw new UsageError(`--as-of must be a calendar date YYYY-MM-DD, got "${asOf}"`);
  if (options.stage !== undefined) return runOnStage(String(options.stage), name === 'all' ? reportNames : [name], asOf);
  const dir = String(options.dir);
  const lakeDir = join(dir, 'lake');
  // A missing lake is most likely a wrong --dir: say so rather than write empty reports.
  if (!existsSync(lakeDir)) throw new Error(`no lake in ${resolve(dir)} (expected ${resolve(lakeDir)}): load data with crm ingest or crm demo first, or pass --dir`);

  const names = name === 'all' ? reportNames : [name];
  const progressOptions = { quiet: options.quiet === true };
  // Reports with score records write them back to the table: those run inside the local stack, whose
  // stream then carries the scores into the lake and whose rules see the reports' events.
  const { written, failed } = names.some((n) => findReport(n)?.scores)
    ? await withLocalStack(dir, (stack) => runLocalReports(dir, names, asOf, stack.bus, recordWriterScoreSink(stack.writer), progressOptions))
    : await runLocalReports(dir, names, asOf, undefined, undefined, progressOptions);
  process.stdout.write(`${JSON.stringify({ asOf, reports: written, ...(failed.length ? { failed } : {}) }, null, 2)}\n`);
  return failed.length ? 1 : 0;
}

/** The scheduled runs started now, one after the other, each awaited; the same JSON shape as locally. */
async function runOnStage(stageName: string, names: readonly string[], asOf: string): Promise<number> {
  const { resolveDeployedStack } = await import('../stage/deployed-stack.ts');
  const { runStageReport } = await import('../stage/stage-commands.ts');
  const stack = await resolveDeployedStack(stageName);
  const written: unknown[] = [];
  const failed: { report: string; error: string }[] = [];
  for (const report of names) {
    process.stderr.write(`${report} as of ${asOf}: started on ${stack.stackName}\n`);
    const run = await runStageReport(stack, report, asOf);
    if (run.status === 'SUCCEEDED') written.push({ report, executionArn: run.executionArn, ...(run.output as object) });
    else {
      process.stderr.write(`${report} as of ${asOf} ${run.status.toLowerCase()}: ${run.error}\n`);
      failed.push({ report, error: `${run.status}: ${run.error}` });
    }
  }
  process.stdout.write(`${JSON.stringify({ asOf, reports: written, ...(failed.length ? { failed } : {}) }, null, 2)}\n`);
  return failed.length ? 1 : 0;
}

/** `crm report open NAME [--as-of D] --stage S`: prints a pre-signed link (5 minutes) to the dashboard. */
async function openDashboard(positionals: string[], options: Options): Promise<number> {
  const [name, ...extra] = positionals;
  if (!name || !reportNames.includes(name)) throw new UsageError(`report open NAME: one of ${reportNames.join(', ')}`);
  if (extra.length) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  if (options.stage === undefined) throw new UsageError(`report open needs --stage (locally the dashboard is ${join(String(options.dir), 'reports', name, 'as_of=<date>', 'dashboard.html')}, or crm serve)`);
  const asOf = options['as-of'] === undefined ? undefined : String(options['as-of']);
  if (asOf !== undefined && !isCalendarDate(asOf)) throw new UsageError(`--as-of must be a calendar date YYYY-MM-DD, got "${asOf}"`);
  const { resolveDeployedStack } = await import('../stage/deployed-stack.ts');
  const { dashboardUrl } = await import('../stage/stage-commands.ts');
  process.stdout.write(`${await dashboardUrl(await resolveDeployedStack(String(options.stage)), name, asOf)}\n`);
  return 0;
}

export interface LocalReportRuns {
  written: {
    report: string;
    path: string;
    files: string[];
    tables: { name: string; view: string; rows: number }[];
    headlines: unknown;
    events?: Record<string, number>;
    /** Score records written back (created, updated, unchanged, ...), when a sink was given. */
    scores?: Omit<ScoreWriteCounts, 'errors'>;
  }[];
  failed: { report: string; error: string }[];
}

/**
 * Runs reports over `<dir>/lake` into `<dir>/reports`; one failing report does not stop the others.
 * Their events (segment moves, churn risk) go onto `bus`, by default the local bus that archives them
 * in `<dir>/events/events.ndjson`.
 */
export async function runLocalReports(
  dir: string,
  names: readonly string[],
  asOf: string,
  bus: EventBus = new LocalBus(resolve(dir)),
  scores?: ScoreSink,
  progressOptions: ProgressOptions = {},
): Promise<LocalReportRuns> {
  const lakeDir = join(dir, 'lake');
  const reportsDir = resolve(dir, 'reports');
  const store = new FsObjectStore(reportsDir);
  const engine = await openLocalQueryEngine({ lakeDir });
  const written: LocalReportRuns['written'] = [];
  const failed: { report: string; error: string }[] = [];
  const progress = startProgress(`reports as of ${asOf}`, 'reports', progressOptions, names.length);
  try {
    for (const [done, report] of names.entries()) {
      const started = performance.now();
      progress.update(done);
      try {
        let scoreWrites: ScoreWriteCounts | undefined;
        const summary = await runReport({ engine, store, name: report, asOf, bus, ...(scores ? { scores, onScoresWritten: (c: ScoreWriteCounts) => (scoreWrites = c) } : {}) });
        const rows = summary.tables.reduce((n, t) => n + t.rows, 0);
        progress.end();
        const scoreCounts = scoreWrites && (({ errors: _errors, ...counts }) => counts)(scoreWrites);
        const scoreNote = scoreCounts ? `; scores ${Object.entries(scoreCounts).map(([k, v]) => `${k} ${v}`).join(', ')}` : '';
        process.stderr.write(`${report} as of ${asOf}: ${summary.tables.length} tables, ${rows} rows in ${Math.round(performance.now() - started)} ms${scoreNote}\n`);
        written.push({
          report,
          path: join(reportsDir, runPrefix(report, asOf)),
          files: summary.files,
          tables: summary.tables.map(({ name: table, view, rows: count }) => ({ name: table, view, rows: count })),
          headlines: summary.headlines,
          ...(summary.events ? { events: summary.events } : {}),
          ...(scoreCounts ? { scores: scoreCounts } : {}),
        });
      } catch (err) {
        // One broken report must not keep the others from being written.
        progress.end();
        process.stderr.write(`${report} as of ${asOf} failed: ${(err as Error).message}\n`);
        failed.push({ report, error: (err as Error).message });
      }
    }
  } finally {
    progress.end();
    await engine.close();
  }
  return { written, failed };
}
