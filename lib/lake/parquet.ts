// Lake rows <-> Parquet bytes. Pure JS (hyparquet-writer / hyparquet) because the encoder runs in
// the stream Lambda; the schema is derived from the column kinds, never guessed from the data, so an
// all-null column or an empty batch still gets the declared type.
import { parquetMetadata, parquetReadObjects, type SchemaElement } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { parquetWriteBuffer, type ColumnSource } from 'hyparquet-writer';
import type { ColumnKind } from '#schemas/fields.ts';
import type { LakeColumn } from '#schemas/columns.ts';

/** A lake value: timestamp → Date, date → 'YYYY-MM-DD', decimal/bigint/double → number, json → string. */
export type LakeValue = string | number | boolean | Date | null | undefined;
/** A row keyed by lake column name; values are checked against the column kind when encoded. */
export type LakeRow = Readonly<Record<string, unknown>>;

/** The parts of a lake column the encoder needs. */
export type ParquetColumn = Pick<LakeColumn, 'column' | 'kind'>;

export interface EncodeOptions {
  /** Rows per row group; the default keeps one Lambda batch in one group. @default 100_000 */
  rowGroupSize?: number;
}

const DECIMAL_PRECISION = 18;
const DECIMAL_SCALE = 2;
const MAX_CENTS = 10n ** BigInt(DECIMAL_PRECISION) - 1n;
const DAY_MS = 86_400_000;

/**
 * Parquet schema element per column kind (all OPTIONAL), with both the logical type and the legacy
 * converted type so old (parquet-mr < 1.11, Hive) and new readers agree.
 *
 * timestamp: INT64 TIMESTAMP(MILLIS, isAdjustedToUTC = false) plus converted type TIMESTAMP_MILLIS.
 *  - MILLIS: instants are normalised to UTC milliseconds, JS Date holds milliseconds and Athena's
 *    Hive `timestamp` is millisecond precision, so MICROS would only add zeros.
 *  - isAdjustedToUTC = false: the Glue/DuckDB column type is a plain TIMESTAMP holding the UTC wall
 *    clock. DuckDB reads adjusted-to-UTC files as TIMESTAMP WITH TIME ZONE (shown in the session zone),
 *    local ones as TIMESTAMP; Trino/Athena read a local timestamp as-is, with no zone conversion.
 *  - the converted type is what DuckDB and Arrow also write for local timestamps, for readers that
 *    predate logical types (Athena engine v2, Hive).
 * json: plain UTF8. Converted type JSON makes DuckDB type the column JSON instead of VARCHAR, and
 *   hyparquet-writer would JSON.stringify the (already serialised) string a second time.
 */
export function parquetElement(column: ParquetColumn): SchemaElement {
  const name = column.column;
  const repetition_type = 'OPTIONAL' as const;
  switch (column.kind) {
    case 'string':
    case 'json':
      return { name, repetition_type, type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' } };
    case 'timestamp':
      return {
        name,
        repetition_type,
        type: 'INT64',
        converted_type: 'TIMESTAMP_MILLIS',
        logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: false, unit: 'MILLIS' },
      };
    case 'date':
      return { name, repetition_type, type: 'INT32', converted_type: 'DATE', logical_type: { type: 'DATE' } };
    case 'decimal':
      return {
        name,
        repetition_type,
        type: 'INT64',
        converted_type: 'DECIMAL',
        precision: DECIMAL_PRECISION,
        scale: DECIMAL_SCALE,
        logical_type: { type: 'DECIMAL', precision: DECIMAL_PRECISION, scale: DECIMAL_SCALE },
      };
    case 'bigint':
      return { name, repetition_type, type: 'INT64' };
    case 'double':
      return { name, repetition_type, type: 'DOUBLE' };
    case 'boolean':
      return { name, repetition_type, type: 'BOOLEAN' };
    default:
      throw new Error(`unknown column kind ${String((column as ParquetColumn).kind)} for ${name}`);
  }
}

export function parquetSchema(columns: readonly ParquetColumn[]): SchemaElement[] {
  return [{ name: 'root', num_children: columns.length }, ...columns.map(parquetElement)];
}

/** Encodes lake rows as a Snappy-compressed Parquet file; zero rows give a valid file with the schema. */
export function encodeParquet(columns: readonly ParquetColumn[], rows: readonly LakeRow[], options: EncodeOptions = {}): Uint8Array {
  const columnData: ColumnSource[] = columns.map((c) => {
    const toPhysical = physicalEncoders[c.kind];
    const data = new Array<unknown>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const value = rows[i]![c.column];
      if (value === null || value === undefined) {
        data[i] = null;
        continue;
      }
      try {
        data[i] = toPhysical(value);
      } catch (err) {
        throw new Error(`row ${i}, column ${c.column} (${c.kind}): ${(err as Error).message}`, { cause: err });
      }
    }
    return { name: c.column, data: data as ColumnSource['data'] };
  });
  const buffer = parquetWriteBuffer({
    columnData,
    schema: parquetSchema(columns),
    codec: 'SNAPPY',
    rowGroupSize: options.rowGroupSize ?? 100_000,
    createdBy: 'crm-pipeline lake (hyparquet-writer)',
  });
  return new Uint8Array(buffer);
}

