// Retry, bisect and dead-letter rules of the local event source mapping, without any emulator.
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { deliverBatch, type DeadLetter, type DeliveryStats, type StreamHandler } from '../../local/dynamodb/stream-delivery.ts';
import { compareSequenceNumbers, lineageOrder } from '../../local/dynamodb/stream-poller.ts';
import { toLambdaAttributeValue } from '../../local/dynamodb/stream-record.ts';

const records = (n: number): DynamoDBRecord[] =>
  Array.from({ length: n }, (_, i) => ({ eventName: 'INSERT', dynamodb: { SequenceNumber: String(100 + i), Keys: { pk: { S: `orders#o${i}` } } } }));
const id = (r: DynamoDBRecord) => r.dynamodb!.Keys!.pk!.S!.slice('orders#'.length);

async function run(batch: DynamoDBRecord[], handler: StreamHandler, maxAttempts = 3) {
  const stats: DeliveryStats = { batches: 0, records: 0, failures: 0, dlq: 0 };
  const dead: DeadLetter[] = [];
  const progress: string[] = [];
  await deliverBatch(batch, {
    handler,
    maxAttempts,
    retryDelayMs: 0,
    stats,
    deadLetter: async (entries) => void dead.push(...entries),
    onProgress: async (r) => void progress.push(id(r)),
  });
  return { stats, dead, progress };
}

describe('deliverBatch', () => {
  it('invokes once and reports progress at the end of a batch that succeeds', async () => {
    const calls: string[][] = [];
    const { stats, progress } = await run(records(4), async (e) => void calls.push(e.Records.map(id)));
    expect(calls).toEqual([['o0', 'o1', 'o2', 'o3']]);
    expect(stats).toEqual({ batches: 1, records: 4, failures: 0, dlq: 0 });
    expect(progress).toEqual(['o3']);
  });

  it('dead-letters every record, each on its own, when the handler always throws', async () => {
    const { stats, dead, progress } = await run(records(4), async () => {
      throw new Error('down');
    }, 2);
    expect(dead.map((d) => [id(d.record), d.attempts, d.error.message])).toEqual([['o0', 2, 'down'], ['o1', 2, 'down'], ['o2', 2, 'down'], ['o3', 2, 'down']]);
    expect(stats).toMatchObject({ records: 0, dlq: 4 });
    expect(progress).toEqual(['o0', 'o1', 'o2', 'o3']);
  });

  it('treats an itemIdentifier that is not in the batch as a failed invocation and bisects', async () => {
    const calls: string[][] = [];
    const { stats } = await run(records(2), async (e) => {
      calls.push(e.Records.map(id));
      return calls.length === 1 ? { batchItemFailures: [{ itemIdentifier: 'nope' }] } : undefined;
    });
    expect(calls).toEqual([['o0', 'o1'], ['o0'], ['o1']]);
    expect(stats).toEqual({ batches: 3, records: 2, failures: 1, dlq: 0 });
  });

  it('counts attempts per first failed record: progress resets the count', async () => {
    // o1 fails in call 1, o2 in call 2: each first failed record has failed once, so maxAttempts 2 is never reached.
    const calls: string[][] = [];
    const { stats, dead } = await run(records(3), async (e) => {
      calls.push(e.Records.map(id));
      const failing = e.Records.find((r) => id(r) === ['o1', 'o2'][calls.length - 1]);
      return failing ? { batchItemFailures: [{ itemIdentifier: failing.dynamodb!.SequenceNumber! }] } : undefined;
    }, 2);
    expect(dead).toEqual([]);
    expect(calls).toEqual([['o0', 'o1', 'o2'], ['o1', 'o2'], ['o2']]);
    expect(stats).toMatchObject({ batches: 3, records: 3, failures: 2 });
  });

  it('hands each invocation its own copy of the records', async () => {
    const seen: string[] = [];
    await run(records(1), async (e) => {
      seen.push(id(e.Records[0]!));
      e.Records[0]!.dynamodb!.Keys!.pk!.S = 'orders#mutated';
      if (seen.length === 1) throw new Error('retry me');
    });
    expect(seen).toEqual(['o0', 'o0']);
  });
});

describe('lineageOrder', () => {
  it('puts parents before children, then orders by starting sequence number', () => {
    const shard = (ShardId: string, start: string, ParentShardId?: string) => ({ ShardId, SequenceNumberRange: { StartingSequenceNumber: start }, ...(ParentShardId ? { ParentShardId } : {}) });
    const ordered = lineageOrder([shard('c2', '900', 'c1'), shard('c1', '500', 'root'), shard('other', '20'), shard('root', '100'), shard('orphan', '50', 'trimmed')]);
    expect(ordered.map((s) => s.ShardId)).toEqual(['other', 'orphan', 'root', 'c1', 'c2']);
  });

  it('compares sequence numbers as numbers of any length', () => {
    expect(compareSequenceNumbers('9', '10')).toBeLessThan(0);
    expect(compareSequenceNumbers('000000000000000000010', '9')).toBeGreaterThan(0);
    expect(compareSequenceNumbers('4421584500000000017450439091', '4421584500000000017450439091')).toBe(0);
  });
});

describe('toLambdaAttributeValue', () => {
  it('gives binary as base64 and copies sets, lists and maps into plain JSON', () => {
    const value = toLambdaAttributeValue({ M: { b: { B: new Uint8Array([104, 105]) }, bs: { BS: [new Uint8Array([1]), new Uint8Array([2])] }, ns: { NS: ['1', '2'] }, l: { L: [{ S: 'x' }, { NULL: true }] } } });
    expect(value).toEqual({ M: { b: { B: 'aGk=' }, bs: { BS: ['AQ==', 'Ag=='] }, ns: { NS: ['1', '2'] }, l: { L: [{ S: 'x' }, { NULL: true }] } } });
  });
});
