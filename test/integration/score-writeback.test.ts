// Scores back into the operational store, end to end on the real local stack: `crm report rfm` writes a
// score record per customer to DynamoDB Local through the versioned RecordWriter; the stream carries them
// into the lake. A rerun of the same date and data writes nothing; an older as-of date never overwrites a newer one.
import { GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { customerCollectionKey, recordKey, TABLE_DESIGN } from '#lib/table/design.ts';
import { withLocalStack } from '#local/stack.ts';
import { crm, scalar, tempDir, writeLines } from './cli-helpers.ts';

const CUSTOMERS = 10;
const order = (customer: number, n: number, day: string, total: number) => ({
  id: `o-${customer}-${n}`,
  updatedAt: `${day}T12:00:00Z`,
  customerId: `c-${String(customer).padStart(2, '0')}`,
  orderedAt: `${day}T10:00:00Z`,
  status: 'delivered',
  channel: 'web',
  currency: 'EUR',
  lineItems: [{ sku: 'SKU-1', quantity: 1, unitPrice: total }],
  itemCount: 1,
  subtotal: total,
  total,
});

async function storedScore(dir: string, id: string) {
  return withLocalStack(dir, async (stack) => {
    const item = (await stack.client.send(new GetItemCommand({ TableName: stack.tableName, Key: marshall(recordKey('scores', id)), ConsistentRead: true }))).Item;
    return item ? unmarshall(item) : undefined;
  });
}

describe('crm report writes scores back to the table', () => {
  const dir = tempDir('crm-scores-');

  beforeAll(async () => {
    // Customer i buys i times, the last time i weeks before 2024-06-30, spending 10 × i per order.
    const lines = [];
    for (let c = 1; c <= CUSTOMERS; c++) {
      for (let n = 1; n <= c; n++) lines.push(order(c, n, new Date(Date.UTC(2024, 5, 30 - 7 * (CUSTOMERS - c) - 3 * n)).toISOString().slice(0, 10), 10 * c));
    }
    const r = await crm('ingest', writeLines(dir, 'orders.ndjson', lines), '--entity', 'orders', '--dir', dir);
    expect(r.code).toBe(0);
  }, 120_000);

  it('writes one rfm score per customer, in the lake too, with the segment and tier of the report', async () => {
    const r = await crm('report', 'rfm', '--as-of', '2024-06-30', '--dir', dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().reports[0].scores).toEqual({ created: CUSTOMERS, updated: 0, unchanged: 0, stale: 0, failed: 0 });

    const item = await storedScore(dir, 'rfm:c-10');
    expect(item?.[TABLE_DESIGN.dataAttribute]).toMatchObject({ id: 'rfm:c-10', customerId: 'c-10', model: 'rfm', asOf: '2024-06-30', updatedAt: '2024-06-30T00:00:00.000Z' });
    // The customer's collection (the 360 view's index) holds it.
    expect(item?.gsi1pk).toBe(customerCollectionKey('c-10'));
    expect(String(item?.gsi1sk)).toMatch(/^scores#2024-06-30#rfm:c-10$/);
    // Same segment and tier as the report's table; the best customer (most recent, most orders, most money) is a Champion.
    const fromReport = (await crm('query', "SELECT customer_id, segment, tier FROM rfm_customer_segments WHERE as_of = DATE '2024-06-30' ORDER BY customer_id", '--dir', dir, '--format', 'json')).json();
    const fromLake = (await crm('query', "SELECT customer_id, segment, tier FROM scores WHERE model = 'rfm' ORDER BY customer_id", '--dir', dir, '--format', 'json')).json();
    expect(fromLake).toEqual(fromReport);
    expect(fromLake).toHaveLength(CUSTOMERS);
    expect(item?.data.segment).toBe('Champions');
  }, 120_000);

  it('writes nothing new when the same date is rerun on the same data', async () => {
    const versions = await scalar(dir, 'SELECT count(*) FROM scores_history');
    const r = await crm('report', 'rfm', '--as-of', '2024-06-30', '--dir', dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().reports[0].scores).toEqual({ created: 0, updated: 0, unchanged: CUSTOMERS, stale: 0, failed: 0 });
    expect(await scalar(dir, 'SELECT count(*) FROM scores_history')).toBe(versions);
  }, 120_000);

  it('moves scores to a later as-of date and never back to an earlier one', async () => {
    const later = await crm('report', 'rfm', '--as-of', '2024-07-31', '--dir', dir);
    expect(later.json().reports[0].scores).toMatchObject({ updated: CUSTOMERS, failed: 0 });
    const earlier = await crm('report', 'rfm', '--as-of', '2024-06-30', '--dir', dir);
    expect(earlier.json().reports[0].scores).toEqual({ created: 0, updated: 0, unchanged: 0, stale: CUSTOMERS, failed: 0 });
    expect((await storedScore(dir, 'rfm:c-10'))?.data.asOf).toBe('2024-07-31');
    expect(await scalar(dir, "SELECT count(*) FROM scores WHERE as_of = DATE '2024-07-31'")).toBe(CUSTOMERS);
  }, 120_000);

  it('keeps the score history queryable per customer (one version per as-of date)', async () => {
    const rows = (await crm('query', "SELECT as_of FROM scores_history WHERE id = 'rfm:c-03' ORDER BY version", '--dir', dir, '--format', 'json')).json();
    expect(rows.map((r: { as_of: string }) => r.as_of)).toEqual(['2024-06-30', '2024-07-31']);
    const q = await withLocalStack(dir, (stack) =>
      stack.client.send(
        new QueryCommand({
          TableName: stack.tableName,
          IndexName: TABLE_DESIGN.customerIndex.name,
          KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :scores)',
          ExpressionAttributeValues: marshall({ ':pk': customerCollectionKey('c-03'), ':scores': 'scores#' }),
        }),
      ),
    );
    expect(q.Items?.map((i) => unmarshall(i).id)).toEqual(['rfm:c-03']);
  }, 120_000);
});
