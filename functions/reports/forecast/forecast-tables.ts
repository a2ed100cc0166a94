// The forecast report's model step: for each currency, monthly and weekly revenue forecast with
// automatic ETS (80% and 95% intervals), the seasonal naive and damped-trend benchmarks, and a
// rolling-origin backtest of all three (MASE, sMAPE).
import { forecastSeries, type SeriesForecast } from '../models/ets/forecast-series.ts';
import type { ReportColumn, ReportContext, ReportTable, ReportTables } from '../report-definition.ts';
import { currencySeries, nextPeriod, type CurrencySeries, type Granularity } from './revenue-series.ts';

/** Season, horizon and how much history the chart shows, per granularity. */
export const GRANULARITY = {
  month: { season: 12, horizon: 12, shown: 36 },
  // 52 weeks exceeds the longest season ETS estimates (24), and a demo's two years hold too few
  // yearly cycles to score a 52-week seasonal naive: weekly revenue is forecast without a season,
  // its "seasonal naive" being the naive (last week) forecast.
  week: { season: 1, horizon: 13, shown: 52 },
} as const;

/** Fewer observed periods than this and a currency is not forecast (too little to say anything). */
export const MIN_PERIODS = 6;

const money = (v: number | undefined | null) => (v === undefined || v === null || !Number.isFinite(v) ? null : Math.round(v * 100) / 100);

const col = (name: string, kind: ReportColumn['kind']): ReportColumn => ({ name, kind });

export interface CurrencyForecast {
  currency: string;
  granularity: Granularity;
  series: CurrencySeries;
  result: SeriesForecast;
}

export function forecastCurrencies(rows: readonly Record<string, unknown>[], granularity: Granularity, asOf: string): CurrencyForecast[] {
  const { season, horizon } = GRANULARITY[granularity];
  return currencySeries(rows, granularity, asOf)
    .filter((s) => s.values.length >= MIN_PERIODS)
    .map((series) => ({ currency: series.currency, granularity, series, result: forecastSeries(series.values, { season, horizon, levels: [80, 95] }) }));
}

function fanTable(forecasts: readonly CurrencyForecast[], granularity: Granularity): ReportTable {
  const { shown, horizon } = GRANULARITY[granularity];
  const rows: Record<string, unknown>[] = [];
  for (const { currency, series, result } of forecasts) {
    const start = Math.max(0, series.periods.length - shown);
    for (let i = start; i < series.periods.length; i++) {
      rows.push({ [granularity]: series.periods[i], currency, actual: money(series.values[i]), forecast: null, lower_80: null, upper_80: null, lower_95: null, upper_95: null, seasonal_naive: null, damped_trend: null });
    }
    const [i80, i95] = result.ets.intervals;
    const [naive, damped] = result.benchmarks;
    const last = series.periods[series.periods.length - 1]!;
    for (let h = 0; h < horizon; h++) {
      rows.push({
        [granularity]: nextPeriod(last, granularity, h + 1),
        currency,
        actual: null,
        forecast: money(result.ets.point[h]),
        lower_80: money(i80!.lower[h]),
        upper_80: money(i80!.upper[h]),
        lower_95: money(i95!.lower[h]),
        upper_95: money(i95!.upper[h]),
        seasonal_naive: money(naive!.point[h]),
        damped_trend: money(damped!.point[h]),
      });
    }
  }
  const measures = ['actual', 'forecast', 'lower_80', 'upper_80', 'lower_95', 'upper_95', 'seasonal_naive', 'damped_trend'];
  return { columns: [col(granularity, 'date'), col('currency', 'string'), ...measures.map((m) => col(m, 'decimal'))], rows };
}

function backtestTable(forecasts: readonly CurrencyForecast[]): ReportTable {
  const rows = forecasts.flatMap(({ currency, granularity, result }) =>
    result.backtest.map((b) => ({
      currency,
      granularity,
      method: b.method,
      model: b.method === 'ets' ? result.selection.fit.name : b.method === 'damped_trend' ? (GRANULARITY[granularity].season > 1 ? 'ETS(A,Ad,N) on seasonally adjusted' : 'ETS(A,Ad,N)') : GRANULARITY[granularity].season > 1 ? 'seasonal naive' : 'naive',
      mase: Number.isFinite(b.mase) ? b.mase : null,
      smape: Number.isFinite(b.smape) ? b.smape : null,
      origins: b.folds.length,
      horizon: result.backtestHorizon,
    })),
  );
  return {
    columns: [col('currency', 'string'), col('granularity', 'string'), col('method', 'string'), col('model', 'string'), col('mase', 'double'), col('smape', 'double'), col('origins', 'bigint'), col('horizon', 'bigint')],
    rows,
  };
}

function modelTable(forecasts: readonly CurrencyForecast[]): ReportTable {
  const num = (v: number) => (Number.isFinite(v) ? v : null);
  const rows = forecasts.map(({ currency, granularity, series, result }) => {
    const { fit, rule } = result.selection;
    return {
      currency,
      granularity,
      model: fit.name,
      selection: rule ?? 'aicc',
      observations: series.values.length,
      season: fit.m,
      alpha: fit.params.alpha,
      beta: fit.form.trend === 'N' ? null : fit.params.beta,
      gamma: fit.form.season === 'N' ? null : fit.params.gamma,
      phi: fit.form.trend === 'Ad' ? fit.params.phi : null,
      aicc: num(fit.aicc),
      loglik: num(fit.loglik),
      intervals: result.ets.method,
    };
  });
  return {
    columns: [
      col('currency', 'string'), col('granularity', 'string'), col('model', 'string'), col('selection', 'string'), col('observations', 'bigint'), col('season', 'bigint'),
      col('alpha', 'double'), col('beta', 'double'), col('gamma', 'double'), col('phi', 'double'), col('aicc', 'double'), col('loglik', 'double'), col('intervals', 'string'),
    ],
    rows,
  };
}

export function forecastTables({ asOf, tables }: ReportContext): ReportTables {
  const monthly = forecastCurrencies(tables.monthly_revenue?.rows ?? [], 'month', asOf);
  const weekly = forecastCurrencies(tables.weekly_revenue?.rows ?? [], 'week', asOf);
  return {
    monthly_forecast: fanTable(monthly, 'month'),
    weekly_forecast: fanTable(weekly, 'week'),
    forecast_backtest: backtestTable([...monthly, ...weekly]),
    forecast_models: modelTable([...monthly, ...weekly]),
  };
}
