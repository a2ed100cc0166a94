// Value normalisation shared by the query engine adapters (see QueryResult for the conventions).

/** A whole number as a JS number when exactly representable, else its decimal text. */
export function safeInteger(value: bigint | string): number | string {
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : String(value);
}

/** Epoch microseconds → ISO-8601 UTC; microsecond digits only when the value has any. */
export function isoFromEpochMicros(micros: bigint): string {
  const millis = micros / 1000n - (micros % 1000n < 0n ? 1n : 0n);
  const iso = new Date(Number(millis)).toISOString();
  const subMillis = Number(micros - millis * 1000n);
  return subMillis === 0 ? iso : `${iso.slice(0, -1)}${String(subMillis).padStart(3, '0')}Z`;
}

const SQL_TIMESTAMP = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d+))?(?:\s*(UTC|Z|[+-]\d{2}:?\d{2}))?$/;

/**
 * SQL timestamp text ('2024-03-05 10:11:12.345', optionally with ' UTC' or an offset) → ISO-8601 UTC.
 * A zone-less value is taken as UTC (the lake's convention); a named zone other than UTC is returned unchanged.
 */
export function isoFromSqlTimestamp(text: string): string {
  const m = SQL_TIMESTAMP.exec(text.trim());
  if (!m) return text;
  const [, date, time, fraction = '', zone] = m;
  const seconds = time!.length === 5 ? `${time}:00` : time!;
  const digits = fraction.replace(/0+$/, '');
  const frac = digits.length <= 3 ? digits.padEnd(3, '0') : digits.slice(0, 6).padEnd(6, '0');
  const local = `${date}T${seconds}.${frac}`;
  if (!zone || zone === 'UTC' || zone === 'Z') return `${local}Z`;
  const offset = zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const ms = Date.parse(`${date}T${seconds}.${frac.slice(0, 3)}${offset}`);
  if (Number.isNaN(ms)) return text;
  const iso = new Date(ms).toISOString();
  return frac.length > 3 ? `${iso.slice(0, -1)}${frac.slice(3)}Z` : iso;
}
