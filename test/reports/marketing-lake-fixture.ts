// A small hand-made lake for marketing_roi: three campaigns, touches of customers and of leads, orders
// and a lead funnel, whose report figures are worked out by hand in marketing-roi.test.ts.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { lakeColumns } from '#schemas/columns.ts';
import { entities } from '#schemas/registry.ts';
import { encodeParquet, type LakeRow } from '#lib/lake/parquet.ts';
import { orderVersion } from './sales-lake-fixture.ts';

let seq = 1_000;
const nextSeq = () => String(++seq).padStart(40, '0');

const INSTANT = /^\d{4}-\d\d-\d\dT/;

/** A lake row of the entity: the given values (ISO instants become Dates), every other column null. */
function version(entity: keyof typeof entities, values: Record<string, unknown>, updatedAt: string, op: 'insert' | 'modify' = 'insert'): LakeRow {
  const row: Record<string, unknown> = {};
  for (const c of lakeColumns(entities[entity])) {
    const v = values[c.column];
    row[c.column] = typeof v === 'string' && INSTANT.test(v) ? new Date(v) : (v ?? null);
  }
  return { ...row, updated_at: new Date(updatedAt), op, version: `${updatedAt}#m${seq}`, seq: nextSeq(), changed_at: new Date(updatedAt) };
}

const campaign = (id: string, channel: string, spend: number, startDate: string, endDate?: string) =>
  version('campaign', { id, name: `campaign ${id}`, channel, budget: spend, spend, currency: 'EUR', start_date: startDate, end_date: endDate ?? null, status: 'active' }, `${startDate}T00:00:00Z`);

const touch = (id: string, campaignId: string, channel: string, touchedAt: string, who: { customer?: string; lead?: string }) =>
  version('campaign_touch', { id, campaign_id: campaignId, channel, interaction: 'click', touched_at: touchedAt, customer_id: who.customer ?? null, lead_id: who.lead ?? null }, touchedAt);

const lead = (id: string, campaignId: string, status: string, createdAt: string, updatedAt: string, customerId?: string) =>
  version('lead', { id, source: 'campaign', campaign_id: campaignId, status, created_at: createdAt, customer_id: customerId ?? null }, updatedAt, updatedAt === createdAt ? 'insert' : 'modify');

export const marketingLake: Record<string, LakeRow[]> = {
  campaigns: [
    campaign('k1', 'email', 100, '2024-01-01'),
    campaign('k2', 'search', 300, '2024-03-01'),
    // Ended before the 365-day window (2023-07-01 to 2024-06-30).
    campaign('k3', 'social', 50, '2022-01-01', '2022-12-31'),
  ],
  campaign_touches: [
    touch('t1', 'k1', 'email', '2024-06-01T12:00:00Z', { customer: 'c1' }),
    touch('t2', 'k2', 'search', '2024-06-08T12:00:00Z', { customer: 'c1' }),
    touch('t3', 'k2', 'search', '2024-05-01T10:00:00Z', { customer: 'c2' }),
    touch('t4', 'k1', 'email', '2024-06-10T10:00:00Z', { customer: 'c2' }),
    touch('t5', 'k1', 'email', '2024-03-01T10:00:00Z', { customer: 'c3' }),
    touch('t6', 'k2', 'search', '2024-04-02T00:00:00Z', { lead: 'l1' }),
    touch('t7', 'k1', 'email', '2024-06-16T00:00:00Z', { lead: 'l2' }),
  ],
  orders: [
    orderVersion({ id: 'o1', customer: 'c1', orderedAt: '2024-06-08T12:00:00Z', total: 100 }),
    orderVersion({ id: 'o0', customer: 'c2', orderedAt: '2023-01-01T10:00:00Z', total: 20 }),
    orderVersion({ id: 'o2', customer: 'c2', orderedAt: '2024-05-20T10:00:00Z', total: 50 }),
    orderVersion({ id: 'o3', customer: 'c3', orderedAt: '2024-05-01T10:00:00Z', total: 70 }),
    orderVersion({ id: 'o4', customer: 'c4', orderedAt: '2024-04-12T00:00:00Z', total: 200 }),
  ],
  leads: [
    lead('l1', 'k2', 'new', '2024-04-01T00:00:00Z', '2024-04-01T00:00:00Z'),
    lead('l1', 'k2', 'qualified', '2024-04-01T00:00:00Z', '2024-04-05T00:00:00Z'),
    lead('l1', 'k2', 'converted', '2024-04-01T00:00:00Z', '2024-04-12T00:00:00Z', 'c4'),
    lead('l2', 'k1', 'new', '2024-06-15T00:00:00Z', '2024-06-15T00:00:00Z'),
    lead('l2', 'k1', 'qualified', '2024-06-15T00:00:00Z', '2024-06-20T00:00:00Z'),
    lead('l3', 'k1', 'new', '2024-06-01T00:00:00Z', '2024-06-01T00:00:00Z'),
    lead('l3', 'k1', 'qualified', '2024-06-01T00:00:00Z', '2024-06-04T00:00:00Z'),
  ],
  opportunities: [
    version('opportunity', { id: 'p1', customer_id: 'c4', name: 'deal p1', stage: 'prospecting', amount: 500, currency: 'EUR', probability: 0.1, expected_close_date: '2024-05-01', owner_id: 'u1', lead_id: 'l1', created_at: '2024-04-06T00:00:00Z' }, '2024-04-06T00:00:00Z'),
    version('opportunity', { id: 'p1', customer_id: 'c4', name: 'deal p1', stage: 'closed_won', amount: 500, currency: 'EUR', probability: 1, expected_close_date: '2024-05-01', owner_id: 'u1', lead_id: 'l1', created_at: '2024-04-06T00:00:00Z', closed_at: '2024-04-12T00:00:00Z' }, '2024-04-12T00:00:00Z', 'modify'),
  ],
};

const ENTITY_OF: Record<string, keyof typeof entities> = { campaigns: 'campaign', campaign_touches: 'campaign_touch', orders: 'order', leads: 'lead', opportunities: 'opportunity' };

export async function writeMarketingLake(dir: string): Promise<string> {
  const lakeDir = path.join(dir, 'lake');
  for (const [table, rows] of Object.entries(marketingLake)) {
    const folder = path.join(lakeDir, table, 'dt=2024-06-30');
    await mkdir(folder, { recursive: true });
    await writeFile(path.join(folder, 'a.parquet'), encodeParquet(lakeColumns(entities[ENTITY_OF[table]!]), rows));
  }
  return lakeDir;
}
