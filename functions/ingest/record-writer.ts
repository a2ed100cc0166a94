// Writes validated records to the single table. A write lands only if the record is new or a newer
// version; people (customers, contacts, leads) are deduplicated on normalised e-mail and phone.
import {
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  PutItemCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  type AttributeValue,
  type DynamoDBClient,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { entities, type AnyEntity } from '#schemas/registry.ts';
import { aliasKey, customerCollectionKey, identityKey, recordKey, TABLE_DESIGN } from '#lib/table/design.ts';
import type { CrmRecord } from './validate.ts';
import { identityValue, recordVersion } from './version.ts';
import { groupsSharingKeys, mapPool, wavesById } from './write-order.ts';

export type WriteStatus = 'created' | 'updated' | 'unchanged' | 'stale' | 'failed';

export interface WriteResult {
  status: WriteStatus;
  /** The id the record is stored under (differs from the sent id when it was merged into an existing person). */
  id: string;
  mergedInto?: string;
  version?: string;
  message?: string;
  /** For failures: true when sending the record again later may succeed (throttling, conflicts). */
  retryable?: boolean;
}

export interface RecordWriterOptions {
  client: DynamoDBClient;
  tableName: string;
  /** Parallel writes per call. @default 16 */
  concurrency?: number;
  /** Attempts for BatchGetItem unprocessed keys and identity races. @default 8 */
  maxAttempts?: number;
  /** Backoff base in ms between attempts. @default 50 */
  backoffMs?: number;
  /**
   * Records per TransactWriteItems call for entities without identity fields. 1 writes each record with
   * its own conditional PutItem (cheapest in AWS: transactions cost twice the write units); larger groups
   * cut round trips where they dominate (DynamoDB Local). Both keep the same per-record conditions.
   * @default 1
   */
  writeGroupSize?: number;
}

export interface WriteOptions {
  /**
   * Ids of the automation runs that caused this write, oldest first. Stored beside the record (not in it), so
   * the change stream puts them on the resulting events and rules can stop loops.
   */
  causation?: readonly string[];
}

type Key = { pk: string; sk: string };
const keyId = (k: Key) => `${k.pk}\u0000${k.sk}`;
const CONDITION_NEWER = 'attribute_not_exists(pk) OR #version < :version';

const RETRYABLE = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TransactionConflictException',
  'InternalServerError',
  'ServiceUnavailable',
  'TransactionInProgressException',
]);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type PendingWrite = { index: number; record: CrmRecord; version: string; exists: boolean };

function failure(id: string, err: unknown): WriteResult {
  const name = (err as { name?: string })?.name ?? 'Error';
  const retryable = RETRYABLE.has(name) || (err as { $retryable?: unknown })?.$retryable !== undefined;
  return { status: 'failed', id, retryable, message: `${name}: ${(err as Error)?.message ?? String(err)}` };
}

export class RecordWriter {
  private readonly client: DynamoDBClient;
  private readonly tableName: string;
  private readonly concurrency: number;
  private readonly maxAttempts: number;
  private readonly backoffMs: number;
  private readonly writeGroupSize: number;

  constructor(options: RecordWriterOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.concurrency = options.concurrency ?? 16;
    this.maxAttempts = options.maxAttempts ?? 8;
    this.backoffMs = options.backoffMs ?? 50;
    this.writeGroupSize = Math.min(100, Math.max(1, options.writeGroupSize ?? 1));
  }

  /** Writes records of one entity; results are in input order. */
  async write(entity: AnyEntity, records: CrmRecord[], options: WriteOptions = {}): Promise<WriteResult[]> {
    if (records.length === 0) return [];
    const causation = options.causation?.length ? [...options.causation] : undefined;
    try {
      await this.resolveMergedCustomers(entity, records);
    } catch (err) {
      return records.map((r) => failure(r.id, err));
    }
    if (entity.identityFields) {
      // Records that share an id, e-mail or phone are written one after another in input order, so the
      // first of two twins in a file is the one that survives; unrelated people are written in parallel.
      const results = new Array<WriteResult>(records.length);
      await mapPool(groupsSharingKeys(records.map((r) => [`id\u0000${r.id}`, ...this.identityKeys(entity, r).map(keyId)])), this.concurrency, async (group) => {
        for (const i of group) {
          try {
            results[i] = await this.writePerson(entity, records[i]!, causation);
          } catch (err) {
            results[i] = failure(records[i]!.id, err);
          }
        }
      });
      return results;
    }
    return this.writeRecords(entity, records, causation);
  }

