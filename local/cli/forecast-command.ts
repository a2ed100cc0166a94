// `crm forecast --input FILE [--horizon H] [--season M] [--level 95]`: forecasts one series with the
// project's automatic ETS and prints {model, point, lower, upper}, the bounds at the given level.
// Bad input exits 2 with the line (CSV) or item (JSON), the field and the reason on stderr.
// Missing periods between observations are filled by linear interpolation (noted on stderr).
import { readFileSync } from 'node:fs';
import { autoEts } from '#functions/reports/models/ets/ets-auto.ts';
import { forecastEts } from '#functions/reports/models/ets/prediction-intervals.ts';
import { interpolateGaps, regularise, SEASON_OF, SeriesError } from '#functions/reports/models/ets/regular-periods.ts';
import { parseSeriesText } from './forecast-input.ts';
import type { Options } from './main.ts';
import { UsageError } from './usage.ts';

function numberOption(options: Options, name: string, check: (n: number) => boolean, rule: string): number | undefined {
  const raw = options[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!check(n)) throw new UsageError(`--${name} must be ${rule}, got "${String(raw)}"`);
  return n;
}

export async function forecastCommand(positionals: string[], options: Options): Promise<number> {
  if (positionals.length) throw new UsageError(`unexpected arguments: ${positionals.join(' ')}`);
  const file = options.input;
  if (typeof file !== 'string' || !file) throw new UsageError('--input FILE is required');
  const horizonOption = numberOption(options, 'horizon', (n) => Number.isInteger(n) && n >= 1 && n <= 10_000, 'an integer from 1 to 10000');
  const seasonOption = numberOption(options, 'season', (n) => Number.isInteger(n) && n >= 1, 'an integer >= 1');
  const level = numberOption(options, 'level', (n) => n > 0 && n < 100, 'a percentage between 0 and 100') ?? 95;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read --input file ${file}: ${(err as Error).message}`);
  }
  let values: number[];
  let season: number;
  try {
    const observations = parseSeriesText(text);
    const observed = observations.filter((o) => !Number.isNaN(o.value));
    if (observed.length < 3) throw new SeriesError(observations.length ? observations[observations.length - 1]!.source : 'line 1', 'value', `need at least 3 observed values, got ${observed.length}`);
    const series = regularise(observed);
    const filled = interpolateGaps(series.values);
    if (filled.filled) process.stderr.write(`crm forecast: ${filled.filled} missing period(s) filled by linear interpolation\n`);
    values = filled.values;
    season = seasonOption ?? SEASON_OF[series.spacing];
  } catch (err) {
    if (!(err instanceof SeriesError)) throw err;
    process.stderr.write(`crm forecast: ${file}: ${err.message}\n`);
    return 2;
  }
  const horizon = horizonOption ?? (season > 1 ? 2 * season : 10);
  const { fit } = autoEts(values, season);
  const forecast = forecastEts(fit, horizon, { levels: [level] });
  const interval = forecast.intervals[0]!;
  process.stdout.write(`${JSON.stringify({ model: fit.name, point: forecast.point, lower: interval.lower, upper: interval.upper })}\n`);
  return 0;
}
