// `crm erase` end to end on the local stack: afterwards no personal value of the customer (nor the
// keyed hashes that stood for them) is left in the DynamoDB table, the lake's Parquet files (read with
// DuckDB), the event log or the report outputs; their orders still count in the aggregate report.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { keyedHasher } from '#functions/stream/pseudonymize.ts';
import { localPseudonymKey } from '#local/secrets.ts';
import { withLocalStack } from '#local/stack.ts';
import { crm, scalar, tempDir, writeLines } from './cli-helpers.ts';

const AS_OF = '2026-03-31';
const customer = (id: string, over: Record<string, unknown>) => ({
  id,
  updatedAt: '2026-01-05T10:00:00Z',
  kind: 'person',
  status: 'active',
  source: 'web',
  country: 'DE',
  city: 'Berlin',
  createdAt: '2026-01-05T10:00:00Z',
  ...over,
});
// The person to erase, under two ids (a twin sharing the e-mail), with a contact and free text about them.
const PERSONAL = {
  firstName: 'Wilhelmina',
  lastName: 'Quarterbridge',
  email: 'wilhelmina.quarterbridge@example.org',
  phone: '+49 30 5550 1234',
  street: 'Zauberweg 17',
  postalCode: '10999',
  birthday: '1984-07-13',
};
const CONTACT = { firstName: 'Ottokar', lastName: 'Feldspatz', email: 'ottokar.feldspatz@example.org', phone: '+49 30 5550 9876' };
const NOTE = 'Wilhelmina asked about her divorce settlement';
const order = (id: string, customerId: string, total: number) => ({
  id,
  updatedAt: '2026-02-01T10:00:00Z',
  customerId,
  orderedAt: '2026-02-01T10:00:00Z',
  status: 'paid',
  channel: 'web',
  currency: 'EUR',
  lineItems: [{ sku: 'SKU-1', quantity: 1, unitPrice: total }],
  itemCount: 1,
  subtotal: total,
  total,
});

async function dynamoText(dir: string): Promise<string> {
  return withLocalStack(dir, async (stack) => {
    const items: unknown[] = [];
    let start: Record<string, never> | undefined;
    do {
      const res = await stack.client.send(new ScanCommand({ TableName: stack.tableName, ExclusiveStartKey: start }));
      items.push(...(res.Items ?? []).map((i) => unmarshall(i)));
      start = res.LastEvaluatedKey as typeof start;
    } while (start);
    return JSON.stringify(items);
  });
}

async function parquetText(dir: string, folder: string): Promise<string> {
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  try {
    const reader = await connection.runAndReadAll(`SELECT * FROM read_parquet('${join(dir, folder)}/**/*.parquet', union_by_name = true)`);
    return JSON.stringify(reader.getRowObjectsJson());
  } finally {
    connection.closeSync();
  }
}

const filesText = (root: string): string =>
  readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !e.name.endsWith('.parquet'))
    .map((e) => readFileSync(join(e.parentPath, e.name), 'utf8'))
    .join('\n');

