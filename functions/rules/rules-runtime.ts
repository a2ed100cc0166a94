// Runs automation rules: matches events against the event rules, runs schedule and date rules for a day, and for
// each (rule, triggering change) claims the run, checks loop depth and conditions, takes the actions with
// retries, and records the outcome in automation_runs. One rule's failure never stops another's run.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { RecordWriter } from '#functions/ingest/record-writer.ts';
import type { EventBus } from '#lib/bus/event-bus.ts';
import { compilePattern, matches, type CompiledPattern } from '#lib/event-pattern/event-pattern.ts';
import { recordsDueOn } from '#lib/table/automation-index.ts';
import { startOfLocalDay } from '#lib/time/local-day.ts';
import { AUTOMATION_RUN_STATUSES } from '#schemas/entities.ts';
import { RECORD_EVENT_SOURCE } from '#schemas/events.ts';
import { entities } from '#schemas/registry.ts';
import type { AutomationConfig, DateTrigger, ResolvedRule } from '#schemas/rules.ts';
import { runAction, type ActionServices } from './actions.ts';
import { evaluateConditions } from './conditions.ts';
import { automationRunId, eventInvocation, type BusEnvelope, type Invocation } from './invocation.ts';
import { PermanentActionError, WebhookDeadLettered, type Notifier, type WebhookSender } from './ports.ts';
import { RunClaims, type StepResult } from './run-claims.ts';
import { LoadLedger, RunContext } from './run-context.ts';
import { RuleTable } from './table-reads.ts';
import { cronFiresOn } from './schedule-days.ts';

export type RunStatus = (typeof AUTOMATION_RUN_STATUSES)[number];

export interface RunOutcome {
  ruleId: string;
  eventId: string;
  runId: string;
  /** `duplicate`: the change was handled before; `ignored`: older than the history cutoff (neither is recorded). */
  status: RunStatus | 'duplicate' | 'ignored';
  actions: string[];
  createdIds: string[];
  error?: string;
}

export interface DeadLetter {
  runId: string;
  ruleId: string;
  eventId: string;
  error: string;
  attempts: number;
  invocation: Invocation;
}

export interface RulesRuntimeDeps {
  client: DynamoDBClient;
  tableName: string;
  writer: RecordWriter;
  bus: EventBus;
  notifier: Notifier;
  webhooks: WebhookSender;
  config: AutomationConfig;
  /** The present, for the history cutoff: wall clock in AWS, the data set's timeline locally. */
  now?: () => number;
  /** Where runs that still fail after their retries go (a DLQ in AWS, a file locally). */
  deadLetter?: (entry: DeadLetter) => Promise<void>;
  sleep?: (ms: number) => Promise<void>;
}

const DAY = 86_400_000;
const errorText = (err: unknown) => `${(err as Error)?.name ?? 'Error'}: ${(err as Error)?.message ?? String(err)}`.slice(0, 2000);
/** Actions whose effect lies outside the table: a retried or reclaimed run must not take them twice. */
const OUTSIDE_EFFECTS = new Set<string>(['notify', 'webhook', 'emit_event']);
const retryable = (err: unknown) => !(err instanceof PermanentActionError) && !(err instanceof WebhookDeadLettered) && (err as { cause?: { retryable?: boolean } })?.cause?.retryable !== false;

