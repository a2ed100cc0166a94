// A small hand-made lake for the sales overview: a few orders and opportunities, with versions,
// a late-arriving record, an erasure and data after the as-of date, whose report figures are worked
// out by hand in sales-overview.test.ts. Lake rows are written as the stream handler writes them.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { lakeColumns } from '#schemas/columns.ts';
import { entities } from '#schemas/registry.ts';
import { encodeParquet, type LakeRow } from '#lib/lake/parquet.ts';

/** The as-of date the hand-computed figures are for. */
export const AS_OF = '2024-06-30';

let seq = 0;
/** Stream sequence numbers grow in write order, like DynamoDB's. */
const nextSeq = () => String(++seq).padStart(40, '0');

const meta = (updatedAt: string, op: 'insert' | 'modify' | 'remove') => ({
  updated_at: new Date(updatedAt),
  op,
  version: `${new Date(updatedAt).toISOString()}#h${seq}`,
  seq: nextSeq(),
  changed_at: new Date(updatedAt),
});

interface OrderInput {
  id: string;
  customer: string;
  orderedAt: string;
  total: number;
  channel?: string;
  currency?: string;
  status?: string;
  /** When this version was written in the source. @default orderedAt */
  updatedAt?: string;
  op?: 'insert' | 'modify' | 'remove';
}

export function orderVersion(o: OrderInput): LakeRow {
  return {
    id: o.id,
    customer_id: o.customer,
    ordered_at: new Date(o.orderedAt),
    status: o.status ?? 'delivered',
    channel: o.channel ?? 'web',
    currency: o.currency ?? 'EUR',
    line_items: '[{"sku":"A","quantity":1,"unitPrice":1}]',
    item_count: 1,
    subtotal: o.total,
    discount: 0,
    tax: 0,
    total: o.total,
    campaign_id: null,
    ...meta(o.updatedAt ?? o.orderedAt, o.op ?? 'insert'),
  };
}

interface OpportunityInput {
  id: string;
  stage: string;
  amount: number;
  probability: number;
  createdAt: string;
  /** @default createdAt */
  updatedAt?: string;
  currency?: string;
  expectedCloseDate?: string;
  closedAt?: string;
}

export function opportunityVersion(o: OpportunityInput): LakeRow {
  const updatedAt = o.updatedAt ?? o.createdAt;
  return {
    id: o.id,
    customer_id: 'c1',
    name: `deal ${o.id}`,
    stage: o.stage,
    amount: o.amount,
    currency: o.currency ?? 'EUR',
    probability: o.probability,
    expected_close_date: o.expectedCloseDate ?? '2024-09-30',
    owner_id: 'u1',
    lead_id: null,
    created_at: new Date(o.createdAt),
    closed_at: o.closedAt ? new Date(o.closedAt) : null,
    loss_reason: null,
    ...meta(updatedAt, updatedAt === o.createdAt ? 'insert' : 'modify'),
  };
}

/** What the lake knew by the end of the as-of day, plus o10, which it only learnt of two days later. */
export const ordersUpToAsOf: LakeRow[] = [
  orderVersion({ id: 'o1', customer: 'c1', orderedAt: '2024-05-03T10:00:00Z', total: 100 }),
  orderVersion({ id: 'o2', customer: 'c1', orderedAt: '2024-06-10T10:00:00Z', total: 50.5 }),
  orderVersion({ id: 'o12', customer: 'c1', orderedAt: '2024-06-12T10:00:00Z', total: 33.33 }),
  orderVersion({ id: 'o3', customer: 'c2', orderedAt: '2024-06-15T10:00:00Z', total: 200, channel: 'store' }),
  orderVersion({ id: 'o4', customer: 'c3', orderedAt: '2024-06-20T10:00:00Z', total: 80, status: 'cancelled' }),
  // The last instant of the as-of day still counts.
  orderVersion({ id: 'o5', customer: 'c4', orderedAt: '2024-06-30T23:59:59.999Z', total: 30, channel: 'phone', currency: 'USD' }),
  // c2 bought a year earlier, so c2 is a returning buyer in June 2024.
  orderVersion({ id: 'o7', customer: 'c2', orderedAt: '2023-06-20T10:00:00Z', total: 40, channel: 'store' }),
  // Before the 24-month window (it starts 2022-07-01).
  orderVersion({ id: 'o8', customer: 'c6', orderedAt: '2022-05-01T10:00:00Z', total: 10 }),
  // Paid by the as-of date; cancelled after it (below).
  orderVersion({ id: 'o9', customer: 'c7', orderedAt: '2024-06-05T10:00:00Z', total: 60, status: 'paid' }),
  // Placed on the 29th, but the lake's only version of it arrived on 2 July (a source sending final states).
  orderVersion({ id: 'o10', customer: 'c8', orderedAt: '2024-06-29T10:00:00Z', total: 25, channel: 'marketplace', updatedAt: '2024-07-02T08:00:00Z' }),
  // Erased: the tombstone repeats the last version's values and comes later in the stream.
  orderVersion({ id: 'o11', customer: 'c9', orderedAt: '2024-06-01T10:00:00Z', total: 70 }),
];
ordersUpToAsOf.push({ ...ordersUpToAsOf[ordersUpToAsOf.length - 1]!, op: 'remove', seq: nextSeq() });

