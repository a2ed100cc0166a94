// The customer 360 profile at call speed: a bounded number of DynamoDB requests whatever the history size.
//   by phone or e-mail: BatchGetItem of the identity items (customers, contacts)      1
//   by id:              GetItem of the alias item, side by side with the Query below   1
//   Query of the profile partition (summary + member pointers, functions/stream/profile-index.ts)  1
//   BatchGetItem of the customer, its scores and the records the profile shows          1
// A customer with ids merged into it costs one Query and one BatchGetItem more (records filed under a merged id
// stay there); a phone that is also a contact's costs one GetItem for the contact's customer.
// Pointers are kept from the change stream, so the records they name are read and checked again here: a ticket
// closed a moment ago is not shown as open even before the stream caught up.
import { GetItemCommand, QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { fieldColumns } from '#schemas/columns.ts';
import { entities, findEntity } from '#schemas/registry.ts';
import { aliasKey, identityKey, PROFILE_RECENT_ITEMS, profileKeys, recordKey, TABLE_DESIGN } from '#lib/table/design.ts';
import { batchGetItems, itemKeyString } from '#lib/table/batch-get.ts';
import { identityValue } from '#lib/identity/identity-value.ts';

type Rec = Record<string, unknown>;

/** Open items of each kind shown in full (the counts cover all of them). */
export const PROFILE_OPEN_ITEMS = 15;
/** Members read from the profile partition in its one Query (contacts and open items; far more than any customer has open). */
const MEMBER_READ_LIMIT = 1000;
/** Models whose latest score the profile shows (score records `<model>:<customerId>`). */
const PROFILE_SCORE_MODELS = ['rfm', 'churn', 'recommendations'] as const;

export interface CurrencyValue {
  orders: number;
  revenue: number;
  averageOrderValue: number;
}

export interface CustomerScores {
  segment?: string;
  tier?: string;
  pAlive?: number;
  expectedPurchases?: number;
  clv?: number;
  currency?: string;
  churnRisk?: number;
  recommendations?: { sku: string; name: string; score: number; reason: string }[];
  /** As-of date and model version of each score shown. */
  models: Record<string, { asOf: string; modelVersion: string }>;
}

export interface CustomerProfile {
  customer: Rec;
  contacts: Rec[];
  /** Per currency, never added across currencies: orders not cancelled, their revenue and average. */
  value: Record<string, CurrencyValue>;
  firstOrderAt?: string;
  lastOrderAt?: string;
  openOpportunities: Rec[];
  openTickets: Rec[];
  activeContracts: Rec[];
  /** Open tasks about the customer (made by people or automations), soonest due first. */
  openTasks: Rec[];
  /** Latest first. */
  recentOrders: Rec[];
  recentActivities: Rec[];
  scores: CustomerScores;
  /** How many of each there are (the lists above show at most PROFILE_OPEN_ITEMS). */
  counts: { contacts: number; openOpportunities: number; openTickets: number; activeContracts: number; openTasks: number };
  mergedIds?: string[];
}

export interface ProfileCandidate {
  customerId: string;
  name?: string;
  /** How the look-up matched it, e.g. `customer.phone`, `contact.phone`. */
  matchedBy: string[];
}

export type CustomerQuery = { id: string } | { phone: string } | { email: string };

export type LookupResult =
  | { status: 'found'; customerId: string; profile: CustomerProfile }
  | { status: 'not_found'; message: string }
  | { status: 'ambiguous'; message: string; candidates: ProfileCandidate[] }
  | { status: 'invalid'; message: string };

/** Kinds of member pointers and the profile list each fills. */
const MEMBER_LISTS = {
  contacts: 'contacts',
  opportunities: 'openOpportunities',
  tickets: 'openTickets',
  contracts: 'activeContracts',
  tasks: 'openTasks',
} as const;
type MemberTable = keyof typeof MEMBER_LISTS;

/** The same predicates as the pointers', applied again to the records read. */
const STILL_LISTED: Record<MemberTable, (r: Rec) => boolean> = {
  contacts: () => true,
  opportunities: (r) => !String(r.stage).startsWith('closed_'),
  tickets: (r) => r.status === 'open' || r.status === 'pending',
  contracts: (r) => r.status === 'active',
  tasks: (r) => r.status === 'open',
};

const SORTS: Record<MemberTable, (a: Rec, b: Rec) => number> = {
  contacts: (a, b) => Number(b.isPrimary === true) - Number(a.isPrimary === true) || String(a.id).localeCompare(String(b.id)),
  opportunities: (a, b) => String(a.expectedCloseDate ?? '').localeCompare(String(b.expectedCloseDate ?? '')),
  tickets: (a, b) => String(b.openedAt ?? '').localeCompare(String(a.openedAt ?? '')),
  contracts: (a, b) => String(a.endDate ?? '').localeCompare(String(b.endDate ?? '')),
  tasks: (a, b) => String(a.dueAt ?? '').localeCompare(String(b.dueAt ?? '')),
};

/** Finds a customer by id (a merged id finds the survivor), phone or e-mail, normalised as for deduplication. */
export async function lookupCustomer(client: DynamoDBClient, tableName: string, query: CustomerQuery): Promise<LookupResult> {
  if ('id' in query) {
    const id = query.id.trim();
    if (!id) return { status: 'invalid', message: 'the customer id is empty' };
    // The alias check and the profile partition's Query go out together: most ids are no alias.
    const [alias, partition] = await Promise.all([
      client.send(new GetItemCommand({ TableName: tableName, Key: marshall(aliasKey(entities.customer.table, id)) })),
      readPartition(client, tableName, id),
    ]);
    const target = alias.Item?.targetId?.S;
    const customerId = target ?? id;
    const profile = await readProfile(client, tableName, customerId, target ? undefined : partition);
    return profile ? { status: 'found', customerId, profile } : { status: 'not_found', message: `no customer "${id}"` };
  }
  const field = 'phone' in query ? 'phone' : 'email';
  const raw = 'phone' in query ? query.phone : query.email;
  const value = identityValue(field, raw);
  if (!value) return { status: 'invalid', message: field === 'phone' ? `phone "${raw}" has fewer than 6 digits` : `e-mail "${raw}" has no @` };
  const matches = await identify(client, tableName, field, value);
  if (matches.length === 0) return { status: 'not_found', message: `no customer or contact with ${field} "${raw}" (normalised: ${value})` };
  if (matches.length > 1) return { status: 'ambiguous', message: `${matches.length} customers match ${field} "${raw}"`, candidates: matches };
  const customerId = matches[0]!.customerId;
  const profile = await readProfile(client, tableName, customerId);
  return profile ? { status: 'found', customerId, profile } : { status: 'not_found', message: `no customer "${customerId}" (matched by ${field} "${raw}")` };
}

/** The customers an identity value points at: a customer's own, or the customer of a contact with it. */
async function identify(client: DynamoDBClient, tableName: string, field: 'phone' | 'email', value: string): Promise<ProfileCandidate[]> {
  const customerIdentity = identityKey(entities.customer.table, field, value);
  const contactIdentity = identityKey(entities.contact.table, field, value);
  const found = await batchGetItems(client, tableName, [customerIdentity, contactIdentity]);
  const byCustomer = new Map<string, ProfileCandidate>();
  const add = (customerId: string, matchedBy: string) => {
    const c = byCustomer.get(customerId) ?? { customerId, matchedBy: [] };
    c.matchedBy.push(matchedBy);
    byCustomer.set(customerId, c);
  };
  const customer = found.get(itemKeyString(customerIdentity))?.targetId as string | undefined;
  if (customer) add(customer, `customer.${field}`);
  const contactId = found.get(itemKeyString(contactIdentity))?.targetId as string | undefined;
  if (contactId) {
    const res = await client.send(new GetItemCommand({ TableName: tableName, Key: marshall(recordKey(entities.contact.table, contactId)), ProjectionExpression: '#d.customerId', ExpressionAttributeNames: { '#d': TABLE_DESIGN.dataAttribute } }));
    const of = res.Item ? ((unmarshall(res.Item)[TABLE_DESIGN.dataAttribute] as Rec | undefined)?.customerId as string | undefined) : undefined;
    if (of) add(of, `contact.${field}`);
  }
  if (byCustomer.size < 2) return [...byCustomer.values()];
  // Two customers: a contact filed under an id merged since is the same customer; otherwise let the caller choose.
  const ids = [...byCustomer.keys()];
  const items = await batchGetItems(client, tableName, ids.flatMap((id) => [aliasKey(entities.customer.table, id), recordKey(entities.customer.table, id)]));
  const merged = new Map<string, ProfileCandidate>();
  for (const c of byCustomer.values()) {
    const survivor = (items.get(itemKeyString(aliasKey(entities.customer.table, c.customerId)))?.targetId as string | undefined) ?? c.customerId;
    const m = merged.get(survivor) ?? { customerId: survivor, matchedBy: [] };
    m.matchedBy.push(...c.matchedBy);
    const data = items.get(itemKeyString(recordKey(entities.customer.table, survivor)))?.[TABLE_DESIGN.dataAttribute] as Rec | undefined;
    if (data) m.name = displayName(data);
    merged.set(survivor, m);
  }
  return [...merged.values()].sort((a, b) => a.customerId.localeCompare(b.customerId));
}

export function displayName(c: Rec): string {
  return c.kind === 'company' ? String(c.companyName ?? '') : [c.firstName, c.lastName].filter(Boolean).join(' ');
}

interface Partition {
  summary?: Rec;
  members: { table: MemberTable; id: string }[];
}

/** One Query: the summary and the member pointers of a customer (its profile partition). */
async function readPartition(client: DynamoDBClient, tableName: string, customerId: string): Promise<Partition> {
  const res = await client.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: marshall({ ':pk': profileKeys.partition(customerId) }),
      Limit: MEMBER_READ_LIMIT,
    }),
  );
  const out: Partition = { members: [] };
  for (const raw of res.Items ?? []) {
    const item = unmarshall(raw);
    if (item.sk === 'SUMMARY') out.summary = item;
    else if (typeof item.table === 'string' && item.table in MEMBER_LISTS) out.members.push({ table: item.table as MemberTable, id: String(item.id) });
  }
  return out;
}

