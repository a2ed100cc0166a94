// The bounded customer profile on DynamoDB Local: look-up by id, phone and e-mail, what the stream keeps for it
// (value per currency, latest orders and activities, open items), idempotency of the sums, request counts.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynamoDbLocal, type DynamoDbLocal } from '#local/dynamodb/emulator.ts';
import { ensureTable } from '#local/dynamodb/table.ts';
import { drainStream } from '#local/dynamodb/stream-poller.ts';
import { RecordWriter } from '#functions/ingest/record-writer.ts';
import type { CrmRecord } from '#functions/ingest/validate.ts';
import { maintainProfileSummaries } from '#functions/stream/profile-index.ts';
import { maintainAutomationIndex } from '#functions/stream/automation-index-ops.ts';
import type { Change } from '#functions/stream/changes.ts';
import { recordVersion } from '#functions/ingest/version.ts';
import { lookupCustomer, type CustomerProfile, type LookupResult } from '#lib/profile/customer-profile.ts';
import { countRequests } from '#lib/table/request-counter.ts';
import { entities, type AnyEntity } from '#schemas/registry.ts';

const TABLE = 'crm-profile-test';
let ddb: DynamoDbLocal;
let dir: string;
let writer: RecordWriter;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'crm-profile-'));
  ddb = await startDynamoDbLocal({ dir });
  await ensureTable(ddb.client, TABLE);
  writer = new RecordWriter({ client: ddb.client, tableName: TABLE, writeGroupSize: 25 });
}, 60_000);
afterAll(async () => ddb?.stop());

const T = (day: number, hour = 10) => new Date(Date.UTC(2026, 0, day, hour)).toISOString();

async function write(entity: AnyEntity, ...records: Record<string, unknown>[]) {
  const results = await writer.write(entity, records.map((r) => entity.schema.parse(r) as CrmRecord));
  expect(results.map((r) => r.status)).not.toContain('failed');
  return results;
}

/** The stream handler's profile and index work, as the Lambda (and the local poller) runs it. */
async function drain() {
  await drainStream({
    client: ddb.client,
    endpoint: ddb.endpoint,
    tableName: TABLE,
    checkpointFile: join(dir, 'checkpoint.json'),
    dlqFile: join(dir, 'dead-letters.ndjson'),
    handler: async (event) => {
      const { toChange } = await import('#functions/stream/changes.ts');
      const changes = event.Records.map(toChange).filter((c): c is Change => c !== undefined);
      await Promise.all([maintainAutomationIndex({ client: ddb.client, tableName: TABLE }, changes), maintainProfileSummaries({ client: ddb.client, tableName: TABLE }, changes)]);
      return { batchItemFailures: [] };
    },
  });
}

const customer = (id: string, over: Record<string, unknown> = {}) => ({ id, updatedAt: T(1), kind: 'person', firstName: 'Ann', lastName: `Lee ${id}`, status: 'active', source: 'web', createdAt: T(1), ...over });
const order = (id: string, customerId: string, total: number, over: Record<string, unknown> = {}) => ({
  id,
  updatedAt: T(2),
  customerId,
  orderedAt: T(2),
  status: 'paid',
  channel: 'web',
  currency: 'EUR',
  lineItems: [{ sku: 'SKU-1', quantity: 1, unitPrice: total }],
  itemCount: 1,
  subtotal: total,
  total,
  ...over,
});
const activity = (id: string, customerId: string, day: number) => ({ id, updatedAt: T(day), customerId, type: 'call', channel: 'phone', direction: 'inbound', occurredAt: T(day), subject: `call ${id}` });

function found(r: LookupResult): CustomerProfile {
  if (r.status !== 'found') throw new Error(`expected a profile, got ${JSON.stringify(r)}`);
  return r.profile;
}