  /**
   * Reads the stored versions first (one BatchGetItem per 100 records), so re-sent and older records
   * cost a read instead of a write; the rest are written with the version condition, which still
   * decides if another writer got in between.
   */
  private async writeRecords(entity: AnyEntity, records: CrmRecord[], causation?: string[]): Promise<WriteResult[]> {
    const results = new Array<WriteResult>(records.length);
    let stored: Map<string, Record<string, unknown>>;
    try {
      stored = await this.batchGet(records.map((r) => recordKey(entity.table, r.id)));
    } catch (err) {
      return records.map((r) => failure(r.id, err));
    }
    const latest = new Map<string, string>();
    for (const [k, item] of stored) latest.set(k, item[TABLE_DESIGN.versionAttribute] as string);
    const writeSingly = async (p: PendingWrite) => {
      try {
        results[p.index] = await this.writePlain(entity, p.record, p.version, causation);
      } catch (err) {
        results[p.index] = failure(p.record.id, err);
      }
    };
    // Several versions of one id in a batch are written in input order (wave after wave), so a file that
    // lists an opportunity's stages oldest first keeps every stage in the history.
    for (const wave of wavesById(records)) {
      const pending: PendingWrite[] = [];
      for (const index of wave) {
        const record = records[index]!;
        const key = keyId(recordKey(entity.table, record.id));
        const version = recordVersion(record);
        const current = latest.get(key);
        if (current !== undefined && current >= version) results[index] = { status: current === version ? 'unchanged' : 'stale', id: record.id, version };
        else pending.push({ index, record, version, exists: current !== undefined });
      }
      if (this.writeGroupSize === 1) await mapPool(pending, this.concurrency, writeSingly);
      else await this.writeGroups(entity, pending, results, writeSingly, causation);
      for (const p of pending) {
        const r = results[p.index]!;
        if (r.status === 'created' || r.status === 'updated') latest.set(keyId(recordKey(entity.table, p.record.id)), p.version);
      }
    }
    return results;
  }

  private async writeGroups(entity: AnyEntity, pending: PendingWrite[], results: WriteResult[], writeSingly: (p: PendingWrite) => Promise<void>, causation?: string[]) {
    const groups: PendingWrite[][] = [];
    for (let i = 0; i < pending.length; i += this.writeGroupSize) groups.push(pending.slice(i, i + this.writeGroupSize));
    await mapPool(groups, Math.max(1, Math.ceil(this.concurrency / 4)), async (group) => {
      try {
        await this.client.send(new TransactWriteItemsCommand({ TransactItems: group.map((p) => ({ Put: this.conditionalPut(entity, p.record, p.version, causation) })) }));
        for (const p of group) results[p.index] = { status: p.exists ? 'updated' : 'created', id: p.record.id, version: p.version };
      } catch (err) {
        // A condition failed (a concurrent newer write) or the group was throttled: settle each record on its own.
        if ((err as Error).name !== 'TransactionCanceledException' && !RETRYABLE.has((err as Error).name)) {
          for (const p of group) results[p.index] = failure(p.record.id, err);
          return;
        }
        for (const p of group) await writeSingly(p);
      }
    });
  }

  private conditionalPut(entity: AnyEntity, record: CrmRecord, version: string, causation?: string[]) {
    return {
      TableName: this.tableName,
      Item: this.item(entity, record, version, causation),
      ConditionExpression: CONDITION_NEWER,
      ExpressionAttributeNames: { '#version': TABLE_DESIGN.versionAttribute },
      ExpressionAttributeValues: { ':version': { S: version } },
    };
  }

  private identityKeys(entity: AnyEntity, record: CrmRecord): Key[] {
    return (entity.identityFields ?? [])
      .map((field) => ({ field, value: identityValue(field, record[field]) }))
      .filter((i): i is { field: 'email' | 'phone'; value: string } => !!i.value)
      .map((i) => identityKey(entity.table, i.field, i.value));
  }

  /** Records that point at a customer merged into another are re-pointed at the surviving customer. */
  private async resolveMergedCustomers(entity: AnyEntity, records: CrmRecord[]) {
    const field = entity.customerField;
    if (!field || field === 'id') return;
    const ids = [...new Set(records.map((r) => r[field]).filter((v): v is string => typeof v === 'string'))];
    if (ids.length === 0) return;
    const aliases = await this.batchGet(ids.map((id) => aliasKey(entities.customer.table, id)));
    if (aliases.size === 0) return;
    for (const r of records) {
      const cid = r[field];
      if (typeof cid !== 'string') continue;
      const alias = aliases.get(keyId(aliasKey(entities.customer.table, cid)));
      if (alias?.targetId) r[field] = alias.targetId as string;
    }
  }

