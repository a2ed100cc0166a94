// Turns the SQL's revenue rows (one per period with sales) into one regular series per currency:
// every period from the currency's first sale to the last complete period, zero where nothing sold.
type Row = Record<string, unknown>;

export type Granularity = 'month' | 'week';

export interface CurrencySeries {
  currency: string;
  /** Period start dates, YYYY-MM-DD. */
  periods: string[];
  values: number[];
}

const DAY = 86_400_000;

export function nextPeriod(date: string, granularity: Granularity, steps = 1): string {
  const d = new Date(`${date}T00:00:00Z`);
  if (granularity === 'month') d.setUTCMonth(d.getUTCMonth() + steps);
  else d.setTime(d.getTime() + 7 * steps * DAY);
  return d.toISOString().slice(0, 10);
}

/** The first period not complete at the end of the as-of day: the month or ISO week (Monday) of the next day. */
export function currentPeriod(asOf: string, granularity: Granularity): string {
  const d = new Date(Date.parse(`${asOf}T00:00:00Z`) + DAY);
  if (granularity === 'month') return `${d.toISOString().slice(0, 7)}-01`;
  d.setTime(d.getTime() - ((d.getUTCDay() + 6) % 7) * DAY);
  return d.toISOString().slice(0, 10);
}

export function currencySeries(rows: readonly Row[], column: Granularity, asOf: string): CurrencySeries[] {
  const end = currentPeriod(asOf, column);
  const byCurrency = new Map<string, Map<string, number>>();
  for (const row of rows) {
    const currency = String(row.currency);
    const period = String(row[column]);
    if (!byCurrency.has(currency)) byCurrency.set(currency, new Map());
    byCurrency.get(currency)!.set(period, Number(row.revenue));
  }
  return [...byCurrency.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, revenue]) => {
      const periods: string[] = [];
      for (let p = [...revenue.keys()].sort()[0]!; p < end; p = nextPeriod(p, column)) periods.push(p);
      return { currency, periods, values: periods.map((p) => revenue.get(p) ?? 0) };
    });
}
