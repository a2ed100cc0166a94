// A small hand-made lake for the churn report, as of 1997-09-30, whose statistics are worked out by
// hand in churn-report.test.ts; plus a writer that puts any orders into a lake as the stream would.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { lakeColumns } from '#schemas/columns.ts';
import type { Order } from '#schemas/entities.ts';
import { entities } from '#schemas/registry.ts';
import { encodeParquet, type LakeRow } from '#lib/lake/parquet.ts';
import { orderVersion } from './sales-lake-fixture.ts';

export const CHURN_AS_OF = '1997-09-30';

let seq = 0;
const meta = (updatedAt: string) => ({
  updated_at: new Date(updatedAt),
  op: 'insert',
  version: `${new Date(updatedAt).toISOString()}#c${++seq}`,
  seq: String(seq).padStart(40, '0'),
  changed_at: new Date(updatedAt),
});

export const churnOrders: LakeRow[] = [
  // c1: two orders on 1 January are one purchase; a cancelled one and one after the as-of date do not count.
  orderVersion({ id: 'o1', customer: 'c1', orderedAt: '1997-01-01T09:00:00Z', total: 10, currency: 'USD' }),
  orderVersion({ id: 'o2', customer: 'c1', orderedAt: '1997-01-01T17:00:00Z', total: 5, currency: 'USD' }),
  orderVersion({ id: 'o3', customer: 'c1', orderedAt: '1997-02-01T10:00:00Z', total: 20, currency: 'USD' }),
  orderVersion({ id: 'o4', customer: 'c1', orderedAt: '1997-03-15T10:00:00Z', total: 99, currency: 'USD', status: 'cancelled' }),
  orderVersion({ id: 'o5', customer: 'c1', orderedAt: '1997-06-01T10:00:00Z', total: 30, currency: 'USD' }),
  orderVersion({ id: 'o6', customer: 'c1', orderedAt: '1997-06-01T11:00:00Z', total: 10, currency: 'USD' }),
  orderVersion({ id: 'o7', customer: 'c1', orderedAt: '1997-10-05T10:00:00Z', total: 50, currency: 'USD' }),
  // c2: one purchase only.
  orderVersion({ id: 'o8', customer: 'c2', orderedAt: '1997-03-31T10:00:00Z', total: 12.34, currency: 'EUR' }),
  // c3 buys in two currencies: two rows, money never mixed.
  orderVersion({ id: 'o9', customer: 'c3', orderedAt: '1997-02-10T10:00:00Z', total: 10, currency: 'EUR' }),
  orderVersion({ id: 'o10', customer: 'c3', orderedAt: '1997-04-10T10:00:00Z', total: 11.11, currency: 'EUR' }),
  orderVersion({ id: 'o11', customer: 'c3', orderedAt: '1997-05-05T10:00:00Z', total: 7, currency: 'GBP' }),
  // c4 first bought late on the as-of day itself.
  orderVersion({ id: 'o12', customer: 'c4', orderedAt: '1997-09-30T23:30:00Z', total: 8, currency: 'EUR' }),
];

interface ContractInput {
  id: string;
  customer: string;
  start: string;
  end: string;
  status: string;
  value: number;
  currency?: string;
  renewalOf?: string;
}

const contractVersion = (c: ContractInput): LakeRow => ({
  id: c.id,
  customer_id: c.customer,
  start_date: c.start,
  end_date: c.end,
  value: c.value,
  currency: c.currency ?? 'USD',
  status: c.status,
  renewal_of: c.renewalOf ?? null,
  auto_renew: false,
  owner_id: null,
  signed_at: null,
  ...meta(`${c.start}T08:00:00Z`),
});

export const churnContracts: LakeRow[] = [
  // c1: three terms, still under contract → censored after two renewals.
  contractVersion({ id: 'k1', customer: 'c1', start: '1995-01-01', end: '1995-12-31', status: 'renewed', value: 100 }),
  contractVersion({ id: 'k2', customer: 'c1', start: '1996-01-01', end: '1996-12-31', status: 'renewed', value: 200, renewalOf: 'k1' }),
  contractVersion({ id: 'k3', customer: 'c1', start: '1997-01-01', end: '1997-12-31', status: 'active', value: 300, renewalOf: 'k2' }),
  // c2: one term, expired; c3: two terms, the second expired.
  contractVersion({ id: 'k4', customer: 'c2', start: '1995-03-01', end: '1996-02-29', status: 'expired', value: 50 }),
  contractVersion({ id: 'k5', customer: 'c3', start: '1995-06-01', end: '1996-05-31', status: 'renewed', value: 70 }),
  contractVersion({ id: 'k6', customer: 'c3', start: '1996-06-01', end: '1997-05-31', status: 'expired', value: 70, renewalOf: 'k5' }),
  // A draft does not count; c6 started in 1996 and runs past the as-of date; k9 starts after it.
  contractVersion({ id: 'k7', customer: 'c5', start: '1996-01-01', end: '1996-12-31', status: 'draft', value: 10 }),
  contractVersion({ id: 'k8', customer: 'c6', start: '1996-04-01', end: '1998-03-31', status: 'active', value: 500, currency: 'EUR' }),
  contractVersion({ id: 'k9', customer: 'c7', start: '1997-10-01', end: '1998-09-30', status: 'active', value: 80 }),
];

export async function writeLakeRows(lakeDir: string, table: 'orders' | 'contracts', rows: LakeRow[]): Promise<void> {
  const entity = table === 'orders' ? entities.order : entities.contract;
  const dir = path.join(lakeDir, table, 'dt=1997-01-01');
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'part-0.parquet'), encodeParquet(lakeColumns(entity), rows));
}

/** Orders of the data model as the stream handler would put them into the lake (no personal fields in orders). */
export const orderLakeRows = (orders: readonly Order[]): LakeRow[] =>
  orders.map((o, i) =>
    Object.assign(
      orderVersion({ id: o.id, customer: o.customerId, orderedAt: o.orderedAt, total: o.total, currency: o.currency, status: o.status }),
      { line_items: JSON.stringify(o.lineItems), item_count: o.itemCount, subtotal: o.subtotal, seq: String(i + 1).padStart(40, '0') },
    ),
  );
