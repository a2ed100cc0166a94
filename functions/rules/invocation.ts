// What a rule runs for: the triggering change, its idempotency key, the rule's clock and the causation chain.
import { createHash } from 'node:crypto';
import { canonicalJson } from '#functions/ingest/version.ts';
import { RECORD_EVENT_SOURCE } from '#schemas/events.ts';

/** An EventBridge event as a target receives it. */
export interface BusEnvelope {
  id?: string;
  'detail-type': string;
  source: string;
  time?: string;
  detail: Record<string, unknown>;
  [key: string]: unknown;
}

export interface Invocation {
  trigger: 'event' | 'schedule' | 'date';
  /** Identifies the triggering change, never the envelope: redelivered and re-published events get the same key. */
  eventId: string;
  /** ISO instant the rule acts at: the change's time for record events, the scheduled time for schedules and dates. */
  clock: string;
  detailType?: string;
  detail: Record<string, unknown>;
  /** The record the rule is about, read from the table when conditions or actions need it. */
  subject?: { table: string; id: string };
  customerId?: string;
  /** Automation runs that led to this change, oldest first. */
  causation: string[];
}

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * The idempotency key of an event: `<detail-type>#<seq>` for record events (one change yields several detail
 * types), `<detail-type>#<eventId>` when the producer sets an id, else a hash of the detail, which a
 * re-publish repeats. The envelope id is new on every PutEvents retry, so it is never used.
 */
export function changeKey(envelope: BusEnvelope): string {
  const d = envelope.detail ?? {};
  const id = str(d.seq) ?? str(d.eventId);
  if (id) return `${envelope['detail-type']}#${id}`;
  return `${envelope['detail-type']}#${createHash('sha256').update(canonicalJson(d)).digest('hex').slice(0, 32)}`;
}

export function eventInvocation(envelope: BusEnvelope): Invocation {
  const d = envelope.detail ?? {};
  const asOf = str(d.asOf);
  const clock = str(d.updatedAt) ?? (asOf && /^\d{4}-\d{2}-\d{2}$/.test(asOf) ? `${asOf}T00:00:00.000Z` : undefined) ?? envelope.time ?? new Date().toISOString();
  const table = str(d.table);
  const id = str(d.id);
  const customerId = str(d.customerId);
  const subject = envelope.source === RECORD_EVENT_SOURCE && table && id ? { table, id } : customerId && !table ? { table: 'customers', id: customerId } : undefined;
  return {
    trigger: 'event',
    eventId: changeKey(envelope),
    clock: new Date(clock).toISOString(),
    detailType: envelope['detail-type'],
    detail: d,
    ...(subject ? { subject } : {}),
    ...(customerId ? { customerId } : {}),
    causation: Array.isArray(d.causation) ? d.causation.map(String) : [],
  };
}

/** The automation run id: one per rule and triggering change (also the run record's id). */
export function automationRunId(ruleId: string, eventId: string): string {
  return `run-${ruleId}-${createHash('sha256').update(eventId).digest('hex').slice(0, 16)}`;
}

/** Deterministic ids for what a run creates, so a retried run rewrites the same records. */
export function derivedId(prefix: string, runId: string, index: number): string {
  return `${prefix}-${createHash('sha256').update(`${runId}:${index}`).digest('hex').slice(0, 20)}`;
}
