// Domain events for a change: `<Entity>Created|Updated|Deleted`, plus the business transitions
// automations care about (stage changes, wins, resolutions, conversions, payments, renewals).
import { canonicalJson } from '#functions/ingest/version.ts';
import { RECORD_EVENT_SOURCE, type RecordChangedDetail } from '#schemas/events.ts';
import type { BusEvent } from '#lib/bus/event-bus.ts';
import type { Change } from './changes.ts';
import { safeRecord } from './lake-rows.ts';
import type { Pseudonymize } from './pseudonymize.ts';

const SUFFIX = { insert: 'Created', modify: 'Updated', remove: 'Deleted' } as const;

function changedFields(change: Change): string[] {
  const before = (change.previous ?? {}) as Record<string, unknown>;
  const after = (change.current ?? {}) as Record<string, unknown>;
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => canonicalJson(before[k]) !== canonicalJson(after[k])).sort();
}

function transitioned(change: Change, field: string, into: (v: unknown) => boolean): { from?: string; to: string } | undefined {
  const to = change.current?.[field];
  const from = change.previous?.[field];
  if (change.op === 'remove' || to === from || !into(to)) return undefined;
  if (from !== undefined && into(from)) return undefined;
  return { ...(from !== undefined ? { from: String(from) } : {}), to: String(to) };
}

export function domainEvents(change: Change, hash: Pseudonymize): BusEvent[] {
  const { entity } = change;
  const record = change.current ?? change.previous;
  const customerId = entity.customerField ? record?.[entity.customerField] : undefined;
  const detail: RecordChangedDetail = {
    entity: entity.name,
    table: entity.table,
    id: String(record?.id),
    ...(typeof customerId === 'string' ? { customerId } : {}),
    op: change.op,
    version: change.version,
    updatedAt: String(record?.updatedAt),
    changedFields: changedFields(change),
    ...(change.current ? { current: safeRecord(entity, change.current, hash) } : {}),
    // A removal (erasure, or a twin merged away) carries no hashes of the removed person's data.
    ...(change.previous ? { previous: safeRecord(entity, change.previous, hash, { withoutHashes: change.op === 'remove' }) } : {}),
    seq: change.seq,
    ...(change.causation ? { causation: change.causation } : {}),
  };
  const time = change.changedAt.toISOString();
  const event = (detailType: string, extra: Record<string, unknown> = {}): BusEvent => ({ source: RECORD_EVENT_SOURCE, detailType, detail: { ...detail, ...extra }, time });
  const events = [event(`${entity.label}${SUFFIX[change.op]}`)];

  if (entity.name === 'opportunity') {
    const from = change.previous?.stage;
    const to = change.current?.stage;
    if (change.op === 'modify' && from !== to) events.push(event('OpportunityStageChanged', { fromStage: String(from), toStage: String(to) }));
    const won = transitioned(change, 'stage', (v) => v === 'closed_won');
    if (won) events.push(event('OpportunityWon', { fromStage: won.from, toStage: won.to }));
    const lost = transitioned(change, 'stage', (v) => v === 'closed_lost');
    if (lost) events.push(event('OpportunityLost', { fromStage: lost.from, toStage: lost.to }));
  }
  if (entity.name === 'ticket') {
    const t = transitioned(change, 'status', (v) => v === 'resolved' || v === 'closed');
    if (t) events.push(event('TicketResolved', { fromStatus: t.from, toStatus: t.to }));
  }
  if (entity.name === 'lead') {
    const t = transitioned(change, 'status', (v) => v === 'converted');
    if (t) events.push(event('LeadConverted', { fromStatus: t.from, toStatus: t.to }));
  }
  if (entity.name === 'payment') {
    const t = transitioned(change, 'status', (v) => v === 'paid');
    if (t) events.push(event('PaymentReceived', { fromStatus: t.from, toStatus: t.to }));
  }
  if (entity.name === 'contract' && change.op === 'insert' && change.current?.renewalOf) events.push(event('ContractRenewed'));
  return events;
}
