// The stream handler against a real filesystem lake and real DuckDB; EventBridge faults are injected
// with aws-sdk-client-mock because no emulator produces partial PutEvents failures.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { entities } from '#schemas/registry.ts';
import { processStreamBatch } from '#functions/stream/process-batch.ts';
import { keyedHasher } from '#functions/stream/pseudonymize.ts';
import { EventBridgeBus } from '#lib/bus/eventbridge-bus.ts';
import { LocalBus } from '#lib/bus/local-bus.ts';
import { FsObjectStore } from '#lib/store/fs-object-store.ts';
import { openLocalQueryEngine } from '#lib/query/duckdb-engine.ts';
import { startDynamoDbLocal, type DynamoDbLocal } from '#local/dynamodb/emulator.ts';
import { ensureTable } from '#local/dynamodb/table.ts';
import type { IndexTarget } from '#functions/stream/automation-index-ops.ts';
import { streamEvent, streamRecord } from './stream-fixture.ts';

const hash = keyedHasher('0123456789abcdef0123456789abcdef');
const eb = mockClient(EventBridgeClient);
afterEach(() => eb.reset());

// The automation index lives in the CRM table: a real DynamoDB Local table.
let ddb: DynamoDbLocal;
let index: IndexTarget;
beforeAll(async () => {
  ddb = await startDynamoDbLocal({ dir: mkdtempSync(join(tmpdir(), 'crm-stream-ddb-')) });
  await ensureTable(ddb.client, 'crm');
  index = { client: ddb.client, tableName: 'crm' };
});
afterAll(async () => {
  await ddb?.stop();
});

const customer = { id: 'c1', updatedAt: '2026-01-01T00:00:00.000Z', kind: 'person', firstName: 'Ann', lastName: 'Lee', email: 'ann@example.com', phone: '+49 30 123456', birthday: '1990-05-01', street: 'Main St 1', city: 'Berlin', country: 'DE', tier: 'gold', status: 'active', source: 'web', marketingConsent: true, createdAt: '2025-12-01T00:00:00.000Z' };
const opp = (stage: string, updatedAt: string) => ({ id: 'op1', updatedAt, customerId: 'c1', name: 'Deal', stage, amount: 1000, currency: 'EUR', probability: 0.5, expectedCloseDate: '2026-03-01', ownerId: 'rep-01', createdAt: '2026-01-01T00:00:00.000Z' });

