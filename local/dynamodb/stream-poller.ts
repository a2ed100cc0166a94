// Local stand-in for the Lambda event source mapping on the table's stream: reads every shard in
// lineage order and hands Lambda-shaped batches to the same stream handler that runs in AWS.
//
// DynamoDB Local 1.25.1 behaviour this relies on (verified against the jar, see test/local/):
// - Stream records live in the same SQLite file as the tables, so with -dbPath they survive a restart
//   (write, stop, start, drain delivers them). Every CLI command still drains before it stops the
//   emulator, so nothing depends on that.
// - GetRecords on an open shard that is caught up returns no records and a non-null NextShardIterator;
//   a closed shard returns its last records with a null NextShardIterator.
// - A background job closes shards older than 4 hours and opens a child shard; records and shards
//   are trimmed after 24 hours (TrimmedDataAccessException / ResourceNotFoundException), iterators
//   expire after 15 minutes (ExpiredIteratorException).
import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ResourceNotFoundException,
  TrimmedDataAccessException,
  type DynamoDBStreamsClientConfig,
  type Shard,
  type ShardIteratorType,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import { readCheckpoint, writeCheckpoint, type ShardCheckpoint, type StreamCheckpoint } from './stream-checkpoint.ts';
import { deliverBatch, type DeadLetter, type DeliveryStats, type StreamHandler } from './stream-delivery.ts';
import { isRecordChange, toLambdaRecord } from './stream-record.ts';

export type { StreamHandler } from './stream-delivery.ts';

export type EndpointConfig = Pick<DynamoDBStreamsClientConfig, 'region' | 'endpoint' | 'credentials' | 'maxAttempts'>;

export interface DrainStreamOptions {
  /** Endpoint, region and credentials, e.g. the emulator's `clientConfig`. Either this or `client` + `endpoint`. */
  clientConfig?: EndpointConfig;
  /** A table client to reuse; the streams client gets its region and credentials and `endpoint`. */
  client?: DynamoDBClient;
  endpoint?: string;
  /** A streams client to reuse across drains (not destroyed here); else one is made for this drain. */
  streams?: DynamoDBStreamsClient;
  tableName: string;
  /** JSON file with the position per shard; created on the first successful batch. */
  checkpointFile: string;
  handler: StreamHandler;
  /** Most records per invocation (Lambda allows 1 to 10 000). @default 1000 */
  batchSize?: number;
  /** Invocations per record, the first included, before it is dead-lettered. @default 5 */
  maxAttempts?: number;
  /** Base of the exponential delay between retries of the same record. @default 100 */
  retryDelayMs?: number;
  /** ndjson file that receives records the handler keeps failing on. */
  dlqFile: string;
  /** Which records reach the handler; the others only move the checkpoint. @default isRecordChange (sk = 'RECORD') */
  filter?: (record: DynamoDBRecord) => boolean;
  /** @default a line on stderr */
  warn?: (message: string) => void;
}

export interface DrainStats extends DeliveryStats {
  /** Records read from the stream but left out by the filter. */
  filtered: number;
}

/** Consecutive empty pages tolerated on a closed shard before giving up on it for this run. */
const MAX_EMPTY_PAGES_ON_CLOSED_SHARD = 100;

