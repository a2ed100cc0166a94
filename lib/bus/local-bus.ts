// In-process bus for local mode: appends every event to `<dir>/events/events.ndjson` (the local
// counterpart of the EventBridge archive) and hands it to subscribers such as the rules engine.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
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

export class LocalBus implements EventBus {
  private readonly file: string;
  private readonly subscribers: Subscriber[] = [];

  constructor(dir: string, private readonly busName = 'crm') {
    mkdirSync(join(dir, 'events'), { recursive: true });
    this.file = join(dir, 'events', 'events.ndjson');
  }

  subscribe(subscriber: Subscriber) {
    this.subscribers.push(subscriber);
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
    for (const envelope of envelopes) for (const s of this.subscribers) await s(envelope);
    return [];
  }
}
