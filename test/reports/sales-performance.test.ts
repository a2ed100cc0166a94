// sales_performance on DuckDB over a hand-made lake, as of 2024-06-30 (the 12-month window starts
// 2023-07-01; 90 days after the as-of date is 2024-09-28). Every figure is worked out by hand in the comments.
import { writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LakeRow } from '#lib/lake/parquet.ts';
import { openLocalQueryEngine, type LocalQueryEngine } from '#lib/query/duckdb-engine.ts';
import { runReportSql } from '#functions/reports/report-sql.ts';
import { salesPerformance, salesPerformanceReport } from '#functions/reports/sales_performance/report.ts';
import { commissionCents, commissionPlanFromEnvironment, DEFAULT_COMMISSION_PLAN, parseCommissionPlan } from '#functions/reports/sales_performance/commission-plan.ts';
import type { ReportTables } from '#functions/reports/report-definition.ts';
import { tempDir } from './sales-lake-fixture.ts';
import { lakeVersion, writeFixtureLake } from './lake-rows.ts';

const AS_OF = '2024-06-30';

const user = (id: string, team: string, role = 'rep') => lakeVersion('user', { id, team, role, active: true, timezone: 'UTC', created_at: '2023-01-01T00:00:00Z' }, '2023-01-01T00:00:00Z');
const customer = (id: string, owner: string) => lakeVersion('customer', { id, kind: 'company', company_name: id, owner_id: owner, status: 'active', source: 'web', tier: 'bronze', created_at: '2023-01-01T00:00:00Z' }, '2023-01-01T00:00:00Z');
const opportunity = (id: string, owner: string, currency: string, amount: number, stage: string, at: string, expectedClose = '2024-12-31') =>
  lakeVersion('opportunity', { id, customer_id: 'c1', stage, amount, currency, probability: 0.5, expected_close_date: expectedClose, owner_id: owner, created_at: '2023-02-01T00:00:00Z', closed_at: stage.startsWith('closed') ? at : null }, at);
const activity = (id: string, owner: string, type: string, at: string) => lakeVersion('activity', { id, customer_id: 'c1', type, channel: 'phone', direction: 'outbound', occurred_at: at, owner_id: owner }, at);
const payment = (id: string, customer: string, currency: string, amount: number, due: string, status: string, paidAt?: string) =>
  lakeVersion('payment', { id, customer_id: customer, invoice_id: `INV-${id}`, amount, currency, issued_at: `${due}T00:00:00Z`, due_date: due, paid_at: paidAt ?? null, status }, paidAt ?? `${due}T00:00:00Z`);

const lake: Record<string, LakeRow[]> = {
  user: [user('u1', 'north'), user('u2', 'south'), user('u3', 'north'), user('a1', 'service', 'agent')],
  customer: [customer('c1', 'u1'), customer('c2', 'u2'), customer('c3', 'u9')],
  opportunity: [
    opportunity('o1', 'u1', 'EUR', 1000, 'closed_won', '2024-03-01T00:00:00Z'),
    opportunity('o2', 'u1', 'EUR', 700, 'closed_lost', '2024-04-01T00:00:00Z'),
    opportunity('o3', 'u1', 'EUR', 3000, 'proposal', '2024-05-01T00:00:00Z', '2024-08-15'),
    opportunity('o4', 'u1', 'EUR', 500, 'prospecting', '2024-05-01T00:00:00Z', '2024-12-01'),
    opportunity('o5', 'u2', 'USD', 400, 'closed_won', '2023-05-01T00:00:00Z'),
    opportunity('o6', 'u2', 'USD', 800, 'closed_won', '2024-06-30T10:00:00Z'),
  ],
  activity: [
    activity('a-1', 'u1', 'call', '2024-05-01T09:00:00Z'),
    activity('a-2', 'u1', 'meeting', '2024-05-02T09:00:00Z'),
    activity('a-3', 'u1', 'email', '2024-05-03T09:00:00Z'),
    activity('a-4', 'u2', 'visit', '2024-06-01T09:00:00Z'),
    activity('a-5', 'u1', 'call', '2023-01-01T09:00:00Z'),
    activity('a-6', 'u1', 'call', '2024-07-02T09:00:00Z'),
  ],
  payment: [
    payment('p1', 'c1', 'EUR', 40_000, '2024-01-31', 'paid', '2024-01-20T10:00:00Z'),
    payment('p2', 'c1', 'EUR', 30_000, '2024-02-29', 'paid', '2024-03-10T10:00:00Z'),
    payment('p3', 'c1', 'EUR', -1_000, '2024-04-01', 'paid', '2024-04-01T10:00:00Z'),
    payment('p4', 'c1', 'EUR', 5_000, '2024-02-01', 'refunded', '2024-02-01T10:00:00Z'),
    payment('p5', 'c1', 'EUR', 200, '2024-06-15', 'overdue'),
    payment('p6', 'c1', 'EUR', 300, '2024-04-30', 'overdue'),
    payment('p7', 'c2', 'USD', 1_000, '2024-03-01', 'overdue'),
    payment('p8', 'c2', 'USD', 250, '2024-05-31', 'paid', '2024-07-05T10:00:00Z'),
    payment('p9', 'c2', 'USD', 600, '2024-05-01', 'paid', '2024-05-01T08:00:00Z'),
    payment('p10', 'c3', 'EUR', 100, '2024-06-01', 'overdue'),
    payment('p11', 'c1', 'EUR', 900, '2024-01-01', 'failed'),
    payment('p12', 'c1', 'EUR', 50_000, '2023-06-15', 'paid', '2023-06-15T10:00:00Z'),
  ],
};