export async function drainStream(options: DrainStreamOptions): Promise<DrainStats> {
  const o = {
    batchSize: 1000,
    maxAttempts: 5,
    retryDelayMs: 100,
    filter: isRecordChange,
    warn: (message: string) => void process.stderr.write(`stream poller: ${message}\n`),
    ...withoutUndefined(options),
  };
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1 || o.batchSize > 10_000) throw new Error(`batchSize must be an integer from 1 to 10000, got ${o.batchSize}`);
  if (!Number.isInteger(o.maxAttempts) || o.maxAttempts < 1) throw new Error(`maxAttempts must be a positive integer, got ${o.maxAttempts}`);

  const { dynamodb, streams, owned, ownedStreams } = clientsFor(o);
  const stats: DrainStats = { batches: 0, records: 0, failures: 0, dlq: 0, filtered: 0 };
  try {
    const table = (await dynamodb.send(new DescribeTableCommand({ TableName: o.tableName }))).Table;
    const streamArn = table?.StreamSpecification?.StreamEnabled ? table.LatestStreamArn : undefined;
    if (!streamArn) throw new Error(`table ${o.tableName} has no enabled stream`);

    let checkpoint = await readCheckpoint(o.checkpointFile);
    if (checkpoint && checkpoint.streamArn !== streamArn) {
      o.warn(`checkpoint ${o.checkpointFile} belongs to ${checkpoint.streamArn}, but ${o.tableName} now streams to ${streamArn} (table recreated?): reading the new stream from its oldest record`);
      checkpoint = undefined;
    }
    const state: StreamCheckpoint = checkpoint ?? { streamArn, shards: {} };
    const save = () => writeCheckpoint(o.checkpointFile, state);
    const reader = new ShardReader(streams, streamArn, o, state, save, stats);

    // Re-describe after each pass: shards can close (and children open) while we read.
    let warnedMissing = false;
    for (;;) {
      const shards = await describeShards(streams, streamArn);
      if (!warnedMissing) {
        warnedMissing = true;
        const known = new Set(shards.map((s) => s.ShardId));
        for (const [id, shard] of Object.entries(state.shards)) {
          if (!shard.completed && !known.has(id)) o.warn(`checkpointed shard ${id} no longer exists (trimmed after 24 h?): records after ${shard.sequenceNumber ?? 'its start'}, if any, are lost; its children start at their oldest records`);
        }
      }
      let progressed = false;
      for (const shard of lineageOrder(shards)) {
        const id = shard.ShardId!;
        if (state.shards[id]?.completed) continue;
        const parent = shard.ParentShardId;
        // A child waits for its parent; a parent no longer in the stream has been trimmed.
        if (parent && shards.some((s) => s.ShardId === parent) && !state.shards[parent]?.completed) continue;
        const result = await reader.drain(shard);
        progressed ||= result.read > 0 || result.completed;
      }
      if (!progressed) break;
    }
    // Forget shards the stream no longer has, so the file does not grow forever.
    const current = new Set((await describeShards(streams, streamArn)).map((s) => s.ShardId!));
    const stale = Object.keys(state.shards).filter((id) => !current.has(id));
    if (stale.length) {
      for (const id of stale) delete state.shards[id];
      await save();
    }
    return stats;
  } finally {
    if (owned) dynamodb.destroy();
    if (ownedStreams) streams.destroy();
  }
}

function clientsFor(o: Pick<DrainStreamOptions, 'clientConfig' | 'client' | 'endpoint' | 'streams'>) {
  if (o.clientConfig) return { dynamodb: new DynamoDBClient(o.clientConfig), streams: o.streams ?? new DynamoDBStreamsClient(o.clientConfig), owned: true, ownedStreams: !o.streams };
  if (!o.client || !(o.endpoint || o.streams)) throw new Error('drainStream needs clientConfig, or client and endpoint (or streams)');
  return { dynamodb: o.client, streams: o.streams ?? streamsClientFor(o.client, o.endpoint!), owned: false, ownedStreams: !o.streams };
}

/** A streams client with the table client's region, credentials and attempts, at the emulator's endpoint. */
export function streamsClientFor(client: DynamoDBClient, endpoint: string): DynamoDBStreamsClient {
  const { region, credentials, maxAttempts } = client.config;
  return new DynamoDBStreamsClient({ region, credentials, maxAttempts, endpoint });
}

