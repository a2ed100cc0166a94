// Field builders that carry column metadata. Every derived artefact (Glue columns, Parquet schema,
// CSV coercion, lake pseudonymisation, JSON Schema) reads this metadata, so a field is declared once.
import { z } from 'zod';
import { ISO_4217_CODES } from './currencies.ts';

/** SQL/lake type of a column. */
export type ColumnKind = 'string' | 'timestamp' | 'date' | 'decimal' | 'bigint' | 'double' | 'boolean' | 'json';

/** How personal data is kept out of the lake: a keyed hash column, or nothing at all. */
export type PiiHandling = 'hash' | 'omit';

/**
 * A time rule that needs a clock, so validation (which injects the clock) applies it rather than the schema:
 * `skew` refuses instants later than now plus the allowed clock skew (default 1 day), `past` refuses dates
 * after today (same skew), e.g. a birthday.
 */
export type NotFuture = 'skew' | 'past';

export interface ColumnMeta {
  kind: ColumnKind;
  pii?: PiiHandling;
  notFuture?: NotFuture;
}

/** Registry of column metadata, keyed by zod schema instance. */
export const columnMeta = z.registry<ColumnMeta>();

const MAX_ID = 128;

// Control characters (C0, DEL, C1) in a key make records that cannot be told apart on screen or in a URL.
const NO_CONTROL_CHARACTERS = /^[^\p{Cc}]*$/u;

export const id = () =>
  z
    .string()
    .trim()
    .min(1, 'must not be blank')
    .max(MAX_ID)
    .regex(NO_CONTROL_CHARACTERS, 'must not contain control characters')
    .register(columnMeta, { kind: 'string' });

/** A name (of a person, company, deal or campaign): text that must not be blank when given. */
export const name = (max = 200) => z.string().trim().min(1, 'must not be blank').max(max).register(columnMeta, { kind: 'string' });

/** An instant: ISO-8601 with a zone designator; stored normalised to UTC milliseconds. */
export const instant = (notFuture?: NotFuture) => z.iso.datetime({ offset: true }).register(columnMeta, { kind: 'timestamp', ...(notFuture ? { notFuture } : {}) });

/** A calendar date (YYYY-MM-DD), no time zone. */
export const calendarDate = (notFuture?: NotFuture) => z.iso.date().register(columnMeta, { kind: 'date', ...(notFuture ? { notFuture } : {}) });

/**
 * Money: DECIMAL(18,2), with a `currency` column beside it. Non-negative unless `signed`: only fields
 * whose domain has negative amounts (credit notes) take `signed` (see the README, "Negative amounts").
 */
export const money = (options: { signed?: boolean } = {}) =>
  z
    .number()
    .refine((v) => Number.isFinite(v) && Math.abs(Math.round(v * 100) - v * 100) < 1e-6, 'must have at most 2 decimal places')
    .refine((v) => Math.abs(v) < 1e16, 'out of range for DECIMAL(18,2)')
    .refine((v) => options.signed || v >= 0, 'must not be negative')
    .register(columnMeta, { kind: 'decimal' });

export const currency = () =>
  z
    .string()
    .regex(/^[A-Z]{3}$/, { message: 'must be an ISO-4217 currency code such as EUR', abort: true })
    .refine((v) => ISO_4217_CODES.has(v), 'must be an ISO-4217 currency code such as EUR (not a known code)')
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
  const meta = columnMeta.get(schema);
  const copy = schema.clone() as z.ZodType;
  copy.register(columnMeta, { ...meta, kind: meta?.kind ?? 'string', pii });
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
