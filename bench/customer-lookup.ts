// Customer look-up at call speed: N customers on DynamoDB Local, a few of them with a long history (20,000+ orders
// and activities), then look-ups by phone (written differently from the stored number) through the HTTP handler
// `GET /v1/customers?phone=`: p50/p99 of the handler's own time and the DynamoDB requests per look-up, for ordinary
// and long-history customers apart. The history goes through the record writer and the stream handler's profile
// and index maintenance (the lake and the bus are left out of the set-up: they do not change what a look-up reads).
// `npx tsx bench/customer-lookup.ts [customers=10000] [longHistoryCustomers=3] [historyItems=20000]`
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { RecordWriter } from '#functions/ingest/record-writer.ts';
import type { CrmRecord } from '#functions/ingest/validate.ts';
import { toChange, type Change } from '#functions/stream/changes.ts';
import { maintainAutomationIndex } from '#functions/stream/automation-index-ops.ts';
import { maintainProfileSummaries } from '#functions/stream/profile-index.ts';
import { handleCustomerRequest } from '#functions/customers/http-customers.ts';
import { countRequests } from '#lib/table/request-counter.ts';
import { mulberry32 } from '#lib/random/mulberry32.ts';
import { startDynamoDbLocal } from '#local/dynamodb/emulator.ts';
import { ensureTable } from '#local/dynamodb/table.ts';
import { drainStream } from '#local/dynamodb/stream-poller.ts';
import { entities, type AnyEntity } from '#schemas/registry.ts';

const TABLE = 'crm-bench-lookup';
const log = (m: string) => process.stderr.write(`${m}\n`);
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

const at = (day: number, minute = 0) => new Date(Date.UTC(2024, 0, 1) + day * 86_400_000 + minute * 60_000).toISOString();
const phoneOf = (i: number) => `+49 30 ${String(1_000_000 + i)}`;
/** The same number as a caller's display shows it: 0049 and the (0) trunk prefix. */
const dialledAs = (i: number) => (i % 2 ? `0049 (0)30 ${String(1_000_000 + i).replace(/(\d{3})(\d{4})/, '$1 $2')}` : `+4930${1_000_000 + i}`);

function customer(i: number): Record<string, unknown> {
  return { id: `cus-${i}`, updatedAt: at(0), kind: 'person', lastName: `Caller ${i}`, phone: phoneOf(i), status: 'active', source: 'web', createdAt: at(0) };
}
function order(customerId: string, n: number, day: number): Record<string, unknown> {
  const price = 10 + (n % 90);
  return { id: `ord-${customerId}-${n}`, updatedAt: at(day, 1), customerId, orderedAt: at(day), status: 'delivered', channel: 'web', currency: 'EUR', lineItems: [{ sku: `SKU-${n % 50}`, quantity: 1, unitPrice: price }], itemCount: 1, subtotal: price, total: price };
}
function activity(customerId: string, n: number, day: number): Record<string, unknown> {
  return { id: `act-${customerId}-${n}`, updatedAt: at(day, n % 1000), customerId, type: 'call', channel: 'phone', direction: 'inbound', occurredAt: at(day, n % 1000), subject: 'call' };
}

