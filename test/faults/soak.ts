// The fault-injection soak: records in versions, written as NDJSON import files, delivered to the import function
// (duplicated S3 events, re-delivered after crashes), written by the record writer over a DynamoDB Local client
// with throttles, unprocessed keys and lost responses, then drained by the stream handler into a lake whose puts
// fail with S3 5xx and onto a bus whose PutEvents entries fail and whose batches crash half-way. A consumer
// deduplicates the delivered events with the rules' run claims. Afterwards the table, the lake and the consumer
// are compared with what was sent: lost, doubled and out-of-order records, lost and doubly handled events.
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RecordWriter, type WriteOptions, type WriteResult } from '#functions/ingest/record-writer.ts';
import { importObject } from '#functions/ingest/s3-import.ts';
import { validateRecord, type CrmRecord } from '#functions/ingest/validate.ts';
import { recordVersion } from '#functions/ingest/version.ts';
import { automationRunId, changeKey, type BusEnvelope } from '#functions/rules/invocation.ts';
import { RunClaims } from '#functions/rules/run-claims.ts';
import { EventBridgeBus } from '#lib/bus/eventbridge-bus.ts';
import type { LocalBus } from '#lib/bus/local-bus.ts';
import { mulberry32 } from '#lib/random/mulberry32.ts';
import { openLocalQueryEngine } from '#lib/query/duckdb-engine.ts';
import { FsObjectStore } from '#lib/store/fs-object-store.ts';
import { withLocalStack } from '#local/stack.ts';
import { entities, type AnyEntity } from '#schemas/registry.ts';
import { recordKey, TABLE_DESIGN } from '#lib/table/design.ts';
import { CrashingBus, FAULT_CLASSES, FaultPlan, FaultyObjectStore, injectDynamoDbFaults, localEventBridgeClient, objectStoreS3Client, type FaultClass, type FaultRates } from './fault-injection.ts';

export interface SoakOptions {
  dir: string;
  /** Record versions sent (orders in one to three versions, and customers). */
  records: number;
  /** Rows per import file. @default 50 */
  fileRows?: number;
  rates: FaultRates;
  seed?: number;
  /** Import deliveries between stream drains. @default 40 */
  drainEvery?: number;
  log?: (message: string) => void;
}

export interface SoakReport {
  records: number;
  files: number;
  deliveries: number;
  faults: Record<FaultClass, number>;
  /** Accepted record versions whose id is missing from the table or the lake. */
  lost: number;
  /** Versions stored as more than one change (the lake's history holds the same id and version twice). */
  doubled: number;
  /** Ids whose stored version (table or lake) is not the newest one sent. */
  outOfOrder: number;
  /** Changes in the lake with no event delivered for them. */
  lostEvents: number;
  /** Events the consumer acted on more than once. */
  duplicateEvents: number;
  /** Deliveries of an event already delivered (the stream handler's republishing, which consumers absorb). */
  redeliveredEvents: number;
  /** Records the stream poller dead-lettered (each one a loss for the lake and the bus). */
  deadLettered: number;
  seconds: number;
  /** Wall seconds per phase (import deliveries, stream drains, consumer claims, table read-back, lake verification). */
  phases: Record<SoakPhase, number>;
}

export const SOAK_PHASES = ['setup', 'importDeliveries', 'drains', 'consumerClaims', 'tableRead', 'lakeVerification'] as const;
export type SoakPhase = (typeof SOAK_PHASES)[number];

/** Accumulates wall time per phase. */
function phaseClock() {
  const seconds = Object.fromEntries(SOAK_PHASES.map((p) => [p, 0])) as Record<SoakPhase, number>;
  return {
    seconds,
    async time<T>(phase: SoakPhase, fn: () => Promise<T>): Promise<T> {
      const t0 = performance.now();
      try {
        return await fn();
      } finally {
        seconds[phase] += (performance.now() - t0) / 1000;
      }
    },
  };
}

const DAY = 86_400_000;

