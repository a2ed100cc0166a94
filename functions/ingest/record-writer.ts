// Writes validated records to the single table. A write lands only if the record is new or a newer
// version; people (customers, contacts, leads) are deduplicated on normalised e-mail and phone.
import {
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  PutItemCommand,
  TransactWriteItemsCommand,
  type AttributeValue,
  type DynamoDBClient,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { AsyncLocalStorage } from 'node:async_hooks';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { entities, type AnyEntity } from '#schemas/registry.ts';
import { jsonAttributes } from '#lib/table/json-attributes.ts';
import { aliasKey, customerCollectionKey, identityKey, recordKey, TABLE_DESIGN, tombstoneKey } from '#lib/table/design.ts';
import type { CrmRecord } from './validate.ts';
import { identityValue, recordVersion } from './version.ts';
import { groupsSharingKeys, mapPool, wavesById } from './write-order.ts';
import { planMerge, type MergePlan, type StoredPerson } from './person-merge.ts';

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
  /** Longest single backoff in ms (backoff is "full jitter": a random wait up to base * 2^attempt). @default 2000 */
  maxBackoffMs?: number;
  /**
   * How long one `write` call may keep retrying throttled or failed (5xx) requests before it reports the
   * records `failed` (retryable), unless the call passes its own deadline (e.g. the Lambda's remaining time).
   * @default 10_000
   */
  retryBudgetMs?: number;
  /**
   * Records per TransactWriteItems call for entities without identity fields. 1 writes each record with
   * its own conditional PutItem (cheapest in AWS: transactions cost twice the write units); larger groups
   * cut round trips where they dominate (DynamoDB Local). Both keep the same per-record conditions.
   * Above 1, people (customers, contacts, leads) that share no id, e-mail or phone are also written up to
   * this many per transaction (at most 100 items), each merge plan with its own conditions.
   * @default 1
   */
  writeGroupSize?: number;
}

export interface WriteOptions {
  /** epoch ms: throttled and 5xx requests are retried until then. @default now + retryBudgetMs */
  deadline?: number;
  /**
   * Ids of the automation runs that caused this write, oldest first. Stored beside the record (not in it), so
   * the change stream puts them on the resulting events and rules can stop loops.
   */
  causation?: readonly string[];
}

type Key = { pk: string; sk: string };
const keyId = (k: Key) => `${k.pk}\u0000${k.sk}`;
/** The table item a transaction item writes or deletes. */
const itemKeyId = (t: TransactWriteItem) => {
  const key = t.Put?.Item ?? t.Delete?.Key ?? t.Update?.Key ?? t.ConditionCheck?.Key ?? {};
  return `${key.pk?.S}\u0000${key.sk?.S}`;
};
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

/** The deadline (epoch ms) of the `write` call in progress, seen by every request it sends. */
const requestDeadline = new AsyncLocalStorage<number>();

const THROTTLED_REASONS = new Set(['ThrottlingError', 'ProvisionedThroughputExceeded', 'RequestLimitExceeded', 'TransactionConflict']);

