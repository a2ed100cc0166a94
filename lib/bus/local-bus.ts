// In-process bus for local mode: appends every event to `<dir>/events/events.ndjson` (the local
// counterpart of the EventBridge archive) and hands it to the rules whose event pattern matches,
// evaluated by the same pattern engine that `crm rules test` checks against AWS's behaviour.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { compilePattern, matches, type CompiledPattern } from '#lib/event-pattern/event-pattern.ts';
import type { BusEvent, EventBus, PublishFailure } from './event-bus.ts';

export interface EventBridgeEnvelope {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

export type Subscriber = (event: EventBridgeEnvelope) => void | Promise<void>;

export interface LocalRule {
  name: string;
  /** An EventBridge event pattern; an invalid one is refused when the rule is added, as PutRule would. */
  pattern: unknown;
  target: Subscriber;
}

export class LocalBus implements EventBus {
  private readonly file: string;
  private readonly rules: { name: string; pattern: CompiledPattern; target: Subscriber }[] = [];

  constructor(dir: string, private readonly busName = 'crm') {
    mkdirSync(join(dir, 'events'), { recursive: true });
    this.file = join(dir, 'events', 'events.ndjson');
  }

  addRule(rule: LocalRule) {
    this.rules.push({ name: rule.name, pattern: compilePattern(rule.pattern), target: rule.target });
  }

  async publish(events: BusEvent[]): Promise<PublishFailure[]> {
    const envelopes: EventBridgeEnvelope[] = events.map((e) => ({
      version: '0',
      id: randomUUID(),
      'detail-type': e.detailType,
      source: e.source,
      account: '000000000000',
      time: (e.time ? new Date(e.time) : new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: 'local',
      resources: e.resources ?? [],
      detail: e.detail,
    }));
    if (envelopes.length) appendFileSync(this.file, envelopes.map((e) => JSON.stringify({ bus: this.busName, ...e })).join('\n') + '\n');
    await this.redeliver(envelopes);
    return [];
  }

  /** Hands archived events to the matching rules again without archiving them twice (an archive replay). */
  async redeliver(envelopes: readonly EventBridgeEnvelope[]): Promise<void> {
    for (const envelope of envelopes) for (const rule of this.rules) if (matches(rule.pattern, envelope)) await rule.target(envelope);
  }
}
