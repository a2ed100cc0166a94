// Streams records out of NDJSON, CSV or JSON input without loading the file whole. Each item carries
// its line (and, for a JSON array, its 1-based position); bad input becomes an error item naming the
// line, field and reason, and reading goes on with the next record.
import type { Readable } from 'node:stream';
import type { AnyEntity } from '#schemas/registry.ts';
import type { FieldError } from './validate.ts';
import { utf8Lines } from './utf8-lines.ts';
import { csvRecords, type CsvReadOptions } from './csv-records.ts';
import { jsonArrayRecords } from './json-array-records.ts';

export type InputFormat = 'ndjson' | 'csv' | 'json';

/** A record read from a file, or why it could not be read. `(file)` errors end the file: nothing after them is read. */
export type SourceRow =
  | { line: number; position?: number; value: unknown; /** Cells that could not be converted (CSV): the record is rejected, other fields still checked. */ cellErrors?: FieldError[] }
  | { line: number; position?: number; errors: FieldError[] };

export function formatFromName(name: string): InputFormat | undefined {
  const lower = name.toLowerCase().replace(/\.gz$/, '');
  if (lower.endsWith('.ndjson') || lower.endsWith('.jsonl')) return 'ndjson';
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.json')) return 'json';
  return undefined;
}

async function* ndjsonRecords(input: Readable, firstLine?: number): AsyncGenerator<SourceRow> {
  for await (const l of utf8Lines(input, firstLine === undefined ? {} : { firstLine })) {
    if ('invalid' in l) {
      yield { line: l.line, errors: [{ field: '(record)', message: l.invalid }] };
      continue;
    }
    if (l.text.trim() === '') continue;
    try {
      yield { line: l.line, value: JSON.parse(l.text) };
    } catch (err) {
      yield { line: l.line, errors: [{ field: '(record)', message: `is not valid JSON (${(err as Error).message})` }] };
    }
  }
}

/** Where `input` starts inside its file, for a byte range of a bulk import (JSON arrays are read whole only). */
export type RangeStart = Pick<CsvReadOptions, 'firstLine' | 'header'>;

export function readRecords(input: Readable, format: InputFormat, entity: AnyEntity, start: RangeStart = {}): AsyncGenerator<SourceRow> {
  if (format === 'ndjson') return ndjsonRecords(input, start.firstLine);
  if (format === 'csv') return csvRecords(input, entity, start);
  if (start.firstLine !== undefined && start.firstLine !== 1) throw new Error('a JSON array is read whole, never from a byte range: split it as JSON Lines');
  return jsonArrayRecords(input);
}
