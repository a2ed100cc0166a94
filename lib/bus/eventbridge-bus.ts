// EventBridge adapter: PutEvents in chunks (10 entries, 256 KiB), retrying the entries that failed.
import { PutEventsCommand, type EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { BusEvent, EventBus, PublishFailure } from './event-bus.ts';

const MAX_ENTRIES = 10;
const MAX_REQUEST_BYTES = 256 * 1024;

export interface EventBridgeBusOptions {
  client: EventBridgeClient;
  busName: string;
  /** Attempts per entry, counting the first. @default 4 */
  maxAttempts?: number;
  /** Backoff base in ms. @default 100 */
  backoffMs?: number;
}

const entrySize = (e: PutEventsRequestEntry) =>
  // The size rule AWS documents for PutEvents entries.
  (e.Time ? 14 : 0) + Buffer.byteLength(e.Source ?? '') + Buffer.byteLength(e.DetailType ?? '') + Buffer.byteLength(e.Detail ?? '') + (e.Resources ?? []).reduce((n, r) => n + Buffer.byteLength(r), 0);

export class EventBridgeBus implements EventBus {
  constructor(private readonly options: EventBridgeBusOptions) {}

  private toEntry(e: BusEvent): PutEventsRequestEntry {
    return {
      EventBusName: this.options.busName,
      Source: e.source,
      DetailType: e.detailType,
      Detail: JSON.stringify(e.detail),
      ...(e.time ? { Time: new Date(e.time) } : {}),
      ...(e.resources ? { Resources: e.resources } : {}),
    };
  }

  private chunks(indexes: number[], entries: PutEventsRequestEntry[]): number[][] {
    const out: number[][] = [];
    let current: number[] = [];
    let bytes = 0;
    for (const i of indexes) {
      const size = entrySize(entries[i]!);
      if (current.length > 0 && (current.length >= MAX_ENTRIES || bytes + size > MAX_REQUEST_BYTES)) {
        out.push(current);
        current = [];
        bytes = 0;
      }
      current.push(i);
      bytes += size;
    }
    if (current.length) out.push(current);
    return out;
  }

  async publish(events: BusEvent[]): Promise<PublishFailure[]> {
    const maxAttempts = this.options.maxAttempts ?? 4;
    const backoff = this.options.backoffMs ?? 100;
    const entries = events.map((e) => this.toEntry(e));
    const failures = new Map<number, { code: string; message: string }>();
    let pending = entries.map((_, i) => i);
    for (let attempt = 0; attempt < maxAttempts && pending.length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, backoff * 2 ** (attempt - 1)));
      const retry: number[] = [];
      for (const chunk of this.chunks(pending, entries)) {
        try {
          const res = await this.options.client.send(new PutEventsCommand({ Entries: chunk.map((i) => entries[i]!) }));
          (res.Entries ?? []).forEach((r, j) => {
            const i = chunk[j]!;
            if (r.ErrorCode) {
              failures.set(i, { code: r.ErrorCode, message: r.ErrorMessage ?? '' });
              retry.push(i);
            } else failures.delete(i);
          });
        } catch (err) {
          for (const i of chunk) {
            failures.set(i, { code: (err as Error).name ?? 'Error', message: (err as Error).message });
            retry.push(i);
          }
        }
      }
      pending = retry;
    }
    return [...failures.entries()].sort(([a], [b]) => a - b).map(([index, f]) => ({ index, event: events[index]!, errorCode: f.code, errorMessage: f.message }));
  }
}
