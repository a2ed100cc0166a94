// CSV (RFC 4180) read record by record, so one malformed record is rejected alone and reading resumes
// at the next line. A quote error inside a record that spans several lines (an unclosed quote that
// swallowed the rows below it) rejects only the record's first line and re-reads the rest as records.
import type { Readable } from 'node:stream';
import { fieldColumns, snakeCase, type FieldColumn } from '#schemas/columns.ts';
import type { AnyEntity } from '#schemas/registry.ts';
import type { FieldError } from './validate.ts';
import { MAX_LINE_BYTES, utf8Lines, type TextLine } from './utf8-lines.ts';
import type { SourceRow } from './record-reader.ts';

const RESERVED = new Set(['__proto__', 'constructor', 'prototype']);
// Decimal notation only: no hex, binary, octal, digit separators, Infinity or NaN, which Number() would take.
const DECIMAL = /^-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** Lines with a push-back queue, so lines swallowed by a bad multi-line record can be read again. */
class LineSource {
  private readonly queue: TextLine[] = [];
  constructor(private readonly lines: AsyncIterator<TextLine>) {}
  async next(): Promise<TextLine | undefined> {
    if (this.queue.length) return this.queue.shift();
    const r = await this.lines.next();
    return r.done ? undefined : r.value;
  }
  pushBack(lines: TextLine[]): void {
    this.queue.unshift(...lines);
  }
}

type Parsed = { cells: string[]; lines: TextLine[] } | { error: string; lines: TextLine[] };

/**
 * One record starting at `first`, reading more lines while a quoted cell is open, up to `maxBytes` of text: an
 * unclosed quote must not swallow (and hold) the rest of a large file.
 */
async function parseRecord(first: TextLine & { text: string }, source: LineSource, maxBytes = MAX_LINE_BYTES): Promise<Parsed> {
  const lines: TextLine[] = [first];
  const cells: string[] = [];
  let text = first.text;
  let length = text.length;
  let cell = '';
  let i = 0;
  let state: 'start' | 'plain' | 'quoted' | 'closed' = 'start';
  for (;;) {
    if (i >= text.length) {
      if (state !== 'quoted') {
        cells.push(cell);
        return { cells, lines };
      }
      const more = await source.next();
      if (!more) return { error: `has a quoted cell (column ${cells.length + 1}) that is never closed`, lines };
      lines.push(more);
      if ('invalid' in more) return { error: `continues on line ${more.line}, which ${more.invalid}`, lines };
      // Counted in UTF-16 units: a bound on what is held, whatever the characters.
      length += more.text.length + 1;
      if (length > maxBytes) return { error: `has a quoted cell (column ${cells.length + 1}) still open after ${lines.length} lines (lines ${first.line}-${more.line}, over ${maxBytes / 1024 / 1024} MiB): is a quote unclosed?`, lines };
      cell += '\n';
      text = more.text;
      i = 0;
      continue;
    }
    const ch = text[i++]!;
    switch (state) {
      case 'start':
        if (ch === '"') state = 'quoted';
        else if (ch === ',') cells.push('');
        else {
          cell = ch;
          state = 'plain';
        }
        break;
      case 'plain':
        if (ch === ',') {
          cells.push(cell);
          cell = '';
          state = 'start';
        } else if (ch === '"') return { error: `has a quote inside an unquoted cell (column ${cells.length + 1}): quote the whole cell and double the quote ("")`, lines };
        else cell += ch;
        break;
      case 'quoted':
        if (ch !== '"') cell += ch;
        else if (text[i] === '"') {
          cell += '"';
          i++;
        } else state = 'closed';
        break;
      case 'closed':
        if (ch !== ',') return { error: `has ${JSON.stringify(ch)} after the closing quote of column ${cells.length + 1}: a quoted cell must end at a comma or the end of the line`, lines };
        cells.push(cell);
        cell = '';
        state = 'start';
        break;
    }
  }
}

/** CSV cells are strings: convert them to the types the schema expects, by column kind. */
function coerceCell(column: FieldColumn | undefined, raw: string): { value?: unknown; error?: string } {
  if (raw === '') return {};
  if (!column) return { value: raw };
  switch (column.kind) {
    case 'decimal':
    case 'double':
    case 'bigint': {
      const t = raw.trim();
      return DECIMAL.test(t) ? { value: Number(t) } : { error: `must be a decimal number such as 12.50, got ${JSON.stringify(raw)}` };
    }
    case 'boolean': {
      const v = raw.trim().toLowerCase();
      if (['true', '1', 'yes', 'y'].includes(v)) return { value: true };
      if (['false', '0', 'no', 'n'].includes(v)) return { value: false };
      return { error: `must be true or false, got ${JSON.stringify(raw)}` };
    }
    case 'json':
      try {
        return { value: JSON.parse(raw) };
      } catch (err) {
        return { error: `is not valid JSON (${(err as Error).message})` };
      }
    default:
      return { value: raw };
  }
}

