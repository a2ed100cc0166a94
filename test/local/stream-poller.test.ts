// The local stream poller against a real DynamoDB Local stream: Lambda-shaped events, the record
// filter, exactly-once delivery across runs, and the retry, bisect and dead-letter semantics.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchWriteItemCommand, DeleteItemCommand, PutItemCommand, UpdateItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../local/dynamodb/emulator.ts';
import { drainStream, type DrainStreamOptions } from '../../local/dynamodb/stream-poller.ts';
import { ensureTable } from '../../local/dynamodb/table.ts';
import { aliasKey, identityKey, recordKey } from '../../lib/table/design.ts';

let emulator: DynamoDbLocal;
let root: string;
let tables = 0;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'crm-'));
  emulator = await startDynamoDbLocal({ dir: root });
});

afterAll(async () => {
  await emulator?.stop();
  rmSync(root, { recursive: true, force: true });
});

/** A fresh table (and so a fresh stream) per test, plus its checkpoint and DLQ paths. */
async function freshTable() {
  const tableName = `crm_${++tables}`;
  await ensureTable(emulator.client, tableName);
  const dir = join(root, tableName);
  mkdirSync(dir);
  const files = { checkpointFile: join(dir, 'checkpoint.json'), dlqFile: join(dir, 'dlq.ndjson') };
  const put = (table: string, id: string, data: Record<string, AttributeValue> = {}) =>
    emulator.client.send(new PutItemCommand({ TableName: tableName, Item: { ...key(recordKey(table, id)), ...data } }));
  const putRaw = (k: { pk: string; sk: string }) => emulator.client.send(new PutItemCommand({ TableName: tableName, Item: key(k) }));
  const update = (table: string, id: string, v: number) =>
    emulator.client.send(new UpdateItemCommand({ TableName: tableName, Key: key(recordKey(table, id)), UpdateExpression: 'SET v = :v', ExpressionAttributeValues: { ':v': { N: String(v) } } }));
  const remove = (table: string, id: string) => emulator.client.send(new DeleteItemCommand({ TableName: tableName, Key: key(recordKey(table, id)) }));
  const drain = (handler: DrainStreamOptions['handler'], extra: Partial<DrainStreamOptions> = {}) =>
    drainStream({ clientConfig: emulator.clientConfig, tableName, ...files, retryDelayMs: 0, handler, ...extra });
  return { tableName, files, put, putRaw, update, remove, drain };
}

const key = (k: { pk: string; sk: string }) => ({ pk: { S: k.pk }, sk: { S: k.sk } });
const pkOf = (r: DynamoDBRecord) => r.dynamodb!.Keys!.pk!.S!;
const seqOf = (r: DynamoDBRecord) => r.dynamodb!.SequenceNumber!;

/** Records the handler completed, in completion order. */
function recorder(fail?: (event: DynamoDBStreamEvent, call: number) => ReturnType<DrainStreamOptions['handler']> | undefined) {
  const done: DynamoDBRecord[] = [];
  const calls: DynamoDBRecord[][] = [];
  const handler: DrainStreamOptions['handler'] = async (event) => {
    calls.push(event.Records);
    const failed = fail?.(event, calls.length);
    if (failed) return failed;
    done.push(...event.Records);
  };
  return { done, calls, handler };
}

