// Streams records out of NDJSON, CSV or JSON input without loading the file whole (JSON arrays
// excepted: they are parsed in one piece and meant for small files). Each item carries its line.
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { parse as parseCsv } from 'csv-parse';
import { fieldColumns, snakeCase, type FieldColumn } from '#schemas/columns.ts';
import type { AnyEntity } from '#schemas/registry.ts';

export type InputFormat = 'ndjson' | 'csv' | 'json';

export type SourceRow = { line: number; value: unknown } | { line: number; error: string };

export function formatFromName(name: string): InputFormat | undefined {
  const lower = name.toLowerCase().replace(/\.gz$/, '');
  if (lower.endsWith('.ndjson') || lower.endsWith('.jsonl')) return 'ndjson';
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.json')) return 'json';
  return undefined;
}

async function* ndjsonRows(input: Readable): AsyncGenerator<SourceRow> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    if (text.trim() === '') continue;
    try {
      yield { line, value: JSON.parse(text) };
    } catch (err) {
      yield { line, error: `is not valid JSON (${(err as Error).message})` };
    }
  }
}

async function* jsonRows(input: Readable): AsyncGenerator<SourceRow> {
  let text = '';
  for await (const chunk of input) text += chunk.toString();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    yield { line: 1, error: `is not valid JSON (${(err as Error).message})` };
    return;
  }
  const items = Array.isArray(parsed) ? parsed : [parsed];
  // For JSON files the "line" is the 1-based position of the record in the array.
  for (let i = 0; i < items.length; i++) yield { line: i + 1, value: items[i] };
}

/** CSV cells are strings: convert them to the types the schema expects, by column kind. */
function coerceCell(column: FieldColumn | undefined, raw: string): unknown {
  if (raw === '') return undefined;
  if (!column) return raw;
  switch (column.kind) {
    case 'decimal':
    case 'double':
    case 'bigint': {
      const n = Number(raw.trim());
      return raw.trim() !== '' && Number.isFinite(n) ? n : raw;
    }
    case 'boolean': {
      const v = raw.trim().toLowerCase();
      if (['true', '1', 'yes', 'y'].includes(v)) return true;
      if (['false', '0', 'no', 'n'].includes(v)) return false;
      return raw;
    }
    case 'json':
      try {
        return JSON.parse(raw);
      } catch {
        return raw;
      }
    default:
      return raw;
  }
}

async function* csvRows(input: Readable, entity: AnyEntity): AsyncGenerator<SourceRow> {
  const columns = fieldColumns(entity.schema);
  // Headers may be camelCase (`customerId`) or snake_case (`customer_id`).
  const byHeader = new Map<string, FieldColumn>();
  for (const c of columns) {
    byHeader.set(c.field, c);
    byHeader.set(c.column, c);
  }
  const parser = input.pipe(parseCsv({ bom: true, columns: (header: string[]) => header.map((h) => h.trim()), info: true, relax_column_count: true, skip_empty_lines: true, trim: false }));
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      const value: Record<string, unknown> = {};
      for (const [header, raw] of Object.entries(record)) {
        const column = byHeader.get(header) ?? byHeader.get(snakeCase(header));
        const v = coerceCell(column, raw ?? '');
        if (v !== undefined) value[column?.field ?? header] = v;
      }
      yield { line: info.lines, value };
    }
  } catch (err) {
    const e = err as { lines?: number; message: string };
    yield { line: e.lines ?? 0, error: `is not valid CSV (${e.message})` };
  }
}

export function readRecords(input: Readable, format: InputFormat, entity: AnyEntity): AsyncGenerator<SourceRow> {
  if (format === 'ndjson') return ndjsonRows(input);
  if (format === 'csv') return csvRows(input, entity);
  return jsonRows(input);
}
