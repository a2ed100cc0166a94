// `crm rules list|validate`, `crm automations run` and `crm events replay`: the automation rules on the local stack.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { shiftDate } from '#functions/rules/rules-runtime.ts';
import { openLocalQueryEngine } from '#lib/query/duckdb-engine.ts';
import { AutomationConfigError, automationConfigPath, loadAutomationConfig } from '#lib/rules/config.ts';
import type { EventBridgeEnvelope } from '#lib/bus/local-bus.ts';
import type { ResolvedRule } from '#schemas/rules.ts';
import { readLocalClock } from '../automation/local-rules.ts';
import { withLocalStack } from '../stack.ts';
import { UsageError } from './usage.ts';
import type { Options } from './main.ts';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const log = (message: string) => process.stderr.write(`${message}\n`);

function describeTrigger(r: ResolvedRule): string {
  const t = r.trigger;
  if (t.type === 'event') return `event ${JSON.stringify(t.pattern)}`;
  if (t.type === 'schedule') return `schedule ${t.expression} ${t.timezone}`;
  const when = t.offsetDays === 0 ? 'on' : t.offsetDays < 0 ? `${-t.offsetDays} days before` : `${t.offsetDays} days after`;
  return `date ${when} ${t.entity}.${t.field}${t.anniversary ? ' (anniversary)' : ''} at ${t.at ?? '08:00'} ${t.timezone}`;
}

/** `crm rules validate [FILE]`: 0 valid, 2 invalid with one `rule <id>: <field>: <reason>` line per problem. */
export async function rulesValidate(file: string | undefined): Promise<number> {
  const path = automationConfigPath(file);
  try {
    const config = loadAutomationConfig(file);
    process.stdout.write(`${JSON.stringify({ file: path, valid: true, rules: config.rules.length, enabled: config.rules.filter((r) => r.enabled).length }, null, 2)}\n`);
    return 0;
  } catch (err) {
    if (!(err instanceof AutomationConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.stdout.write(`${JSON.stringify({ file: path, valid: false, issues: err.issues }, null, 2)}\n`);
    return 2;
  }
}

/** `crm rules list [--dir D]`: each rule with trigger, state and its runs by status from the lake. */
export async function rulesList(options: Options): Promise<number> {
  const config = loadAutomationConfig();
  const runs = new Map<string, Record<string, number>>();
  const lakeDir = join(String(options.dir), 'lake');
  if (existsSync(join(lakeDir, 'automation_runs'))) {
    const engine = await openLocalQueryEngine({ lakeDir });
    try {
      for (const row of (await engine.query('SELECT rule_id, status, count(*) AS n FROM automation_runs GROUP BY 1, 2')).rows) {
        const c = runs.get(String(row.rule_id)) ?? {};
        c[String(row.status)] = Number(row.n);
        runs.set(String(row.rule_id), c);
      }
    } finally {
      await engine.close();
    }
  }
  const list = config.rules.map((r) => ({ id: r.id, enabled: r.enabled, trigger: describeTrigger(r), ...(r.builtIn ? { builtIn: r.builtIn } : {}), runs: runs.get(r.id) ?? {}, description: r.description }));
  process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
  return 0;
}

/** `crm automations run [--as-of D | --from D1 --to D2] [--dir D]`. */
export async function automationsCommand(positionals: string[], options: Options): Promise<number> {
  const [sub, ...extra] = positionals;
  if (sub !== 'run') throw new UsageError(sub ? `unknown automations sub-command "${sub}" (expected "run")` : 'automations needs a sub-command: run');
  if (extra.length) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  const asOf = options['as-of'] as string | undefined;
  let from = options.from as string | undefined;
  let to = options.to as string | undefined;
  if (asOf !== undefined && (from !== undefined || to !== undefined)) throw new UsageError('give either --as-of or --from/--to');
  const dir = String(options.dir);
  const today = new Date(readLocalClock(dir) ?? Date.now()).toISOString().slice(0, 10);
  if (asOf !== undefined) from = to = asOf;
  from ??= to ?? today;
  to ??= from;
  for (const [flag, v] of [['from', from], ['to', to]] as const) if (!DATE.test(v) || Number.isNaN(Date.parse(v))) throw new UsageError(`--${flag === 'from' && asOf ? 'as-of' : flag} must be YYYY-MM-DD, got "${v}"`);
  if (from > to) throw new UsageError(`--from ${from} is after --to ${to}`);
  if (Date.parse(to) - Date.parse(from) > 366 * 86_400_000) throw new UsageError('the range may span at most 366 days');
  const summary = await withLocalStack(dir, async (stack) => {
    await stack.settle();
    const days: { date: string; runs: Record<string, number> }[] = [];
    await stack.rules.runDays(from!, to!, stack.sync, (date, outcomes) => {
      const runs: Record<string, number> = {};
      for (const o of outcomes) runs[o.status] = (runs[o.status] ?? 0) + 1;
      days.push({ date, runs });
      log(`automations ${date}: ${outcomes.length} runs ${JSON.stringify(runs)}`);
    });
    return { from, to, days, runs: Object.fromEntries(stack.rules.runtime.counts) };
  });
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  return 0;
}

function readArchive(dir: string, from?: string, to?: string): EventBridgeEnvelope[] {
  const file = join(dir, 'events', 'events.ndjson');
  if (!existsSync(file)) return [];
  const lo = from ? Date.parse(from) : -Infinity;
  const hi = to ? Date.parse(to) : Infinity;
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as EventBridgeEnvelope & { bus?: string })
    .filter((e) => {
      const t = Date.parse(e.time);
      return t >= lo && t <= hi;
    })
    .map(({ bus: _bus, ...e }) => e);
}

/** `crm events replay [--from ISO] [--to ISO] [--dir D]`: re-delivers the archive to the rules; idempotent. */
export async function eventsCommand(positionals: string[], options: Options): Promise<number> {
  const [sub, ...extra] = positionals;
  if (sub !== 'replay') throw new UsageError(sub ? `unknown events sub-command "${sub}" (expected "replay")` : 'events needs a sub-command: replay');
  if (extra.length) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  const from = options.from as string | undefined;
  const to = options.to as string | undefined;
  for (const [flag, v] of [['from', from], ['to', to]] as const) if (v !== undefined && Number.isNaN(Date.parse(v))) throw new UsageError(`--${flag} must be an ISO date or instant, got "${v}"`);
  const dir = String(options.dir);
  const envelopes = readArchive(dir, from, to);
  const summary = await withLocalStack(dir, async (stack) => {
    await stack.settle();
    const before = new Map(stack.rules.runtime.counts);
    await stack.rules.replay(envelopes, stack.sync);
    const runs: Record<string, number> = {};
    for (const [rule, c] of stack.rules.runtime.counts) for (const [status, n] of Object.entries(c)) runs[status] = (runs[status] ?? 0) + n - (before.get(rule)?.[status] ?? 0);
    return { replayed: envelopes.length, ...(from ? { from } : {}), ...(to ? { to } : {}), runs };
  });
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  return 0;
}