let dir: string;
let engine: LocalQueryEngine;
let tables: Record<string, ReportTables[string]>;

beforeAll(async () => {
  dir = await tempDir('sales-performance-');
  engine = await openLocalQueryEngine({ lakeDir: await writeFixtureLake(dir, lake), threads: 1 });
  tables = {};
  for (const name of ['owner_revenue', 'receivables_ageing', 'owner_summary']) tables[name] = await runReportSql(engine, salesPerformance, name, AS_OF);
  Object.assign(tables, await salesPerformance.postProcess!({ asOf: AS_OF, tables }));
});
afterAll(async () => {
  await engine.close();
  await rm(dir, { recursive: true, force: true });
});

describe('sales_performance as of 2024-06-30', () => {
  it('owner_summary: deals, win rate and activities in the window, book at the as-of date; owners without a user are unassigned', () => {
    // u1: o1 won, o2 lost, o3 and o4 open; a-1 call, a-2 meeting, a-3 e-mail (a-5 before the window, a-6 after
    // the as-of date). u2: o6 won (o5 before the window), a-4 visit. u3: a rep with nothing yet. u9 owns c3 only.
    expect(tables.owner_summary!.rows).toEqual([
      { owner_id: 'u1', team: 'north', role: 'rep', won_deals: 1, lost_deals: 1, win_rate: 0.5, activities: 3, calls: 1, meetings: 1, customers_contacted: 1, open_deals: 2, customers_owned: 1 },
      { owner_id: 'u2', team: 'south', role: 'rep', won_deals: 1, lost_deals: 0, win_rate: 1, activities: 1, calls: 0, meetings: 1, customers_contacted: 1, open_deals: 0, customers_owned: 1 },
      { owner_id: 'u3', team: 'north', role: 'rep', won_deals: 0, lost_deals: 0, win_rate: null, activities: 0, calls: 0, meetings: 0, customers_contacted: 0, open_deals: 0, customers_owned: 0 },
      { owner_id: 'u9', team: 'unassigned', role: null, won_deals: 0, lost_deals: 0, win_rate: null, activities: 0, calls: 0, meetings: 0, customers_contacted: 0, open_deals: 0, customers_owned: 1 },
    ]);
  });

  it('owner_revenue: revenue, pipeline coverage, collections net of credit notes, late payments, overdue', () => {
    // u1 EUR: won 1000; pipeline 3000 + 500, of which o3 (2024-08-15) within 90 days → coverage 3000 / (1000/4) = 12.
    // Collected p1 40000 + p2 30000 − p3 1000 (p4 refunded, p11 failed, p12 before the window); p2 paid 10 days late.
    // Overdue p5 200 + p6 300. u2 USD: o6 800; collected p9 600; overdue p7 1000 and p8 250 (paid only after the
    // as-of date). u9 EUR: p10 100 overdue.
    expect(tables.owner_revenue!.rows).toEqual([
      { owner_id: 'u1', team: 'north', currency: 'EUR', won_revenue: 1000, won_deals: 1, average_deal_size: 1000, open_pipeline: 3500, next_90_days_pipeline: 3000, pipeline_coverage: 12, payments_collected: 69_000, invoices_paid: 2, invoices_paid_late: 1, average_days_late: 10, overdue_receivables: 500, overdue_invoices: 2 },
      { owner_id: 'u2', team: 'south', currency: 'USD', won_revenue: 800, won_deals: 1, average_deal_size: 800, open_pipeline: 0, next_90_days_pipeline: 0, pipeline_coverage: 0, payments_collected: 600, invoices_paid: 1, invoices_paid_late: 0, average_days_late: null, overdue_receivables: 1250, overdue_invoices: 2 },
      { owner_id: 'u9', team: 'unassigned', currency: 'EUR', won_revenue: 0, won_deals: 0, average_deal_size: null, open_pipeline: 0, next_90_days_pipeline: 0, pipeline_coverage: null, payments_collected: 0, invoices_paid: 0, invoices_paid_late: 0, average_days_late: null, overdue_receivables: 100, overdue_invoices: 1 },
    ]);
  });

  it('receivables_ageing: days past due at the as-of date in buckets 0-30, 31-60, 61-90, 90+', () => {
    // p5 due 06-15: 15 days; p6 due 04-30: 61 days; p7 due 03-01: 121 days; p8 due 05-31: 30 days; p10 due 06-01: 29 days.
    expect(tables.receivables_ageing!.rows).toEqual([
      { owner_id: 'u1', team: 'north', currency: 'EUR', ageing_bucket: '0-30 days', invoices: 1, amount: 200 },
      { owner_id: 'u1', team: 'north', currency: 'EUR', ageing_bucket: '61-90 days', invoices: 1, amount: 300 },
      { owner_id: 'u2', team: 'south', currency: 'USD', ageing_bucket: '0-30 days', invoices: 1, amount: 250 },
      { owner_id: 'u2', team: 'south', currency: 'USD', ageing_bucket: '90+ days', invoices: 1, amount: 1000 },
      { owner_id: 'u9', team: 'unassigned', currency: 'EUR', ageing_bucket: '0-30 days', invoices: 1, amount: 100 },
    ]);
  });

  it('commissions: marginal tiers of the default plan on collected payments', () => {
    // 3% of the first 50,000 (1,500) + 5% of the next 19,000 (950) = 2,450 on 69,000; 3% of 600 = 18.
    expect(tables.commissions!.rows).toEqual([
      { owner_id: 'u1', team: 'north', currency: 'EUR', payments_collected: 69_000, commission: 2450, effective_rate: 2450 / 69_000, tier_reached: 2 },
      { owner_id: 'u2', team: 'south', currency: 'USD', payments_collected: 600, commission: 18, effective_rate: 0.03, tier_reached: 1 },
    ]);
  });

  it('team_summary and team_revenue: the owner figures summed per team (and currency)', () => {
    expect(tables.team_summary!.rows).toEqual([
      { team: 'north', owners: 2, won_deals: 1, lost_deals: 1, win_rate: 0.5, activities: 3, open_deals: 2, customers_owned: 1 },
      { team: 'south', owners: 1, won_deals: 1, lost_deals: 0, win_rate: 1, activities: 1, open_deals: 0, customers_owned: 1 },
      { team: 'unassigned', owners: 1, won_deals: 0, lost_deals: 0, win_rate: null, activities: 0, open_deals: 0, customers_owned: 1 },
    ]);
    expect(tables.team_revenue!.rows).toEqual([
      { team: 'north', currency: 'EUR', won_deals: 1, won_revenue: 1000, open_pipeline: 3500, next_90_days_pipeline: 3000, payments_collected: 69_000, overdue_receivables: 500, pipeline_coverage: 12, commission: 2450 },
      { team: 'south', currency: 'USD', won_deals: 1, won_revenue: 800, open_pipeline: 0, next_90_days_pipeline: 0, payments_collected: 600, overdue_receivables: 1250, pipeline_coverage: 0, commission: 18 },
      { team: 'unassigned', currency: 'EUR', won_deals: 0, won_revenue: 0, open_pipeline: 0, next_90_days_pipeline: 0, payments_collected: 0, overdue_receivables: 100, pipeline_coverage: null, commission: 0 },
    ]);
  });

  it('headlines: money per currency, largest collections first', () => {
    const h = salesPerformance.headlines({ asOf: AS_OF, tables });
    expect(h.filter((x) => x.key === 'payments_collected')).toEqual([
      { key: 'payments_collected', label: 'Payments collected, last 12 months', value: 69_000, format: 'money', currency: 'EUR' },
      { key: 'payments_collected', label: 'Payments collected, last 12 months', value: 600, format: 'money', currency: 'USD' },
    ]);
    expect(h.find((x) => x.key === 'overdue_over_90_days' && x.currency === 'USD')?.value).toBe(1000);
    expect(h.find((x) => x.key === 'late_payment_share')?.value).toBe(1 / 3);
  });

  it('a plan with team and currency tiers', async () => {
    const plan = parseCommissionPlan({ tiers: [{ from: 0, rate: 0.01 }], currencies: { USD: [{ from: 0, rate: 0.1 }, { from: 500, rate: 0.2 }] }, teams: { north: [{ from: 0, rate: 0.02 }] } });
    const out = await salesPerformanceReport(plan).postProcess!({ asOf: AS_OF, tables });
    // north: 2% of 69,000; u2 (south) in USD: 10% of 500 + 20% of 100.
    expect(out.commissions!.rows.map((r) => r.commission)).toEqual([1380, 70]);
  });
});