describe('stream batch -> lake and bus', () => {
  it('writes pseudonymous Parquet that the query views read, and publishes domain events', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crm-stream-'));
    const bus = new LocalBus(dir);
    const deps = { lake: new FsObjectStore(join(dir, 'lake')), bus, hash, lakePrefix: '', index };
    const event = streamEvent([
      streamRecord(entities.customer, 1, customer),
      streamRecord(entities.opportunity, 2, opp('proposal', '2026-01-02T00:00:00.000Z')),
      streamRecord(entities.opportunity, 3, opp('closed_won', '2026-01-03T00:00:00.000Z'), opp('proposal', '2026-01-02T00:00:00.000Z')),
    ]);
    // Act: the batch is delivered twice (a retry); the lake must not double-count.
    expect(await processStreamBatch(deps, event)).toEqual({ batchItemFailures: [] });
    expect(await processStreamBatch(deps, event)).toEqual({ batchItemFailures: [] });

    // Assess: files keyed by the batch's sequence range, one per table and day.
    expect(readdirSync(join(dir, 'lake', 'opportunities', 'dt=2026-01-15'))).toEqual([`${'1002'.padStart(40, '0')}-${'1003'.padStart(40, '0')}.parquet`]);
    const engine = await openLocalQueryEngine({ lakeDir: join(dir, 'lake') });
    try {
      const customers = (await engine.query('SELECT * FROM customers')).rows;
      expect(customers).toHaveLength(1);
      const row = customers[0]!;
      expect(row).toMatchObject({ id: 'c1', city: 'Berlin', tier: 'gold', op: 'insert', created_at: '2025-12-01T00:00:00.000Z' });
      expect(row.email_hash).toBe(hash('email', 'ANN@example.com'));
      expect(JSON.stringify(row)).not.toMatch(/Ann|Lee|ann@example|123456|1990-05-01|Main St/);
      expect(Object.keys(row)).not.toContain('street');
      const opps = await engine.query('SELECT id, stage, amount FROM opportunities');
      expect(opps.rows).toEqual([{ id: 'op1', stage: 'closed_won', amount: 1000 }]);
      expect((await engine.query('SELECT count(*) AS n FROM opportunities_history')).rows[0]!.n).toBe(2);
    } finally {
      await engine.close();
    }

    const events = readFileSync(join(dir, 'events', 'events.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const types = events.slice(0, events.length / 2).map((e) => e['detail-type']);
    expect(types).toEqual(['CustomerCreated', 'OpportunityCreated', 'OpportunityUpdated', 'OpportunityStageChanged', 'OpportunityWon']);
    const won = events.find((e) => e['detail-type'] === 'OpportunityWon');
    expect(won.detail).toMatchObject({ entity: 'opportunity', id: 'op1', customerId: 'c1', fromStage: 'proposal', toStage: 'closed_won', changedFields: ['stage', 'updatedAt'] });
    const created = events[0];
    expect(created.detail.current.emailHash).toBe(hash('email', 'ann@example.com'));
    expect(JSON.stringify(created)).not.toMatch(/ann@example|Main St/);
  });

  it('reports the earliest record whose events still fail, after retrying failed entries', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crm-stream-'));
    // Prepare: entry 2 of the first call fails; on retry it fails again for good, the others succeed.
    eb.on(PutEventsCommand).callsFake((input: { Entries: { Detail: string }[] }) => ({
      FailedEntryCount: input.Entries.filter((e) => JSON.parse(e.Detail).id === 'o2').length,
      Entries: input.Entries.map((e) => (JSON.parse(e.Detail).id === 'o2' ? { ErrorCode: 'ThrottlingException', ErrorMessage: 'rate exceeded' } : { EventId: 'ok' })),
    }));
    const bus = new EventBridgeBus({ client: new EventBridgeClient({ region: 'local' }), busName: 'crm', backoffMs: 1, maxAttempts: 3 });
    const order = (id: string) => ({ id, updatedAt: '2026-01-01T00:00:00.000Z', customerId: 'c1', orderedAt: '2026-01-01T00:00:00.000Z', status: 'placed', channel: 'web', currency: 'EUR', lineItems: [{ sku: 'A', quantity: 1, unitPrice: 5 }], itemCount: 1, subtotal: 5, discount: 0, tax: 0, total: 5 });
    const event = streamEvent([streamRecord(entities.order, 1, order('o1')), streamRecord(entities.order, 2, order('o2')), streamRecord(entities.order, 3, order('o3'))]);

    const res = await processStreamBatch({ lake: new FsObjectStore(join(dir, 'lake')), bus, hash, index }, event);

    expect(res.batchItemFailures).toEqual([{ itemIdentifier: '1002' }]);
    expect(eb).toHaveReceivedCommandTimes(PutEventsCommand, 3);
    // Only the failed entry is sent again.
    expect(eb.commandCalls(PutEventsCommand)[1]!.args[0].input.Entries).toHaveLength(1);
    // The lake write happened before the events: the retry from 1002 rewrites rows the views deduplicate.
    expect(readdirSync(join(dir, 'lake', 'orders', 'dt=2026-01-15'))).toHaveLength(1);
  });

  it('lets a lake write failure fail the whole batch (Lambda bisects and retries it)', async () => {
    const failing = { put: async () => { throw new Error('disk full'); }, get: async () => undefined, getStream: async () => { throw new Error('x'); }, list: async function* () {} };
    const bus = new LocalBus(mkdtempSync(join(tmpdir(), 'crm-stream-')));
    await expect(processStreamBatch({ lake: failing as never, bus, hash, index }, streamEvent([streamRecord(entities.customer, 1, customer)]))).rejects.toThrow('disk full');
  });

  it('ignores identity and alias items', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crm-stream-'));
    const rec = streamRecord(entities.customer, 1, customer);
    rec.dynamodb!.NewImage!.sk = { S: 'IDENTITY' };
    const res = await processStreamBatch({ lake: new FsObjectStore(join(dir, 'lake')), bus: new LocalBus(dir), hash, index }, streamEvent([rec]));
    expect(res.batchItemFailures).toEqual([]);
    expect(() => readdirSync(join(dir, 'lake'))).toThrow();
  });
});
