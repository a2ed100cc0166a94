// What a record change does to the automation index (lib/table/automation-index.ts): pure, so the rules
// about what counts as a due date, an activity, open load or team membership are tested without a table.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { writeIndexOps, type IndexOp, type VersionedIndexOp } from '#lib/table/automation-index.ts';
import { indexKeys, TABLE_DESIGN, type IndexKey } from '#lib/table/design.ts';
import type { EntityDef } from '#schemas/registry.ts';
import type { Change } from './changes.ts';
import { profileMemberOps } from './profile-index.ts';

type Rec = Record<string, unknown>;
type ReminderDate = NonNullable<EntityDef['reminderDates']>[number];

/** Lead statuses that still need an owner's work. */
const OPEN_LEAD_STATUSES = new Set(['new', 'contacted', 'qualified']);
/** Records whose last activity rules ask about. */
const ACTIVITY_TABLES = new Set(['leads', 'customers', 'opportunities']);

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const sameKey = (a?: IndexKey, b?: IndexKey) => a?.pk === b?.pk && a?.sk === b?.sk;
/** Instants as UTC ISO with milliseconds, so they sort and compare as text. */
const utc = (v: unknown): string | undefined => {
  const s = str(v);
  if (!s) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
};

function dueItem(table: string, r: ReminderDate, rec: Rec | undefined, customerField: string | undefined) {
  const raw = str(rec?.[r.field]);
  if (!rec || !raw) return undefined;
  const id = String(rec.id);
  const date = raw.length === 10 ? raw : utc(raw);
  if (!date) return undefined;
  const key = r.anniversary ? indexKeys.anniversary(table, r.field, date.slice(5, 10), id) : indexKeys.due(table, r.field, date, id);
  const customerId = customerField ? str(rec[customerField]) : undefined;
  return { key, attributes: { table, id, date, ...(customerId ? { customerId } : {}) } };
}

function openItem(entity: string, table: string, rec: Rec | undefined): IndexKey | undefined {
  const owner = str(rec?.ownerId);
  if (!rec || !owner) return undefined;
  const open = entity === 'lead' ? OPEN_LEAD_STATUSES.has(String(rec.status)) : entity === 'task' ? rec.status === 'open' : false;
  return open ? indexKeys.openItem(owner, table, String(rec.id)) : undefined;
}

function teamItem(rec: Rec | undefined) {
  const team = str(rec?.team);
  if (!rec || !team) return undefined;
  const attributes: Record<string, string | number | boolean> = { id: String(rec.id), active: rec.active !== false, role: String(rec.role) };
  if (typeof rec.capacity === 'number') attributes.capacity = rec.capacity;
  if (typeof rec.timezone === 'string') attributes.timezone = rec.timezone;
  return { key: indexKeys.teamMember(team, String(rec.id)), attributes };
}

const sameAttributes = (a: Rec, b: Rec) => JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

/** Activity on the records a change is about: `[table, id, at]`. */
function activities(entity: string, change: Change): [string, string, string][] {
  const cur = change.current as Rec | undefined;
  const prev = change.previous as Rec | undefined;
  if (!cur) return [];
  const id = String(cur.id);
  const out: [string, string, string | undefined][] = [];
  if (change.op === 'insert' && ACTIVITY_TABLES.has(change.entity.table)) out.push([change.entity.table, id, utc(cur.createdAt)]);
  if (entity === 'opportunity' && prev && prev.stage !== cur.stage) out.push(['opportunities', id, utc(cur.updatedAt)]);
  if (entity === 'lead' && prev && prev.status !== cur.status) out.push(['leads', id, utc(cur.updatedAt)]);
  if (entity === 'activity' && (!prev || prev.occurredAt !== cur.occurredAt)) {
    const at = utc(cur.occurredAt);
    if (str(cur.customerId)) out.push(['customers', String(cur.customerId), at]);
    if (str(cur.leadId)) out.push(['leads', String(cur.leadId), at]);
  }
  if (entity === 'task' && cur.status === 'done' && prev?.status !== 'done') {
    const at = utc(cur.completedAt) ?? utc(cur.updatedAt);
    for (const [table, field] of [['customers', 'customerId'], ['leads', 'leadId'], ['opportunities', 'opportunityId']] as const) {
      if (str(cur[field])) out.push([table, String(cur[field]), at]);
    }
  }
  return out.filter((a): a is [string, string, string] => a[2] !== undefined);
}

