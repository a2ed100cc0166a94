// Headline figures of the forecast report: per currency the next month's and the next 12 months'
// forecast revenue; for the main currency (most revenue over the last 12 complete months) the
// monthly backtest MASE of ETS and of the seasonal naive benchmark.
import type { Headline, ReportContext } from '../report-definition.ts';

type Row = Record<string, unknown>;
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Currencies by revenue over their last 12 actual months, largest first. */
function currencyOrder(fan: readonly Row[]): string[] {
  const totals = new Map<string, number>();
  for (const currency of new Set(fan.map((r) => String(r.currency)))) {
    const actual = fan.filter((r) => r.currency === currency && num(r.actual) !== null).slice(-12);
    totals.set(currency, actual.reduce((a, r) => a + Math.round((r.actual as number) * 100), 0));
  }
  return [...totals.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([c]) => c);
}

export function forecastHeadlines({ tables }: ReportContext): Headline[] {
  const fan = tables.monthly_forecast?.rows ?? [];
  const backtest = tables.forecast_backtest?.rows ?? [];
  const currencies = currencyOrder(fan);
  const ahead = (currency: string) => fan.filter((r) => r.currency === currency && num(r.forecast) !== null);
  const sumCents = (rows: readonly Row[]) => rows.reduce((a, r) => a + Math.round((r.forecast as number) * 100), 0) / 100;
  const main = currencies[0];
  const mase = (method: string) => num(backtest.find((r) => r.currency === main && r.granularity === 'month' && r.method === method)?.mase);
  return [
    ...currencies.map((currency) => ({ key: 'forecast_next_month', label: 'Forecast revenue, next month', value: num(ahead(currency)[0]?.forecast) , format: 'money' as const, currency })),
    ...currencies.map((currency) => ({ key: 'forecast_next_12_months', label: 'Forecast revenue, next 12 months', value: ahead(currency).length ? sumCents(ahead(currency)) : null, format: 'money' as const, currency })),
    { key: 'ets_backtest_mase', label: `Backtest MASE of ETS, monthly${main ? ` ${main}` : ''}`, value: mase('ets'), format: 'number' },
    { key: 'seasonal_naive_backtest_mase', label: `Backtest MASE of seasonal naive, monthly${main ? ` ${main}` : ''}`, value: mase('seasonal_naive'), format: 'number' },
    { key: 'damped_trend_backtest_mase', label: `Backtest MASE of damped trend, monthly${main ? ` ${main}` : ''}`, value: mase('damped_trend'), format: 'number' },
  ];
}
