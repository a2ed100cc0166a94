// Headline figures of sales performance: money one figure per currency (largest revenue first).
import type { Headline, ReportContext } from '../report-definition.ts';

type Row = Record<string, unknown>;

const num = (v: unknown) => (typeof v === 'number' ? v : 0);
const sumCents = (rows: readonly Row[], column: string) => rows.reduce((c, r) => c + Math.round(num(r[column]) * 100), 0);
const sum = (rows: readonly Row[], column: string) => rows.reduce((t, r) => t + num(r[column]), 0);

export function salesPerformanceHeadlines({ tables }: ReportContext): Headline[] {
  const revenue = tables.owner_revenue?.rows ?? [];
  const owners = tables.owner_summary?.rows ?? [];
  const ageing = tables.receivables_ageing?.rows ?? [];
  const commissions = tables.commissions?.rows ?? [];
  const currencies = [...new Set(revenue.map((r) => String(r.currency)))].sort(
    (a, b) => sumCents(revenue.filter((r) => r.currency === b), 'payments_collected') - sumCents(revenue.filter((r) => r.currency === a), 'payments_collected') || a.localeCompare(b),
  );
  const perCurrency = currencies.flatMap((currency): Headline[] => {
    const rows = revenue.filter((r) => r.currency === currency);
    return [
      { key: 'won_revenue', label: 'Revenue won, last 12 months', value: sumCents(rows, 'won_revenue') / 100, format: 'money', currency },
      { key: 'payments_collected', label: 'Payments collected, last 12 months', value: sumCents(rows, 'payments_collected') / 100, format: 'money', currency },
      { key: 'overdue_receivables', label: 'Overdue receivables', value: sumCents(rows, 'overdue_receivables') / 100, format: 'money', currency },
      { key: 'overdue_over_90_days', label: 'Overdue more than 90 days', value: sumCents(ageing.filter((r) => r.currency === currency && r.ageing_bucket === '90+ days'), 'amount') / 100, format: 'money', currency },
      { key: 'commission', label: 'Commission earned', value: sumCents(commissions.filter((r) => r.currency === currency), 'commission') / 100, format: 'money', currency },
    ];
  });
  const won = sum(owners, 'won_deals');
  const lost = sum(owners, 'lost_deals');
  const paid = sum(revenue, 'invoices_paid');
  return [
    ...perCurrency,
    { key: 'won_deals', label: 'Deals won, last 12 months', value: won, format: 'count' },
    { key: 'win_rate', label: 'Win rate, last 12 months (by count)', value: won + lost > 0 ? won / (won + lost) : null, format: 'ratio' },
    { key: 'activities', label: 'Activities, last 12 months', value: sum(owners, 'activities'), format: 'count' },
    { key: 'late_payment_share', label: 'Invoices paid after their due date', value: paid > 0 ? sum(revenue, 'invoices_paid_late') / paid : null, format: 'ratio' },
  ];
}
