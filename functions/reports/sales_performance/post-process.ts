// Team roll-ups and commissions from the SQL tables owner_summary and owner_revenue. Money is summed in
// cents per currency and never across currencies.
import type { CommissionPlan } from '#schemas/commission-plan.ts';
import type { ReportColumn, ReportContext, ReportTable, ReportTables } from '../report-definition.ts';
import { commissionCents, tiersFor } from './commission-plan.ts';

type Row = Record<string, unknown>;

const col = (name: string, kind: ReportColumn['kind']): ReportColumn => ({ name, kind });
const cents = (v: unknown) => Math.round(Number(v ?? 0) * 100);
const num = (v: unknown) => (typeof v === 'number' ? v : 0);
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function teamSummary(owners: readonly Row[]): ReportTable {
  const teams = new Map<string, { owners: number; won: number; lost: number; activities: number; open: number; customers: number }>();
  for (const o of owners) {
    const t = teams.get(String(o.team)) ?? { owners: 0, won: 0, lost: 0, activities: 0, open: 0, customers: 0 };
    t.owners += 1;
    t.won += num(o.won_deals);
    t.lost += num(o.lost_deals);
    t.activities += num(o.activities);
    t.open += num(o.open_deals);
    t.customers += num(o.customers_owned);
    teams.set(String(o.team), t);
  }
  return {
    columns: [col('team', 'string'), col('owners', 'bigint'), col('won_deals', 'bigint'), col('lost_deals', 'bigint'), col('win_rate', 'double'), col('activities', 'bigint'), col('open_deals', 'bigint'), col('customers_owned', 'bigint')],
    rows: [...teams]
      .sort(([a], [b]) => byText(a, b))
      .map(([team, t]) => ({ team, owners: t.owners, won_deals: t.won, lost_deals: t.lost, win_rate: t.won + t.lost > 0 ? t.won / (t.won + t.lost) : null, activities: t.activities, open_deals: t.open, customers_owned: t.customers })),
  };
}

const MONEY = ['won_revenue', 'open_pipeline', 'next_90_days_pipeline', 'payments_collected', 'overdue_receivables'] as const;

function teamRevenue(revenue: readonly Row[], commissions: readonly Row[]): ReportTable {
  const teams = new Map<string, Record<string, number>>();
  const add = (team: string, currency: string, column: string, value: number) => {
    const key = `${team}\u0000${currency}`;
    const t = teams.get(key) ?? {};
    t[column] = (t[column] ?? 0) + value;
    teams.set(key, t);
  };
  for (const r of revenue) {
    for (const m of MONEY) add(String(r.team), String(r.currency), m, cents(r[m]));
    add(String(r.team), String(r.currency), 'won_deals', num(r.won_deals));
  }
  for (const c of commissions) add(String(c.team), String(c.currency), 'commission', cents(c.commission));
  return {
    columns: [col('team', 'string'), col('currency', 'string'), col('won_deals', 'bigint'), ...MONEY.map((m) => col(m, 'decimal')), col('pipeline_coverage', 'double'), col('commission', 'decimal')],
    rows: [...teams]
      .sort(([a], [b]) => byText(a, b))
      .map(([key, t]) => {
        const [team, currency] = key.split('\u0000') as [string, string];
        const won = t.won_revenue ?? 0;
        return {
          team,
          currency,
          won_deals: t.won_deals ?? 0,
          ...Object.fromEntries(MONEY.map((m) => [m, (t[m] ?? 0) / 100])),
          pipeline_coverage: won > 0 ? (t.next_90_days_pipeline ?? 0) / (won / 4) : null,
          commission: (t.commission ?? 0) / 100,
        };
      }),
  };
}

export function commissionTable(revenue: readonly Row[], plan: CommissionPlan): ReportTable {
  const rows = revenue
    .filter((r) => cents(r.payments_collected) !== 0)
    .map((r) => {
      const collected = cents(r.payments_collected);
      const { commissionCents: commission, tier } = commissionCents(collected, tiersFor(plan, String(r.team), String(r.currency)));
      return { owner_id: r.owner_id, team: r.team, currency: r.currency, payments_collected: collected / 100, commission: commission / 100, effective_rate: collected > 0 ? commission / collected : null, tier_reached: tier };
    });
  return {
    columns: [col('owner_id', 'string'), col('team', 'string'), col('currency', 'string'), col('payments_collected', 'decimal'), col('commission', 'decimal'), col('effective_rate', 'double'), col('tier_reached', 'bigint')],
    rows,
  };
}

export function salesPerformancePostProcess(plan: CommissionPlan) {
  return ({ tables }: ReportContext): ReportTables => {
    const revenue = tables.owner_revenue?.rows ?? [];
    const commissions = commissionTable(revenue, plan);
    return {
      commissions,
      team_summary: teamSummary(tables.owner_summary?.rows ?? []),
      team_revenue: teamRevenue(revenue, commissions.rows),
    };
  };
}
