// Faults no emulator produces, injected around the real adapters: SDK middleware on the real DynamoDB Local
// client (throttles, unprocessed keys, responses lost after the write landed), an EventBridge client whose
// PutEvents is answered by the local bus with failed entries, an object store whose puts fail with S3 5xx,
// and a bus that crashes half-way through a batch. Every decision comes from one seeded generator and is
// counted, so a run says how many faults of each class it survived.
import { Readable } from 'node:stream';
import { ProvisionedThroughputExceededException, InternalServerError, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, type PutEventsCommandOutput, type PutEventsRequestEntry, type PutEventsResultEntry } from '@aws-sdk/client-eventbridge';
import { S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mulberry32 } from '#lib/random/mulberry32.ts';
import type { BusEvent, EventBus, PublishFailure } from '#lib/bus/event-bus.ts';
import type { LocalBus } from '#lib/bus/local-bus.ts';
import type { ObjectStore } from '#lib/store/object-store.ts';

export const FAULT_CLASSES = ['throttle', 'unprocessedKeys', 'lostWriteResponse', 'failedPutEventsEntry', 's3ServerError', 'crashMidBatch', 'duplicateImportDelivery'] as const;
export type FaultClass = (typeof FAULT_CLASSES)[number];

/** Probability of each fault where it can happen (per request, entry, put or batch). */
export type FaultRates = Partial<Record<FaultClass, number>>;

export class FaultPlan {
  readonly counts = Object.fromEntries(FAULT_CLASSES.map((c) => [c, 0])) as Record<FaultClass, number>;
  private readonly random: () => number;

  constructor(
    readonly rates: FaultRates,
    seed = 1,
  ) {
    this.random = mulberry32(seed);
  }

  /** Draws whether a fault of this class happens now, and counts it when it does. */
  hits(fault: FaultClass): boolean {
    const rate = this.rates[fault] ?? 0;
    if (rate <= 0 || this.random() >= rate) return false;
    this.counts[fault]++;
    return true;
  }

  /** A uniform draw in [0, 1) from the same generator (for where a fault cuts a batch). */
  draw(): number {
    return this.random();
  }
}

const WRITES = new Set(['PutItemCommand', 'TransactWriteItemsCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand']);
const DATA_COMMANDS = new Set([...WRITES, 'BatchGetItemCommand', 'GetItemCommand', 'QueryCommand']);

/**
 * Middleware on a real DynamoDB client (the one talking to DynamoDB Local): a request may be throttled before
 * it is sent, a BatchGetItem may come back with some of its keys unprocessed, and a write may land but its
 * response be lost (a 500 after the item is stored), as on a dropped connection. Added at the initialize
 * step, above the SDK's own retries: the caller's retry logic is what is tested.
 */
export function injectDynamoDbFaults(client: DynamoDBClient, plan: FaultPlan): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? '';
      if (!DATA_COMMANDS.has(command)) return next(args);
      if (plan.hits('throttle')) {
        throw new ProvisionedThroughputExceededException({ message: 'The level of configured provisioned throughput for the table was exceeded (injected)', $metadata: { httpStatusCode: 400 } });
      }
      const result = await next(args);
      if (WRITES.has(command) && plan.hits('lostWriteResponse')) {
        throw new InternalServerError({ message: 'response lost after the write landed (injected)', $metadata: { httpStatusCode: 500 } });
      }
      if (command === 'BatchGetItemCommand') {
        const output = result.output as { Responses?: Record<string, Record<string, unknown>[]>; UnprocessedKeys?: Record<string, { Keys?: Record<string, unknown>[] }> };
        const input = args.input as { RequestItems: Record<string, { Keys: Record<string, { S?: string }>[] }> };
        for (const [table, request] of Object.entries(input.RequestItems)) {
          if (request.Keys.length === 0 || output.UnprocessedKeys?.[table]?.Keys?.length || !plan.hits('unprocessedKeys')) continue;
          // Hand back the second half of the keys as unprocessed, and drop their items from the responses.
          const unprocessed = request.Keys.slice(Math.floor(request.Keys.length / 2));
          const ids = new Set(unprocessed.map((k) => `${k.pk?.S}\u0000${k.sk?.S}`));
          const found = (output.Responses ??= {})[table] ?? [];
          output.Responses[table] = found.filter((item) => !ids.has(`${(item.pk as { S?: string })?.S}\u0000${(item.sk as { S?: string })?.S}`));
          (output.UnprocessedKeys ??= {})[table] = { ...request, Keys: unprocessed };
        }
      }
      return result;
    },
    { step: 'initialize', name: 'injectedDynamoDbFaults' },
  );
}

/**
 * An EventBridge client whose PutEvents never leaves the machine: each entry either fails (`InternalFailure`,
 * not delivered, as EventBridge reports a failed entry) or is delivered to the local bus, which routes it to
 * the rules by pattern. The real EventBridgeBus adapter sits in front and retries the failed entries.
 */