describe('commission plan', () => {
  it('pays each tier\'s rate on the part within it, in cents', () => {
    const tiers = DEFAULT_COMMISSION_PLAN.tiers;
    expect(commissionCents(0, tiers)).toEqual({ commissionCents: 0, tier: 0 });
    expect(commissionCents(5_000_000, tiers)).toEqual({ commissionCents: 150_000, tier: 1 });
    // 1,500 + 5% of 100,000 + 8% of 50,000 on 200,000.
    expect(commissionCents(20_000_000, tiers)).toEqual({ commissionCents: 150_000 + 500_000 + 400_000, tier: 3 });
    expect(commissionCents(-10_000, tiers)).toEqual({ commissionCents: 0, tier: 0 });
  });

  it('refuses a bad plan naming the field and reason', () => {
    const bad = (plan: unknown) => () => parseCommissionPlan(plan, 'plan.json');
    expect(bad({ tiers: [{ from: 10, rate: 0.1 }] })).toThrow('commission plan plan.json: tiers[0].from: the first tier must start at 0');
    expect(bad({ tiers: [{ from: 0, rate: 0.1 }, { from: 0, rate: 0.2 }] })).toThrow("tiers[1].from: must be greater than the previous tier's from (0)");
    expect(bad({ tiers: [{ from: 0, rate: 1.5 }] })).toThrow('tiers[0].rate: must be between 0 and 1');
    expect(bad({ tiers: [{ from: 0, rate: 0.1 }], currencies: { EURO: [{ from: 0, rate: 0.1 }] } })).toThrow(/currencies\.EURO: must be an ISO-4217 currency code/);
    expect(bad({ tiers: [{ from: 0, rate: 0.1, cap: 5 }] })).toThrow(/tiers\[0\]: Unrecognized key/i);
    expect(bad({})).toThrow(/tiers: /);
  });

  it('reads CRM_COMMISSION_PLAN, else crm.commission.json, and names a missing or malformed one', () => {
    expect(commissionPlanFromEnvironment({}, dir)).toBe(DEFAULT_COMMISSION_PLAN);
    writeFileSync(`${dir}/crm.commission.json`, JSON.stringify({ tiers: [{ from: 0, rate: 0.04 }] }));
    expect(commissionPlanFromEnvironment({}, dir)).toEqual({ tiers: [{ from: 0, rate: 0.04 }] });
    writeFileSync(`${dir}/bad.json`, '{"tiers": [');
    expect(() => commissionPlanFromEnvironment({ CRM_COMMISSION_PLAN: `${dir}/bad.json` }, dir)).toThrow(/commission plan .*bad.json: \(file\): is not valid JSON/);
    expect(() => commissionPlanFromEnvironment({ CRM_COMMISSION_PLAN: '/nonexistent/plan.json' })).toThrow(/commission plan \/nonexistent\/plan.json: \(file\): cannot be read/);
  });
});
