// Revenue forecast: monthly and weekly revenue per currency with automatic exponential smoothing
// (ETS, models/ets/), its 80% and 95% prediction intervals, the seasonal naive and damped-trend
// benchmarks and a rolling-origin backtest of the three.
import { defineReport } from '../report-definition.ts';
import { forecastTables } from './forecast-tables.ts';
import { forecastHeadlines } from './headlines.ts';

const fanFormats = { actual: 'money', forecast: 'money', lower_80: 'money', upper_80: 'money', lower_95: 'money', upper_95: 'money', seasonal_naive: 'money', damped_trend: 'money' } as const;

export const forecast = defineReport({
  name: 'forecast',
  title: 'Revenue forecast',
  description:
    'Revenue per currency by complete month and ISO week (cancelled orders left out, periods without sales count as zero), forecast with automatic ' +
    'exponential smoothing: every ETS form (additive or multiplicative error, no / additive / damped trend, no / additive / multiplicative season) fitted by ' +
    'maximum likelihood and the one with the lowest AICc chosen, as R forecast::ets does. Seasonal naive and damped trend are computed beside it, and a ' +
    'rolling-origin backtest scores all three. Money is never converted or added across currencies.',
  sqlDir: new URL('.', import.meta.url),
  tables: [
    {
      name: 'monthly_revenue',
      title: 'Revenue by month',
      description: 'One row per complete calendar month with sales and currency: revenue and orders. The as-of month counts once the as-of date is its last day.',
      formats: { revenue: 'money', orders: 'count' },
    },
    {
      name: 'weekly_revenue',
      title: 'Revenue by week',
      description: 'One row per complete ISO week (Monday start) with sales and currency, last 156 weeks; the as-of week counts once the as-of date is its Sunday.',
      formats: { revenue: 'money', orders: 'count' },
    },
    {
      name: 'monthly_forecast',
      title: 'Monthly revenue forecast',
      source: 'postProcess',
      description:
        'The last 36 months of actual revenue, then 12 months of ETS forecast with its 80% and 95% prediction intervals and the two benchmarks, per currency ' +
        '(a currency needs 6 months of history).',
      formats: fanFormats,
      charts: [
        { type: 'line', title: 'Monthly revenue: forecast with 80% and 95% intervals', x: 'month', y: ['actual', 'forecast', 'lower_80', 'upper_80', 'lower_95', 'upper_95'], facet: 'currency', format: 'money' },
        { type: 'line', title: 'Monthly forecast against the benchmarks', x: 'month', y: ['actual', 'forecast', 'seasonal_naive', 'damped_trend'], facet: 'currency', format: 'money' },
      ],
    },
    {
      name: 'weekly_forecast',
      title: 'Weekly revenue forecast',
      source: 'postProcess',
      description: 'The last 52 weeks of actual revenue, then 13 weeks of forecast. A 52-week season is longer than ETS estimates (24), so weekly series are forecast without a season and the seasonal naive benchmark is the plain naive (last week).',
      formats: fanFormats,
      charts: [
        { type: 'line', title: 'Weekly revenue: forecast with 80% and 95% intervals', x: 'week', y: ['actual', 'forecast', 'lower_80', 'upper_80', 'lower_95', 'upper_95'], facet: 'currency', format: 'money' },
      ],
    },
    {
      name: 'forecast_backtest',
      title: 'Backtest: ETS against the benchmarks',
      source: 'postProcess',
      description:
        'Rolling origin: each method is refitted on the data before an origin and forecasts the next window (one season, or the horizon without a season); ' +
        'MASE is the mean absolute error over the in-sample seasonal naive error (below 1 beats it in-sample), sMAPE in percent. Means over the origins.',
      formats: { mase: 'number', smape: 'number', origins: 'count', horizon: 'count' },
      charts: [{ type: 'bar', title: 'Backtest MASE by method (lower is better)', x: 'method', y: 'mase', series: 'granularity', facet: 'currency', format: 'number' }],
    },
    {
      name: 'forecast_models',
      title: 'Chosen ETS models',
      source: 'postProcess',
      description: 'Per currency and granularity: the chosen form, how it was chosen (aicc; constant or short series get simple exponential smoothing), its smoothing parameters, AICc and log-likelihood.',
      formats: { observations: 'count', season: 'count' },
    },
  ],
  postProcess: forecastTables,
  headlines: forecastHeadlines,
});
