// Forecast accuracy: MASE (mean absolute error scaled by the in-sample mean absolute error of the
// seasonal naive forecast, Hyndman & Koehler 2006) and sMAPE (symmetric MAPE in percent, 0–200),
// and a rolling-origin backtest.

/** Mean |y_t − y_{t−m}| over the training data (lag 1 when m = 1 or the data are shorter than a season). */
export function naiveScale(train: readonly number[], m: number): number {
  const lag = m > 1 && train.length > m ? m : 1;
  let sum = 0;
  for (let t = lag; t < train.length; t++) sum += Math.abs(train[t]! - train[t - lag]!);
  return train.length > lag ? sum / (train.length - lag) : NaN;
}

export function mase(actual: readonly number[], forecast: readonly number[], scale: number): number {
  const mae = actual.reduce((a, y, i) => a + Math.abs(y - forecast[i]!), 0) / actual.length;
  return scale > 0 ? mae / scale : mae === 0 ? 0 : Infinity;
}

export function smape(actual: readonly number[], forecast: readonly number[]): number {
  const terms = actual.map((y, i) => {
    const denom = Math.abs(y) + Math.abs(forecast[i]!);
    return denom === 0 ? 0 : (200 * Math.abs(y - forecast[i]!)) / denom;
  });
  return terms.reduce((a, v) => a + v, 0) / terms.length;
}

export interface BacktestScore {
  method: string;
  /** Mean over origins. */
  mase: number;
  smape: number;
  /** Per origin, oldest first. */
  folds: { origin: number; mase: number; smape: number }[];
}

export type Forecaster = (train: readonly number[], h: number) => number[];

export interface BacktestPlan {
  /** Length of each held-out window. */
  horizon: number;
  /** Training lengths, oldest first. */
  origins: number[];
}

/**
 * Where to cut: `folds` non-overlapping windows of h periods at the end of the series when it is
 * long enough (each training part at least a season + 1, or 6 points); otherwise windows moved
 * one period apart and shortened so that `folds` of them fit; no origins when even that fails.
 */
export function backtestPlan(n: number, m: number, h: number, folds = 3): BacktestPlan {
  const minTrain = m > 1 ? m + 1 : 6;
  if (n - h * folds >= minTrain) return { horizon: h, origins: Array.from({ length: folds }, (_, k) => n - (folds - k) * h) };
  const horizon = Math.min(h, n - minTrain - (folds - 1));
  if (horizon >= 1) return { horizon, origins: Array.from({ length: folds }, (_, k) => n - horizon - (folds - 1 - k)) };
  const single = Math.min(h, n - minTrain);
  return single >= 1 ? { horizon: single, origins: [n - single] } : { horizon: 0, origins: [] };
}

/** Fits each method on y[0 .. origin) and scores its forecast of the next `plan.horizon` periods. */
export function rollingOrigin(y: readonly number[], m: number, plan: BacktestPlan, methods: Record<string, Forecaster>): BacktestScore[] {
  const h = plan.horizon;
  return Object.entries(methods).map(([method, forecaster]) => {
    const scores = plan.origins.map((origin) => {
      const train = y.slice(0, origin);
      const actual = y.slice(origin, origin + h);
      const f = forecaster(train, h);
      return { origin, mase: mase(actual, f, naiveScale(train, m)), smape: smape(actual, f) };
    });
    const mean = (k: 'mase' | 'smape') => (scores.length ? scores.reduce((a, s) => a + s[k], 0) / scores.length : NaN);
    return { method, mase: mean('mase'), smape: mean('smape'), folds: scores };
  });
}
