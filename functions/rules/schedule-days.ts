// On which days a Scheduler expression fires, for running schedule rules day by day (`crm automations run`,
// the demo). Day-level fields of cron (day-of-month, month, day-of-week, year) are honoured; a rule runs once on
// each matching day at the expression's first hour and minute. `rate(...)` fires every day (every N days for `N days`).

function fieldMatches(field: string, value: number, names: Record<string, number> = {}): boolean {
  if (field === '*' || field === '?') return true;
  return field.split(',').some((part) => {
    const [range, stepText] = part.split('/');
    const step = stepText ? Number(stepText) : 1;
    const num = (t: string) => names[t.toUpperCase()] ?? Number(t);
    let lo: number;
    let hi: number;
    if (range === '*') [lo, hi] = [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
    else if (range!.includes('-')) [lo, hi] = range!.split('-').map(num) as [number, number];
    else [lo, hi] = [num(range!), stepText ? Number.MAX_SAFE_INTEGER : num(range!)];
    return value >= lo && value <= hi && (value - (lo === Number.MIN_SAFE_INTEGER ? 0 : lo)) % step === 0;
  });
}

const DOW = { SUN: 1, MON: 2, TUE: 3, WED: 4, THU: 5, FRI: 6, SAT: 7 };
const MONTHS = { JAN: 1, FEB: 2, MAR: 3, APR: 4, MAY: 5, JUN: 6, JUL: 7, AUG: 8, SEP: 9, OCT: 10, NOV: 11, DEC: 12 };

/** `HH:MM` the expression fires at on `date` (YYYY-MM-DD), or undefined when it does not fire that day. */
export function cronFiresOn(expression: string, date: string): string | undefined {
  const d = new Date(`${date}T00:00:00Z`);
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate) {
    const n = Number(rate[1]);
    const every = rate[2]!.startsWith('day') ? n : 1;
    return Math.floor(d.getTime() / 86_400_000) % every === 0 ? '00:00' : undefined;
  }
  const cron = /^cron\((.+)\)$/.exec(expression);
  if (!cron) return undefined;
  const [min, hour, dom, month, dow, year] = cron[1]!.split(' ') as [string, string, string, string, string, string];
  const ok =
    fieldMatches(dom, d.getUTCDate()) && fieldMatches(month, d.getUTCMonth() + 1, MONTHS) && fieldMatches(dow, d.getUTCDay() + 1, DOW) && fieldMatches(year, d.getUTCFullYear());
  if (!ok) return undefined;
  const first = (f: string) => (/^\d+/.test(f) ? Number(/^\d+/.exec(f)![0]) : 0);
  return `${String(first(hour)).padStart(2, '0')}:${String(first(min)).padStart(2, '0')}`;
}
