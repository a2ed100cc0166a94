// The as-of date of a report run: a calendar date, YYYY-MM-DD. Reports read data up to the end of
// that day (UTC), so the date alone fixes what a run sees.

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isCalendarDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  // Date.UTC rolls 2024-02-30 over into March; a real date survives the round trip.
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))).toISOString().slice(0, 10) === text;
}

/** The as-of date, or an error saying what a valid one looks like. */
export function parseAsOf(text: string): string {
  if (!isCalendarDate(text)) throw new Error(`as-of date must be a calendar date YYYY-MM-DD, got "${text}"`);
  return text;
}

/** Today's date in UTC, the default as-of date. */
export const todayUtc = (now: Date = new Date()) => now.toISOString().slice(0, 10);
