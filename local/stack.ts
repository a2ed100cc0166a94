// The local stack: DynamoDB Local (state in <dir>/dynamodb), the same writer and stream handler as in
// AWS, a filesystem lake (<dir>/lake) and the in-process bus (<dir>/events). Every command drains the
// stream before it stops, so the lake is current whenever no command runs.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RecordWriter } from '#functions/ingest/record-writer.ts';
import { processStreamBatch, type BatchStats } from '#functions/stream/process-batch.ts';
import { keyedHasher, type Pseudonymize } from '#functions/stream/pseudonymize.ts';
import type { EventBus } from '#lib/bus/event-bus.ts';
import { LocalBus } from '#lib/bus/local-bus.ts';
import { FsObjectStore } from '#lib/store/fs-object-store.ts';
import type { ObjectStore } from '#lib/store/object-store.ts';
import { startDynamoDbLocal } from './dynamodb/emulator.ts';
import { ensureTable, LOCAL_TABLE_NAME } from './dynamodb/table.ts';
import { drainStream, streamsClientFor } from './dynamodb/stream-poller.ts';
import { watchRecordWrites } from './dynamodb/record-writes.ts';
import { localPseudonymKey } from './secrets.ts';
import { loadAutomationConfig, type AutomationConfig } from '#lib/rules/config.ts';
import { LocalRules } from './automation/local-rules.ts';

export interface SyncStats {
  batches: number;
  records: number;
  files: number;
  events: number;
  failedEvents: number;
  deadLettered: number;
}

export interface LocalStack {
  dir: string;
  tableName: string;
  client: DynamoDBClient;
  writer: RecordWriter;
  bus: LocalBus;
  lake: FsObjectStore;
  hash: Pseudonymize;
  /**
   * Hands every pending stream change to the stream handler (lake + events). It drains only after a write through
   * `client` (or a client given to `watchWrites`) that may have changed a record item.
   */
  sync(): Promise<SyncStats>;
  /** Registers another client that writes records to the table, so `sync` knows to drain after its writes. */
  watchWrites(client: DynamoDBClient): void;
  /** The automation rules on the local bus (the team's configuration merged over the built-ins). */
  rules: LocalRules;
  /** Drains the stream and works off the rule runs it triggers, until neither has work left. */
  settle(): Promise<{ rounds: number; changes: number }>;
}

export interface LocalStackOptions {
  /** The resolved automation configuration. @default loadAutomationConfig() (crm.automation.json / CRM_AUTOMATION_CONFIG) */
  automation?: AutomationConfig;
  /** The command stops the stack itself on Ctrl-C (crm serve): see DynamoDbLocalOptions.callerHandlesSignals. @default false */
  callerHandlesSignals?: boolean;
  /** SQLite durability of DynamoDB Local for this run: see DynamoDbLocalOptions.sqliteSynchronous. @default 'FULL' */
  sqliteSynchronous?: 'FULL' | 'NORMAL';
  /**
   * Wrappers around the adapters the stream handler and the rules publish and write through (fault-injection
   * tests and the soak benchmark put failing adapters here; the CLI never does).
   */
  adapters?: { lake?: (lake: FsObjectStore) => ObjectStore; bus?: (bus: LocalBus) => EventBus };
  /** The stream poller's retry settings (see drainStream). @default its defaults */
  stream?: { batchSize?: number; maxAttempts?: number; retryDelayMs?: number };
}

export async function withLocalStack<T>(dirArg: string, fn: (stack: LocalStack) => Promise<T>, options: LocalStackOptions = {}): Promise<T> {
  // An invalid rule file fails every command before anything starts.
  const automation = options.automation ?? loadAutomationConfig();
  const dir = resolve(dirArg);
  mkdirSync(dir, { recursive: true });
  const ddb = await startDynamoDbLocal({ dir, callerHandlesSignals: options.callerHandlesSignals ?? false, sqliteSynchronous: options.sqliteSynchronous ?? 'FULL' });
  const streams = streamsClientFor(ddb.client, ddb.endpoint);
  // The first drain always runs (changes may be left from an interrupted command); later ones only after a write
  // that may have changed a record item.
  const recordWrites = watchRecordWrites(ddb.client);
  try {
    await ensureTable(ddb.client, LOCAL_TABLE_NAME);
    const lake = new FsObjectStore(join(dir, 'lake'));
    const bus = new LocalBus(dir);
    const hash = keyedHasher(localPseudonymKey(dir));
    const publisher = options.adapters?.bus?.(bus) ?? bus;
    const deps = { lake: options.adapters?.lake?.(lake) ?? lake, bus: publisher, hash, lakePrefix: '', index: { client: ddb.client, tableName: LOCAL_TABLE_NAME } };
    const sync = async (): Promise<SyncStats> => {
      const stats: BatchStats = { changes: 0, files: [], events: 0, failedEvents: 0 };
      if (!recordWrites.take()) return { batches: 0, records: 0, files: 0, events: 0, failedEvents: 0, deadLettered: 0 };
      const drained = await drainStream({
        client: ddb.client,
        streams,
        tableName: LOCAL_TABLE_NAME,
        checkpointFile: join(dir, 'stream', 'checkpoint.json'),
        dlqFile: join(dir, 'stream', 'dead-letters.ndjson'),
        handler: (event) => processStreamBatch(deps, event, stats),
        ...options.stream,
      }).catch((err: unknown) => {
        recordWrites.mark();
        throw err;
      });
      return { batches: drained.batches, records: stats.changes, files: new Set(stats.files).size, events: stats.events, failedEvents: stats.failedEvents, deadLettered: drained.dlq };
    };
    const writer = new RecordWriter({ client: ddb.client, tableName: LOCAL_TABLE_NAME, writeGroupSize: 25, concurrency: 32 });
    const rules = new LocalRules({ dir, client: ddb.client, tableName: LOCAL_TABLE_NAME, writer, bus, publisher }, { config: automation });
    const stack: LocalStack = { dir, tableName: LOCAL_TABLE_NAME, client: ddb.client, writer, bus, lake, hash, sync, watchWrites: (c) => recordWrites.watch(c), rules, settle: () => rules.settle(sync) };
    const result = await fn(stack);
    await stack.settle();
    return result;
  } finally {
    streams.destroy();
    await ddb.stop();
  }
}
