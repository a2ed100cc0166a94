// Renders a query result for people (aligned text) or machines (RFC 4180 CSV, JSON array of row objects).
import type { QueryResult } from './engine.ts';

export const OUTPUT_FORMATS = ['table', 'csv', 'json'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export const isOutputFormat = (value: string): value is OutputFormat => (OUTPUT_FORMATS as readonly string[]).includes(value);

/** The result as text ending in a line break (CRLF for CSV, as RFC 4180 has it). */
export function formatResult(result: QueryResult, format: OutputFormat): string {
  switch (format) {
    case 'table':
      return formatTable(result);
    case 'csv':
      return formatCsv(result);
    case 'json':
      return formatJson(result);
    default:
      throw new Error(`unknown output format ${String(format)}: use one of ${OUTPUT_FORMATS.join(', ')}`);
  }
}

/** JSON array of row objects; numbers stay numbers (non-finite ones become null, as JSON has no NaN). */
export function formatJson(result: QueryResult): string {
  return `${JSON.stringify(result.rows)}\n`;
}

export function formatCsv(result: QueryResult): string {
  const names = result.columns.map((c) => c.name);
  const lines = [names.map(csvField), ...result.rows.map((row) => names.map((n) => csvField(cellText(row[n]) ?? '')))];
  return lines.map((fields) => `${fields.join(',')}\r\n`).join('');
}

const csvField = (text: string) => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);

/** Aligned columns with a header rule; numbers right-aligned; NULL spelled out; a row count at the end. */
export function formatTable(result: QueryResult): string {
  const names = result.columns.map((c) => c.name);
  const cells = result.rows.map((row) => names.map((n) => (cellText(row[n]) ?? 'NULL').replace(/\r?\n/g, '\\n')));
  const numeric = names.map((n) => result.rows.some((row) => typeof row[n] === 'number') && result.rows.every((row) => row[n] === null || row[n] === undefined || typeof row[n] === 'number'));
  const widths = names.map((n, i) => Math.max(n.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: string[], alignRight: boolean[]) =>
    values.map((v, i) => (alignRight[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join(' | ').trimEnd();
  const out = [line(names, names.map(() => false)), widths.map((w) => '-'.repeat(w)).join('-+-'), ...cells.map((r) => line(r, numeric))];
  const count = result.rows.length;
  out.push(`(${count} ${count === 1 ? 'row' : 'rows'})`);
  return `${out.join('\n')}\n`;
}

function cellText(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  return String(value);
}
