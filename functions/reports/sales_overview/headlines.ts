// Headline figures of the sales overview, from its finished tables. Money comes one figure per
// currency (never converted or added across currencies), largest revenue first.
import type { Headline, ReportContext, ReportTable } from '../report-definition.ts';

type Row = Record<string, unknown>;

const num = (value: unknown) => (typeof value === 'number' ? value : 0);

/** Sums money in whole cents, so 0.1 + 0.2 is 0.3 in summary.json. */
const sumMoney = (rows: readonly Row[], column: string) => rows.reduce((cents, row) => cents + Math.round(num(row[column]) * 100), 0) / 100;

const sumCounts = (rows: readonly Row[], column: string) => rows.reduce((total, row) => total + num(row[column]), 0);

const rowsOf = (table: ReportTable | undefined) => table?.rows ?? [];

/** Currencies by revenue over the last 12 months (largest first), then those with pipeline only. */
function currencyOrder(revenue: readonly Row[], pipeline: readonly Row[]): string[] {
  const byRevenue = [...revenue]
    .sort((a, b) => num(b.revenue_last_12_months) - num(a.revenue_last_12_months) || String(a.currency).localeCompare(String(b.currency)))
    .map((r) => String(r.currency));
  const rest = [...new Set(pipeline.map((r) => String(r.currency)))].filter((c) => !byRevenue.includes(c)).sort();
  return [...byRevenue, ...rest];
}

export function salesHeadlines({ tables }: ReportContext): Headline[] {
  const revenue = rowsOf(tables.revenue_growth);
  const pipeline = rowsOf(tables.open_pipeline);
  const closed = rowsOf(tables.win_rate);
  const currencies = currencyOrder(revenue, pipeline);
  const perCurrency = (key: string, label: string, format: Headline['format'], value: (currency: string) => number | null, among: readonly string[]): Headline[] =>
    among.map((currency) => ({ key, label, value: value(currency), format, currency }));
  const revenueOf = (currency: string) => revenue.find((r) => r.currency === currency);
  const pipelineOf = (currency: string) => pipeline.filter((r) => r.currency === currency);
  const revenueCurrencies = currencies.filter((c) => revenueOf(c));
  const pipelineCurrencies = currencies.filter((c) => pipelineOf(c).length);
  const won = sumCounts(closed, 'won');
  const lost = sumCounts(closed, 'lost');

  return [
    ...perCurrency('revenue_last_12_months', 'Revenue, last 12 months', 'money', (c) => num(revenueOf(c)?.revenue_last_12_months), revenueCurrencies),
    ...perCurrency('revenue_growth', 'Revenue growth vs the 12 months before', 'ratio', (c) => (revenueOf(c)?.revenue_growth as number | null | undefined) ?? null, revenueCurrencies),
    { key: 'orders_last_12_months', label: 'Orders, last 12 months', value: sumCounts(revenue, 'orders_last_12_months'), format: 'count' },
    ...perCurrency('open_pipeline', 'Open pipeline', 'money', (c) => sumMoney(pipelineOf(c), 'amount'), pipelineCurrencies),
    ...perCurrency('weighted_pipeline', 'Weighted pipeline (amount × probability)', 'money', (c) => sumMoney(pipelineOf(c), 'weighted_amount'), pipelineCurrencies),
    { key: 'open_opportunities', label: 'Open opportunities', value: sumCounts(pipeline, 'opportunities'), format: 'count' },
    { key: 'win_rate', label: 'Win rate, last 12 months (by count)', value: won + lost ? won / (won + lost) : null, format: 'ratio' },
    { key: 'opportunities_closed_last_12_months', label: 'Opportunities closed, last 12 months', value: won + lost, format: 'count' },
  ];
}
