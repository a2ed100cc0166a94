// Headline figures of the marketing ROI report: money one figure per currency (largest spend first).
import type { Headline, ReportContext } from '../report-definition.ts';

type Row = Record<string, unknown>;

const num = (v: unknown) => (typeof v === 'number' ? v : 0);
const sumCents = (rows: readonly Row[], column: string) => rows.reduce((c, r) => c + Math.round(num(r[column]) * 100), 0);
const sum = (rows: readonly Row[], column: string) => rows.reduce((t, r) => t + num(r[column]), 0);

export function marketingRoiHeadlines({ tables }: ReportContext): Headline[] {
  const channels = tables.channel_roi?.rows ?? [];
  const funnel = tables.funnel?.rows ?? [];
  const journeys = tables.journeys?.rows ?? [];
  const currencies = [...new Set(channels.map((r) => String(r.currency)))].sort(
    (a, b) => sumCents(channels.filter((r) => r.currency === b), 'spend') - sumCents(channels.filter((r) => r.currency === a), 'spend') || a.localeCompare(b),
  );
  const perCurrency = currencies.flatMap((currency): Headline[] => {
    const rows = channels.filter((r) => r.currency === currency);
    const spend = sumCents(rows, 'spend');
    const revenue = sumCents(rows, 'attributed_revenue');
    return [
      { key: 'marketing_spend', label: 'Marketing spend', value: spend / 100, format: 'money', currency },
      { key: 'attributed_revenue', label: 'Attributed revenue', value: revenue / 100, format: 'money', currency },
      { key: 'roas', label: 'Return on ad spend (revenue / spend)', value: spend > 0 ? revenue / spend : null, format: 'ratio', currency },
    ];
  });
  const leads = sum(funnel, 'leads');
  const won = sum(funnel, 'won');
  return [
    ...perCurrency,
    { key: 'converted_journeys', label: 'Orders with a campaign touch before them', value: journeys.filter((j) => Number(j.converted) === 1).length, format: 'count' },
    { key: 'leads', label: 'Leads in the window', value: leads, format: 'count' },
    { key: 'customers_won', label: 'Customers won after a campaign touch', value: sum(tables.campaign_activity?.rows ?? [], 'customers_won'), format: 'count' },
    { key: 'lead_to_won_rate', label: 'Leads won as deals', value: leads > 0 ? won / leads : null, format: 'ratio' },
  ];
}