/** Changes after the as-of date: none of them may alter the report as of AS_OF. */
export const ordersAfterAsOf: LakeRow[] = [
  orderVersion({ id: 'o9', customer: 'c7', orderedAt: '2024-06-05T10:00:00Z', total: 60, status: 'cancelled', updatedAt: '2024-07-03T09:00:00Z', op: 'modify' }),
  orderVersion({ id: 'o6', customer: 'c5', orderedAt: '2024-07-01T00:00:00Z', total: 999 }),
];

export const opportunitiesUpToAsOf: LakeRow[] = [
  opportunityVersion({ id: 'p1', stage: 'prospecting', amount: 1000, probability: 0.1, createdAt: '2024-05-01T09:00:00Z' }),
  opportunityVersion({ id: 'p1', stage: 'proposal', amount: 1200, probability: 0.45, createdAt: '2024-05-01T09:00:00Z', updatedAt: '2024-06-01T09:00:00Z' }),
  opportunityVersion({ id: 'p2', stage: 'negotiation', amount: 2000, probability: 0.7, createdAt: '2024-06-01T09:00:00Z', expectedCloseDate: '2024-06-15' }),
  opportunityVersion({ id: 'p3', stage: 'prospecting', amount: 500, probability: 0.1, createdAt: '2024-06-20T09:00:00Z', currency: 'USD' }),
  opportunityVersion({ id: 'p9', stage: 'proposal', amount: 100.01, probability: 0.333, createdAt: '2024-06-02T09:00:00Z' }),
  opportunityVersion({ id: 'p5', stage: 'prospecting', amount: 3000, probability: 0.1, createdAt: '2024-01-10T09:00:00Z' }),
  opportunityVersion({ id: 'p5', stage: 'closed_won', amount: 3000, probability: 1, createdAt: '2024-01-10T09:00:00Z', updatedAt: '2024-03-01T09:00:00Z', closedAt: '2024-03-01T09:00:00Z' }),
  opportunityVersion({ id: 'p6', stage: 'closed_lost', amount: 700, probability: 0, createdAt: '2023-09-01T09:00:00Z', updatedAt: '2023-10-15T09:00:00Z', closedAt: '2023-10-15T09:00:00Z' }),
  // Won before the 12-month window (it starts 2023-07-01).
  opportunityVersion({ id: 'p7', stage: 'closed_won', amount: 5000, probability: 1, createdAt: '2023-05-01T09:00:00Z', updatedAt: '2023-06-15T09:00:00Z', closedAt: '2023-06-15T09:00:00Z' }),
  opportunityVersion({ id: 'p8', stage: 'closed_lost', amount: 400, probability: 0, currency: 'USD', createdAt: '2024-06-01T09:00:00Z', updatedAt: '2024-06-30T12:00:00Z', closedAt: '2024-06-30T12:00:00Z' }),
];

export const opportunitiesAfterAsOf: LakeRow[] = [
  opportunityVersion({ id: 'p1', stage: 'closed_won', amount: 1200, probability: 1, createdAt: '2024-05-01T09:00:00Z', updatedAt: '2024-07-10T09:00:00Z', closedAt: '2024-07-10T09:00:00Z' }),
  opportunityVersion({ id: 'p4', stage: 'proposal', amount: 800, probability: 0.45, createdAt: '2024-07-05T09:00:00Z' }),
];

export async function writeLakeTable(lakeDir: string, table: 'orders' | 'opportunities', dt: string, name: string, rows: LakeRow[]): Promise<void> {
  const entity = table === 'orders' ? entities.order : entities.opportunity;
  const dir = path.join(lakeDir, table, `dt=${dt}`);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, name), encodeParquet(lakeColumns(entity), rows));
}

/** A lake under `<dir>/lake` with the data up to the as-of date, and with the later changes too unless told. */
export async function writeSalesLake(dir: string, { withLaterChanges = true } = {}): Promise<string> {
  const lakeDir = path.join(dir, 'lake');
  await writeLakeTable(lakeDir, 'orders', '2024-06-30', 'a.parquet', ordersUpToAsOf);
  await writeLakeTable(lakeDir, 'opportunities', '2024-06-30', 'a.parquet', opportunitiesUpToAsOf);
  if (withLaterChanges) await writeLaterChanges(lakeDir);
  return lakeDir;
}

export async function writeLaterChanges(lakeDir: string): Promise<void> {
  await writeLakeTable(lakeDir, 'orders', '2024-07-15', 'b.parquet', ordersAfterAsOf);
  await writeLakeTable(lakeDir, 'opportunities', '2024-07-15', 'b.parquet', opportunitiesAfterAsOf);
}

export const tempDir = (prefix: string) => mkdtemp(path.join(tmpdir(), prefix));
