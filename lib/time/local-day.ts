// The UTC instants bounding a calendar day in an IANA time zone, without a time-zone library:
// Intl gives the zone's offset at an instant, and two passes settle days that start next to a DST switch.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // Throws RangeError on an unknown zone, which is what callers should see.
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Milliseconds the zone's wall clock is ahead of UTC at `instant`. */
export function zoneOffsetMs(timeZone: string, instant: number): number {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return wall - Math.floor(instant / 1000) * 1000;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The first instant of `date` (YYYY-MM-DD) in `timeZone`, in epoch milliseconds. */
export function startOfLocalDay(date: string, timeZone: string): number {
  const m = DATE.exec(date);
  if (!m) throw new Error(`date "${date}" must be YYYY-MM-DD`);
  const wallMidnight = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  let t = wallMidnight - zoneOffsetMs(timeZone, wallMidnight);
  t = wallMidnight - zoneOffsetMs(timeZone, t);
  return t;
}

/** `[start, end)` of a local calendar day as ISO instants (UTC, millisecond precision). */
export function localDayBounds(date: string, timeZone: string): { start: string; end: string } {
  const next = new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return { start: new Date(startOfLocalDay(date, timeZone)).toISOString(), end: new Date(startOfLocalDay(next, timeZone)).toISOString() };
}

export const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
