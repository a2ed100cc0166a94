// Prediction intervals of a fitted ETS model (Hyndman et al. 2008, ch. 6): analytic for the linear
// homoscedastic class 1 (additive error, additive components) and class 2 (multiplicative error,
// additive components); simulated from the model with a seeded generator for the others
// (multiplicative season), taking the empirical quantiles of the simulated paths.
import type { EtsFit } from './ets-fit.ts';
import { pointForecasts } from './ets-recursion.ts';
import { normalQuantile, normalSampler } from './prng.ts';

export interface Interval {
  /** Coverage in percent, e.g. 80 or 95. */
  level: number;
  lower: number[];
  upper: number[];
}

export interface EtsForecast {
  point: number[];
  intervals: Interval[];
  /** How the intervals were obtained. */
  method: 'analytic' | 'simulated';
}

/** c_j = w' F^(j−1) g for j = 1..h−1 for the additive-component models. */
function psiWeights(fit: EtsFit, h: number): number[] {
  const { alpha, beta, gamma } = fit.params;
  const phi = fit.form.trend === 'Ad' ? fit.params.phi : 1;
  const trend = fit.form.trend !== 'N';
  const seasonal = fit.form.season !== 'N';
  const m = fit.m;
  const c: number[] = [];
  let phiSum = 0;
  for (let j = 1; j < h; j++) {
    phiSum += phi ** j;
    c.push(alpha + (trend ? beta * phiSum : 0) + (seasonal && j % m === 0 ? gamma : 0));
  }
  return c;
}

function analyticVariances(fit: EtsFit, point: readonly number[]): number[] {
  const h = point.length;
  const c = psiWeights(fit, h);
  const s2 = fit.sigma2;
  if (fit.form.error === 'A') {
    let acc = 0;
    return point.map((_, i) => {
      if (i > 0) acc += c[i - 1]! ** 2;
      return s2 * (1 + acc);
    });
  }
  const theta: number[] = [];
  for (let i = 0; i < h; i++) {
    let t = point[i]! ** 2;
    for (let j = 1; j <= i; j++) t += s2 * c[j - 1]! ** 2 * theta[i - j]!;
    theta.push(t);
  }
  return theta.map((t, i) => (1 + s2) * t - point[i]! ** 2);
}

/** Simulates `paths` futures of the fitted model from its last state; returns [path][step]. */
export function simulatePaths(fit: EtsFit, h: number, paths: number, seed: number): Float64Array[] {
  const normal = normalSampler(seed);
  const sigma = Math.sqrt(fit.sigma2);
  const { alpha, beta, gamma } = fit.params;
  const phi = fit.form.trend === 'Ad' ? fit.params.phi : 1;
  const trend = fit.form.trend !== 'N';
  const m = fit.m;
  const out: Float64Array[] = [];
  for (let p = 0; p < paths; p++) {
    let l = fit.last.level;
    let b = fit.last.slope;
    const s = [...fit.last.season];
    const path = new Float64Array(h);
    for (let i = 0; i < h; i++) {
      const phib = trend ? phi * b : 0;
      const q = l + phib;
      const j = i % m;
      const si = fit.form.season === 'N' ? 0 : s[j]!;
      const mu = fit.form.season === 'A' ? q + si : fit.form.season === 'M' ? q * si : q;
      const e = sigma * normal();
      const y = fit.form.error === 'A' ? mu + e : mu * (1 + e);
      path[i] = y;
      // The same error-correction updates as the fit.
      const pt = fit.form.season === 'A' ? y - si : fit.form.season === 'M' ? y / si : y;
      const newL = q + alpha * (pt - q);
      if (trend) b = phib + (beta / alpha) * (newL - l - phib);
      if (fit.form.season !== 'N') s[j] = si + gamma * ((fit.form.season === 'A' ? y - q : y / q) - si);
      l = newL;
    }
    out.push(path);
  }
  return out;
}

function quantile(sorted: readonly number[], p: number): number {
  // R's default (type 7) quantile.
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  return sorted[lo]! + (h - lo) * ((sorted[Math.min(lo + 1, sorted.length - 1)] ?? sorted[lo]!) - sorted[lo]!);
}

export interface ForecastOptions {
  /** Coverage levels in percent. @default [80, 95] */
  levels?: readonly number[];
  /** Simulated paths for the classes without analytic intervals. @default 5000 */
  paths?: number;
  /** @default 1 */
  seed?: number;
}

export function forecastEts(fit: EtsFit, h: number, options: ForecastOptions = {}): EtsForecast {
  const levels = options.levels ?? [80, 95];
  const point = pointForecasts(fit.last, fit.m, fit.form, fit.params, h);
  if (fit.form.season !== 'M') {
    const sd = analyticVariances(fit, point).map((v) => Math.sqrt(Math.max(v, 0)));
    const intervals = levels.map((level) => {
      const z = normalQuantile(0.5 + level / 200);
      return { level, lower: point.map((f, i) => f - z * sd[i]!), upper: point.map((f, i) => f + z * sd[i]!) };
    });
    return { point, intervals, method: 'analytic' };
  }
  const paths = simulatePaths(fit, h, options.paths ?? 5000, options.seed ?? 1);
  const columns = point.map((_, i) => paths.map((p) => p[i]!).sort((a, b) => a - b));
  const intervals = levels.map((level) => {
    const tail = (1 - level / 100) / 2;
    return { level, lower: columns.map((col) => quantile(col, tail)), upper: columns.map((col) => quantile(col, 1 - tail)) };
  });
  return { point, intervals, method: 'simulated' };
}
