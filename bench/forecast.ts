// Forecast figures for `npm run bench`: the time to fit automatic ETS on a 144-point monthly series
// (AirPassengers, all 15 candidate forms), and the accuracy on held-out seasons against R's
// forecast::ets: both select and fit on the same training windows (test/fixtures/ets/reference.json,
// three final windows of one season, or 10 points without a season) and are scored by MASE.
import { readFileSync } from 'node:fs';
import { mase, naiveScale } from '#functions/reports/models/ets/accuracy.ts';
import { autoEts } from '#functions/reports/models/ets/ets-auto.ts';
import { forecastEts } from '#functions/reports/models/ets/prediction-intervals.ts';

interface Holdout {
  origin: number;
  horizon: number;
  model: string;
  point: number[];
}
interface Reference {
  series: Record<string, { frequency: number; values: number[]; holdout: Holdout[] }>;
}

const reference = JSON.parse(readFileSync(new URL('../test/fixtures/ets/reference.json', import.meta.url), 'utf8')) as Reference;
const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

export function benchForecastFit(repeat = 5) {
  const air = reference.series.AirPassengers!;
  autoEts(air.values, 12); // warm-up
  const t = performance.now();
  let model = '';
  for (let i = 0; i < repeat; i++) model = autoEts(air.values, 12).fit.name;
  return { series: 'AirPassengers (144 monthly points)', model, autoEtsFitMilliseconds: round((performance.now() - t) / repeat, 1) };
}

export function benchForecastAccuracy() {
  const perSeries = Object.entries(reference.series).map(([name, s]) => {
    const folds = s.holdout.map((h) => {
      const train = s.values.slice(0, h.origin);
      const actual = s.values.slice(h.origin, h.origin + h.horizon);
      const ours = autoEts(train, s.frequency).fit;
      const scale = naiveScale(train, s.frequency);
      return { ours: ours.name, r: h.model, oursMase: mase(actual, forecastEts(ours, h.horizon, { levels: [] }).point, scale), rMase: mase(actual, h.point, scale) };
    });
    const mean = (k: 'oursMase' | 'rMase') => round(folds.reduce((a, f) => a + f[k], 0) / folds.length);
    return { series: name, models: folds.map((f) => `${f.ours} / R ${f.r}`), mase: mean('oursMase'), rForecastEtsMase: mean('rMase') };
  });
  const overall = (k: 'mase' | 'rForecastEtsMase') => round(perSeries.reduce((a, s) => a + s[k], 0) / perSeries.length);
  return { heldOut: 'three final seasons (10 points without a season), refitted at each origin', perSeries, meanMase: overall('mase'), rForecastEtsMeanMase: overall('rForecastEtsMase') };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${JSON.stringify({ fit: benchForecastFit(), accuracy: benchForecastAccuracy() }, null, 2)}\n`);
}
