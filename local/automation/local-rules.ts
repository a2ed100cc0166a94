// The rules in local mode: one local-bus rule per enabled event rule (as EventBridge has one rule per
// automation rule), runs queued and worked off between stream drains, schedule and date rules day by day, and
// the clock of the data set (`<dir>/automation/clock.json`, written by `crm demo`) as the rules' present.
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { RecordWriter } from '#functions/ingest/record-writer.ts';
import type { BusEnvelope } from '#functions/rules/invocation.ts';
import { RulesRuntime, shiftDate, type RunOutcome } from '#functions/rules/rules-runtime.ts';
import type { EventBus } from '#lib/bus/event-bus.ts';
import type { EventBridgeEnvelope, LocalBus } from '#lib/bus/local-bus.ts';
import type { AutomationConfig } from '#schemas/rules.ts';
import { Outbox } from './outbox.ts';
import { LocalWebhookSender } from './webhook-delivery.ts';

export interface LocalRulesStack {
  dir: string;
  client: DynamoDBClient;
  tableName: string;
  writer: RecordWriter;
  bus: LocalBus;
  /** What the rules publish through (emit_event): the bus itself unless an adapter wraps it. @default bus */
  publisher?: EventBus;
}

/** The present of a local state directory: the data set's end when `crm demo` made it, else the wall clock. */
export function readLocalClock(dir: string): number | undefined {
  const file = join(dir, 'automation', 'clock.json');
  if (!existsSync(file)) return undefined;
  const now = Date.parse((JSON.parse(readFileSync(file, 'utf8')) as { now?: string }).now ?? '');
  return Number.isFinite(now) ? now : undefined;
}

export function writeLocalClock(dir: string, now: Date) {
  mkdirSync(join(dir, 'automation'), { recursive: true });
  writeFileSync(join(dir, 'automation', 'clock.json'), `${JSON.stringify({ now: now.toISOString(), note: 'the present of this data set for the automation rules (history cutoff); written by crm demo' })}\n`);
}

/** HMAC key of a webhook endpoint: 32 random bytes per state directory, readable by the owner only. */
export function localWebhookSecret(dir: string, endpoint: string): string {
  const file = join(dir, 'secrets', `webhook-${endpoint.replace(/[^A-Za-z0-9_-]/g, '_')}.key`);
  if (!existsSync(file)) {
    mkdirSync(join(dir, 'secrets'), { recursive: true, mode: 0o700 });
    try {
      writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return readFileSync(file, 'utf8').trim();
}

export interface LocalRulesOptions {
  config: AutomationConfig;
  /** Overrides the state directory's clock. */
  now?: () => number;
  /** Runs worked off in parallel. @default 8 */
  concurrency?: number;
}

export class LocalRules {
  readonly runtime: RulesRuntime;
  readonly outbox: Outbox;
  readonly webhooks: LocalWebhookSender;
  readonly deadLetterFile: string;
  private queue: (() => Promise<RunOutcome>)[] = [];

  constructor(
    private readonly stack: LocalRulesStack,
    private readonly options: LocalRulesOptions,
  ) {
    const { dir } = stack;
    const { config } = options;
    this.deadLetterFile = join(dir, 'automation', 'dead-letters.ndjson');
    this.outbox = new Outbox(dir);
    this.webhooks = new LocalWebhookSender({ dir, endpoints: config.webhooks, outbox: this.outbox, secretFor: (e) => localWebhookSecret(dir, e), maxAttempts: config.settings.maxAttempts, backoffMs: config.settings.backoffMs });
    const clock = readLocalClock(dir);
    this.runtime = new RulesRuntime({
      client: stack.client,
      tableName: stack.tableName,
      writer: stack.writer,
      bus: stack.publisher ?? stack.bus,
      notifier: this.outbox,
      webhooks: this.webhooks,
      config,
      now: options.now ?? (() => clock ?? Date.now()),
      deadLetter: async (entry) => {
        mkdirSync(join(dir, 'automation'), { recursive: true });
        appendFileSync(this.deadLetterFile, `${JSON.stringify({ at: new Date().toISOString(), ...entry })}\n`);
      },
    });
    for (const rule of config.rules) {
      if (!rule.enabled || rule.trigger.type !== 'event') continue;
      stack.bus.addRule({ name: `automation-${rule.id}`, pattern: rule.trigger.pattern, target: (envelope) => this.enqueue(() => this.runtime.runEventRule(rule, envelope as unknown as BusEnvelope)) });
    }
  }

  private enqueue(job: () => Promise<RunOutcome>) {
    this.queue.push(job);
  }

  get pending() {
    return this.queue.length;
  }

  /** Works off the queued runs (and the runs they queue in turn, e.g. via emit_event). */
  async drain(): Promise<RunOutcome[]> {
    const out: RunOutcome[] = [];
    while (this.queue.length) {
      const jobs = this.queue;
      this.queue = [];
      let next = 0;
      const worker = async () => {
        while (next < jobs.length) out.push(await jobs[next++]!());
      };
      await Promise.all(Array.from({ length: Math.min(this.options.concurrency ?? 8, jobs.length) }, worker));
    }
    return out;
  }

  /**
   * Alternates stream drains and rule runs until neither has work: a task the rules create is a change whose
   * events may trigger rules again (the causation depth bounds that).
   */
  async settle(sync: () => Promise<{ records: number }>): Promise<{ rounds: number; changes: number }> {
    let rounds = 0;
    let changes = 0;
    for (;;) {
      await this.drain();
      const s = await sync();
      this.runtime.ledger.clear();
      changes += s.records;
      rounds++;
      if (s.records === 0 && this.queue.length === 0) return { rounds, changes };
    }
  }

  /** Schedule and date rules for each day from `from` to `to` (inclusive), the rules' clock on that day. */
  async runDays(from: string, to: string, sync: () => Promise<{ records: number }>, onDay?: (date: string, outcomes: RunOutcome[]) => void): Promise<RunOutcome[]> {
    const all: RunOutcome[] = [];
    const rules = this.options.config.rules.filter((r) => r.enabled && r.trigger.type !== 'event');
    for (let date = from; date <= to; date = shiftDate(date, 1)) {
      const day: RunOutcome[] = [];
      // Rules of one day run side by side; each rule's records run in order.
      for (const outcomes of await Promise.all(rules.map((r) => this.runtime.runRuleOnDay(r, date)))) day.push(...outcomes);
      await this.settle(sync);
      onDay?.(date, day);
      all.push(...day);
    }
    return all;
  }

  /** Re-delivers archived events to the event rules, as an EventBridge archive replay would. */
  async replay(envelopes: readonly EventBridgeEnvelope[], sync: () => Promise<{ records: number }>): Promise<number> {
    await this.stack.bus.redeliver(envelopes);
    await this.settle(sync);
    return envelopes.length;
  }
}