/** Each kind's lake value → the physical value hyparquet-writer stores unchanged. */
const physicalEncoders: Record<ColumnKind, (v: unknown) => unknown> = {
  string: (v) => expectString(v),
  // Objects are accepted for convenience; the lake stores the serialised text.
  json: (v) => (typeof v === 'string' ? v : JSON.stringify(v)),
  timestamp: (v) => BigInt(toEpochMillis(v)),
  date: (v) => toEpochDays(v),
  decimal: (v) => toCents(v),
  bigint: (v) => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new Error(`expected a safe integer, got ${String(v)}`);
    return BigInt(v);
  },
  double: (v) => {
    if (typeof v !== 'number') throw new Error(`expected a number, got ${typeof v}`);
    return v;
  },
  boolean: (v) => {
    if (typeof v !== 'boolean') throw new Error(`expected a boolean, got ${typeof v}`);
    return v;
  },
};

function expectString(v: unknown): string {
  if (typeof v !== 'string') throw new Error(`expected a string, got ${v instanceof Date ? 'Date' : typeof v}`);
  return v;
}

function toEpochMillis(v: unknown): number {
  const ms = v instanceof Date ? v.getTime() : typeof v === 'string' ? Date.parse(v) : Number.NaN;
  if (!Number.isFinite(ms)) throw new Error(`expected a Date (or ISO instant), got ${String(v)}`);
  return ms;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

function toEpochDays(v: unknown): number {
  if (v instanceof Date) return Math.floor(v.getTime() / DAY_MS);
  const m = typeof v === 'string' ? DATE_RE.exec(v) : null;
  if (!m) throw new Error(`expected a YYYY-MM-DD date, got ${String(v)}`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  // Date.UTC rolls 2024-02-30 over to March: reject instead of storing another day.
  if (new Date(ms).toISOString().slice(0, 10) !== v) throw new Error(`not a calendar date: ${v}`);
  return ms / DAY_MS;
}

/**
 * Money → unscaled cents for DECIMAL(18,2). Goes through the shortest decimal text of the double
 * (what the number was parsed from), so 1234567890123.45 is exact and 0.1 + 0.2 rounds to 0.30;
 * rounding is half away from zero, like a CAST to DECIMAL in Trino.
 */
export function toCents(v: unknown): bigint {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`expected a finite number, got ${String(v)}`);
  // Fast path: below 1e13 the product is within far less than a cent of the exact amount, so a value
  // that lands next to a whole cent is that cent. Half cents and beyond take the exact path below.
  if (Math.abs(v) < 1e13) {
    const scaled = v * 100;
    const rounded = Math.round(scaled);
    if (Math.abs(scaled - rounded) < 1e-4) return BigInt(rounded);
  }
  const text = Math.abs(v).toString();
  let cents: bigint;
  if (text.includes('e')) {
    // Exponent form: below 1e-6 (rounds to zero) or at least 1e21 (out of range below).
    cents = Math.abs(v) < 1 ? 0n : BigInt(Math.round(Math.abs(v))) * 100n;
  } else {
    const [whole = '0', fraction = ''] = text.split('.');
    const padded = fraction.padEnd(3, '0');
    cents = BigInt(whole) * 100n + BigInt(padded.slice(0, 2));
    if (padded.charCodeAt(2) >= 53 /* '5' */) cents += 1n;
  }
  if (cents > MAX_CENTS) throw new Error(`${v} is out of range for DECIMAL(${DECIMAL_PRECISION},${DECIMAL_SCALE})`);
  return v < 0 ? -cents : cents;
}

/**
 * Decodes a Parquet file into plain rows using the lake's value conventions (for tests and tools):
 * DATE → 'YYYY-MM-DD', TIMESTAMP → Date, DECIMAL → number rounded to its scale, INT64 → number when
 * safe (else bigint), missing → null. Reads every Parquet codec (hyparquet alone has only Snappy): the
 * compacted snapshots are ZSTD, and a file written by another tool may use GZIP, Brotli or LZ4.
 */
export async function decodeParquet(bytes: Uint8Array): Promise<Record<string, unknown>[]> {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const metadata = parquetMetadata(file);
  const leaves = metadata.schema.slice(1).filter((e) => !e.num_children);
  const rows = await parquetReadObjects({ file, metadata, compressors });
  return rows.map((row) => {
    const out: Record<string, unknown> = {};
    for (const element of leaves) out[element.name] = fromDecoded(row[element.name], element);
    return out;
  });
}

function fromDecoded(value: unknown, element: SchemaElement): unknown {
  if (value === null || value === undefined) return null;
  if (element.converted_type === 'DECIMAL') return Number((value as number).toFixed(element.scale ?? 0));
  if (element.converted_type === 'DATE' && value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value;
  return value;
}