/** One writer that dies half-way through a batch on a `crashMidBatch` draw (the import function killed mid-file). */
class CrashingRecordWriter extends RecordWriter {
  constructor(
    options: ConstructorParameters<typeof RecordWriter>[0],
    private readonly plan: FaultPlan,
  ) {
    super(options);
  }

  override async write(entity: AnyEntity, records: CrmRecord[], options?: WriteOptions): Promise<WriteResult[]> {
    if (records.length > 1 && this.plan.hits('crashMidBatch')) {
      await super.write(entity, records.slice(0, Math.floor(records.length * this.plan.draw())), options);
      throw Object.assign(new Error('Runtime exited mid-batch (injected crash)'), { name: 'Runtime.ExitError' });
    }
    return super.write(entity, records, options);
  }
}

/** Customers (one version each) and orders in up to three versions, validated as the import will read them. */
export function soakRecords(count: number, seed: number): { entity: AnyEntity; raw: Record<string, unknown> }[] {
  const random = mulberry32(seed);
  const base = Date.now() - 10 * DAY;
  const iso = (ms: number) => new Date(ms).toISOString();
  const customers = Math.max(1, Math.round(count * 0.1));
  const out: { entity: AnyEntity; raw: Record<string, unknown> }[] = [];
  for (let c = 1; c <= customers; c++) {
    const id = `cus-soak-${String(c).padStart(7, '0')}`;
    out.push({ entity: entities.customer, raw: { id, updatedAt: iso(base + c * 1000), kind: 'person', lastName: `Soak ${c}`, email: `soak.${c}@example.com`, status: 'active', source: 'web', createdAt: iso(base + c * 1000) } });
  }
  const statuses = ['placed', 'paid', 'shipped'];
  for (let o = 1; out.length < count; o++) {
    const id = `ord-soak-${String(o).padStart(8, '0')}`;
    const quantity = 1 + Math.floor(random() * 3);
    const unitPrice = Math.round(random() * 10_000) / 100;
    const subtotal = Math.round(quantity * unitPrice * 100) / 100;
    const orderedAt = base + Math.floor(random() * 5 * DAY);
    const versions = Math.min(count - out.length, 1 + Math.floor(random() * 3));
    for (let v = 0; v < versions; v++) {
      out.push({
        entity: entities.order,
        raw: {
          id,
          updatedAt: iso(orderedAt + v * 3_600_000),
          customerId: `cus-soak-${String(1 + Math.floor(random() * customers)).padStart(7, '0')}`,
          orderedAt: iso(orderedAt),
          status: statuses[v],
          channel: 'web',
          currency: 'EUR',
          lineItems: [{ sku: 'SKU-1', quantity, unitPrice }],
          itemCount: quantity,
          subtotal,
          total: subtotal,
        },
      });
    }
  }
  return out;
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

async function mapPool<T>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

export async function runSoak(o: SoakOptions): Promise<SoakReport> {
  const started = performance.now();
  const clock = phaseClock();
  const log = o.log ?? (() => {});
  const seed = o.seed ?? 1;
  const random = mulberry32(seed + 1);
  const plan = new FaultPlan(o.rates, seed);
  const fileRows = o.fileRows ?? 50;

  // What was sent, and the newest version of each id: the expected final state.
  const sent = soakRecords(o.records, seed);
  const newest = new Map<string, { table: string; version: string }>();
  for (const { entity, raw } of sent) {
    const v = validateRecord(entity, raw);
    if (!v.ok) throw new Error(`soak record ${String(raw.id)} is invalid: ${JSON.stringify(v.errors)}`);
    const version = recordVersion(v.record as CrmRecord);
    const key = `${entity.table}/${String(raw.id)}`;
    if ((newest.get(key)?.version ?? '') < version) newest.set(key, { table: entity.table, version });
  }

  // Import files: customers first (orders refer to them), versions shuffled across files so older ones often come later.
  const bucket = new FsObjectStore(join(o.dir, 'import-bucket'));
  const keys: string[] = [];
  for (const entity of [entities.customer, entities.order]) {
    const rows = shuffle(sent.filter((s) => s.entity === entity).map((s) => JSON.stringify(s.raw)), random);
    for (let i = 0; i < rows.length; i += fileRows) {
      const key = `imports/${entity.table}/part-${String(keys.length).padStart(6, '0')}.ndjson`;
      await bucket.put(key, rows.slice(i, i + fileRows).join('\n') + '\n');
      keys.push(key);
    }
  }

  const delivered = new Map<string, number>();
  const acted = new Map<string, number>();
  const stored = new Map<string, string>();
  let deadLettered = 0;
  let deliveries = 0;
  const consumerKeys: string[] = [];
  await withLocalStack(
    o.dir,
    async (stack) => {
      clock.seconds.setup = (performance.now() - started) / 1000;
      // The import function's own client, with the DynamoDB faults; the stream keeps the stack's clean client.
      const config = stack.client.config;
      const client = new DynamoDBClient({ region: await config.region(), credentials: config.credentials, endpoint: await config.endpoint!(), maxAttempts: 1 });
      injectDynamoDbFaults(client, plan);
      stack.watchWrites(client);
      const writer = new CrashingRecordWriter({ client, tableName: stack.tableName, backoffMs: 5, maxBackoffMs: 200, writeGroupSize: 25 }, plan);
      const importDeps = { s3: objectStoreS3Client(bucket, plan), writer, bus: new EventBridgeBus({ client: localEventBridgeClient(stack.bus, plan), busName: 'crm', backoffMs: 1 }) };
      // The consumer: every delivered record event, deduplicated by the rules' run claims on its change key.
      stack.bus.addRule({ name: 'soak-consumer', pattern: { source: ['crm.records'] }, target: (e) => void consumerKeys.push(changeKey(e as unknown as BusEnvelope)) });
      // A lease longer than the soak: a held claim refuses every later delivery. One conditional update per delivery,
      // sent in transactions of up to 100 (acquireMany), each claim with the condition acquire uses.
      const claims = new RunClaims(stack.client, stack.tableName, 7 * DAY);
      const drain = async () => {
        const s = await clock.time('drains', () => stack.sync());
        deadLettered += s.deadLettered;
        const delivery = consumerKeys.splice(0);
        for (const key of delivery) delivered.set(key, (delivered.get(key) ?? 0) + 1);
        const owned = await clock.time('consumerClaims', () => claims.acquireMany(delivery.map((key) => ({ runId: automationRunId('soak-consumer', key), ruleId: 'soak-consumer', eventId: key }))));
        delivery.forEach((key, i) => owned[i] && acted.set(key, (acted.get(key) ?? 0) + 1));
      };

      // S3 event deliveries: every file once, some again later (duplicate delivery), in random order; an import
      // that fails (crash, S3 error, a row not written) is delivered again, as EventBridge retries the Lambda.
      const queue = shuffle([...keys], random);
      for (let i = 0; i < queue.length; i++) if (plan.hits('duplicateImportDelivery')) queue.splice(i + 1 + Math.floor(random() * (queue.length - i)), 0, queue[i]!);
      while (queue.length) {
        const round = queue.splice(0, o.drainEvery ?? 40);
        await clock.time('importDeliveries', () => mapPool(round, 4, async (key) => {
          deliveries++;
          let outcome;
          try {
            outcome = await importObject(importDeps, 'import-bucket', key);
          } catch {
            queue.push(key);
            return;
          }
          if (outcome.status !== 'completed') throw new Error(`import of ${key} ${outcome.status}: ${outcome.reason}`);
          if (outcome.summary.rejected > 0) throw new Error(`import of ${key} rejected ${outcome.summary.rejected} rows: ${JSON.stringify(outcome.summary.errors.slice(0, 3))}`);
          if (outcome.summary.failed > 0) queue.push(key);
        }));
        await drain();
        log(`soak: ${deliveries} deliveries of ${keys.length} files, ${queue.length} queued, ${Math.round((performance.now() - started) / 1000)} s; phases ${JSON.stringify(clock.seconds, (_, v: unknown) => (typeof v === "number" ? Math.round(v) : v))}; faults ${JSON.stringify(plan.counts)}`);
      }
      await drain();

      // The stored version of every id sent, read back by key (BatchGetItem): a scan would also walk the claims,
      // index and summary items, several times the records, and DynamoDB Local scans each segment over all of them.
      const readStarted = performance.now();
      const ids = [...newest.keys()];
      const chunks: string[][] = [];
      for (let i = 0; i < ids.length; i += 1000) chunks.push(ids.slice(i, i + 1000));
      await mapPool(chunks, 4, async (chunk) => {
        const found = await stack.writer.batchGet(chunk.map((key) => recordKey(key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1))));
        for (const item of found.values()) stored.set(`${item.entity === 'order' ? 'orders' : 'customers'}/${String(item.id)}`, String(item[TABLE_DESIGN.versionAttribute]));
      });
      clock.seconds.tableRead = (performance.now() - readStarted) / 1000;
    },
    {
      adapters: {
        lake: (lake) => new FaultyObjectStore(lake, plan),
        bus: (bus: LocalBus) => new CrashingBus(new EventBridgeBus({ client: localEventBridgeClient(bus, plan), busName: 'crm', backoffMs: 1 }), plan),
      },
      // Many attempts: a fault must cost a retry, never a dead letter (dead letters are counted as losses).
      stream: { batchSize: 100, maxAttempts: 50, retryDelayMs: 0 },
    },
  );

  // The lake: current state per id, versions stored more than once, and every change's event.
  const lakeStarted = performance.now();
  const engine = await openLocalQueryEngine({ lakeDir: join(o.dir, 'lake') });
  const lakeCurrent = new Map<string, string>();
  const changeKeys: string[] = [];
  let doubled = 0;
  try {
    for (const [table, label] of [['customers', entities.customer.label], ['orders', entities.order.label]] as const) {
      for (const r of (await engine.query(`SELECT id, version FROM ${table}`)).rows) lakeCurrent.set(`${table}/${String(r.id)}`, String(r.version));
      doubled += Number((await engine.query(`SELECT count(*) AS n FROM (SELECT id, version FROM ${table}_history GROUP BY id, version HAVING count(*) > 1)`)).rows[0]!.n);
      const suffix = { insert: 'Created', modify: 'Updated', remove: 'Deleted' } as const;
      for (const r of (await engine.query(`SELECT op, seq FROM ${table}_history`)).rows) changeKeys.push(`${label}${suffix[r.op as keyof typeof suffix]}#${String(r.seq)}`);
    }
  } finally {
    await engine.close();
  }
  clock.seconds.lakeVerification = (performance.now() - lakeStarted) / 1000;

  let lost = 0;
  let outOfOrder = 0;
  for (const [key, { version }] of newest) {
    const inTable = stored.get(key);
    const inLake = lakeCurrent.get(key);
    if (inTable === undefined || inLake === undefined) lost++;
    else if (inTable !== version || inLake !== version) outOfOrder++;
  }
  return {
    records: sent.length,
    files: keys.length,
    deliveries,
    faults: { ...plan.counts },
    lost: lost + deadLettered,
    doubled,
    outOfOrder,
    lostEvents: changeKeys.filter((k) => !acted.has(k)).length,
    duplicateEvents: [...acted.values()].filter((n) => n > 1).length,
    redeliveredEvents: [...delivered.values()].reduce((sum, n) => sum + n - 1, 0),
    deadLettered,
    seconds: Math.round((performance.now() - started) / 100) / 10,
    phases: Object.fromEntries(Object.entries(clock.seconds).map(([p, s]) => [p, Math.round(s * 10) / 10])) as Record<SoakPhase, number>,
  };
}

export { FAULT_CLASSES };
