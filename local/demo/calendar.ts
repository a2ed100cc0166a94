// Time helpers for the demo: epoch milliseconds inside, ISO strings at the edges, whole seconds
// so the files stay readable.
import type { Rng } from './random.ts';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** ISO-8601 instant in UTC with a `Z`, to the second. */
export const iso = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/** Calendar date YYYY-MM-DD (UTC). */
export const isoDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Midnight UTC of the day holding `ms`. */
export const startOfDay = (ms: number): number => Math.floor(ms / DAY) * DAY;

export const dateMs = (date: string): number => Date.parse(`${date}T00:00:00Z`);

/** Adds calendar months, keeping the day of month where it exists (Jan 31 + 1 month = Feb 28). */
export function addMonths(ms: number, months: number): number {
  const d = new Date(ms);
  const target = new Date(ms);
  target.setUTCDate(1);
  target.setUTCMonth(d.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), lastDay));
  return target.getTime();
}

export const monthOf = (ms: number): number => new Date(ms).getUTCMonth();
export const yearOf = (ms: number): number => new Date(ms).getUTCFullYear();

/** Retail demand index by calendar month (mean 1): Q4 gifting peak, summer dip. */
export const SEASONALITY = [0.86, 0.8, 0.92, 0.96, 0.98, 0.86, 0.74, 0.78, 0.94, 1.04, 1.42, 1.7] as const;
export const PEAK_SEASON = Math.max(...SEASONALITY);
export const seasonalFactor = (ms: number): number => SEASONALITY[monthOf(ms)] ?? 1;

/** A consumer's moment in a day: mostly lunchtime and evenings (UTC, roughly European time). */
export function consumerTime(rng: Rng, dayMs: number): number {
  const hour = rng.chance(0.6) ? rng.normal(19, 2.2) : rng.normal(12.5, 2.5);
  const clamped = Math.min(23.9, Math.max(6, hour));
  return startOfDay(dayMs) + clamped * HOUR + rng.int(0, 59) * 1000;
}

/** A moment in business hours on a weekday, never before `notBefore` (so event chains keep their order). */
export function businessTime(rng: Rng, notBefore: number): number {
  const offset = rng.float(7.5, 17.5) * HOUR + rng.int(0, 59) * 1000;
  for (let day = startOfDay(notBefore); ; day += DAY) {
    const weekday = new Date(day).getUTCDay();
    if (weekday !== 0 && weekday !== 6 && day + offset >= notBefore) return day + offset;
  }
}

/** The earlier of `ms` and `limit`: events are never recorded after the as-of instant. */
export const notAfter = (ms: number, limit: number): number => Math.min(ms, limit);