/** The profile of a customer id (no alias resolution), or undefined when there is no such customer. */
export async function readProfile(client: DynamoDBClient, tableName: string, customerId: string, partition?: Partition): Promise<CustomerProfile | undefined> {
  const own = partition ?? (await readPartition(client, tableName, customerId));
  const scoreKeys = PROFILE_SCORE_MODELS.map((m) => recordKey(entities.score.table, `${m}:${customerId}`));
  const first = await readRecords(client, tableName, [own], [recordKey(entities.customer.table, customerId), ...scoreKeys]);
  const customerItem = first.items.get(itemKeyString(recordKey(entities.customer.table, customerId)));
  if (!customerItem) return undefined;
  const mergedIds = (customerItem.mergedIds as string[] | undefined) ?? [];
  let parts = [own];
  let records = first;
  if (mergedIds.length) {
    // Records written before a merge stay filed under the merged id: their pointers and summaries are read too.
    const merged = await Promise.all(mergedIds.map((id) => readPartition(client, tableName, id)));
    parts = [own, ...merged];
    const more = await readRecords(client, tableName, merged, [], first.items);
    records = { items: new Map([...first.items, ...more.items]), counts: first.counts };
    for (const p of merged) for (const m of p.members) records.counts[m.table] = (records.counts[m.table] ?? 0) + 1;
  }
  return assemble(customerId, customerItem, parts, records, mergedIds);
}

