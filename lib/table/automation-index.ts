// Index items the stream handler keeps current so automation rules read what they need in one request:
// the records due on a day (date triggers), the last activity of a lead/customer/opportunity, an owner's
// open load and a team's members. Key shapes are documented in design.ts. Every write is idempotent
// (put, delete, conditional max) and guarded by the record version, so a redelivered change is harmless
// and an older change never overwrites what a newer one wrote.
import {
  GetItemCommand,
  QueryCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  type AttributeValue,
  type TransactWriteItem,
  type DynamoDBClient,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { entities, type EntityDef, type EntityName } from '#schemas/registry.ts';
import { isLeapYear, localDayBounds } from '#lib/time/local-day.ts';
import { indexKeys, TABLE_DESIGN, type IndexKey } from './design.ts';

/** An index item to write: its key and the attributes rules read back. */
export type IndexOp =
  | { kind: 'put'; key: IndexKey; attributes: Record<string, string | number | boolean> }
  | { kind: 'delete'; key: IndexKey }
  /** Raises `at` to `value` unless it already holds a later instant; `attributes` are set in the same update. */
  | { kind: 'max'; key: IndexKey; value: string; attributes: Record<string, string> };

export interface DueRecord {
  table: string;
  id: string;
  customerId?: string;
  /** The field's value: `YYYY-MM-DD`, or an ISO instant (UTC) for instant fields. */
  date: string;
}

export interface TeamMember {
  id: string;
  active: boolean;
  capacity?: number;
  timezone?: string;
  role: string;
}

/** The declared reminder date of an entity's field, or a clear error naming both. */
export function reminderDate(entity: EntityName, field: string) {
  const def = entities[entity];
  if (!def) throw new Error(`date index: unknown entity "${entity}"`);
  const declared = (def as EntityDef).reminderDates?.find((r) => r.field === field);
  if (!declared) throw new Error(`date index: ${entity}.${field} is not a declared reminder date (schemas/registry.ts reminderDates)`);
  // Derived fields (lastActivityAt) are instants kept on the last-activity item and read through the byDueDate index.
  const derived = declared.derived ?? false;
  return { table: def.table, anniversary: declared.anniversary ?? false, instant: derived || isInstantField(entity, field), derived };
}

/** Instant fields are indexed by their UTC instant; calendar-date fields by their date. */
export function isInstantField(entity: EntityName, field: string): boolean {
  const shape = (entities[entity].schema as unknown as { shape: Record<string, { _zod?: { def?: { format?: string; innerType?: unknown } } }> }).shape;
  let f: unknown = shape[field];
  // Unwrap optional/default wrappers down to the string format.
  for (let i = 0; i < 4 && f; i++) {
    const def = (f as { _zod?: { def?: { format?: string; innerType?: unknown } } })._zod?.def;
    if (def?.format) return def.format === 'datetime';
    f = def?.innerType;
  }
  return false;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The records whose `field` falls on `date` (date triggers): one Query of a month partition.
 * Instant fields are matched over the local day in `timezone` (default UTC), which takes a second Query only on
 * the day whose local span straddles a UTC month boundary. Anniversaries match month and day of an earlier year;
 * Feb 29 falls on Feb 28 in other years.
 */
export async function recordsDueOn(
  client: DynamoDBClient,
  tableName: string,
  q: { entity: EntityName; field: string; date: string; anniversary?: boolean; timezone?: string },
): Promise<DueRecord[]> {
  if (!DATE.test(q.date)) throw new Error(`recordsDueOn: date "${q.date}" must be YYYY-MM-DD`);
  const declared = reminderDate(q.entity, q.field);
  const anniversary = q.anniversary ?? declared.anniversary;
  if (anniversary !== declared.anniversary) {
    throw new Error(`recordsDueOn: ${q.entity}.${q.field} is indexed ${declared.anniversary ? 'as an anniversary' : 'by its date'}, not ${anniversary ? 'as an anniversary' : 'by its date'}`);
  }
  const { dueDateIndex } = TABLE_DESIGN;
  const base = declared.derived
    ? { TableName: tableName, IndexName: dueDateIndex.name, ExpressionAttributeNames: { '#pk': dueDateIndex.partitionKey, '#sk': dueDateIndex.sortKey } }
    : { TableName: tableName, ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' } };
  if (anniversary) {
    const monthDay = q.date.slice(5);
    const year = Number(q.date.slice(0, 4));
    const key = indexKeys.anniversary(declared.table, q.field, monthDay, '');
    const upper = monthDay === '02-28' && !isLeapYear(year) ? '02-29' : monthDay;
    return query(client, {
      ...base,
      ExpressionAttributeNames: { ...base.ExpressionAttributeNames, '#date': 'date' },
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
      // Only earlier years: a contract's start day is not its own anniversary.
      FilterExpression: '#date < :year',
      ExpressionAttributeValues: marshall({ ':pk': key.pk, ':from': `${monthDay}#`, ':to': `${upper}#\uffff`, ':year': `${q.date.slice(0, 4)}-` }),
    });
  }
  if (!declared.instant) {
    const key = indexKeys.due(declared.table, q.field, q.date, '');
    return query(client, { ...base, KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :day)', ExpressionAttributeValues: marshall({ ':pk': key.pk, ':day': `${q.date}#` }) });
  }
  const { start, end } = localDayBounds(q.date, q.timezone ?? 'UTC');
  const months = [...new Set([start.slice(0, 7), new Date(Date.parse(end) - 1).toISOString().slice(0, 7)])];
  const pages = await Promise.all(
    months.map((month) =>
      query(client, {
        ...base,
        // The sort key starts with the full instant, so `< end#` keeps instants before `end` only.
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
        ExpressionAttributeValues: marshall({ ':pk': indexKeys.due(declared.table, q.field, `${month}-01`, '').pk, ':from': `${start}#`, ':to': `${end}#` }),
      }),
    ),
  );
  return pages.flat().filter((r) => r.date < end);
}

async function query(client: DynamoDBClient, input: QueryCommandInput): Promise<DueRecord[]> {
  const out: DueRecord[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(new QueryCommand({ ...input, ...(start ? { ExclusiveStartKey: start } : {}) }));
    for (const item of page.Items ?? []) {
      const r = unmarshall(item);
      // Last-activity items hold their instant in `at`; customers are their own customer.
      const customerId = r.customerId ?? (r.table === 'customers' ? r.id : undefined);
      out.push({ table: String(r.table), id: String(r.id), ...(customerId ? { customerId: String(customerId) } : {}), date: String(r.date ?? r.at) });
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}

/** The latest activity on a lead, customer or opportunity (ISO instant), or undefined when none is known. */
export async function lastActivityAt(client: DynamoDBClient, tableName: string, ref: { table: string; id: string }): Promise<string | undefined> {
  const res = await client.send(new GetItemCommand({ TableName: tableName, Key: marshall(indexKeys.lastActivity(ref.table, ref.id)), ConsistentRead: true }));
  const at = res.Item?.at?.S;
  return at || undefined;
}

/** Open leads plus open tasks owned by `ownerId`: one Query that counts. */
export async function openLoadByOwner(client: DynamoDBClient, tableName: string, ownerId: string): Promise<number> {
  let count = 0;
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': 'pk' },
        ExpressionAttributeValues: marshall({ ':pk': indexKeys.openItem(ownerId, '', '').pk }),
        Select: 'COUNT',
        ConsistentRead: true,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return count;
}

/** The users of a team (inactive ones included, flagged), in id order. */
export async function teamMembers(client: DynamoDBClient, tableName: string, team: string): Promise<TeamMember[]> {
  const members: TeamMember[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': 'pk' },
        ExpressionAttributeValues: marshall({ ':pk': indexKeys.teamMember(team, '').pk }),
        ConsistentRead: true,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const item of page.Items ?? []) {
      const u = unmarshall(item);
      members.push({
        id: String(u.id),
        active: u.active !== false,
        role: String(u.role),
        ...(typeof u.capacity === 'number' ? { capacity: u.capacity } : {}),
        ...(typeof u.timezone === 'string' ? { timezone: u.timezone } : {}),
      });
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return members;
}

/** One index operation with the record version of the change it comes from. */
export interface VersionedIndexOp {
  op: IndexOp;
  version: string;
}

/** The conditional write of one operation, as a TransactWriteItems entry. */
function transactItem(tableName: string, { op, version }: VersionedIndexOp): TransactWriteItem {
  if (op.kind === 'max') {
    const names = Object.keys(op.attributes);
    return {
      Update: {
        TableName: tableName,
        Key: marshall(op.key),
        UpdateExpression: `SET #at = :at${names.map((_, i) => `, #a${i} = :a${i}`).join('')}`,
        ConditionExpression: 'attribute_not_exists(#at) OR #at < :at',
        ExpressionAttributeNames: { '#at': 'at', ...Object.fromEntries(names.map((k, i) => [`#a${i}`, k])) },
        ExpressionAttributeValues: marshall({ ':at': op.value, ...Object.fromEntries(Object.values(op.attributes).map((v, i) => [`:a${i}`, v])) }),
      },
    };
  }
  // A put or delete lands only on an item last written by the same or an older version of its record.
  const guard = { ConditionExpression: 'attribute_not_exists(#v) OR #v <= :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: marshall({ ':v': version }) };
  if (op.kind === 'put') return { Put: { TableName: tableName, Item: marshall({ ...op.attributes, ...op.key, version }), ...guard } };
  return { Delete: { TableName: tableName, Key: marshall(op.key), ...guard } };
}

/** Items per TransactWriteItems request (the DynamoDB maximum). */
const TRANSACTION_SIZE = 100;
/** Transactions sent at once by one stream batch. */
const TRANSACTIONS_IN_FLIGHT = 4;

/**
 * Writes index operations (at most one per item) in transactions of up to 100. A failed condition means a later
 * value is already stored: that operation is dropped and the rest are sent again. Conflicts and throttling are
 * retried with backoff; what still fails throws, so the stream batch is retried (every write is idempotent).
 */
export async function writeIndexOps(client: DynamoDBClient, tableName: string, ops: readonly VersionedIndexOp[], maxAttempts = 8): Promise<void> {
  const chunks: VersionedIndexOp[][] = [];
  for (let i = 0; i < ops.length; i += TRANSACTION_SIZE) chunks.push(ops.slice(i, i + TRANSACTION_SIZE));
  // Each item appears once in the batch, so transactions never touch the same item and may run side by side.
  const worker = async () => {
    for (let chunk = chunks.shift(); chunk; chunk = chunks.shift()) await writeTransaction(client, tableName, chunk, maxAttempts);
  };
  await Promise.all(Array.from({ length: Math.min(TRANSACTIONS_IN_FLIGHT, chunks.length) }, worker));
}

async function writeTransaction(client: DynamoDBClient, tableName: string, ops: readonly VersionedIndexOp[], maxAttempts: number): Promise<void> {
  let pending = ops;
  for (let attempt = 1; pending.length; attempt++) {
    try {
      await client.send(new TransactWriteItemsCommand({ TransactItems: pending.map((o) => transactItem(tableName, o)) }));
      return;
    } catch (err) {
      if (!(err instanceof TransactionCanceledException)) throw err;
      const reasons = err.CancellationReasons ?? [];
      const later = reasons.filter((r) => r.Code === 'ConditionalCheckFailed').length;
      const onlyConditions = later > 0 && reasons.every((r) => r.Code === 'None' || r.Code === 'ConditionalCheckFailed');
      if (!onlyConditions && attempt >= maxAttempts) throw err;
      if (!onlyConditions) await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
      else pending = pending.filter((_, k) => reasons[k]?.Code !== 'ConditionalCheckFailed');
    }
  }
}
