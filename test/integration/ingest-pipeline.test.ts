// End to end on the real local stack: CLI -> ingest handler -> DynamoDB Local -> stream handler ->
// Parquet lake -> DuckDB views. No mocks.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { crm, scalar, tempDir, writeLines } from './cli-helpers.ts';

const order = (id: string, updatedAt: string, over: Record<string, unknown> = {}) => ({
  id,
  updatedAt,
  customerId: 'c-1',
  orderedAt: '2026-01-10T10:00:00Z',
  status: 'placed',
  channel: 'web',
  currency: 'EUR',
  lineItems: [{ sku: 'SKU-1', quantity: 2, unitPrice: 12.5 }],
  itemCount: 2,
  subtotal: 25,
  total: 25,
  ...over,
});

describe('crm ingest and crm query on the local stack', () => {
  const dir = tempDir();
  let file: string;

  beforeAll(() => {
    file = writeLines(dir, 'orders.ndjson', [
      order('o-1', '2026-01-10T10:00:00Z'),
      order('o-2', '2026-01-10T11:00:00Z', { total: 'lots' }),
      '{not json',
      order('o-3', '2026-01-10T12:00:00Z', { status: 'teleported', currency: 'eur' }),
      order('o-4', '2026-01-10T13:00:00Z'),
      '',
      order('o-1', '2026-01-11T10:00:00Z', { status: 'shipped' }),
    ]);
  });

  it('stores every good row, exits 2 and names each bad line with field and reason', async () => {
    const r = await crm('ingest', file, '--entity', 'orders', '--dir', dir);
    expect(r.code).toBe(2);
    const summary = r.json();
    expect(summary).toMatchObject({ accepted: 3, rejected: 3 });
    expect(summary.errors).toEqual(
      expect.arrayContaining([
        { line: 2, id: 'o-2', field: 'total', message: expect.stringMatching(/expected number/) },
        { line: 3, field: '(record)', message: expect.stringMatching(/not valid JSON/) },
        { line: 4, id: 'o-3', field: 'status', message: expect.stringMatching(/must be one of/) },
        { line: 4, id: 'o-3', field: 'currency', message: expect.stringMatching(/ISO-4217/) },
      ]),
    );
    expect(await scalar(dir, 'SELECT count(*) FROM orders')).toBe(2);
    expect(await scalar(dir, "SELECT status FROM orders WHERE id = 'o-1'")).toBe('shipped');
    // Both versions came in one batch, oldest first: both are in the history, in order.
    expect((await crm('query', "SELECT status FROM orders_history WHERE id = 'o-1' ORDER BY version", '--dir', dir, '--format', 'json')).json()).toEqual([{ status: 'placed' }, { status: 'shipped' }]);
    expect(await scalar(dir, "SELECT CAST(sum(total) AS DOUBLE) FROM orders")).toBe(50);
  });

  it('changes nothing when the same file is ingested again', async () => {
    const history = await scalar(dir, 'SELECT count(*) FROM orders_history');
    const r = await crm('ingest', file, '--entity', 'order', '--dir', dir);
    expect(r.code).toBe(2);
    expect(r.json()).toMatchObject({ accepted: 3, rejected: 3, created: 0, updated: 0 });
    expect(r.json().unchanged + r.json().stale).toBe(3);
    expect(await scalar(dir, 'SELECT count(*) FROM orders')).toBe(2);
    expect(await scalar(dir, 'SELECT count(*) FROM orders_history')).toBe(history);
  });

  it('keeps the newer version when an older one arrives later', async () => {
    const older = writeLines(dir, 'older.ndjson', [order('o-1', '2026-01-10T23:59:59Z', { status: 'cancelled' })]);
    const r = await crm('ingest', older, '--entity', 'orders', '--dir', dir);
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ accepted: 1, stale: 1, created: 0, updated: 0 });
    expect(await scalar(dir, "SELECT status FROM orders WHERE id = 'o-1'")).toBe('shipped');
  });

  it('resolves equal timestamps the same way whatever the arrival order', async () => {
    const a = order('o-9', '2026-02-01T00:00:00Z', { status: 'paid' });
    const b = order('o-9', '2026-02-01T00:00:00Z', { status: 'delivered' });
    const dirAB = tempDir();
    const dirBA = tempDir();
    await crm('ingest', writeLines(dirAB, 'x.ndjson', [a, b]), '--entity', 'orders', '--dir', dirAB);
    await crm('ingest', writeLines(dirBA, 'x.ndjson', [b]), '--entity', 'orders', '--dir', dirBA);
    await crm('ingest', writeLines(dirBA, 'y.ndjson', [a]), '--entity', 'orders', '--dir', dirBA);
    expect(await scalar(dirAB, "SELECT status FROM orders WHERE id = 'o-9'")).toBe(await scalar(dirBA, "SELECT status FROM orders WHERE id = 'o-9'"));
  });

  it('ingests CSV with camelCase or snake_case headers, converting cells by column type', async () => {
    const csv = join(dir, 'campaigns.csv');
    writeFileSync(
      csv,
      [
        'id,updated_at,name,channel,budget,spend,currency,start_date,status',
        'cmp-1,2026-01-01T00:00:00Z,"Spring, sale",email,1000.50,250,EUR,2026-03-01,active',
        'cmp-2,2026-01-01T00:00:00Z,Broken,fax,abc,0,EUR,2026-03-01,active',
      ].join('\n') + '\n',
    );
    const r = await crm('ingest', csv, '--entity', 'campaigns', '--dir', dir);
    expect(r.code).toBe(2);
    expect(r.json().errors).toEqual(
      expect.arrayContaining([
        { line: 3, id: 'cmp-2', field: 'channel', message: expect.stringMatching(/must be one of/) },
        { line: 3, id: 'cmp-2', field: 'budget', message: expect.stringMatching(/must be a decimal number/) },
      ]),
    );
    const rows = (await crm('query', 'SELECT name, budget, start_date FROM campaigns', '--dir', dir, '--format', 'json')).json();
    expect(rows).toEqual([{ name: 'Spring, sale', budget: 1000.5, start_date: '2026-03-01' }]);
  });

  it('merges a second record for the same person and re-points records that refer to it', async () => {
    const d = tempDir();
    const person = (id: string, email: string, phone: string, updatedAt: string, lastName: string) => ({ id, updatedAt, kind: 'person', lastName, email, phone, status: 'active', source: 'web', createdAt: '2026-01-01T00:00:00Z' });
    const customers = writeLines(d, 'customers.ndjson', [
      person('c-1', 'ann@example.com', '+49 30 1234567', '2026-01-01T00:00:00Z', 'Lee'),
      person('c-2', 'ANN@example.com', '+49 89 7654321', '2026-01-02T00:00:00Z', 'Lee-Smith'),
      person('c-3', 'bob@example.com', '0049 (30) 1234567', '2026-01-03T00:00:00Z', 'Bob'),
    ]);
    const r = await crm('ingest', customers, '--entity', 'customer', '--dir', d);
    expect(r.json()).toMatchObject({ accepted: 3, merged: 2 });
    expect(await scalar(d, 'SELECT count(*) FROM customers')).toBe(1);
    expect(await scalar(d, "SELECT count(*) FROM customers_history WHERE id = 'c-1'")).toBe(3);
    await crm('ingest', writeLines(d, 'orders.ndjson', [order('o-1', '2026-01-05T00:00:00Z', { customerId: 'c-2' })]), '--entity', 'orders', '--dir', d);
    expect(await scalar(d, "SELECT customer_id FROM orders WHERE id = 'o-1'")).toBe('c-1');
    const profile = await crm('customer', 'c-1', '--dir', d);
    expect(profile.code).toBe(0);
    expect(profile.json()).toMatchObject({ customer: { id: 'c-1', lastName: 'Bob' }, value: { EUR: { orders: 1, revenue: 25 } } });
    // The merged id still finds the person.
    expect((await crm('customer', 'c-3', '--dir', d)).json()).toMatchObject({ customer: { id: 'c-1' } });
  });

  it('answers usage errors with exit 1 and a message', async () => {
    expect((await crm('ingest', file, '--dir', dir)).code).toBe(1);
    expect((await crm('ingest', file, '--entity', 'unicorns', '--dir', dir)).stderr).toMatch(/unknown entity "unicorns"/);
    expect((await crm('ingest', join(dir, 'missing.ndjson'), '--entity', 'orders', '--dir', dir)).code).toBe(1);
    expect((await crm('query', 'SELECT * FROM nowhere', '--dir', dir)).code).toBe(1);
    expect((await crm('frobnicate')).code).toBe(1);
  });
});