export function localEventBridgeClient(bus: LocalBus, plan: FaultPlan): EventBridgeClient {
  const client = new EventBridgeClient({ region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  client.middlewareStack.add(
    () => async (args) => {
      const entries = (args.input as { Entries?: PutEventsRequestEntry[] }).Entries ?? [];
      const results: PutEventsResultEntry[] = [];
      const delivered: BusEvent[] = [];
      for (const e of entries) {
        if (plan.hits('failedPutEventsEntry')) {
          results.push({ ErrorCode: 'InternalFailure', ErrorMessage: 'injected failed entry' });
          continue;
        }
        delivered.push({ source: e.Source!, detailType: e.DetailType!, detail: JSON.parse(e.Detail ?? '{}') as Record<string, unknown>, ...(e.Time ? { time: new Date(e.Time).toISOString() } : {}), ...(e.Resources ? { resources: e.Resources } : {}) });
        results.push({ EventId: `local-${results.length}` });
      }
      if (delivered.length) await bus.publish(delivered);
      const output: PutEventsCommandOutput = { FailedEntryCount: results.filter((r) => r.ErrorCode).length, Entries: results, $metadata: { httpStatusCode: 200 } };
      return { output, response: {} } as never;
    },
    { step: 'initialize', name: 'localPutEvents' },
  );
  return client;
}

/** A bus that, on a `crashMidBatch` draw, publishes the first part of a batch and then dies, as a Lambda killed mid-invocation. */
export class CrashingBus implements EventBus {
  constructor(
    private readonly inner: EventBus,
    private readonly plan: FaultPlan,
  ) {}

  async publish(events: BusEvent[]): Promise<PublishFailure[]> {
    if (events.length > 1 && this.plan.hits('crashMidBatch')) {
      await this.inner.publish(events.slice(0, Math.floor(events.length * this.plan.draw())));
      throw Object.assign(new Error('Runtime exited mid-batch (injected crash)'), { name: 'Runtime.ExitError' });
    }
    return this.inner.publish(events);
  }
}

const s3ServerError = (message: string) => new S3ServiceException({ name: 'InternalError', $fault: 'server', message, $metadata: { httpStatusCode: 500 } });

/** An object store whose puts fail with an S3 5xx: half before anything is written, half after the object landed. */
export class FaultyObjectStore implements ObjectStore {
  constructor(
    private readonly inner: ObjectStore,
    private readonly plan: FaultPlan,
  ) {}

  async put(key: string, body: Uint8Array | string, contentType?: string): Promise<void> {
    if (!this.plan.hits('s3ServerError')) return this.inner.put(key, body, contentType);
    if (this.plan.draw() < 0.5) throw s3ServerError(`We encountered an internal error. Please try again. (injected, ${key} not written)`);
    await this.inner.put(key, body, contentType);
    throw s3ServerError(`We encountered an internal error. Please try again. (injected, ${key} written, response lost)`);
  }

  get(key: string) {
    return this.inner.get(key);
  }

  getStream(key: string) {
    return this.inner.getStream(key);
  }

  list(prefix: string) {
    return this.inner.list(prefix);
  }
}

/**
 * An S3 client whose GetObject and PutObject are served from an object store (the import function's view
 * of the import bucket), with `s3ServerError` faults on both; other commands are refused.
 */
export function objectStoreS3Client(store: ObjectStore, plan: FaultPlan): S3Client {
  const client = new S3Client({ region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  client.middlewareStack.add(
    (_next, context) => async (args) => {
      const input = args.input as { Key: string; Body?: unknown };
      if (plan.hits('s3ServerError')) throw s3ServerError(`We encountered an internal error. Please try again. (injected, ${context.commandName} ${input.Key})`);
      if (context.commandName === 'GetObjectCommand') {
        const bytes = await store.get(input.Key);
        if (!bytes) throw new S3ServiceException({ name: 'NoSuchKey', $fault: 'client', message: `no such key ${input.Key}`, $metadata: { httpStatusCode: 404 } });
        return { output: { Body: Readable.from([bytes]), $metadata: { httpStatusCode: 200 } }, response: {} } as never;
      }
      if (context.commandName === 'PutObjectCommand') {
        const body = input.Body;
        const chunks: Buffer[] = [];
        if (typeof body === 'string' || body instanceof Uint8Array) chunks.push(Buffer.from(body));
        else for await (const c of body as AsyncIterable<Buffer>) chunks.push(Buffer.from(c));
        await store.put(input.Key, Buffer.concat(chunks));
        return { output: { $metadata: { httpStatusCode: 200 } }, response: {} } as never;
      }
      throw new Error(`objectStoreS3Client: ${context.commandName} is not served`);
    },
    { step: 'initialize', name: 'objectStoreS3' },
  );
  return client;
}
