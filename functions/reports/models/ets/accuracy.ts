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

/**
 * Rolling origin: for k = folds..1 the model is fitted on y[0 .. n − k·h) and forecasts the next
 * h periods (non-overlapping held-out windows, one season each by default). Origins that would
 * leave fewer than `minTrain` training points are skipped.
 */
export function rollingOrigin(y: readonly number[], m: number, h: number, methods: Record<string, Forecaster>, folds = 3, minTrain = 2 * Math.max(m, 4)): BacktestScore[] {
  const origins: number[] = [];
  for (let k = folds; k >= 1; k--) {
    const origin = y.length - k * h;
    if (origin >= minTrain) origins.push(origin);
  }
  return Object.entries(methods).map(([method, forecaster]) => {
    const scores = origins.map((origin) => {
      const train = y.slice(0, origin);
      const actual = y.slice(origin, origin + h);
      const f = forecaster(train, h);
      return { origin, mase: mase(actual, f, naiveScale(train, m)), smape: smape(actual, f) };
    });
    const mean = (k: 'mase' | 'smape') => (scores.length ? scores.reduce((a, s) => a + s[k], 0) / scores.length : NaN);
    return { method, mase: mean('mase'), smape: mean('smape'), folds: scores };
  });
}