interface Header {
  names: string[];
  columns: (FieldColumn | undefined)[];
}

/** Maps header cells to fields (camelCase or snake_case), or explains why the file cannot be read. */
function resolveHeader(entity: AnyEntity, cells: string[]): Header | { error: string } {
  const byHeader = new Map<string, FieldColumn>();
  for (const c of fieldColumns(entity.schema)) {
    byHeader.set(c.field, c);
    byHeader.set(c.column, c);
  }
  const names: string[] = [];
  const columns: (FieldColumn | undefined)[] = [];
  const seen = new Map<string, number>();
  for (let i = 0; i < cells.length; i++) {
    const h = cells[i]!.trim();
    if (h === '') return { error: `column ${i + 1} of the header has no name` };
    if (RESERVED.has(h)) return { error: `column ${i + 1} of the header is named "${h}", a reserved name that is never a field` };
    const column = byHeader.get(h) ?? byHeader.get(snakeCase(h));
    const key = column?.field ?? h;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      return { error: `columns ${earlier + 1} ("${cells[earlier]!.trim()}") and ${i + 1} ("${h}") of the header both name the field ${key}: remove one` };
    }
    seen.set(key, i);
    names.push(key);
    columns.push(column);
  }
  return { names, columns };
}

export interface CsvReadOptions {
  /** Number of the input's first line, for a byte range that starts inside a file. @default 1 */
  firstLine?: number;
  /** The file's header cells, for a byte range that starts after the header: every record of the input is data. @default - the first record is the header */
  header?: string[];
  /** Called with the header's cells once they are read and resolved (the bulk-import planner hands them to the batches). */
  onHeader?: (cells: string[]) => void;
}

export function csvRecords(input: AsyncIterable<unknown>, entity: AnyEntity, options: CsvReadOptions = {}): AsyncGenerator<SourceRow> {
  return csvRecordsFromLines(utf8Lines(input, options.firstLine === undefined ? {} : { firstLine: options.firstLine }), entity, options);
}

/** Records of already split lines: the planner of a bulk import reads the same records while it counts bytes. */
export async function* csvRecordsFromLines(lines: AsyncIterable<TextLine>, entity: AnyEntity, options: CsvReadOptions = {}): AsyncGenerator<SourceRow> {
  const source = new LineSource(lines[Symbol.asyncIterator]());
  let header: Header | undefined;
  if (options.header) {
    const resolved = resolveHeader(entity, options.header);
    if ('error' in resolved) throw new Error(`the header given for this range cannot be used: ${resolved.error}`);
    header = resolved;
  }
  for (let line = await source.next(); line; line = await source.next()) {
    if ('invalid' in line) {
      if (!header) {
        yield { line: line.line, errors: [{ field: '(file)', message: `the header ${line.invalid}` }] };
        return;
      }
      yield { line: line.line, errors: [{ field: '(record)', message: line.invalid }] };
      continue;
    }
    if (line.text === '') continue;
    const parsed = await parseRecord(line, source);
    if ('error' in parsed) {
      if (!header) {
        yield { line: line.line, errors: [{ field: '(file)', message: `the header ${parsed.error}` }] };
        return;
      }
      yield { line: line.line, errors: [{ field: '(record)', message: parsed.error }] };
      // The lines a bad record swallowed are records of their own: read them again.
      source.pushBack(parsed.lines.slice(1));
      continue;
    }
    if (!header) {
      const resolved = resolveHeader(entity, parsed.cells);
      if ('error' in resolved) {
        yield { line: line.line, errors: [{ field: '(file)', message: resolved.error }] };
        return;
      }
      header = resolved;
      options.onHeader?.(parsed.cells);
      continue;
    }
    const { cells } = parsed;
    if (cells.length !== header.names.length) {
      yield { line: line.line, errors: [{ field: '(record)', message: `has ${cells.length} cells, the header has ${header.names.length}${parsed.lines.length > 1 ? ` (the record spans lines ${line.line}-${parsed.lines.at(-1)!.line}: is a quote unclosed?)` : ''}` }] };
      source.pushBack(parsed.lines.slice(1));
      continue;
    }
    const value: Record<string, unknown> = {};
    const errors: FieldError[] = [];
    for (let i = 0; i < cells.length; i++) {
      const c = coerceCell(header.columns[i], cells[i]!);
      if (c.error) errors.push({ field: header.names[i]!, message: c.error });
      else if (c.value !== undefined) value[header.names[i]!] = c.value;
    }
    yield errors.length ? { line: line.line, value, cellErrors: errors } : { line: line.line, value };
  }
}
