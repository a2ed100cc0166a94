// Field builders that carry column metadata. Every derived artefact (Glue columns, Parquet schema,
// CSV coercion, lake pseudonymisation, JSON Schema) reads this metadata, so a field is declared once.
import { z } from 'zod';

/** SQL/lake type of a column. */
export type ColumnKind = 'string' | 'timestamp' | 'date' | 'decimal' | 'bigint' | 'double' | 'boolean' | 'json';

/** How personal data is kept out of the lake: a keyed hash column, or nothing at all. */
export type PiiHandling = 'hash' | 'omit';

export interface ColumnMeta {
  kind: ColumnKind;
  pii?: PiiHandling;
}

/** Registry of column metadata, keyed by zod schema instance. */
export const columnMeta = z.registry<ColumnMeta>();

const MAX_ID = 128;

export const id = () => z.string().trim().min(1).max(MAX_ID).register(columnMeta, { kind: 'string' });

/** An instant: ISO-8601 with a zone designator; stored normalised to UTC milliseconds. */
export const instant = () => z.iso.datetime({ offset: true }).register(columnMeta, { kind: 'timestamp' });

/** A calendar date (YYYY-MM-DD), no time zone. */
export const calendarDate = () => z.iso.date().register(columnMeta, { kind: 'date' });

/** Money: DECIMAL(18,2), with a `currency` column beside it. */
export const money = () =>
  z
    .number()
    .refine((v) => Number.isFinite(v) && Math.abs(Math.round(v * 100) - v * 100) < 1e-6, 'must have at most 2 decimal places')
    .refine((v) => Math.abs(v) < 1e16, 'out of range for DECIMAL(18,2)')
    .register(columnMeta, { kind: 'decimal' });

export const currency = () =>
  z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be an ISO-4217 code such as EUR')
    .register(columnMeta, { kind: 'string' });

/** Whole counts (BIGINT). */
export const count = (min = 0, max = Number.MAX_SAFE_INTEGER) => z.number().int().min(min).max(max).register(columnMeta, { kind: 'bigint' });

/** Real numbers such as probabilities (DOUBLE). */
export const real = (min = -Number.MAX_VALUE, max = Number.MAX_VALUE) => z.number().min(min).max(max).register(columnMeta, { kind: 'double' });

export const countryCode = () =>
  z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be an ISO-3166 alpha-2 code such as DE')
    .register(columnMeta, { kind: 'string' });

export const flag = () => z.boolean().register(columnMeta, { kind: 'boolean' });

export const text = (max = 500) => z.string().trim().max(max).register(columnMeta, { kind: 'string' });

export const choice = <const T extends readonly [string, ...string[]]>(values: T) => z.enum(values).register(columnMeta, { kind: 'string' });

/** Personal data: lives in DynamoDB only; the lake gets `<column>_hash` (hash) or nothing (omit). */
export const personal = <T extends z.ZodType>(schema: T, pii: PiiHandling = 'hash'): T => {
  const kind = columnMeta.get(schema)?.kind ?? 'string';
  const copy = schema.clone() as z.ZodType;
  copy.register(columnMeta, { kind, pii });
  return copy as T;
};

export const email = () => personal(z.email().max(254).register(columnMeta, { kind: 'string' }));
export const phone = () =>
  personal(
    z
      .string()
      .trim()
      .regex(/^\+?[0-9 ()./-]{6,25}$/, 'must be a phone number of 6 to 25 digits, spaces or ()./-')
      .register(columnMeta, { kind: 'string' }),
  );

/** Nested structures (arrays, objects) are kept as a JSON string column in the lake. */
export const nested = <T extends z.ZodType>(schema: T): T => {
  (schema as z.ZodType).register(columnMeta, { kind: 'json' });
  return schema;
};