export async function benchCustomerLookup(customers = 10_000, longHistory = 3, historyItems = 20_000) {
  const dir = mkdtempSync(join(tmpdir(), 'crm-bench-lookup-'));
  const ddb = await startDynamoDbLocal({ dir, startTimeoutMs: 120_000 });
  try {
    await ensureTable(ddb.client, TABLE);
    const writer = new RecordWriter({ client: ddb.client, tableName: TABLE, writeGroupSize: 25, concurrency: 32 });
    const target = { client: ddb.client, tableName: TABLE };
    const drain = () =>
      drainStream({
        client: ddb.client,
        endpoint: ddb.endpoint,
        tableName: TABLE,
        checkpointFile: join(dir, 'checkpoint.json'),
        dlqFile: join(dir, 'dead-letters.ndjson'),
        handler: async (event) => {
          const changes = event.Records.map(toChange).filter((c): c is Change => c !== undefined);
          await Promise.all([maintainAutomationIndex(target, changes), maintainProfileSummaries(target, changes)]);
          return { batchItemFailures: [] };
        },
      });
    const write = async (entity: AnyEntity, records: Record<string, unknown>[]) => {
      for (let i = 0; i < records.length; i += 2000) {
        const results = await writer.write(entity, records.slice(i, i + 2000).map((r) => entity.schema.parse(r) as CrmRecord));
        const failed = results.filter((r) => r.status === 'failed');
        if (failed.length) throw new Error(`bench set-up: ${failed.length} ${entity.table} failed: ${failed[0]!.message}`);
      }
    };

    const t0 = performance.now();
    log(`customer look-up: ${customers} customers, ${longHistory} of them with ${historyItems} history items`);
    await write(entities.customer, Array.from({ length: customers }, (_, i) => customer(i)));
    // Ordinary customers: a few orders and activities each.
    await write(entities.order, Array.from({ length: customers * 2 }, (_, k) => order(`cus-${k >> 1}`, k & 1, 10 + (k % 300))));
    await write(entities.activity, Array.from({ length: customers * 2 }, (_, k) => activity(`cus-${k >> 1}`, k & 1, 10 + (k % 300))));
    await drain();
    const heavy = Array.from({ length: longHistory }, (_, h) => Math.floor(((h + 1) * customers) / (longHistory + 1)));
    for (const i of heavy) {
      const id = `cus-${i}`;
      const orders = Math.floor(historyItems / 10);
      await write(entities.order, Array.from({ length: orders }, (_, n) => order(id, 100 + n, n % 700)));
      await write(entities.activity, Array.from({ length: historyItems - orders }, (_, n) => activity(id, 100 + n, n % 700)));
      await drain();
    }
    const setupSeconds = round((performance.now() - t0) / 1000, 1);
    log(`  set-up (write + stream) in ${setupSeconds} s`);

    // A client of its own, so only the look-ups' requests are counted.
    const client = new DynamoDBClient(ddb.clientConfig);
    const counter = countRequests(client);
    const event = (phone: string) => ({ requestContext: { http: { method: 'GET' } }, queryStringParameters: { phone } }) as unknown as APIGatewayProxyEventV2;
    const lookup = async (i: number) => {
      counter.reset();
      const t = performance.now();
      const res = await handleCustomerRequest(client, TABLE, event(dialledAs(i)));
      const ms = performance.now() - t;
      if (res.statusCode !== 200 || !String(res.body).includes(`"id":"cus-${i}"`)) throw new Error(`look-up of customer ${i} answered ${res.statusCode}: ${String(res.body).slice(0, 200)}`);
      return { ms, requests: counter.total() };
    };
    const random = mulberry32(7);
    for (let k = 0; k < 50; k++) await lookup(Math.floor(random() * customers)); // warm-up: JIT, connections
    const ordinary: { ms: number; requests: number }[] = [];
    const long: { ms: number; requests: number }[] = [];
    for (let k = 0; k < 2000; k++) ordinary.push(await lookup(Math.floor(random() * customers)));
    for (let k = 0; k < 300; k++) long.push(await lookup(heavy[k % heavy.length]!));
    const summary = (xs: { ms: number; requests: number }[]) => {
      const ms = xs.map((x) => x.ms).sort((a, b) => a - b);
      const req = xs.map((x) => x.requests);
      return { lookups: xs.length, p50Ms: round(percentile(ms, 50)), p99Ms: round(percentile(ms, 99)), maxMs: round(ms[ms.length - 1]!), requestsPerLookup: { min: Math.min(...req), max: Math.max(...req), mean: round(req.reduce((a, b) => a + b, 0) / req.length) } };
    };
    client.destroy();
    return { customers, longHistoryCustomers: longHistory, historyItemsEach: historyItems, setupSeconds, ordinary: summary(ordinary), longHistory: summary(long), all: summary([...ordinary, ...long]) };
  } finally {
    await ddb.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [customers, longHistory, items] = process.argv.slice(2).map(Number);
  process.stdout.write(`${JSON.stringify(await benchCustomerLookup(customers || undefined, longHistory || undefined, items || undefined), null, 2)}\n`);
}
