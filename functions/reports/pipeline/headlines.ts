// Headline figures of the pipeline report: money one figure per currency (largest open pipeline first).
import type { Headline, ReportContext } from '../report-definition.ts';

type Row = Record<string, unknown>;

const num = (v: unknown) => (typeof v === 'number' ? v : 0);
const sumCents = (rows: readonly Row[], column: string) => rows.reduce((c, r) => c + Math.round(num(r[column]) * 100), 0);
const sum = (rows: readonly Row[], column: string) => rows.reduce((t, r) => t + num(r[column]), 0);

export function pipelineHeadlines({ tables }: ReportContext): Headline[] {
  const forecast = tables.pipeline_forecast?.rows ?? [];
  const winRates = tables.win_rates?.rows ?? [];
  const backtest = tables.backtest?.rows ?? [];
  const currencies = [...new Set(forecast.map((r) => String(r.currency)))].sort(
    (a, b) => sumCents(forecast.filter((r) => r.currency === b), 'amount') - sumCents(forecast.filter((r) => r.currency === a), 'amount') || a.localeCompare(b),
  );
  const perCurrency = currencies.flatMap((currency): Headline[] => {
    const rows = forecast.filter((r) => r.currency === currency);
    const won = winRates.filter((r) => r.currency === currency);
    const wonDeals = sum(won, 'won');
    return [
      { key: 'open_pipeline', label: 'Open pipeline', value: sumCents(rows, 'amount') / 100, format: 'money', currency },
      { key: 'weighted_pipeline', label: 'Weighted pipeline (learned win probabilities)', value: sumCents(rows, 'weighted_amount') / 100, format: 'money', currency },
      { key: 'rep_weighted_pipeline', label: 'Weighted pipeline (rep-entered probabilities)', value: sumCents(rows, 'rep_weighted_amount') / 100, format: 'money', currency },
      { key: 'commit', label: 'Commit (weighted)', value: sumCents(rows.filter((r) => r.forecast_category === 'commit'), 'weighted_amount') / 100, format: 'money', currency },
      { key: 'average_deal_size', label: 'Average won deal, last 12 months', value: wonDeals > 0 ? Math.round(sumCents(won, 'won_amount') / wonDeals) / 100 : null, format: 'money', currency },
    ];
  });
  const won = sum(winRates, 'won');
  const lost = sum(winRates, 'lost');
  const score = (method: string) => (backtest.find((r) => r.method === method)?.brier_score as number | null | undefined) ?? null;
  return [
    ...perCurrency,
    { key: 'open_deals', label: 'Open deals', value: sum(forecast, 'deals'), format: 'count' },
    { key: 'win_rate', label: 'Win rate, last 12 months (by count)', value: won + lost > 0 ? won / (won + lost) : null, format: 'ratio' },
    { key: 'brier_learned', label: 'Backtest Brier score, learned probabilities', value: score('learned'), format: 'number' },
    { key: 'brier_rep_entered', label: 'Backtest Brier score, rep-entered probabilities', value: score('rep_entered'), format: 'number' },
  ];
}