/** One BatchGetItem (more only past 100 keys): the extra keys and the records the partitions point at. */
async function readRecords(client: DynamoDBClient, tableName: string, parts: Partition[], extra: { pk: string; sk: string }[], known?: Map<string, Rec>) {
  const keys = [...extra];
  const counts: Record<string, number> = {};
  for (const p of parts) {
    const byTable = new Map<MemberTable, string[]>();
    for (const m of p.members) byTable.set(m.table, [...(byTable.get(m.table) ?? []), m.id]);
    for (const [table, ids] of byTable) {
      counts[table] = (counts[table] ?? 0) + ids.length;
      // Read a few more than shown: a pointer may still name a record that closed a moment ago.
      for (const id of ids.sort().slice(0, PROFILE_OPEN_ITEMS + 5)) keys.push(recordKey(table, id));
    }
    for (const e of (p.summary?.recentOrders as { id: string }[] | undefined) ?? []) keys.push(recordKey(entities.order.table, e.id));
    for (const e of (p.summary?.recentActivities as { id: string }[] | undefined) ?? []) keys.push(recordKey(entities.activity.table, e.id));
  }
  const wanted = known ? keys.filter((k) => !known.has(itemKeyString(k))) : keys;
  return { items: await batchGetItems(client, tableName, wanted), counts };
}

