// Erasure (right to be forgotten) in the single table: a customer, every id merged into it, their
// contacts and leads lose their records, identity items (e-mail and phone in clear) and aliases;
// the records that stay (orders, tickets, ...) lose their personal free-text fields; tombstones keep
// the erased ids from coming back through a later import; an audit item records who asked, when and
// what was erased, by id and count only.
// Order matters for a crash half-way: tombstones first (they stop re-ingest), then deletions with the
// customer's own record last, then the audit item; running the same erasure again finishes the job.
import { randomUUID } from 'node:crypto';
import {
  BatchGetItemCommand,
  DeleteItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { fieldColumns } from '#schemas/columns.ts';
import { queryCustomerCollection } from '#lib/table/customer-collection.ts';
import { entities, findEntity, type AnyEntity } from '#schemas/registry.ts';
import { aliasKey, erasureAuditKey, identityKey, recordKey, TABLE_DESIGN, tombstoneKey } from '#lib/table/design.ts';
import { identityValue } from '#functions/ingest/version.ts';

type Item = Record<string, unknown>;
type Key = { pk: string; sk: string };

export interface ErasureRequest {
  customerId: string;
  /** Who asked: an IAM principal ARN in AWS, `local:<user>` on the machine. */
  requestedBy: string;
  /** Why, e.g. a ticket reference; must not contain personal data. */
  reason?: string;
  now?: Date;
  requestId?: string;
}

/** What was erased, by id and count: the audit record and the command's output. */
export interface ErasureSummary {
  requestId: string;
  requestedBy: string;
  requestedAt: string;
  reason?: string;
  /** The id asked for and the surviving customer id it resolved to. */
  requestedId: string;
  customerId: string;
  alreadyErased: boolean;
  /** Erased person ids by table (customers includes merged twins). */
  erased: Record<string, string[]>;
  deleted: { records: number; identities: number; aliases: number };
  /** Records kept (business data) whose personal free-text fields were removed. */
  stripped: number;
}

export class CustomerNotFoundError extends Error {
  override readonly name = 'CustomerNotFound';
}

const PERSON_TABLES = new Set<string>(Object.values(entities).filter((e) => e.identityFields).map((e) => e.table));

export async function eraseCustomer(client: DynamoDBClient, tableName: string, request: ErasureRequest): Promise<ErasureSummary> {
  const now = request.now ?? new Date();
  const requestId = request.requestId ?? randomUUID();
  const customers = entities.customer.table;
  const get = (keys: Key[]) => batchGet(client, tableName, keys);

  const first = await get([aliasKey(customers, request.customerId), tombstoneKey(customers, request.customerId), recordKey(customers, request.customerId)]);
  const customerId = (first.get(keyOf(aliasKey(customers, request.customerId)))?.targetId as string | undefined) ?? request.customerId;
  const found = customerId === request.customerId ? first : await get([recordKey(customers, customerId), tombstoneKey(customers, customerId)]);
  const customer = found.get(keyOf(recordKey(customers, customerId)));
  const base = { requestId, requestedBy: request.requestedBy, requestedAt: now.toISOString(), ...(request.reason ? { reason: request.reason } : {}), requestedId: request.customerId, customerId };
  if (!customer) {
    const tombstone = found.get(keyOf(tombstoneKey(customers, customerId)));
    if (tombstone) {
      // The customer's tombstone lists what was erased, so the lake and event log steps can be finished again.
      return { ...base, alreadyErased: true, erased: (tombstone.erased as Record<string, string[]> | undefined) ?? {}, deleted: { records: 0, identities: 0, aliases: 0 }, stripped: 0 };
    }
    throw new CustomerNotFoundError(`no customer "${request.customerId}"`);
  }

  // Everything indexed under the customer or an id merged into it.
  const customerIds = [customerId, ...((customer.mergedIds as string[] | undefined) ?? [])];
  const collection = (await Promise.all(customerIds.map((id) => queryCustomerCollection(client, tableName, id)))).flat();
  const persons = [customer, ...collection.filter((i) => i.sk === TABLE_DESIGN.recordSortKey && PERSON_TABLES.has(tableOf(i)) && !(tableOf(i) === customers && i.id === customerId))];
  const kept = collection.filter((i) => i.sk === TABLE_DESIGN.recordSortKey && !PERSON_TABLES.has(tableOf(i)));

  const erased: Record<string, string[]> = {};
  const deletions: Key[] = [];
  let identities = 0;
  let aliases = 0;
  for (const person of persons) {
    const table = tableOf(person);
    const entity = findEntity(String(person.entity))!;
    const ids = [String(person.id), ...((person.mergedIds as string[] | undefined) ?? [])];
    (erased[table] ??= []).push(...ids);
    if (person !== customer) deletions.push(recordKey(table, String(person.id)));
    for (const m of ids.slice(1)) deletions.push(aliasKey(table, m)), aliases++;
    const pks = new Set((person.identityPks as string[] | undefined) ?? []);
    for (const pk of personIdentityPks(entity, person[TABLE_DESIGN.dataAttribute] as Item)) pks.add(pk);
    for (const pk of pks) deletions.push({ pk, sk: TABLE_DESIGN.identitySortKey }), identities++;
  }
  for (const list of Object.values(erased)) list.sort();

  await Promise.all(
    Object.entries(erased).flatMap(([table, ids]) =>
      ids.map((id) =>
        client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: marshall({ ...tombstoneKey(table, id), erasedAt: now.toISOString(), requestId, ...(table === customers && id === customerId ? { erased } : {}) }),
          }),
        ),
      ),
    ),
  );
  // Identity items point at a person only while it exists: delete only those still pointing into this erasure.
  const erasedIds = [...new Set(Object.values(erased).flat())].slice(0, 99);
  const identityCondition = {
    ConditionExpression: `attribute_not_exists(pk) OR targetId IN (${erasedIds.map((_, i) => `:id${i}`).join(', ')})`,
    ExpressionAttributeValues: Object.fromEntries(erasedIds.map((id, i) => [`:id${i}`, { S: id }])),
  };
  await inChunks(deletions, 16, async (key) => {
    const isIdentity = key.sk === TABLE_DESIGN.identitySortKey;
    try {
      await client.send(
        new DeleteItemCommand({
          TableName: tableName,
          Key: marshall(key),
          ...(isIdentity ? identityCondition : {}),
        }),
      );
    } catch (err) {
      if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
    }
  });
  // Kept records: personal free text removed in place; the version stays, so the stream publishes nothing.
  let stripped = 0;
  await inChunks(kept, 16, async (item) => {
    const entity = findEntity(String(item.entity));
    const data = item[TABLE_DESIGN.dataAttribute] as Item;
    const fields = entity ? fieldColumns(entity.schema).filter((c) => c.pii && data[c.field] !== undefined).map((c) => c.field) : [];
    if (fields.length === 0) return;
    stripped++;
    const names = Object.fromEntries(fields.map((f, i) => [`#f${i}`, f]));
    await client.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: marshall({ pk: item.pk, sk: item.sk }),
        UpdateExpression: `REMOVE ${fields.map((_, i) => `#d.#f${i}`).join(', ')}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#d': TABLE_DESIGN.dataAttribute, ...names },
      }),
    );
  });

  // The customer's own record goes last: until it is gone, asking again finds the customer and redoes every step.
  await client.send(new DeleteItemCommand({ TableName: tableName, Key: marshall(recordKey(customers, customerId)) }));

  const summary: ErasureSummary = { ...base, alreadyErased: false, erased, deleted: { records: persons.length, identities, aliases }, stripped };
  await client.send(new PutItemCommand({ TableName: tableName, Item: marshall({ ...erasureAuditKey(requestId), entity: 'erasure_audit', ...summary }, { removeUndefinedValues: true }) }));
  return summary;
}

function personIdentityPks(entity: AnyEntity, data: Item | undefined): string[] {
  if (!data) return [];
  return (entity.identityFields ?? []).flatMap((field) => {
    const value = identityValue(field, data[field]);
    return value ? [identityKey(entity.table, field, value).pk] : [];
  });
}

const tableOf = (item: Item) => findEntity(String(item.entity))?.table ?? String(item.pk).split('#')[0]!;
const keyOf = (k: Key) => `${k.pk}\u0000${k.sk}`;

async function batchGet(client: DynamoDBClient, tableName: string, keys: Key[]): Promise<Map<string, Item>> {
  const out = new Map<string, Item>();
  let pending = keys.map((k) => marshall(k));
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
    if (attempt > 8) throw new Error(`BatchGetItem left ${pending.length} keys unprocessed`);
    const res = await client.send(new BatchGetItemCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } } }));
    for (const raw of res.Responses?.[tableName] ?? []) {
      const item = unmarshall(raw);
      out.set(keyOf(item as Key), item);
    }
    pending = res.UnprocessedKeys?.[tableName]?.Keys ?? [];
  }
  return out;
}


async function inChunks<T>(items: T[], size: number, fn: (item: T) => Promise<void>) {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}
