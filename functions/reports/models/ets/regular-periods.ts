// Puts observations on a regular grid of periods: integer periods step by 1; dates step by a day,
// a week, a month, a quarter or a year, inferred from their spacing, which also gives the season
// (daily 7, weekly 52, monthly 12, quarterly 4, yearly 1). Missing periods come back as NaN.

export type Period = { kind: 'integer'; value: number } | { kind: 'date'; value: string };

export type Spacing = 'integer' | 'daily' | 'weekly' | 'monthly' | 'quarterly' | 'yearly';

export const SEASON_OF: Record<Spacing, number> = { integer: 1, daily: 7, weekly: 52, monthly: 12, quarterly: 4, yearly: 1 };

export interface Observation {
  period: Period;
  value: number;
  /** Where it came from, for error messages ("line 7"). */
  source: string;
}

export interface RegularSeries {
  spacing: Spacing;
  /** Values in period order, NaN where a period is missing. */
  values: number[];
  /** Label of each period (the integer, or the date YYYY-MM-DD). */
  periods: string[];
}

export class SeriesError extends Error {
  constructor(
    readonly source: string,
    readonly field: string,
    message: string,
  ) {
    super(`${source}: ${field}: ${message}`);
    this.name = 'SeriesError';
  }
}

const DAY = 86_400_000;
const toTime = (date: string) => Date.parse(`${date}T00:00:00Z`);
const monthIndex = (date: string) => Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1;

function spacingOf(days: number): Spacing | undefined {
  if (days === 1) return 'daily';
  if (days === 7) return 'weekly';
  if (days >= 28 && days <= 31) return 'monthly';
  if (days >= 89 && days <= 92) return 'quarterly';
  if (days === 365 || days === 366) return 'yearly';
  return undefined;
}

/** Sorts, rejects duplicates and off-grid dates, and fills missing periods with NaN. */
export function regularise(observations: readonly Observation[]): RegularSeries {
  const kinds = new Set(observations.map((o) => o.period.kind));
  if (kinds.size > 1) {
    const odd = observations.find((o) => o.period.kind !== observations[0]!.period.kind)!;
    throw new SeriesError(odd.source, 'period', 'periods must be all integers or all dates');
  }
  const kind = observations[0]?.period.kind ?? 'integer';
  const key = (o: Observation) => (o.period.kind === 'integer' ? o.period.value : toTime(o.period.value) / DAY);
  const sorted = [...observations].sort((a, b) => key(a) - key(b));
  for (let i = 1; i < sorted.length; i++) {
    if (key(sorted[i]!) === key(sorted[i - 1]!)) throw new SeriesError(sorted[i]!.source, 'period', `duplicate period ${String(sorted[i]!.period.value)} (also at ${sorted[i - 1]!.source})`);
  }
  if (kind === 'integer') {
    const first = key(sorted[0]!);
    const last = key(sorted[sorted.length - 1]!);
    const values = new Array<number>(last - first + 1).fill(NaN);
    for (const o of sorted) values[key(o) - first] = o.value;
    return { spacing: 'integer', values, periods: values.map((_, i) => String(first + i)) };
  }
  // The smallest gap between consecutive dates sets the step; every date must sit on that grid.
  const gaps = sorted.slice(1).map((o, i) => key(o) - key(sorted[i]!));
  const step = Math.min(...gaps);
  const spacing = spacingOf(step);
  if (!spacing) throw new SeriesError(sorted[1]!.source, 'period', `dates ${step} days apart: expected daily, weekly, monthly, quarterly or yearly periods`);
  const dates = sorted.map((o) => o.period.value as string);
  const monthsPer = spacing === 'monthly' ? 1 : spacing === 'quarterly' ? 3 : spacing === 'yearly' ? 12 : 0;
  const position = (date: string) => (monthsPer ? (monthIndex(date) - monthIndex(dates[0]!)) / monthsPer : (toTime(date) - toTime(dates[0]!)) / DAY / (spacing === 'weekly' ? 7 : 1));
  const length = position(dates[dates.length - 1]!) + 1;
  const values = new Array<number>(length).fill(NaN);
  const periods = new Array<string>(length).fill('');
  sorted.forEach((o, i) => {
    const pos = position(dates[i]!);
    const dayMismatch = monthsPer && dates[i]!.slice(8) !== dates[0]!.slice(8);
    if (!Number.isInteger(pos) || dayMismatch) throw new SeriesError(o.source, 'period', `${dates[i]} is not on the ${spacing} grid starting ${dates[0]}`);
    values[pos] = o.value;
  });
  const start = new Date(toTime(dates[0]!));
  for (let i = 0; i < length; i++) {
    const d = new Date(start);
    if (monthsPer) d.setUTCMonth(start.getUTCMonth() + i * monthsPer);
    else d.setUTCDate(start.getUTCDate() + i * (spacing === 'weekly' ? 7 : 1));
    periods[i] = d.toISOString().slice(0, 10);
  }
  return { spacing, values, periods };
}

/** Linear interpolation of NaN gaps between observed values (the ends are always observed). */
export function interpolateGaps(values: readonly number[]): { values: number[]; filled: number } {
  const out = [...values];
  let filled = 0;
  let prev = -1;
  for (let i = 0; i < out.length; i++) {
    if (Number.isNaN(out[i]!)) continue;
    for (let k = prev + 1; k < i && prev >= 0; k++) {
      out[k] = out[prev]! + ((out[i]! - out[prev]!) * (k - prev)) / (i - prev);
      filled++;
    }
    prev = i;
  }
  return { values: out, filled };
}
