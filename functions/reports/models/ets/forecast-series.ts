// One call for a whole forecast: automatic ETS with 80/95% (or chosen) intervals, the seasonal
// naive and damped-trend benchmarks, and a rolling-origin backtest of all three.
import { backtestPlan, rollingOrigin, type BacktestScore } from './accuracy.ts';
import { dampedTrend, seasonalNaive, type Benchmark } from './benchmarks.ts';
import { autoEts, seasonAllowed, type AutoEtsResult } from './ets-auto.ts';
import { fitEts } from './ets-fit.ts';
import { forecastEts, type EtsForecast } from './prediction-intervals.ts';

export interface SeriesForecastOptions {
  /** Season length (1: none). */
  season: number;
  horizon: number;
  /** @default [80, 95] */
  levels?: readonly number[];
  /** Backtest origins; 0 skips the backtest. @default 3 */
  backtestFolds?: number;
  /** Seed of the simulated intervals. @default 1 */
  seed?: number;
}

export interface SeriesForecast {
  selection: AutoEtsResult;
  ets: EtsForecast;
  benchmarks: Benchmark[];
  /** Methods `ets` (the chosen form, refitted at each origin), `seasonal_naive`, `damped_trend`. */
  backtest: BacktestScore[];
  /** Length of each held-out window: one season, or the horizon without a season (shorter for short series). */
  backtestHorizon: number;
}

export function forecastSeries(y: readonly number[], options: SeriesForecastOptions): SeriesForecast {
  const { season: m, horizon } = options;
  const levels = options.levels ?? [80, 95];
  const selection = autoEts(y, m);
  const ets = forecastEts(selection.fit, horizon, { levels, seed: options.seed ?? 1 });
  const benchmarks = [seasonalNaive(y, m, horizon, levels), dampedTrend(y, m, horizon, levels)];
  const form = selection.fit.form;
  const plan = backtestPlan(y.length, m, seasonAllowed(y.length, m) ? m : horizon, options.backtestFolds ?? 3);
  const backtest = rollingOrigin(
    y,
    m,
    plan,
    {
      ets: (train, h) => {
        // The chosen form refitted; a fold too short for it (or constant) falls back to the automatic choice.
        const fit = selection.rule ? undefined : fitEts(train, m, form);
        return forecastEts(fit ?? autoEts(train, m).fit, h, { levels: [] }).point;
      },
      seasonal_naive: (train, h) => seasonalNaive(train, m, h, []).point,
      damped_trend: (train, h) => dampedTrend(train, m, h, []).point,
    },
  );
  return { selection, ets, benchmarks, backtest, backtestHorizon: plan.horizon };
}