export function shiftDate(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

/** The instant a date or schedule rule runs on a local day: `at` (HH:MM) in the rule's zone. */
export function localInstant(date: string, timeZone: string, at = '08:00'): string {
  return new Date(startOfLocalDay(date, timeZone) + (Number(at.slice(0, 2)) * 60 + Number(at.slice(3, 5))) * 60_000).toISOString();
}

export class RulesRuntime {
  readonly ledger = new LoadLedger();
  /** Run outcomes per rule and status since start (for summaries). */
  readonly counts = new Map<string, Record<string, number>>();
  readonly table: RuleTable;
  private readonly claims: RunClaims;
  private readonly eventRules: { rule: ResolvedRule; pattern: CompiledPattern }[];
  private readonly actionServices: ActionServices;

  constructor(private readonly deps: RulesRuntimeDeps) {
    this.table = new RuleTable(deps.client, deps.tableName);
    this.claims = new RunClaims(deps.client, deps.tableName);
    this.eventRules = deps.config.rules.filter((r) => r.enabled && r.trigger.type === 'event').map((rule) => ({ rule, pattern: compilePattern((rule.trigger as { pattern: unknown }).pattern) }));
    this.actionServices = { writer: deps.writer, bus: deps.bus, notifier: deps.notifier, webhooks: deps.webhooks };
  }

  get config() {
    return this.deps.config;
  }

  /** Every enabled event rule whose pattern matches, each run in isolation. */
  async handleEvent(envelope: BusEnvelope): Promise<RunOutcome[]> {
    const matching = this.eventRules.filter((r) => matches(r.pattern, envelope)).map((r) => r.rule);
    return Promise.all(matching.map((rule) => this.runEventRule(rule, envelope)));
  }

  /** One event rule for one event (the local bus routes per rule, as EventBridge does). */
  async runEventRule(rule: ResolvedRule, envelope: BusEnvelope): Promise<RunOutcome> {
    const invocation = eventInvocation(envelope);
    // History is not acted on: importing last year's orders sends no surveys today.
    const cutoff = this.deps.config.settings.historyCutoffDays;
    if (envelope.source === RECORD_EVENT_SOURCE && Date.parse(invocation.clock) < this.now() - cutoff * DAY) {
      return this.count({ ruleId: rule.id, eventId: invocation.eventId, runId: automationRunId(rule.id, invocation.eventId), status: 'ignored', actions: [], createdIds: [] });
    }
    return this.run(rule, invocation);
  }

  /** A schedule or date rule for one local day (`date`), as the Scheduler would fire it that day. */
  async runRuleOnDay(rule: ResolvedRule, date: string): Promise<RunOutcome[]> {
    const t = rule.trigger;
    if (t.type === 'date') {
      const scheduledTime = localInstant(date, t.timezone, t.at);
      return this.runDateRule(rule, t, date, scheduledTime);
    }
    if (t.type === 'schedule') {
      const fires = cronFiresOn(t.expression, date);
      if (!fires) return [];
      return [await this.runScheduled(rule, localInstant(date, t.timezone, fires))];
    }
    return [];
  }

  /** What the Scheduler target receives in AWS: `{ruleId, trigger, scheduledTime}`. */
  async handleScheduled(ruleId: string, scheduledTime: string): Promise<RunOutcome[]> {
    const rule = this.deps.config.rules.find((r) => r.id === ruleId);
    if (!rule) throw new Error(`scheduled invocation for unknown rule "${ruleId}"`);
    if (!rule.enabled) return [];
    const t = rule.trigger;
    if (t.type === 'date') return this.runDateRule(rule, t, localDate(scheduledTime, t.timezone), scheduledTime);
    if (t.type === 'schedule') return [await this.runScheduled(rule, new Date(scheduledTime).toISOString())];
    throw new Error(`rule "${ruleId}" is not a schedule or date rule`);
  }

  private runScheduled(rule: ResolvedRule, scheduledTime: string): Promise<RunOutcome> {
    return this.run(rule, { trigger: 'schedule', eventId: `schedule:${scheduledTime}`, clock: scheduledTime, detail: { scheduledTime }, causation: [] });
  }

  /** Records whose date (minus the offset) is today: one index query, then one run per record. */
  private async runDateRule(rule: ResolvedRule, t: DateTrigger, date: string, clock: string): Promise<RunOutcome[]> {
    const due = await recordsDueOn(this.deps.client, this.deps.tableName, { entity: t.entity, field: t.field, date: shiftDate(date, -t.offsetDays), ...(t.anniversary ? { anniversary: true } : {}), timezone: t.timezone });
    const out: RunOutcome[] = [];
    for (const r of due) {
      out.push(
        await this.run(rule, {
          trigger: 'date',
          eventId: `date:${date}:${r.table}#${r.id}`,
          clock,
          detail: { table: r.table, id: r.id, ...(r.customerId ? { customerId: r.customerId } : {}), [t.field]: r.date, date },
          subject: { table: r.table, id: r.id },
          ...(r.customerId ? { customerId: r.customerId } : {}),
          causation: [],
        }),
      );
    }
    return out;
  }

  /** Claim, loop check, conditions, actions with retries, record. */
  async run(rule: ResolvedRule, invocation: Invocation): Promise<RunOutcome> {
    const runId = automationRunId(rule.id, invocation.eventId);
    const base = { ruleId: rule.id, eventId: invocation.eventId, runId };
    const claim = await this.claims.acquire(runId, rule.id, invocation.eventId);
    if (!claim) return this.count({ ...base, status: 'duplicate', actions: [], createdIds: [] });
    const started = performance.now();
    const ctx = new RunContext(rule, runId, invocation, { client: this.deps.client, tableName: this.deps.tableName, table: this.table, ledger: this.ledger });
    const { maxAttempts, backoffMs, maxCausationDepth } = this.deps.config.settings;
    let outcome: RunOutcome;
    let attempts = 1;
    if (invocation.causation.length > maxCausationDepth) {
      outcome = { ...base, status: 'suppressed', actions: [], createdIds: [], error: `causation chain of ${invocation.causation.length} runs exceeds maxCausationDepth ${maxCausationDepth}` };
    } else {
      let skip: string | undefined;
      try {
        skip = await evaluateConditions(rule.conditions ?? [], ctx);
      } catch (err) {
        skip = undefined;
        outcome = { ...base, status: 'failed', actions: [], createdIds: [], error: `conditions: ${errorText(err)}` };
      }
      if (skip) outcome = { ...base, status: 'skipped', actions: [], createdIds: [], error: skip };
      else outcome ??= await this.act(rule, ctx, base, claim.steps, maxAttempts, backoffMs, (n) => (attempts = n));
    }
    await this.record(rule, invocation, outcome, started, attempts, await ctx.customerId().catch(() => undefined));
    await this.claims.finish(runId, outcome.status === 'failed' ? 'failed' : 'done');
    if (outcome.status === 'failed' && this.deps.deadLetter) await this.deps.deadLetter({ runId, ruleId: rule.id, eventId: invocation.eventId, error: outcome.error ?? '', attempts, invocation });
    return this.count(outcome);
  }

  /**
   * Takes the rule's actions in order, retrying from the first unfinished one: actions finished by an earlier
   * attempt (or, for effects outside the table, by an earlier holder of the claim) are not taken again.
   */
  private async act(
    rule: ResolvedRule,
    ctx: RunContext,
    base: Pick<RunOutcome, 'ruleId' | 'eventId' | 'runId'>,
    done: Map<number, StepResult>,
    maxAttempts: number,
    backoffMs: number,
    setAttempts: (n: number) => void,
  ): Promise<RunOutcome> {
    const unsaved = new Set<number>();
    const finished = () => [...done.entries()].sort(([a], [b]) => a - b).map(([, d]) => d);
    for (let attempt = 1; ; attempt++) {
      setAttempts(attempt);
      let current = 0;
      try {
        // Actions run in order: a task for "the new owner" must see the assignment before it.
        for (const [i, action] of rule.actions.entries()) {
          current = i;
          if (!done.has(i)) {
            done.set(i, await runAction(action, i, ctx, this.actionServices));
            if (OUTSIDE_EFFECTS.has(action.type)) unsaved.add(i);
          }
          if (unsaved.has(i)) {
            await this.claims.completeStep(ctx.runId, i, done.get(i)!);
            unsaved.delete(i);
          }
        }
        const results = finished();
        return { ...base, status: 'succeeded', actions: results.map((d) => d.label), createdIds: results.flatMap((d) => d.ids) };
      } catch (err) {
        if (attempt >= maxAttempts || !retryable(err)) {
          const results = finished();
          return { ...base, status: 'failed', actions: [...results.map((d) => d.label), `${rule.actions[current]!.type}:failed`], createdIds: results.flatMap((d) => d.ids), error: errorText(err) };
        }
        ctx.subjectChanged();
        await (this.deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))))(backoffMs * 2 ** (attempt - 1));
      }
    }
  }

  private async record(rule: ResolvedRule, invocation: Invocation, o: RunOutcome, started: number, attempts: number, customerId: string | undefined) {
    const run = {
      id: o.runId,
      updatedAt: new Date(Math.max(Date.now(), Date.parse(invocation.clock))).toISOString(),
      ruleId: rule.id,
      eventId: invocation.eventId.slice(0, 256),
      trigger: invocation.trigger,
      status: o.status,
      actions: o.actions,
      createdIds: o.createdIds,
      durationMs: Math.round(performance.now() - started),
      ...(o.error ? { error: o.error.slice(0, 2000) } : {}),
      startedAt: invocation.clock,
      causationDepth: invocation.causation.length,
      attempts,
      ...(customerId ? { customerId } : {}),
    };
    const [result] = await this.deps.writer.write(entities.automation_run, [run]);
    if (result?.status === 'failed') throw new Error(`recording automation run ${o.runId} failed: ${result.message}`);
  }

  private count(o: RunOutcome): RunOutcome {
    const c = this.counts.get(o.ruleId) ?? {};
    c[o.status] = (c[o.status] ?? 0) + 1;
    this.counts.set(o.ruleId, c);
    return o;
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }
}

/** The local calendar date of an instant in a zone. */
export function localDate(instant: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(instant));
}