  /** BatchGetItem in chunks of 100, retrying unprocessed keys with backoff. */
  async batchGet(keys: Key[]): Promise<Map<string, Record<string, unknown>>> {
    const found = new Map<string, Record<string, unknown>>();
    const unique = [...new Map(keys.map((k) => [keyId(k), k])).values()];
    for (let i = 0; i < unique.length; i += 100) {
      let pending: Record<string, AttributeValue>[] = unique.slice(i, i + 100).map((k) => marshall(k));
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt >= this.maxAttempts) {
          throw Object.assign(new Error(`BatchGetItem left ${pending.length} keys unprocessed after ${attempt} attempts`), { name: 'ProvisionedThroughputExceededException' });
        }
        if (attempt > 0) await sleep(this.backoffMs * 2 ** (attempt - 1));
        const res = await this.client.send(new BatchGetItemCommand({ RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } } }));
        for (const item of res.Responses?.[this.tableName] ?? []) {
          const value = unmarshall(item);
          found.set(keyId(value as Key), value);
        }
        pending = res.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
      }
    }
    return found;
  }

  private item(entity: AnyEntity, record: CrmRecord, version: string, causation?: string[]): Record<string, AttributeValue> {
    const customerId = entity.customerField ? record[entity.customerField] : undefined;
    const time = record[entity.timeField] ?? record.updatedAt;
    return marshall(
      {
        ...recordKey(entity.table, record.id),
        entity: entity.name,
        id: record.id,
        [TABLE_DESIGN.versionAttribute]: version,
        updatedAt: record.updatedAt,
        [TABLE_DESIGN.dataAttribute]: record,
        ...(causation ? { [TABLE_DESIGN.causationAttribute]: causation } : {}),
        ...(typeof customerId === 'string'
          ? { gsi1pk: customerCollectionKey(customerId), gsi1sk: `${entity.table}#${String(time)}#${record.id}` }
          : {}),
      },
      { removeUndefinedValues: true },
    );
  }

  private outcomeFromOld(id: string, version: string, old: Record<string, AttributeValue> | undefined): WriteResult {
    const oldVersion = old?.[TABLE_DESIGN.versionAttribute]?.S;
    return { status: oldVersion === version ? 'unchanged' : 'stale', id, version };
  }

  private async writePlain(entity: AnyEntity, record: CrmRecord, version: string, causation?: string[]): Promise<WriteResult> {
    try {
      const res = await this.client.send(
        new PutItemCommand({ ...this.conditionalPut(entity, record, version, causation), ReturnValues: 'ALL_OLD', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }),
      );
      return { status: res.Attributes ? 'updated' : 'created', id: record.id, version };
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException || (err as Error).name === 'ConditionalCheckFailedException') {
        return this.outcomeFromOld(record.id, version, (err as ConditionalCheckFailedException).Item);
      }
      throw err;
    }
  }

  /**
   * People: an id merged earlier goes to its survivor; a new id whose e-mail or phone already belongs
   * to someone is stored as that person (and remembered as an alias); identity claims are written in
   * the same transaction as the record, so two concurrent twins cannot both win.
   */
  private async writePerson(entity: AnyEntity, sent: CrmRecord, causation?: string[]): Promise<WriteResult> {
    const identities = this.identityKeys(entity, sent);

    for (let attempt = 0; ; attempt++) {
      const own = recordKey(entity.table, sent.id);
      const alias = aliasKey(entity.table, sent.id);
      const found = await this.batchGet([own, alias, ...identities]);
      const aliasTarget = found.get(keyId(alias))?.targetId as string | undefined;
      const exists = found.has(keyId(own));
      const owners = identities.map((k) => found.get(keyId(k))?.targetId as string | undefined);
      const targetId = aliasTarget ?? (exists ? sent.id : (owners.find((o) => o !== undefined) ?? sent.id));
      const record = targetId === sent.id ? sent : { ...sent, id: targetId };
      const version = recordVersion(record);

      const items: TransactWriteItem[] = [
        {
          Put: { ...this.conditionalPut(entity, record, version, causation), ReturnValuesOnConditionCheckFailure: 'ALL_OLD' },
        },
      ];
      // Claim unowned identities; identities owned by somebody else are left alone (no stealing).
      identities.forEach((k, i) => {
        if (owners[i] !== undefined) return;
        items.push({
          Put: {
            TableName: this.tableName,
            Item: marshall({ ...k, targetId, entity: entity.name }),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        });
      });
      if (targetId !== sent.id && !aliasTarget) {
        items.push({
          Put: {
            TableName: this.tableName,
            Item: marshall({ ...alias, targetId, entity: entity.name }),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        });
      }
      const merged = targetId !== sent.id ? { mergedInto: targetId } : {};
      try {
        await this.client.send(new TransactWriteItemsCommand({ TransactItems: items }));
        const recordExisted = found.has(keyId(recordKey(entity.table, targetId))) || (targetId !== sent.id);
        return { status: recordExisted ? 'updated' : 'created', id: targetId, version, ...merged };
      } catch (err) {
        if (!(err instanceof TransactionCanceledException) && (err as Error).name !== 'TransactionCanceledException') throw err;
        const reasons = (err as TransactionCanceledException).CancellationReasons ?? [];
        const recordReason = reasons[0];
        const identityRace = reasons.slice(1).some((r) => r?.Code === 'ConditionalCheckFailed');
        if (recordReason?.Code === 'ConditionalCheckFailed' && !identityRace) {
          return { ...this.outcomeFromOld(targetId, version, recordReason.Item), ...merged };
        }
        // Another writer claimed an identity (or the record) in between: read again and re-decide.
        if (attempt + 1 >= this.maxAttempts) throw err;
        await sleep(this.backoffMs * 2 ** attempt);
      }
    }
  }
}