describe('crm erase', () => {
  const dir = tempDir('crm-erase-');
  let needles: string[];

  beforeAll(async () => {
    const customers = writeLines(dir, 'customers.ndjson', [
      customer('c-erase', { ...PERSONAL }),
      customer('c-erase-twin', { lastName: PERSONAL.lastName, email: PERSONAL.email.toUpperCase(), createdAt: '2026-01-06T10:00:00Z', updatedAt: '2026-01-06T10:00:00Z' }),
      customer('c-keep', { firstName: 'Bob', lastName: 'Keeper', email: 'bob.keeper@example.org' }),
    ]);
    expect((await crm('ingest', customers, '--entity', 'customer', '--dir', dir)).json()).toMatchObject({ accepted: 3, merged: 1 });
    const contacts = writeLines(dir, 'contacts.ndjson', [{ id: 'p-1', updatedAt: '2026-01-07T10:00:00Z', customerId: 'c-erase-twin', ...CONTACT, createdAt: '2026-01-07T10:00:00Z' }]);
    expect((await crm('ingest', contacts, '--entity', 'contact', '--dir', dir)).code).toBe(0);
    const orders = writeLines(dir, 'orders.ndjson', [order('o-1', 'c-erase', 40), order('o-2', 'c-erase-twin', 60), order('o-3', 'c-keep', 100)]);
    expect((await crm('ingest', orders, '--entity', 'order', '--dir', dir)).code).toBe(0);
    const activities = writeLines(dir, 'activities.ndjson', [
      { id: 'a-1', updatedAt: '2026-02-02T10:00:00Z', customerId: 'c-erase', type: 'call', channel: 'phone', direction: 'outbound', occurredAt: '2026-02-02T10:00:00Z', subject: 'Call with Wilhelmina', notes: NOTE },
    ]);
    const a = await crm('ingest', activities, '--entity', 'activity', '--dir', dir);
    expect(a.code, a.stdout).toBe(0);
    // Compacted into today's snapshots, so the person's hashes sit in snapshot files too.
    const compacted = await crm('lake', 'compact', '--date', new Date().toISOString().slice(0, 10), '--dir', dir);
    expect(compacted.code, compacted.stderr).toBe(0);

    // Every personal value, as stored and as the normalised identity, and the keyed hashes that stood for them.
    const hash = keyedHasher(localPseudonymKey(dir));
    const values: [string, string][] = [...Object.entries(PERSONAL), ...Object.entries(CONTACT)];
    needles = [
      ...values.map(([, v]) => v),
      PERSONAL.email.toUpperCase(),
      '493055501234',
      '493055509876',
      NOTE,
      'Call with Wilhelmina',
      ...values.map(([field, v]) => hash(field, v)!),
    ];
  }, 600_000);

  const found = (text: string) => needles.filter((n) => text.toLowerCase().includes(n.toLowerCase()));

  it('finds the personal values and their hashes before the erasure (the scans can see them)', async () => {
    expect(found(await dynamoText(dir))).toEqual(expect.arrayContaining([PERSONAL.email, PERSONAL.lastName, CONTACT.email, NOTE]));
    const lake = found(await parquetText(dir, 'lake'));
    expect(lake.length).toBeGreaterThanOrEqual(6);
    expect(lake.every((n) => /^[0-9a-f]{32}$/.test(n))).toBe(true);
    expect(found(await parquetText(dir, 'lake/snapshots')).length).toBeGreaterThanOrEqual(6);
    expect(found(filesText(join(dir, 'events'))).length).toBeGreaterThanOrEqual(6);
  }, 300_000);

  it('erases the person everywhere, keeps their orders in the aggregates and writes an audit record', async () => {
    // Asked by the twin's id: resolves to the survivor and erases both ids.
    const r = await crm('erase', 'c-erase-twin', '--dir', dir);
    expect(r.code, r.stderr).toBe(0);
    const summary = r.json();
    expect(summary).toMatchObject({
      requestedId: 'c-erase-twin',
      customerId: 'c-erase',
      alreadyErased: false,
      erased: { customers: ['c-erase', 'c-erase-twin'], contacts: ['p-1'] },
      requestedBy: expect.stringMatching(/^local:/),
    });
    expect(summary.lake.rowsCleared).toBeGreaterThan(0);
    expect(found(JSON.stringify(summary))).toEqual([]);

    expect((await crm('report', 'sales_overview', '--as-of', AS_OF, '--dir', dir)).code).toBe(0);

    const table = await dynamoText(dir);
    expect(found(table)).toEqual([]);
    expect(found(await parquetText(dir, 'lake'))).toEqual([]); // the snapshots under lake/snapshots included
    expect(found(filesText(join(dir, 'events')))).toEqual([]);
    expect(found(await parquetText(dir, 'reports'))).toEqual([]);
    expect(found(filesText(join(dir, 'reports')))).toEqual([]);

    // The audit record: who, when, what (ids only); tombstones for both ids and the contact.
    const items = JSON.parse(table) as Record<string, unknown>[];
    expect(items.find((i) => String(i.pk).startsWith('ERASURE#'))).toMatchObject({ customerId: 'c-erase', requestedBy: expect.stringMatching(/^local:/), requestedAt: expect.any(String) });
    expect(items.filter((i) => String(i.pk).startsWith('TOMBSTONE#')).map((i) => i.pk).sort()).toEqual(['TOMBSTONE#contacts#p-1', 'TOMBSTONE#customers#c-erase', 'TOMBSTONE#customers#c-erase-twin']);

    // Their orders still count: 3 orders, 200 EUR in February, and the lake keeps them.
    expect(await scalar(dir, "SELECT CAST(sum(orders) AS BIGINT) FROM sales_overview_monthly_sales WHERE month = DATE '2026-02-01'")).toBe(3);
    expect(await scalar(dir, "SELECT CAST(sum(revenue) AS DOUBLE) FROM sales_overview_monthly_sales WHERE month = DATE '2026-02-01'")).toBe(200);
    expect(await scalar(dir, "SELECT count(*) FROM orders WHERE customer_id IN ('c-erase', 'c-erase-twin')")).toBe(2);
    expect(await scalar(dir, "SELECT count(*) FROM customers WHERE id LIKE 'c-erase%'")).toBe(0);

    // The profile is gone; the person cannot come back through a re-import; a second erase is a no-op.
    expect((await crm('customer', 'c-erase', '--dir', dir)).code).toBe(3); // CUSTOMER_NOT_FOUND_EXIT
    const again = await crm('ingest', join(dir, 'customers.ndjson'), '--entity', 'customer', '--dir', dir);
    expect(again.json()).toMatchObject({ failed: 2, errors: [expect.objectContaining({ message: expect.stringMatching(/erased/) }), expect.anything()] });
    expect((await crm('erase', 'c-erase', '--dir', dir)).json()).toMatchObject({ alreadyErased: true });
  }, 600_000);

  it('keeps the DynamoDB Local database owner-only', () => {
    const db = join(dir, 'dynamodb');
    expect(statSync(db).mode & 0o777).toBe(0o700);
    for (const f of readdirSync(db)) if (statSync(join(db, f)).isFile() && f.endsWith('.db')) expect(statSync(join(db, f)).mode & 0o777).toBe(0o600);
  });
});