function assemble(customerId: string, customerItem: Rec, parts: Partition[], records: { items: Map<string, Rec>; counts: Record<string, number> }, mergedIds: string[]): CustomerProfile {
  const data = (table: string, id: string) => {
    const item = records.items.get(itemKeyString(recordKey(table, id)));
    return item ? inSchemaOrder(String(item.entity), item[TABLE_DESIGN.dataAttribute] as Rec) : undefined;
  };
  const lists = Object.fromEntries(Object.keys(MEMBER_LISTS).map((t) => [t, [] as Rec[]])) as Record<MemberTable, Rec[]>;
  const dropped: Record<string, number> = {};
  for (const p of parts) {
    for (const m of p.members) {
      const rec = data(m.table, m.id);
      if (!rec) continue;
      if (!STILL_LISTED[m.table](rec)) {
        dropped[m.table] = (dropped[m.table] ?? 0) + 1;
        continue;
      }
      lists[m.table].push(repoint(rec, mergedIds, customerId));
    }
  }
  for (const t of Object.keys(lists) as MemberTable[]) lists[t] = dedupe(lists[t]).sort(SORTS[t]).slice(0, PROFILE_OPEN_ITEMS);

  const value: Record<string, { orders: number; cents: number }> = {};
  let firstOrderAt: string | undefined;
  let lastOrderAt: string | undefined;
  const recent = { orders: [] as { id: string; at: string }[], activities: [] as { id: string; at: string }[] };
  for (const p of parts) {
    const s = p.summary;
    if (!s) continue;
    for (const [currency, v] of Object.entries((s.value as Record<string, { orders: number; cents: number }> | undefined) ?? {})) {
      const cur = value[currency] ?? { orders: 0, cents: 0 };
      value[currency] = { orders: cur.orders + Number(v.orders), cents: cur.cents + Number(v.cents) };
    }
    if (typeof s.firstOrderAt === 'string' && (!firstOrderAt || s.firstOrderAt < firstOrderAt)) firstOrderAt = s.firstOrderAt;
    if (typeof s.lastOrderAt === 'string' && (!lastOrderAt || s.lastOrderAt > lastOrderAt)) lastOrderAt = s.lastOrderAt;
    recent.orders.push(...((s.recentOrders as { id: string; at: string }[] | undefined) ?? []));
    recent.activities.push(...((s.recentActivities as { id: string; at: string }[] | undefined) ?? []));
  }
  const latest = (table: string, entries: { id: string; at: string }[]) =>
    entries
      .sort((a, b) => (a.at === b.at ? b.id.localeCompare(a.id) : b.at.localeCompare(a.at)))
      .slice(0, PROFILE_RECENT_ITEMS)
      .map((e) => data(table, e.id))
      .filter((r): r is Rec => r !== undefined)
      .map((r) => repoint(r, mergedIds, customerId));

  const count = (t: MemberTable) => Math.max(0, (records.counts[t] ?? 0) - (dropped[t] ?? 0));
  return {
    customer: inSchemaOrder(entities.customer.name, customerItem[TABLE_DESIGN.dataAttribute] as Rec),
    contacts: lists.contacts,
    value: Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([currency, v]) => [currency, { orders: v.orders, revenue: v.cents / 100, averageOrderValue: v.orders ? Math.round(v.cents / v.orders) / 100 : 0 }]),
    ),
    ...(firstOrderAt ? { firstOrderAt } : {}),
    ...(lastOrderAt ? { lastOrderAt } : {}),
    openOpportunities: lists.opportunities,
    openTickets: lists.tickets,
    activeContracts: lists.contracts,
    openTasks: lists.tasks,
    recentOrders: latest(entities.order.table, recent.orders),
    recentActivities: latest(entities.activity.table, recent.activities),
    scores: scoresOf(customerId, records.items),
    counts: { contacts: count('contacts'), openOpportunities: count('opportunities'), openTickets: count('tickets'), activeContracts: count('contracts'), openTasks: count('tasks') },
    ...(mergedIds.length ? { mergedIds } : {}),
  };
}

function scoresOf(customerId: string, items: Map<string, Rec>): CustomerScores {
  const out: CustomerScores = { models: {} };
  for (const model of PROFILE_SCORE_MODELS) {
    const s = items.get(itemKeyString(recordKey(entities.score.table, `${model}:${customerId}`)))?.[TABLE_DESIGN.dataAttribute] as Rec | undefined;
    if (!s) continue;
    out.models[model] = { asOf: String(s.asOf), modelVersion: String(s.modelVersion) };
    for (const f of ['segment', 'tier', 'pAlive', 'expectedPurchases', 'clv', 'currency', 'churnRisk', 'recommendations'] as const) {
      if (s[f] !== undefined) (out as unknown as Rec)[f] = s[f];
    }
  }
  return out;
}

/** Records filed under a merged id name the survivor on read. */
function repoint(rec: Rec, mergedIds: string[], customerId: string): Rec {
  return typeof rec.customerId === 'string' && mergedIds.includes(rec.customerId) ? { ...rec, customerId } : rec;
}

const dedupe = (recs: Rec[]) => [...new Map(recs.map((r) => [String(r.id), r])).values()];

/** DynamoDB maps come back in no particular order; show fields in the order the schema declares them. */
export function inSchemaOrder(entityName: string, record: Rec): Rec {
  const entity = findEntity(entityName);
  if (!entity) return record;
  return Object.fromEntries(fieldColumns(entity.schema).filter((c) => record[c.field] !== undefined).map((c) => [c.field, record[c.field]]));
}