/** Throttling, service (5xx) errors and transactions cancelled only by throttling or conflicts: worth another try. */
function isTransient(err: unknown): boolean {
  const e = err as { name?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number }; CancellationReasons?: { Code?: string }[] };
  if (e?.name === 'TransactionCanceledException') {
    const codes = (e.CancellationReasons ?? []).map((r) => r.Code ?? 'None').filter((c) => c !== 'None');
    return codes.length > 0 && codes.every((c) => THROTTLED_REASONS.has(c));
  }
  return RETRYABLE.has(e?.name ?? '') || e?.$retryable !== undefined || (e?.$metadata?.httpStatusCode ?? 0) >= 500;
}

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
  private readonly maxBackoffMs: number;
  private readonly retryBudgetMs: number;
  private readonly writeGroupSize: number;
  private readonly sentVersions = new WeakMap<CrmRecord, string>();

  constructor(options: RecordWriterOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.concurrency = options.concurrency ?? 16;
    this.maxAttempts = options.maxAttempts ?? 8;
    this.backoffMs = options.backoffMs ?? 50;
    this.maxBackoffMs = options.maxBackoffMs ?? 2000;
    this.retryBudgetMs = options.retryBudgetMs ?? 10_000;
    this.writeGroupSize = Math.min(100, Math.max(1, options.writeGroupSize ?? 1));
  }

  private versionOf(record: CrmRecord): string {
    return this.sentVersions.get(record) ?? recordVersion(record);
  }

  /**
   * Writes records of one entity; results are in input order. Throttled and 5xx requests are retried with
   * jittered backoff until `deadline` (epoch ms; default now + retryBudgetMs), then reported `failed`.
   */
  async write(entity: AnyEntity, records: CrmRecord[], options: WriteOptions = {}): Promise<WriteResult[]> {
    if (records.length === 0) return [];
    const causation = options.causation?.length ? [...options.causation] : undefined;
    return requestDeadline.run(options.deadline ?? Date.now() + this.retryBudgetMs, () => this.writeWithinBudget(entity, records, causation));
  }

  /**
   * Sends a request, retrying throttling and service errors with "full jitter" backoff (a random wait up
   * to base * 2^attempt, capped) while the request's deadline allows; anything else is thrown at once.
   */
  private async send<T>(request: () => Promise<T>): Promise<T> {
    const deadline = requestDeadline.getStore() ?? Date.now() + this.retryBudgetMs;
    for (let attempt = 0; ; attempt++) {
      try {
        return await request();
      } catch (err) {
        if (!isTransient(err) || attempt + 1 >= this.maxAttempts) throw err;
        const wait = Math.random() * Math.min(this.maxBackoffMs, this.backoffMs * 2 ** attempt);
        if (Date.now() + wait >= deadline) throw err;
        await sleep(wait);
      }
    }
  }

  private async writeWithinBudget(entity: AnyEntity, records: CrmRecord[], causation?: string[]): Promise<WriteResult[]> {
    // Versions hash the record as sent, before a merged customer id is re-pointed: a re-send is a no-op
    // whether or not a merge happened in between.
    for (const r of records) this.sentVersions.set(r, recordVersion(r));
    try {
      await this.resolveMergedCustomers(entity, records);
    } catch (err) {
      return records.map((r) => failure(r.id, err));
    }
    if (entity.identityFields) {
      // Records that share an id, e-mail or phone are written one after another in input order, so the
      // first of two twins in a file is the one that survives; unrelated people are written in parallel.
      const results = new Array<WriteResult>(records.length);
      const groups = groupsSharingKeys(records.map((r) => [`id\u0000${r.id}`, ...this.identityKeys(entity, r).map(keyId)]));
      const writeOne = async (i: number) => {
        try {
          results[i] = await this.writePerson(entity, records[i]!, causation);
        } catch (err) {
          results[i] = failure(records[i]!.id, err);
        }
      };
      if (this.writeGroupSize === 1) {
        await mapPool(groups, this.concurrency, async (group) => {
          for (const i of group) await writeOne(i);
        });
        return results;
      }
      // Round k writes the k-th member of every group: members of one group stay in input order, and the
      // people of one round share no id, e-mail or phone, so they can share transactions.
      const rounds: number[][] = [];
      for (const group of groups) group.forEach((i, k) => (rounds[k] ??= []).push(i));
      for (const round of rounds) {
        const chunks: number[][] = [];
        for (let i = 0; i < round.length; i += this.writeGroupSize) chunks.push(round.slice(i, i + this.writeGroupSize));
        await mapPool(chunks, Math.max(1, Math.ceil(this.concurrency / 4)), (chunk) => this.writePeopleTogether(entity, records, chunk, results, writeOne, causation));
      }
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
        const version = this.versionOf(record);
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
      let pending = group;
      while (pending.length) {
        const sending = pending;
        try {
          await this.send(() =>
            this.client.send(
              new TransactWriteItemsCommand({ TransactItems: sending.map((p) => ({ Put: { ...this.conditionalPut(entity, p.record, p.version, causation), ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } })) }),
            ),
          );
          for (const p of sending) results[p.index] = { status: p.exists ? 'updated' : 'created', id: p.record.id, version: p.version };
          return;
        } catch (err) {
          if ((err as Error).name !== 'TransactionCanceledException' && !RETRYABLE.has((err as Error).name)) {
            for (const p of sending) results[p.index] = failure(p.record.id, err);
            return;
          }
          // A condition failed: the stored item came back with the reason, so that record is settled (unchanged or
          // stale, e.g. the retry of a write whose answer was lost) and the rest, not written, go again together.
          const reasons = (err as { CancellationReasons?: { Code?: string; Item?: Record<string, AttributeValue> }[] }).CancellationReasons;
          const refused = reasons?.length === sending.length ? sending.filter((_, i) => reasons[i]?.Code === 'ConditionalCheckFailed' && reasons[i]?.Item) : [];
          if (refused.length === 0) {
            // Throttled, or cancelled without the stored items: settle each record on its own.
            for (const p of sending) await writeSingly(p);
            return;
          }
          sending.forEach((p, i) => {
            if (refused.includes(p)) results[p.index] = this.outcomeFromOld(p.record.id, p.version, reasons![i]!.Item);
          });
          pending = sending.filter((p) => !refused.includes(p));
        }
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
        const keys = pending;
        const res = await this.send(() => this.client.send(new BatchGetItemCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } })));
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
    // The hot path of every ingest: the JSON-only marshaller gives the SDK's output several times faster.
    return jsonAttributes(
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
    );
  }

  private outcomeFromOld(id: string, version: string, old: Record<string, AttributeValue> | undefined): WriteResult {
    const oldVersion = old?.[TABLE_DESIGN.versionAttribute]?.S;
    return { status: oldVersion === version ? 'unchanged' : 'stale', id, version };
  }

  private async writePlain(entity: AnyEntity, record: CrmRecord, version: string, causation?: string[]): Promise<WriteResult> {
    try {
      const res = await this.send(() =>
        this.client.send(new PutItemCommand({ ...this.conditionalPut(entity, record, version, causation), ReturnValues: 'ALL_OLD', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' })),
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
   * People: the sent record joins the cluster of every stored person it shares an id, alias, e-mail or
   * phone with; `planMerge` decides the survivor and content (see person-merge.ts). The survivor's item,
   * the demoted survivors' deletions, the aliases and the identities are written in one transaction,
   * conditioned on what was read (`rev`, absent keys), so concurrent writers re-read and converge.
   */
  private async writePerson(entity: AnyEntity, sent: CrmRecord, causation?: string[]): Promise<WriteResult> {
    const identities = this.identityKeys(entity, sent);
    const sentVersion = this.versionOf(sent);
    const table = entity.table;

    for (let attempt = 0; ; attempt++) {
      const own = recordKey(table, sent.id);
      const alias = aliasKey(table, sent.id);
      const tombstone = tombstoneKey(table, sent.id);
      const found = await this.batchGet([own, alias, tombstone, ...identities]);
      if (found.has(keyId(tombstone))) {
        return { status: 'failed', id: sent.id, retryable: false, message: `Erased: ${entity.name} ${sent.id} was erased on request and is not stored again` };
      }
      const sentAliasTarget = found.get(keyId(alias))?.targetId as string | undefined;
      const identityOwners = new Map<string, string>();
      for (const k of identities) {
        const owner = found.get(keyId(k))?.targetId as string | undefined;
        if (owner !== undefined) identityOwners.set(k.pk, owner);
      }
      const start = [...(found.has(keyId(own)) ? [sent.id] : []), ...(sentAliasTarget ? [sentAliasTarget] : []), ...identityOwners.values()];
      const candidates = await this.loadSurvivors(table, start, found);
      const plan = planMerge({ sent, sentVersion, sentIdentityPks: identities.map((k) => k.pk), identityOwners, candidates, ...(sentAliasTarget ? { sentAliasTarget } : {}) });
      const result: WriteResult = { status: plan.status, id: plan.survivorId, version: sentVersion, ...(plan.survivorId !== sent.id ? { mergedInto: plan.survivorId } : {}) };
      if (plan.noop) return result;

      try {
        const items = this.mergeItems(entity, plan, causation);
        await this.send(() => this.client.send(new TransactWriteItemsCommand({ TransactItems: items })));
        return result;
      } catch (err) {
        const name = (err as Error).name;
        if (name !== 'TransactionCanceledException' && name !== 'TransactionConflictException') throw err;
        // Another writer changed the cluster in between: read again and re-decide.
        if (attempt + 1 >= this.maxAttempts) throw err;
        await sleep(this.backoffMs * 2 ** attempt * (0.5 + Math.random()));
      }
    }
  }

  /**
   * People of one round (no shared id, e-mail or phone among the sent records): one read for all of them, a
   * merge plan each, and the plans' items in as few transactions as hold them, each item still conditioned
   * on what was read. Plans touching an item another plan of the chunk touches (two people merging into one
   * stored twin), and every plan of a transaction that fails, are written one by one by `writePerson`, which
   * re-reads and re-decides, so the outcome is the same as writing each person on its own.
   */
  private async writePeopleTogether(
    entity: AnyEntity,
    records: CrmRecord[],
    chunk: number[],
    results: WriteResult[],
    writeOne: (i: number) => Promise<void>,
    causation?: string[],
  ): Promise<void> {
    const table = entity.table;
    const singly: number[] = [];
    const planned: { index: number; result: WriteResult; items: TransactWriteItem[] }[] = [];
    try {
      const keysOf = new Map(chunk.map((i) => [i, { own: recordKey(table, records[i]!.id), alias: aliasKey(table, records[i]!.id), tombstone: tombstoneKey(table, records[i]!.id), identities: this.identityKeys(entity, records[i]!) }]));
      const found = await this.batchGet([...keysOf.values()].flatMap((k) => [k.own, k.alias, k.tombstone, ...k.identities]));
      const touched = new Set<string>();
      for (const index of chunk) {
        const sent = records[index]!;
        const { own, alias, tombstone, identities } = keysOf.get(index)!;
        if (found.has(keyId(tombstone))) {
          results[index] = { status: 'failed', id: sent.id, retryable: false, message: `Erased: ${entity.name} ${sent.id} was erased on request and is not stored again` };
          continue;
        }
        const sentVersion = this.versionOf(sent);
        const sentAliasTarget = found.get(keyId(alias))?.targetId as string | undefined;
        const identityOwners = new Map<string, string>();
        for (const k of identities) {
          const owner = found.get(keyId(k))?.targetId as string | undefined;
          if (owner !== undefined) identityOwners.set(k.pk, owner);
        }
        const start = [...(found.has(keyId(own)) ? [sent.id] : []), ...(sentAliasTarget ? [sentAliasTarget] : []), ...identityOwners.values()];
        const candidates = await this.loadSurvivors(table, start, found);
        const plan = planMerge({ sent, sentVersion, sentIdentityPks: identities.map((k) => k.pk), identityOwners, candidates, ...(sentAliasTarget ? { sentAliasTarget } : {}) });
        const result: WriteResult = { status: plan.status, id: plan.survivorId, version: sentVersion, ...(plan.survivorId !== sent.id ? { mergedInto: plan.survivorId } : {}) };
        if (plan.noop) {
          results[index] = result;
          continue;
        }
        const items = this.mergeItems(entity, plan, causation);
        const keys = items.map(itemKeyId);
        if (keys.some((k) => touched.has(k))) {
          singly.push(index);
          continue;
        }
        keys.forEach((k) => touched.add(k));
        planned.push({ index, result, items });
      }
    } catch {
      // A read or a plan failed: each person on their own, with their own error if it recurs.
      for (const index of chunk) if (results[index] === undefined && !singly.includes(index)) singly.push(index);
      planned.length = 0;
    }
    const transactions: (typeof planned)[] = [];
    for (const p of planned) {
      const last = transactions.at(-1);
      if (last && last.reduce((n, q) => n + q.items.length, 0) + p.items.length <= 100) last.push(p);
      else transactions.push([p]);
    }
    for (const tx of transactions) {
      try {
        await this.send(() => this.client.send(new TransactWriteItemsCommand({ TransactItems: tx.flatMap((p) => p.items) })));
        for (const p of tx) results[p.index] = p.result;
      } catch {
        // A condition failed (someone changed a cluster since the read), or one person's items are refused:
        // settle each on their own.
        singly.push(...tx.map((p) => p.index));
      }
    }
    for (const index of singly.sort((a, b) => a - b)) await writeOne(index);
  }

  /** The stored survivors behind some ids: an id without a record item is followed through its alias (a few hops at most). */
  private async loadSurvivors(table: string, ids: string[], known: Map<string, Record<string, unknown>>): Promise<StoredPerson[]> {
    const out = new Map<string, StoredPerson>();
    const seen = new Set<string>();
    let pending = [...new Set(ids)];
    for (let hop = 0; pending.length > 0 && hop < 4; hop++) {
      pending.forEach((id) => seen.add(id));
      const missing = pending.flatMap((id) => [recordKey(table, id), aliasKey(table, id)]).filter((k) => !known.has(keyId(k)));
      const read = missing.length ? await this.batchGet(missing) : new Map<string, Record<string, unknown>>();
      const get = (k: Key) => known.get(keyId(k)) ?? read.get(keyId(k));
      const next: string[] = [];
      for (const id of pending) {
        const item = get(recordKey(table, id));
        if (item) {
          out.set(id, {
            id,
            data: item[TABLE_DESIGN.dataAttribute] as CrmRecord,
            version: item[TABLE_DESIGN.versionAttribute] as string,
            ...(typeof item.rev === 'number' ? { rev: item.rev } : {}),
            mergedIds: (item.mergedIds as string[] | undefined) ?? [],
            identityPks: (item.identityPks as string[] | undefined) ?? [],
          });
          continue;
        }
        const target = get(aliasKey(table, id))?.targetId as string | undefined;
        if (target && !seen.has(target)) next.push(target);
      }
      pending = [...new Set(next)];
    }
    return [...out.values()];
  }

  private mergeItems(entity: AnyEntity, plan: MergePlan, causation?: string[]): TransactWriteItem[] {
    const table = entity.table;
    const revCondition = (p: StoredPerson | undefined) =>
      p === undefined
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : p.rev === undefined
          ? { ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#rev)', ExpressionAttributeNames: { '#rev': 'rev' } }
          : { ConditionExpression: '#rev = :rev', ExpressionAttributeNames: { '#rev': 'rev' }, ExpressionAttributeValues: { ':rev': { N: String(p.rev) } } };
    const survivor = this.item(entity, plan.data, plan.version, causation);
    survivor.rev = { N: String((plan.previous?.rev ?? 0) + 1) };
    if (plan.mergedIds.length) survivor.mergedIds = { L: plan.mergedIds.map((S) => ({ S })) };
    if (plan.identityPks.length) survivor.identityPks = { L: plan.identityPks.map((S) => ({ S })) };
    const items: TransactWriteItem[] = [{ Put: { TableName: this.tableName, Item: survivor, ...revCondition(plan.previous) } }];
    for (const d of plan.demoted) items.push({ Delete: { TableName: this.tableName, Key: marshall(recordKey(table, d.id)), ...revCondition(d) } });
    for (const id of plan.aliases) items.push({ Put: { TableName: this.tableName, Item: marshall({ ...aliasKey(table, id), targetId: plan.survivorId, entity: entity.name }) } });
    if (plan.dropSurvivorAlias) items.push({ Delete: { TableName: this.tableName, Key: marshall(aliasKey(table, plan.survivorId)) } });
    for (const { pk, claim } of plan.identities) {
      items.push({
        Put: {
          TableName: this.tableName,
          Item: marshall({ pk, sk: TABLE_DESIGN.identitySortKey, targetId: plan.survivorId, entity: entity.name }),
          ...(claim ? { ConditionExpression: 'attribute_not_exists(pk)' } : {}),
        },
      });
    }
    if (items.length > 100) {
      throw new Error(`merging ${entity.name} ${plan.survivorId} touches ${items.length} items, more than one transaction holds (100): the cluster of twins is too large to merge automatically`);
    }
    return items;
  }
}
