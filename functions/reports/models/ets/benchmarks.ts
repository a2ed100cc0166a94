// The benchmarks always computed beside ETS: seasonal naive (each period repeats the same period
// one season earlier; plain naive without a season) and damped trend (ETS(A,Ad,N) by maximum
// likelihood on the seasonally adjusted series, reseasonalised: the M-competitions' "Damped").
import { classicalSeasonal } from './decompose.ts';
import { fitEts } from './ets-fit.ts';
import { forecastEts, type EtsForecast } from './prediction-intervals.ts';
import { normalQuantile } from './prng.ts';

export interface Benchmark extends EtsForecast {
  name: 'seasonal_naive' | 'damped_trend';
}

export function seasonalNaive(y: readonly number[], m: number, h: number, levels: readonly number[] = [80, 95]): Benchmark {
  const season = m > 1 && y.length >= m ? m : 1;
  const n = y.length;
  const point = Array.from({ length: h }, (_, i) => y[n - season + (i % season)]!);
  const diffs = y.slice(season).map((v, i) => v - y[i]!);
  const sigma2 = diffs.length ? diffs.reduce((a, d) => a + d * d, 0) / diffs.length : 0;
  const intervals = levels.map((level) => {
    const z = normalQuantile(0.5 + level / 200);
    const sd = point.map((_, i) => Math.sqrt(sigma2 * (Math.floor(i / season) + 1)));
    return { level, lower: point.map((f, i) => f - z * sd[i]!), upper: point.map((f, i) => f + z * sd[i]!) };
  });
  return { name: 'seasonal_naive', point, intervals, method: 'analytic' };
}

export function dampedTrend(y: readonly number[], m: number, h: number, levels: readonly number[] = [80, 95]): Benchmark {
  const n = y.length;
  const seasonal = m > 1 && n >= 2 * m;
  const multiplicative = y.every((v) => v > 0);
  const component = seasonal ? classicalSeasonal(y, m, multiplicative ? 'multiplicative' : 'additive') : undefined;
  const adjusted = component ? y.map((v, i) => (multiplicative ? v / component[i]! : v - component[i]!)) : [...y];
  const fit =
    (n > 6 ? fitEts(adjusted, 1, { error: 'A', trend: 'Ad', season: 'N' }) : undefined) ??
    fitEts(adjusted, 1, { error: 'A', trend: 'N', season: 'N' }, { force: true })!;
  const base = forecastEts(fit, h, { levels });
  if (!component) return { name: 'damped_trend', ...base };
  const index = (i: number) => component[n - m + (i % m)]!;
  const back = (v: number, i: number) => (multiplicative ? v * index(i) : v + index(i));
  return {
    name: 'damped_trend',
    point: base.point.map(back),
    intervals: base.intervals.map((iv) => ({ level: iv.level, lower: iv.lower.map(back), upper: iv.upper.map(back) })),
    method: base.method,
  };
}