describe('customer look-up and profile', () => {
  beforeAll(async () => {
    await write(entities.customer, customer('c-a', { phone: '+44 (0)20 7946 0958', email: 'Ann.Lee@Example.com' }), customer('c-b', { phone: '+49 30 1234567' }), customer('c-c'));
    await write(entities.contact, { id: 'k-1', updatedAt: T(1), customerId: 'c-b', lastName: 'Buyer', phone: '+33 6 11 22 33 44', createdAt: T(1) });
    // A contact of c-c shares c-b's phone: two customers match that number.
    await write(entities.contact, { id: 'k-2', updatedAt: T(1), customerId: 'c-c', lastName: 'Shared', phone: '0049 30 1234567', createdAt: T(1) });
    await write(
      entities.order,
      order('o-1', 'c-a', 100.1),
      order('o-2', 'c-a', 50.25, { orderedAt: T(3) }),
      order('o-3', 'c-a', 70, { currency: 'USD', orderedAt: T(4) }),
      order('o-4', 'c-a', 999, { status: 'cancelled', orderedAt: T(5) }),
    );
    await write(entities.activity, ...Array.from({ length: 14 }, (_, i) => activity(`a-${String(i).padStart(2, '0')}`, 'c-a', 2 + i)));
    await write(entities.ticket, { id: 't-1', updatedAt: T(2), customerId: 'c-a', priority: 'high', status: 'open', category: 'billing', channel: 'phone', openedAt: T(2) });
    await write(entities.ticket, { id: 't-2', updatedAt: T(2), customerId: 'c-a', priority: 'low', status: 'open', category: 'other', channel: 'phone', openedAt: T(3) });
    await drain();
  }, 60_000);

  it('finds a customer by phone written with spaces, + or 00 and (0), and by e-mail in any case', async () => {
    for (const phone of ['+44 20 7946 0958', '0044 (0)20 7946 0958', '+442079460958', '0044 20 79460958']) {
      expect(found(await lookupCustomer(ddb.client, TABLE, { phone })).customer.id).toBe('c-a');
    }
    expect(found(await lookupCustomer(ddb.client, TABLE, { email: ' ann.lee@EXAMPLE.com ' })).customer.id).toBe('c-a');
    // A contact's phone finds the contact's customer.
    expect(found(await lookupCustomer(ddb.client, TABLE, { phone: '+33 (0)6 11 22 33 44' })).customer.id).toBe('c-b');
  });

  it('returns candidates, never a guess, when a number belongs to two customers', async () => {
    const r = await lookupCustomer(ddb.client, TABLE, { phone: '+49 30 1234567' });
    expect(r.status).toBe('ambiguous');
    expect(r.status === 'ambiguous' && r.candidates).toEqual([
      { customerId: 'c-b', name: 'Ann Lee c-b', matchedBy: ['customer.phone'] },
      { customerId: 'c-c', name: 'Ann Lee c-c', matchedBy: ['contact.phone'] },
    ]);
  });

  it('says not found for an unknown phone and invalid for a phone without enough digits', async () => {
    expect((await lookupCustomer(ddb.client, TABLE, { phone: '+44 20 0000 0000' })).status).toBe('not_found');
    expect((await lookupCustomer(ddb.client, TABLE, { phone: '12-34' })).status).toBe('invalid');
    expect((await lookupCustomer(ddb.client, TABLE, { id: 'c-nobody' })).status).toBe('not_found');
  });

  it('shows value per currency without cancelled orders, the latest orders and activities, and open items', async () => {
    const p = found(await lookupCustomer(ddb.client, TABLE, { id: 'c-a' }));
    expect(p.value).toEqual({ EUR: { orders: 2, revenue: 150.35, averageOrderValue: 75.18 }, USD: { orders: 1, revenue: 70, averageOrderValue: 70 } });
    expect(p.firstOrderAt).toBe(T(2));
    expect(p.lastOrderAt).toBe(T(5));
    expect(p.recentOrders.map((o) => o.id)).toEqual(['o-4', 'o-3', 'o-2', 'o-1']);
    // 14 activities on days 2..15: the latest 10, newest first, with their (table-only) subjects.
    expect(p.recentActivities.map((a) => a.id)).toEqual(['a-13', 'a-12', 'a-11', 'a-10', 'a-09', 'a-08', 'a-07', 'a-06', 'a-05', 'a-04']);
    expect(p.recentActivities[0]?.subject).toBe('call a-13');
    expect(p.openTickets.map((t) => t.id)).toEqual(['t-2', 't-1']);
    expect(p.counts.openTickets).toBe(2);
  });

  it('follows updates: a closed ticket leaves, a changed total moves the value, an older version changes nothing', async () => {
    await write(entities.ticket, { id: 't-1', updatedAt: T(6), customerId: 'c-a', priority: 'high', status: 'closed', category: 'billing', channel: 'phone', openedAt: T(2), resolvedAt: T(6) });
    await write(entities.order, order('o-1', 'c-a', 120.1, { updatedAt: T(7) }));
    // Stale: older than the stored version, refused by the writer (and so never reaches the stream).
    const stale = await write(entities.order, order('o-1', 'c-a', 5, { updatedAt: T(1) }));
    expect(stale[0]?.status).toBe('stale');
    await drain();
    const p = found(await lookupCustomer(ddb.client, TABLE, { id: 'c-a' }));
    expect(p.openTickets.map((t) => t.id)).toEqual(['t-2']);
    expect(p.counts.openTickets).toBe(1);
    expect(p.value.EUR).toEqual({ orders: 2, revenue: 170.35, averageOrderValue: 85.18 });
  });

  it('counts a redelivered or older change once: the sums are idempotent', async () => {
    const target = { client: ddb.client, tableName: TABLE };
    const change = (rec: Record<string, unknown>, previous?: Record<string, unknown>): Change => ({
      entity: entities.order,
      op: previous ? 'modify' : 'insert',
      seq: '1'.padStart(40, '0'),
      sequenceNumber: '1',
      changedAt: new Date(),
      version: recordVersion(rec as CrmRecord),
      current: rec as CrmRecord,
      ...(previous ? { previous: previous as CrmRecord } : {}),
    });
    const v1 = order('o-9', 'c-c', 10);
    const v2 = order('o-9', 'c-c', 30, { updatedAt: T(9) });
    await maintainProfileSummaries(target, [change(v1)]);
    await maintainProfileSummaries(target, [change(v1)]); // redelivered
    await maintainProfileSummaries(target, [change(v2, v1)]);
    await maintainProfileSummaries(target, [change(v2, v1), change(v1)]); // the batch again, and the older version after it
    await maintainProfileSummaries(target, [change(v1)]);
    const p = found(await lookupCustomer(ddb.client, TABLE, { id: 'c-c' }));
    expect(p.value).toEqual({ EUR: { orders: 1, revenue: 30, averageOrderValue: 30 } });
  });

  it('resolves a merged id to the survivor and adds what is filed under the merged id', async () => {
    await write(entities.customer, customer('c-m2', { email: 'twin@example.com', createdAt: T(3), updatedAt: T(3) }));
    await write(entities.order, order('o-m2', 'c-m2', 40, { currency: 'GBP' }));
    // The earlier twin arrives later: c-m2 becomes an alias of c-m1; its order stays filed under c-m2.
    const merged = await write(entities.customer, customer('c-m1', { email: 'TWIN@example.com', createdAt: T(1), updatedAt: T(4) }));
    expect(merged[0]?.id).toBe('c-m1');
    await write(entities.order, order('o-m1', 'c-m1', 60, { currency: 'GBP', orderedAt: T(5) }));
    await drain();
    const p = found(await lookupCustomer(ddb.client, TABLE, { id: 'c-m2' }));
    expect(p.customer.id).toBe('c-m1');
    expect(p.mergedIds).toEqual(['c-m2']);
    expect(p.value).toEqual({ GBP: { orders: 2, revenue: 100, averageOrderValue: 50 } });
    expect(p.recentOrders.map((o) => [o.id, o.customerId])).toEqual([['o-m1', 'c-m1'], ['o-m2', 'c-m1']]);
  });

  it('reads a profile in 3 requests whatever the history size', async () => {
    const client = new DynamoDBClient(ddb.clientConfig);
    const counter = countRequests(client);
    const before = found(await lookupCustomer(client, TABLE, { phone: '+442079460958' }));
    const small = counter.total();
    await write(entities.activity, ...Array.from({ length: 300 }, (_, i) => activity(`h-${String(i).padStart(3, '0')}`, 'c-a', 1 + (i % 28))));
    await write(entities.order, ...Array.from({ length: 150 }, (_, i) => order(`ho-${String(i).padStart(3, '0')}`, 'c-a', 1, { orderedAt: T(1, 1) })));
    await drain();
    counter.reset();
    const after = found(await lookupCustomer(client, TABLE, { phone: '+442079460958' }));
    expect(small).toBe(3);
    expect(counter.total()).toBe(3);
    expect([...counter.byCommand.keys()].sort()).toEqual(['BatchGetItemCommand', 'QueryCommand']);
    expect(after.value.EUR!.orders).toBe(before.value.EUR!.orders + 150);
    expect(after.recentActivities).toHaveLength(10);
    counter.reset();
    found(await lookupCustomer(client, TABLE, { id: 'c-a' }));
    expect(counter.total()).toBe(3);
  }, 60_000);
});