/** Parents before children (Lambda's lineage rule), then by starting sequence number. */
export function lineageOrder(shards: readonly Shard[]): Shard[] {
  const byId = new Map(shards.map((s) => [s.ShardId, s]));
  const depth = (s: Shard): number => {
    let d = 0;
    const seen = new Set<string | undefined>([s.ShardId]);
    for (let p = s.ParentShardId; p && byId.has(p) && !seen.has(p); p = byId.get(p)!.ParentShardId) {
      seen.add(p);
      d++;
    }
    return d;
  };
  return shards
    .map((s) => ({ s, d: depth(s) }))
    .sort((a, b) => a.d - b.d || compareSequenceNumbers(a.s.SequenceNumberRange?.StartingSequenceNumber, b.s.SequenceNumberRange?.StartingSequenceNumber))
    .map(({ s }) => s);
}

/** Sequence numbers are decimal strings of varying length. */
export function compareSequenceNumbers(a = '', b = ''): number {
  const x = a.replace(/^0+/, '');
  const y = b.replace(/^0+/, '');
  return x.length - y.length || (x < y ? -1 : x > y ? 1 : 0);
}

async function describeShards(streams: DynamoDBStreamsClient, streamArn: string): Promise<Shard[]> {
  const shards: Shard[] = [];
  let start: string | undefined;
  do {
    const page = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn, ...(start ? { ExclusiveStartShardId: start } : {}) }));
    shards.push(...(page.StreamDescription?.Shards ?? []));
    start = page.StreamDescription?.LastEvaluatedShardId;
  } while (start);
  return shards;
}

type ResolvedOptions = Required<Omit<DrainStreamOptions, 'clientConfig' | 'client' | 'endpoint' | 'streams' | 'tableName'>>;

class ShardReader {
  constructor(
    private readonly streams: DynamoDBStreamsClient,
    private readonly streamArn: string,
    private readonly o: ResolvedOptions,
    private readonly state: StreamCheckpoint,
    private readonly save: () => Promise<void>,
    private readonly stats: DrainStats,
  ) {}

