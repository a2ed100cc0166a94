// Reads a series for `crm forecast`: CSV with a `period,value` header, or JSON — an array of
// numbers (periods 1, 2, …) or of {period, value} objects. Periods are integers or dates
// (YYYY-MM-DD, or YYYY-MM for a month). Values must be numbers; an empty CSV value is a missing
// period. Problems are SeriesErrors naming the line (CSV) or item (JSON), the field and the reason.
import { SeriesError, type Observation, type Period } from '#functions/reports/models/ets/regular-periods.ts';

function parsePeriod(raw: unknown, source: string): Period {
  if (typeof raw === 'number' && Number.isInteger(raw)) return { kind: 'integer', value: raw };
  const text = String(raw ?? '').trim();
  if (/^-?\d+$/.test(text)) return { kind: 'integer', value: Number(text) };
  const date = /^\d{4}-\d{2}$/.test(text) ? `${text}-01` : text;
  if (/^\d{4}-\d{2}-\d{2}$/.test(date) && !Number.isNaN(Date.parse(`${date}T00:00:00Z`)) && new Date(`${date}T00:00:00Z`).toISOString().startsWith(date)) {
    return { kind: 'date', value: date };
  }
  throw new SeriesError(source, 'period', `"${text}" is neither an integer nor a date (YYYY-MM-DD or YYYY-MM)`);
}

function parseValue(raw: unknown, source: string): number {
  if (typeof raw === 'number' && Number.isFinite(raw)) return raw;
  if (raw === null || (typeof raw === 'string' && raw.trim() === '')) return NaN; // a missing period
  const text = String(raw).trim();
  const n = Number(text);
  if (typeof raw !== 'string' || !Number.isFinite(n)) throw new SeriesError(source, 'value', `"${text}" is not a number`);
  return n;
}

function parseCsv(text: string): Observation[] {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((h) => h.trim().replace(/^"|"$/g, '').toLowerCase());
  const periodAt = header.indexOf('period');
  const valueAt = header.indexOf('value');
  if (periodAt < 0 || valueAt < 0) throw new SeriesError('line 1', 'header', `expected a "period,value" header, got "${lines[0] ?? ''}"`);
  const out: Observation[] = [];
  lines.slice(1).forEach((line, i) => {
    if (!line.trim()) return;
    const source = `line ${i + 2}`;
    const cells = line.split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
    if (cells.length !== header.length) throw new SeriesError(source, 'row', `expected ${header.length} fields, got ${cells.length}`);
    out.push({ period: parsePeriod(cells[periodAt], source), value: parseValue(cells[valueAt], source), source });
  });
  return out;
}

function parseJson(text: string): Observation[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new SeriesError('line 1', 'json', `not valid JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(data)) throw new SeriesError('line 1', 'json', 'expected an array of numbers or of {period, value}');
  return data.map((item: unknown, i) => {
    const source = `item ${i + 1}`;
    if (typeof item === 'number' || item === null) return { period: { kind: 'integer', value: i + 1 }, value: parseValue(item, source), source };
    if (typeof item !== 'object' || Array.isArray(item)) throw new SeriesError(source, 'item', 'expected a number or an object {period, value}');
    const record = item as Record<string, unknown>;
    if (!('period' in record)) throw new SeriesError(source, 'period', 'missing');
    if (!('value' in record)) throw new SeriesError(source, 'value', 'missing');
    const value = typeof record.value === 'string' ? parseValue(record.value, source) : record.value === null ? NaN : parseValue(record.value, source);
    return { period: parsePeriod(record.period, source), value, source };
  });
}

export function parseSeriesText(text: string): Observation[] {
  const trimmed = text.trimStart();
  return trimmed.startsWith('[') || trimmed.startsWith('{') ? parseJson(text) : parseCsv(text);
}