/** The index operations of one change, in the order they must be applied. */
export function indexOpsFor(change: Change): IndexOp[] {
  const { entity } = change;
  const name: string = entity.name;
  const cur = change.current as Rec | undefined;
  const prev = change.previous as Rec | undefined;
  const ops: IndexOp[] = [];
  const move = (before: { key: IndexKey; attributes: Rec } | undefined, after: { key: IndexKey; attributes: Record<string, string | number | boolean> } | undefined) => {
    if (before && !sameKey(before.key, after?.key)) ops.push({ kind: 'delete', key: before.key });
    // Unchanged items are not rewritten: most updates touch no indexed field.
    if (after && !(before && sameKey(before.key, after.key) && sameAttributes(before.attributes, after.attributes))) ops.push({ kind: 'put', key: after.key, attributes: after.attributes });
  };

  for (const r of (entity as EntityDef).reminderDates ?? []) {
    if (r.derived) continue;
    move(dueItem(entity.table, r, prev, entity.customerField), dueItem(entity.table, r, cur, entity.customerField));
  }
  if (name === 'lead' || name === 'task') {
    const before = openItem(name, entity.table, prev);
    const after = openItem(name, entity.table, cur);
    move(before && { key: before, attributes: {} }, after && { key: after, attributes: { table: entity.table, id: String(cur!.id) } });
  }
  if (name === 'user') move(teamItem(prev), teamItem(cur));

  // The customer profile's member pointers ride along with the index writes (same guard, same transactions).
  ops.push(...profileMemberOps(change));
  if (change.op === 'remove' && ACTIVITY_TABLES.has(entity.table) && prev) ops.push({ kind: 'delete', key: indexKeys.lastActivity(entity.table, String(prev.id)) });
  for (const [table, id, at] of activities(name, change)) {
    // The byDueDate keys move with `at` in the same conditional update, so the derived date index never lags.
    const due = indexKeys.due(table, 'lastActivityAt', at, id);
    const { dueDateIndex } = TABLE_DESIGN;
    ops.push({ kind: 'max', key: indexKeys.lastActivity(table, id), value: at, attributes: { table, id, [dueDateIndex.partitionKey]: due.pk, [dueDateIndex.sortKey]: due.sk } });
  }
  return ops;
}

export interface IndexTarget {
  client: DynamoDBClient;
  tableName: string;
}

/**
 * The batch's index operations reduced to one per item, in stream order: the last put or delete of an item
 * wins (its record's latest change in the batch), and a last-activity item keeps only its latest instant.
 */
export function batchIndexOps(changes: readonly Change[]): VersionedIndexOp[] {
  const byItem = new Map<string, VersionedIndexOp>();
  for (const c of changes) {
    for (const op of indexOpsFor(c)) {
      const key = `${op.key.pk}\u0000${op.key.sk}`;
      const earlier = byItem.get(key)?.op;
      if (op.kind === 'max' && earlier?.kind === 'max' && earlier.value >= op.value) continue;
      byItem.set(key, { op, version: c.version });
    }
  }
  return [...byItem.values()];
}

/** Brings the automation index up to date with a batch of changes. Returns the number of item writes. */
export async function maintainAutomationIndex(target: IndexTarget, changes: readonly Change[]): Promise<number> {
  const ops = batchIndexOps(changes);
  await writeIndexOps(target.client, target.tableName, ops);
  return ops.length;
}