  /** Reads the shard until it is caught up (open) or finished (closed), delivering batches on the way. */
  async drain(shard: Shard): Promise<{ read: number; completed: boolean }> {
    const shardId = shard.ShardId!;
    const position: ShardCheckpoint = (this.state.shards[shardId] ??= {});
    const closed = shard.SequenceNumberRange?.EndingSequenceNumber !== undefined;
    let iterator = await this.iterator(shardId, position.sequenceNumber, true);
    if (iterator === undefined) {
      // The shard vanished between DescribeStream and now: nothing left to read in it.
      position.completed = true;
      await this.save();
      return { read: 0, completed: true };
    }

    let pending: DynamoDBRecord[] = [];
    let lastRead = position.sequenceNumber;
    let read = 0;
    let readSinceSave = 0;
    let emptyPages = 0;
    // After re-reading from TRIM_HORIZON mid-shard, records up to here were already read once.
    let skipThrough: string | undefined;
    for (;;) {
      let page;
      try {
        page = await this.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: Math.min(1000, this.o.batchSize - pending.length) }));
      } catch (err) {
        if (err instanceof ExpiredIteratorException) {
          // Iterators live 15 minutes; a slow handler can outlast one. Resume right after what we already hold.
          iterator = await this.iterator(shardId, lastRead, false);
        } else if (err instanceof TrimmedDataAccessException) {
          this.o.warn(`records of shard ${shardId} after ${lastRead ?? 'its start'} were trimmed before they were read; continuing at its oldest record`);
          skipThrough = lastRead;
          iterator = await this.iterator(shardId, undefined, false);
        } else {
          throw err;
        }
        if (iterator === undefined) {
          // The shard was trimmed away under us: hand over what we hold and let its children go next.
          await this.deliver(shardId, pending, position);
          position.completed = true;
          await this.save();
          return { read, completed: true };
        }
        continue;
      }
      const records = page.Records ?? [];
      for (const r of records) {
        if (skipThrough !== undefined && compareSequenceNumbers(r.dynamodb?.SequenceNumber, skipThrough) <= 0) continue;
        const record = toLambdaRecord(r, this.streamArn);
        lastRead = r.dynamodb?.SequenceNumber ?? lastRead;
        read++;
        readSinceSave++;
        if (this.o.filter(record)) pending.push(record);
        else this.stats.filtered++;
      }
      const finished = !page.NextShardIterator;
      const caughtUp = records.length === 0;
      if (pending.length >= this.o.batchSize || caughtUp || finished) {
        await this.deliver(shardId, pending, position);
        pending = [];
      }
      // Filtered-out records move the position too; save it now and then rather than on every page.
      if (pending.length === 0 && lastRead !== position.sequenceNumber && (caughtUp || finished || readSinceSave >= this.o.batchSize)) {
        position.sequenceNumber = lastRead;
        readSinceSave = 0;
        if (!finished) await this.save();
      }
      if (finished) {
        position.completed = true;
        await this.save();
        return { read, completed: true };
      }
      if (caughtUp) {
        if (!closed) return { read, completed: false };
        // A closed shard can return empty pages before its end (in AWS): keep going, but not forever.
        if (++emptyPages >= MAX_EMPTY_PAGES_ON_CLOSED_SHARD) {
          this.o.warn(`closed shard ${shardId} returned ${emptyPages} empty pages in a row; will retry on the next drain`);
          return { read, completed: false };
        }
      } else {
        emptyPages = 0;
      }
      iterator = page.NextShardIterator!;
    }
  }

  private async deliver(shardId: string, records: DynamoDBRecord[], position: ShardCheckpoint): Promise<void> {
    if (records.length === 0) return;
    await deliverBatch(records, {
      handler: this.o.handler,
      maxAttempts: this.o.maxAttempts,
      retryDelayMs: this.o.retryDelayMs,
      stats: this.stats,
      deadLetter: (entries) => appendDeadLetters(this.o.dlqFile, shardId, entries),
      onProgress: async (lastDone) => {
        position.sequenceNumber = lastDone.dynamodb!.SequenceNumber!;
        await this.save();
      },
    });
  }

  /**
   * An iterator just after `after` (or at the oldest record). A checkpoint that the stream cannot honour
   * any more (trimmed, unknown to the shard) falls back to the oldest record with a warning, as
   * Lambda does when its position has expired. Undefined when the shard itself is gone.
   */
  private async iterator(shardId: string, after: string | undefined, fromCheckpoint: boolean): Promise<string | undefined> {
    const get = async (type: ShardIteratorType, sequenceNumber?: string) =>
      (await this.streams.send(new GetShardIteratorCommand({ StreamArn: this.streamArn, ShardId: shardId, ShardIteratorType: type, ...(sequenceNumber ? { SequenceNumber: sequenceNumber } : {}) })))
        .ShardIterator;
    if (after !== undefined) {
      try {
        return await get('AFTER_SEQUENCE_NUMBER', after);
      } catch (err) {
        const name = (err as Error).name;
        if (!(err instanceof TrimmedDataAccessException || err instanceof ResourceNotFoundException || name === 'ValidationException')) throw err;
        this.o.warn(`${fromCheckpoint ? 'checkpointed ' : ''}position ${after} in shard ${shardId} is no longer readable (${name}: ${(err as Error).message}); starting that shard at TRIM_HORIZON`);
      }
    }
    try {
      return await get('TRIM_HORIZON');
    } catch (err) {
      if (err instanceof ResourceNotFoundException) {
        this.o.warn(`shard ${shardId} no longer exists; skipping it`);
        return undefined;
      }
      throw err;
    }
  }
}

async function appendDeadLetters(file: string, shardId: string, entries: DeadLetter[]): Promise<void> {
  if (entries.length === 0) return;
  await mkdir(dirname(file), { recursive: true });
  const deadLetteredAt = new Date().toISOString();
  const lines = entries.map((e) =>
    JSON.stringify({ deadLetteredAt, shardId, sequenceNumber: e.record.dynamodb?.SequenceNumber, attempts: e.attempts, error: e.error, record: e.record }),
  );
  // fsync: the checkpoint is about to move past these records, so they must not sit only in a cache.
  const handle = await open(file, 'a');
  try {
    await handle.appendFile(lines.join('\n') + '\n');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function withoutUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