describe('drainStream', () => {
  it('delivers every RECORD change once, in order per key, as Lambda-shaped events', async () => {
    // Prepare: inserts, updates and deletes of records, interleaved with identity and alias items
    const t = await freshTable();
    await t.put('customers', 'c1', { name: { S: 'Ada' }, photo: { B: new Uint8Array([0, 1, 254, 255]) }, tags: { SS: ['a', 'b'] }, data: { M: { n: { N: '1.5' }, l: { L: [{ BOOL: true }, { NULL: true }] } } } });
    await t.putRaw(identityKey('customers', 'email', 'ada@example.com'));
    await t.put('orders', 'o1', { v: { N: '1' } });
    await t.update('customers', 'c1', 2);
    await t.putRaw(aliasKey('customers', 'c0'));
    await t.update('orders', 'o1', 2);
    await t.put('orders', 'o2');
    await t.update('orders', 'o1', 3);
    await t.remove('orders', 'o2');
    await t.update('customers', 'c1', 3);
    const { done, calls, handler } = recorder();

    // Act
    const stats = await t.drain(handler, { batchSize: 3 });

    // Assess: only record items, each change once, per key in write order
    expect(stats).toEqual({ batches: 3, records: 8, failures: 0, dlq: 0, filtered: 2 });
    expect(calls.every((c) => c.length <= 3)).toBe(true);
    const byKey = (pk: string) => done.filter((r) => pkOf(r) === pk).map((r) => [r.eventName, r.dynamodb!.NewImage?.v?.N]);
    expect(byKey('customers#c1')).toEqual([['INSERT', undefined], ['MODIFY', '2'], ['MODIFY', '3']]);
    expect(byKey('orders#o1')).toEqual([['INSERT', '1'], ['MODIFY', '2'], ['MODIFY', '3']]);
    expect(byKey('orders#o2')).toEqual([['INSERT', undefined], ['REMOVE', undefined]]);
    expect(done.every((r) => r.dynamodb!.Keys!.sk!.S === 'RECORD')).toBe(true);
    const seqs = done.map(seqOf);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect([...seqs].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1))).toEqual(seqs);

    // Assess: the Lambda event shape, as plain JSON
    const [insert] = done;
    expect(JSON.parse(JSON.stringify(done))).toEqual(done);
    expect(insert).toEqual({
      eventID: expect.any(String),
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: expect.any(String),
      dynamodb: {
        ApproximateCreationDateTime: expect.any(Number),
        Keys: { pk: { S: 'customers#c1' }, sk: { S: 'RECORD' } },
        NewImage: {
          pk: { S: 'customers#c1' },
          sk: { S: 'RECORD' },
          name: { S: 'Ada' },
          photo: { B: Buffer.from([0, 1, 254, 255]).toString('base64') },
          tags: { SS: ['a', 'b'] },
          data: { M: { n: { N: '1.5' }, l: { L: [{ BOOL: true }, { NULL: true }] } } },
        },
        SequenceNumber: expect.stringMatching(/^\d+$/),
        SizeBytes: expect.any(Number),
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      eventSourceARN: expect.stringMatching(new RegExp(`^arn:aws:dynamodb:.*:table/${t.tableName}/stream/`)),
    });
    const created = insert!.dynamodb!.ApproximateCreationDateTime!;
    expect(Number.isInteger(created)).toBe(true);
    expect(Math.abs(created - Date.now() / 1000)).toBeLessThan(600); // seconds, not milliseconds
    const modify = done.find((r) => pkOf(r) === 'orders#o1' && r.eventName === 'MODIFY')!;
    expect(modify.dynamodb!.OldImage!.v).toEqual({ N: '1' });
    expect(modify.dynamodb!.NewImage!.v).toEqual({ N: '2' });
    const removal = done.find((r) => r.eventName === 'REMOVE')!;
    expect(removal.dynamodb!.NewImage).toBeUndefined();
    expect(removal.dynamodb!.OldImage!.pk).toEqual({ S: 'orders#o2' });
  });

  it('fills each batch up to batchSize across GetRecords pages, skipping filtered items', async () => {
    // Prepare: 20 records with an identity item after every second one
    const t = await freshTable();
    const items = Array.from({ length: 30 }, (_, i) => (i % 3 === 2 ? identityKey('customers', 'email', `${i}@x`) : recordKey('orders', `o${i}`)));
    for (let i = 0; i < items.length; i += 25) {
      const chunk = items.slice(i, i + 25).map((k) => ({ PutRequest: { Item: key(k) } }));
      await emulator.client.send(new BatchWriteItemCommand({ RequestItems: { [t.tableName]: chunk } }));
    }
    const { done, calls, handler } = recorder();

    // Act
    const stats = await t.drain(handler, { batchSize: 7 });

    // Assess
    expect(calls.map((c) => c.length)).toEqual([7, 7, 6]);
    expect(stats).toEqual({ batches: 3, records: 20, failures: 0, dlq: 0, filtered: 10 });
    expect(done.map(pkOf)).toEqual(items.filter((k) => k.sk === 'RECORD').map((k) => k.pk));
  });

  it('resumes from its checkpoint: a later drain delivers only newer changes', async () => {
    // Prepare
    const t = await freshTable();
    await t.put('orders', 'o1');
    await t.put('orders', 'o2');
    const first = recorder();
    await t.drain(first.handler);
    await t.put('orders', 'o3');
    await t.putRaw(identityKey('customers', 'phone', '+100'));
    await t.update('orders', 'o1', 2);

    // Act
    const second = recorder();
    const stats = await t.drain(second.handler, { batchSize: 10_000 }); // pages stay within GetRecords' limit of 1000
    const third = recorder();
    await t.drain(third.handler);

    // Assess
    expect(first.done.map(pkOf)).toEqual(['orders#o1', 'orders#o2']);
    expect(second.done.map((r) => [pkOf(r), r.eventName])).toEqual([['orders#o3', 'INSERT'], ['orders#o1', 'MODIFY']]);
    expect(stats).toMatchObject({ batches: 1, records: 2, filtered: 1 });
    expect(third.calls).toEqual([]);
    const checkpoint = JSON.parse(readFileSync(t.files.checkpointFile, 'utf8'));
    expect(Object.values(checkpoint.shards)).toEqual([{ sequenceNumber: seqOf(second.done[1]!) }]);
  });

  it('retries from the first reported batchItemFailure', async () => {
    // Prepare: the handler fails o3 and o5 the first time it sees them
    const t = await freshTable();
    for (const id of ['o1', 'o2', 'o3', 'o4', 'o5']) await t.put('orders', id);
    const processed: string[] = [];
    const calls: string[][] = [];
    const handler: DrainStreamOptions['handler'] = async (event) => {
      const call = event.Records.map(pkOf);
      calls.push(call);
      const failures = calls.length === 1 ? event.Records.filter((r) => ['orders#o3', 'orders#o5'].includes(pkOf(r))) : [];
      processed.push(...event.Records.filter((r) => !failures.includes(r)).map(pkOf));
      return { batchItemFailures: failures.map((r) => ({ itemIdentifier: seqOf(r) })) };
    };

    // Act
    const stats = await t.drain(handler);

    // Assess: the retry starts at o3; o4 is handed over again (Lambda semantics), o1 and o2 are not
    expect(calls).toEqual([['orders#o1', 'orders#o2', 'orders#o3', 'orders#o4', 'orders#o5'], ['orders#o3', 'orders#o4', 'orders#o5']]);
    expect(processed.filter((p) => p === 'orders#o1' || p === 'orders#o2')).toEqual(['orders#o1', 'orders#o2']);
    expect(stats).toMatchObject({ batches: 2, records: 5, failures: 1, dlq: 0 });
    expect(existsSync(t.files.dlqFile)).toBe(false);
  });

  it('bisects a batch that throws and dead-letters the poison record while delivering the others', async () => {
    // Prepare: a handler that rejects any batch containing o5
    const t = await freshTable();
    const ids = Array.from({ length: 8 }, (_, i) => `o${i + 1}`);
    for (const id of ids) await t.put('orders', id);
    const { done, calls, handler } = recorder();
    const poisoned: DrainStreamOptions['handler'] = async (event) => {
      if (event.Records.some((r) => pkOf(r) === 'orders#o5')) {
        calls.push(event.Records);
        throw new TypeError('cannot parse o5');
      }
      return handler(event);
    };

    // Act
    const stats = await t.drain(poisoned, { maxAttempts: 3 });
    const again = recorder();
    await t.drain(again.handler);

    // Assess: everything but o5 delivered exactly once and in order; o5 alone tried 3 times, then dead-lettered
    expect(done.map(pkOf)).toEqual(ids.filter((id) => id !== 'o5').map((id) => `orders#${id}`));
    expect(calls.filter((c) => c.length === 1 && pkOf(c[0]!) === 'orders#o5')).toHaveLength(3);
    expect(stats).toMatchObject({ records: 7, dlq: 1 });
    const dlq = readFileSync(t.files.dlqFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(dlq).toEqual([
      expect.objectContaining({
        attempts: 3,
        error: expect.objectContaining({ name: 'TypeError', message: 'cannot parse o5' }),
        record: expect.objectContaining({ eventName: 'INSERT', dynamodb: expect.objectContaining({ Keys: key(recordKey('orders', 'o5')) }) }),
        sequenceNumber: expect.stringMatching(/^\d+$/),
        shardId: expect.any(String),
      }),
    ]);
    expect(again.calls).toEqual([]);
  });

  it('dead-letters records still reported failed after maxAttempts and keeps the ones that succeeded', async () => {
    // Prepare: o2 always fails
    const t = await freshTable();
    for (const id of ['o1', 'o2', 'o3']) await t.put('orders', id);
    const succeeded: string[] = [];
    const handler: DrainStreamOptions['handler'] = async (event) => {
      const failed = event.Records.filter((r) => pkOf(r) === 'orders#o2');
      succeeded.push(...event.Records.filter((r) => !failed.includes(r)).map(pkOf));
      return { batchItemFailures: failed.map((r) => ({ itemIdentifier: seqOf(r) })) };
    };

    // Act
    const stats = await t.drain(handler, { maxAttempts: 2 });

    // Assess
    expect(stats).toMatchObject({ batches: 2, records: 2, failures: 2, dlq: 1 });
    const dlq = readFileSync(t.files.dlqFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(dlq.map((d) => pkOf(d.record))).toEqual(['orders#o2']);
    expect(dlq[0].error.name).toBe('BatchItemFailure');
  });

  it('starts at the oldest record, with a warning, when the checkpoint cannot be honoured', async () => {
    // Prepare: a checkpoint naming a shard that does not exist and an impossible position in the real one
    const t = await freshTable();
    await t.put('orders', 'o1');
    await t.put('orders', 'o2');
    const probe = recorder();
    await t.drain(probe.handler);
    const checkpoint = JSON.parse(readFileSync(t.files.checkpointFile, 'utf8'));
    const [shardId] = Object.keys(checkpoint.shards);
    writeFileSync(
      t.files.checkpointFile,
      JSON.stringify({ streamArn: checkpoint.streamArn, shards: { 'shardId-00000000000000000000-gone': { sequenceNumber: '5' }, [shardId!]: { sequenceNumber: '999999999999' } } }),
    );
    const warnings: string[] = [];

    // Act
    const { done, handler } = recorder();
    await t.drain(handler, { warn: (m) => void warnings.push(m) });

    // Assess
    expect(done.map(pkOf)).toEqual(['orders#o1', 'orders#o2']);
    expect(warnings).toEqual([expect.stringContaining('shardId-00000000000000000000-gone no longer exists'), expect.stringContaining('TRIM_HORIZON')]);
    expect(Object.keys(JSON.parse(readFileSync(t.files.checkpointFile, 'utf8')).shards)).toEqual([shardId]);
  });

  it('reads a recreated table from the start and refuses a corrupt checkpoint', async () => {
    const t = await freshTable();
    await t.put('orders', 'o1');
    const warnings: string[] = [];
    writeFileSync(t.files.checkpointFile, JSON.stringify({ streamArn: 'arn:aws:dynamodb:ddblocal:000000000000:table/old/stream/x', shards: {} }));
    const { done, handler } = recorder();
    await t.drain(handler, { warn: (m) => void warnings.push(m) });
    expect(done.map(pkOf)).toEqual(['orders#o1']);
    expect(warnings).toEqual([expect.stringContaining('table recreated?')]);

    writeFileSync(t.files.checkpointFile, '{"streamArn": ');
    await expect(t.drain(handler)).rejects.toThrow(/checkpoint .* is unreadable/);
  });
});
