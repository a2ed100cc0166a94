// The customer profile index (key shapes in lib/table/design.ts): what the 360 view reads instead of folding the
// customer's whole history. Kept from the change stream:
// - member pointers (contacts, open opportunities and tickets, active contracts, open tasks): put/delete guarded by
//   the record version, written with the automation index items (indexOpsFor);
// - one summary item per customer: value per currency, first/last order, the latest order and activity ids. It is
//   rewritten in memory and put with a `rev` condition; every order's contribution to the value is an item of its own
//   (`ORDERVALUE#<id>`, with the record version), written in the same transaction, so the sums are idempotent: a
//   redelivered or older change finds its version (or a newer one) already counted and changes nothing.
import { QueryCommand, TransactionCanceledException, TransactWriteItemsCommand, type TransactWriteItem, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { IndexOp } from '#lib/table/automation-index.ts';
import { batchGetItems } from '#lib/table/batch-get.ts';
import { customerCollectionKey, PROFILE_RECENT_ITEMS, profileKeys, TABLE_DESIGN, type IndexKey } from '#lib/table/design.ts';
import type { Change } from './changes.ts';

type Rec = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Whether a record is listed on its customer's profile (and so has a member pointer). */
export function isProfileMember(entity: string, rec: Rec): boolean {
  switch (entity) {
    case 'contact':
      return true;
    case 'opportunity':
      return !String(rec.stage).startsWith('closed_');
    case 'ticket':
      return rec.status === 'open' || rec.status === 'pending';
    case 'contract':
      return rec.status === 'active';
    case 'task':
      return rec.status === 'open';
    default:
      return false;
  }
}

function member(change: Change, rec: Rec | undefined): { key: IndexKey; attributes: Record<string, string> } | undefined {
  const field = change.entity.customerField;
  const customerId = field ? str(rec?.[field]) : undefined;
  if (!rec || !customerId || !isProfileMember(change.entity.name, rec)) return undefined;
  const id = String(rec.id);
  return { key: profileKeys.member(customerId, change.entity.table, id), attributes: { table: change.entity.table, id } };
}

/** The member pointer operations of one change (joined with the automation index writes). */
export function profileMemberOps(change: Change): IndexOp[] {
  const before = member(change, change.previous as Rec | undefined);
  const after = member(change, change.current as Rec | undefined);
  const same = before && after && before.key.pk === after.key.pk && before.key.sk === after.key.sk;
  if (same) return [];
  return [...(before ? [{ kind: 'delete' as const, key: before.key }] : []), ...(after ? [{ kind: 'put' as const, key: after.key, attributes: after.attributes }] : [])];
}

export interface RecentEntry {
  id: string;
  /** The record's time field (orderedAt, occurredAt), as sent. */
  at: string;
  version: string;
}

export interface CurrencyValue {
  /** Orders not cancelled. */
  orders: number;
  /** Their totals in cents (integers, so sums never drift). */
  cents: number;
}

export interface ProfileSummary {
  rev: number;
  value: Record<string, CurrencyValue>;
  firstOrderAt?: string;
  lastOrderAt?: string;
  recentOrders: RecentEntry[];
  recentActivities: RecentEntry[];
}

interface OrderValue {
  customerId: string;
  currency: string;
  cents: number;
  counted: boolean;
  version: string;
}

const RECENT = { orders: 'recentOrders', activities: 'recentActivities' } as const;
type RecentTable = keyof typeof RECENT;
const isRecentTable = (t: string): t is RecentTable => t === 'orders' || t === 'activities';

const byRecency = (a: RecentEntry, b: RecentEntry) => (a.at === b.at ? (a.id < b.id ? 1 : -1) : a.at < b.at ? 1 : -1);
const keyString = (k: IndexKey) => `${k.pk}\u0000${k.sk}`;

export function emptySummary(): ProfileSummary {
  return { rev: 0, value: {}, recentOrders: [], recentActivities: [] };
}

export function summaryFromItem(item: Rec | undefined): ProfileSummary {
  if (!item) return emptySummary();
  return {
    rev: Number(item.rev ?? 0),
    value: (item.value as Record<string, CurrencyValue> | undefined) ?? {},
    ...(str(item.firstOrderAt) ? { firstOrderAt: String(item.firstOrderAt) } : {}),
    ...(str(item.lastOrderAt) ? { lastOrderAt: String(item.lastOrderAt) } : {}),
    recentOrders: (item.recentOrders as RecentEntry[] | undefined) ?? [],
    recentActivities: (item.recentActivities as RecentEntry[] | undefined) ?? [],
  };
}

function orderValue(order: Rec, version: string): OrderValue | undefined {
  const customerId = str(order.customerId);
  if (!customerId) return undefined;
  const counted = order.status !== 'cancelled';
  return { customerId, currency: String(order.currency), cents: counted ? Math.round(Number(order.total ?? 0) * 100) : 0, counted, version };
}

function addValue(s: ProfileSummary, v: OrderValue, sign: 1 | -1) {
  if (!v.counted) return;
  const cur = s.value[v.currency] ?? { orders: 0, cents: 0 };
  const next = { orders: cur.orders + sign, cents: cur.cents + sign * v.cents };
  if (next.orders === 0 && next.cents === 0) delete s.value[v.currency];
  else s.value[v.currency] = next;
}

/** Latest change per record in the batch (versions only grow on a record, so the greatest version is the latest). */
function latestPerRecord(changes: readonly Change[]): Change[] {
  const byId = new Map<string, Change>();
  for (const c of changes) {
    if (!isRecentTable(c.entity.table)) continue;
    const rec = (c.current ?? c.previous) as Rec | undefined;
    if (!rec) continue;
    const key = `${c.entity.table}#${String(rec.id)}`;
    const seen = byId.get(key);
    if (!seen || seen.version < c.version || (seen.version === c.version && c.op === 'remove')) byId.set(key, c);
  }
  return [...byId.values()];
}

export interface SummaryPlan {
  /** Summaries that changed, by customer id. */
  summaries: Map<string, { before: ProfileSummary; after: ProfileSummary; exists: boolean }>;
  /** Order value items to write: `undefined` value deletes the item. */
  orderValues: { orderId: string; customerIds: string[]; stored?: OrderValue; next?: OrderValue }[];
  /** Recent lists that lost an entry they may need back: re-read from the customer's collection. */
  refills: { customerId: string; table: RecentTable }[];
}

/**
 * Pure: the summaries and order values after a batch's changes, given what is stored. A change whose version is
 * not newer than what is stored (a redelivery, an older change) leaves both untouched.
 */
export function planSummaries(changes: readonly Change[], stored: { summaries: Map<string, Rec>; orderValues: Map<string, Rec> }): SummaryPlan {
  const summaries: SummaryPlan['summaries'] = new Map();
  const summary = (customerId: string) => {
    let s = summaries.get(customerId);
    if (!s) {
      const item = stored.summaries.get(customerId);
      const before = summaryFromItem(item);
      s = { before, after: structuredClone(before), exists: item !== undefined };
      summaries.set(customerId, s);
    }
    return s.after;
  };
  const orderValues: SummaryPlan['orderValues'] = [];
  const refills = new Map<string, { customerId: string; table: RecentTable }>();

  for (const c of changes) {
    const table = c.entity.table as RecentTable;
    const current = c.op === 'remove' ? undefined : (c.current as Rec | undefined);
    const previous = c.previous as Rec | undefined;
    const id = String((current ?? previous)!.id);
    const timeField = c.entity.timeField;
    const list = RECENT[table];

    // The recent lists: the entry leaves the previous customer's list and (re-)enters the current one's.
    const prevCustomer = str(previous?.customerId);
    const curCustomer = str(current?.customerId);
    for (const customerId of new Set([prevCustomer, curCustomer].filter((x): x is string => !!x))) {
      const s = summary(customerId);
      const entries = s[list];
      const existing = entries.find((e) => e.id === id);
      if (existing && existing.version >= c.version) continue;
      const wasFull = entries.length >= PROFILE_RECENT_ITEMS;
      const rest = entries.filter((e) => e.id !== id);
      if (customerId === curCustomer && current) {
        const entry = { id, at: String(current[timeField] ?? current.updatedAt), version: c.version };
        // A record moving back in time may leave room for one that was trimmed: re-read the list.
        if (existing && entry.at < existing.at && wasFull) refills.set(`${customerId}#${table}`, { customerId, table });
        s[list] = [...rest, entry].sort(byRecency).slice(0, PROFILE_RECENT_ITEMS);
      } else if (existing) {
        s[list] = rest;
        if (wasFull) refills.set(`${customerId}#${table}`, { customerId, table });
      }
    }

    if (table !== 'orders') continue;
    const storedItem = stored.orderValues.get(id);
    const before = storedItem ? (storedItem as unknown as OrderValue) : undefined;
    if (before && before.version >= c.version) continue;
    const next = current ? orderValue(current, c.version) : undefined;
    if (before) addValue(summary(before.customerId), before, -1);
    if (next) {
      const s = summary(next.customerId);
      addValue(s, next, 1);
      const at = str(current?.orderedAt);
      if (at && (!s.firstOrderAt || at < s.firstOrderAt)) s.firstOrderAt = at;
      if (at && (!s.lastOrderAt || at > s.lastOrderAt)) s.lastOrderAt = at;
    }
    const customerIds = [...new Set([before?.customerId, next?.customerId].filter((x): x is string => !!x))];
    if (customerIds.length) orderValues.push({ orderId: id, customerIds, ...(before ? { stored: before } : {}), ...(next ? { next } : {}) });
  }
  return { summaries, orderValues, refills: [...refills.values()] };
}

export interface ProfileTarget {
  client: DynamoDBClient;
  tableName: string;
}

/** Order changes per customer and round: one transaction holds a summary and at most this many order values. */
const ORDERS_PER_ROUND = 90;
const MAX_ROUNDS = 1000;

/**
 * Brings the profile summaries up to date with a batch of changes. Reads what is stored (one BatchGetItem per 100
 * keys), plans in memory, writes in transactions of up to 100 items, each holding whole customers (their summary and
 * their orders' values). A failed condition (another writer) re-reads and re-plans those customers. Returns the
 * number of item writes.
 */
export async function maintainProfileSummaries(target: ProfileTarget, changes: readonly Change[]): Promise<number> {
  let pending = latestPerRecord(changes);
  let writes = 0;
  for (let round = 0; pending.length; round++) {
    if (round >= MAX_ROUNDS) throw new Error(`profile summaries: ${pending.length} changes still conflicting after ${MAX_ROUNDS} rounds`);
    // At most ORDERS_PER_ROUND orders of a customer per round, so a customer's group fits one transaction.
    const perCustomer = new Map<string, number>();
    const now: Change[] = [];
    const later: Change[] = [];
    for (const c of pending) {
      const customerId = str(((c.current ?? c.previous) as Rec).customerId) ?? '';
      const n = perCustomer.get(customerId) ?? 0;
      if (c.entity.table === 'orders' && n >= ORDERS_PER_ROUND) later.push(c);
      else {
        now.push(c);
        if (c.entity.table === 'orders') perCustomer.set(customerId, n + 1);
      }
    }
    const failed = await applyRound(target, now);
    writes += failed.writes;
    pending = [...failed.retry, ...later];
  }
  return writes;
}

async function applyRound(target: ProfileTarget, changes: Change[]): Promise<{ writes: number; retry: Change[] }> {
  const customerIds = new Set<string>();
  const orderIds = new Set<string>();
  for (const c of changes) {
    for (const rec of [c.current, c.previous] as (Rec | undefined)[]) if (str(rec?.customerId)) customerIds.add(String(rec!.customerId));
    if (c.entity.table === 'orders') orderIds.add(String(((c.current ?? c.previous) as Rec).id));
  }
  const read = async (customers: Iterable<string>, orders: Iterable<string>) =>
    batchGetItems(target.client, target.tableName, [...[...customers].map(profileKeys.summary), ...[...orders].map(profileKeys.orderValue)], true);
  const found = await read(customerIds, orderIds);
  const orderValues = new Map<string, Rec>();
  for (const id of orderIds) {
    const item = found.get(keyString(profileKeys.orderValue(id)));
    if (item) orderValues.set(id, item);
  }
  // An order stored under a customer no change of this batch names (it moved in an earlier version).
  const extra = [...orderValues.values()].map((v) => String(v.customerId)).filter((id) => !customerIds.has(id));
  if (extra.length) for (const [k, v] of await read(extra, [])) found.set(k, v);
  const summaries = new Map<string, Rec>();
  for (const id of [...customerIds, ...extra]) {
    const item = found.get(keyString(profileKeys.summary(id)));
    if (item) summaries.set(id, item);
  }

  const plan = planSummaries(changes, { summaries, orderValues });
  for (const r of plan.refills) {
    const s = plan.summaries.get(r.customerId);
    if (s) s.after[RECENT[r.table]] = await recentFromCollection(target, r.customerId, r.table);
  }

  // Groups: customers tied together by an order that moved between them must be written in one transaction.
  const parent = new Map<string, string>();
  const root = (x: string): string => {
    const p = parent.get(x) ?? x;
    if (p === x) return x;
    const r = root(p);
    parent.set(x, r);
    return r;
  };
  for (const v of plan.orderValues) for (const id of v.customerIds.slice(1)) parent.set(root(id), root(v.customerIds[0]!));
  const groups = new Map<string, { items: TransactWriteItem[]; changes: Change[] }>();
  const group = (customerId: string) => {
    const r = root(customerId);
    let g = groups.get(r);
    if (!g) groups.set(r, (g = { items: [], changes: [] }));
    return g;
  };
  for (const [customerId, s] of plan.summaries) {
    if (JSON.stringify(s.before) === JSON.stringify(s.after)) continue;
    group(customerId).items.push(summaryPut(target.tableName, customerId, s.after, s.exists ? s.before.rev : undefined));
  }
  for (const v of plan.orderValues) group(v.customerIds[0]!).items.push(orderValueWrite(target.tableName, v));
  for (const c of changes) {
    const rec = (c.current ?? c.previous) as Rec;
    const customerId = str(rec.customerId) ?? str((c.previous as Rec | undefined)?.customerId);
    if (customerId) group(customerId).changes.push(c);
  }

  // Pack whole groups into transactions of up to 100 items.
  const batches: { items: TransactWriteItem[]; changes: Change[] }[] = [];
  let open: { items: TransactWriteItem[]; changes: Change[] } = { items: [], changes: [] };
  for (const g of groups.values()) {
    if (g.items.length === 0) continue;
    if (open.items.length + g.items.length > 100) {
      batches.push(open);
      open = { items: [], changes: [] };
    }
    open.items.push(...g.items);
    open.changes.push(...g.changes);
  }
  if (open.items.length) batches.push(open);

  let writes = 0;
  const retry: Change[] = [];
  await Promise.all(
    batches.map(async (b) => {
      try {
        await target.client.send(new TransactWriteItemsCommand({ TransactItems: b.items }));
        writes += b.items.length;
      } catch (err) {
        // Another writer changed a summary or an order value in between (or throttling): re-read and re-plan.
        if (!(err instanceof TransactionCanceledException) && (err as Error).name !== 'TransactionConflictException') throw err;
        retry.push(...b.changes);
      }
    }),
  );
  if (retry.length) await new Promise((r) => setTimeout(r, 10 + Math.random() * 40));
  return { writes, retry };
}

function summaryPut(tableName: string, customerId: string, s: ProfileSummary, storedRev: number | undefined): TransactWriteItem {
  const condition =
    storedRev === undefined
      ? { ConditionExpression: 'attribute_not_exists(pk)' }
      : { ConditionExpression: '#rev = :rev', ExpressionAttributeNames: { '#rev': 'rev' }, ExpressionAttributeValues: marshall({ ':rev': storedRev }) };
  return { Put: { TableName: tableName, Item: marshall({ ...profileKeys.summary(customerId), ...s, rev: (storedRev ?? 0) + 1 }, { removeUndefinedValues: true }), ...condition } };
}

function orderValueWrite(tableName: string, v: SummaryPlan['orderValues'][number]): TransactWriteItem {
  const key = profileKeys.orderValue(v.orderId);
  const condition = v.stored
    ? { ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: marshall({ ':v': v.stored.version }) }
    : { ConditionExpression: 'attribute_not_exists(pk)' };
  if (!v.next) return { Delete: { TableName: tableName, Key: marshall(key), ...condition } };
  return { Put: { TableName: tableName, Item: marshall({ ...key, ...v.next }), ...condition } };
}

/** The latest orders or activities of a customer, read back from the customer's collection (sort key `<table>#<time>#<id>`). */
async function recentFromCollection(target: ProfileTarget, customerId: string, table: RecentTable): Promise<RecentEntry[]> {
  const { customerIndex } = TABLE_DESIGN;
  const res = await target.client.send(
    new QueryCommand({
      TableName: target.tableName,
      IndexName: customerIndex.name,
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: { '#pk': customerIndex.partitionKey, '#sk': customerIndex.sortKey },
      ExpressionAttributeValues: marshall({ ':pk': customerCollectionKey(customerId), ':prefix': `${table}#` }),
      ScanIndexForward: false,
      Limit: PROFILE_RECENT_ITEMS,
    }),
  );
  const timeField = table === 'orders' ? 'orderedAt' : 'occurredAt';
  return (res.Items ?? []).map((i) => unmarshall(i)).map((i) => {
    const data = i[TABLE_DESIGN.dataAttribute] as Rec;
    return { id: String(i.id), at: String(data[timeField] ?? data.updatedAt), version: String(i[TABLE_DESIGN.versionAttribute]) };
  });
}
