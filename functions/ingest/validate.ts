// Validation of incoming records against the entity schema, with errors that name the field and
// the reason, and normalisation to the stored form (UTC instants, lowercase e-mail).
import { z } from 'zod';
import { fieldColumns } from '#schemas/columns.ts';
import type { NotFuture } from '#schemas/fields.ts';
import type { AnyEntity } from '#schemas/registry.ts';
import { isAfter, utcInstant } from '#lib/time/utc-instant.ts';

export interface FieldError {
  /** Dotted path of the offending field, e.g. `lineItems.0.unitPrice`; `(record)` for the record as a whole. */
  field: string;
  message: string;
}

export type CrmRecord = Record<string, unknown> & { id: string; updatedAt: string };

export type Validation = { ok: true; record: CrmRecord } | { ok: false; errors: FieldError[] };

export interface ValidationOptions {
  /** The clock for rules about the future (`updatedAt`, birthdays); injected so tests can fix it. @default () => new Date() */
  now?: () => Date;
  /** How far ahead of `now` an instant may lie (clock skew between systems). @default 1 day, or env CRM_MAX_FUTURE_SKEW_SECONDS */
  maxFutureSkewMs?: number;
}

export const DEFAULT_MAX_FUTURE_SKEW_MS = 24 * 60 * 60 * 1000;

/** The environment's skew, read once per process (the Lambda environment does not change). */
let envSkewMs: number | undefined;

/** The allowed skew from `CRM_MAX_FUTURE_SKEW_SECONDS` (Lambda environment or shell), else one day. */
export function maxFutureSkewFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.CRM_MAX_FUTURE_SKEW_SECONDS;
  if (raw === undefined || raw === '') return DEFAULT_MAX_FUTURE_SKEW_MS;
  const seconds = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(seconds)) throw new Error(`CRM_MAX_FUTURE_SKEW_SECONDS must be a whole number of seconds, got "${raw}"`);
  return seconds * 1000;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** `String.prototype.isWellFormed` (Node 20, ES2024): false exactly when LONE_SURROGATE matches, at native speed. */
type WellFormedString = string & { isWellFormed(): boolean };

/** Keys that would reach an object's prototype when a consumer copies the record naively. */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

interface FieldSets {
  known: Set<string>;
  instants: string[];
  notFuture: { field: string; rule: NotFuture; kind: string }[];
}

const fieldSets = new WeakMap<AnyEntity, FieldSets>();

const compiledSchemas = new WeakMap<AnyEntity, z.ZodType>();

/**
 * The entity's zod schema compiled by zod's own ahead-of-time compiler (`z.compile`): generated code accepts
 * valid records several times faster and hands anything it would reject to zod's runtime parser, so the
 * issues (and so our messages) are the runtime's. The schema stays the one source; only its execution differs.
 */
function compiledSchema(entity: AnyEntity): z.ZodType {
  let compiled = compiledSchemas.get(entity);
  if (!compiled) compiledSchemas.set(entity, (compiled = z.compile(entity.schema)));
  return compiled;
}

function fieldsOf(entity: AnyEntity): FieldSets {
  let sets = fieldSets.get(entity);
  if (!sets) {
    const cols = fieldColumns(entity.schema);
    sets = {
      known: new Set(cols.map((c) => c.field)),
      instants: cols.filter((c) => c.kind === 'timestamp').map((c) => c.field),
      notFuture: cols.flatMap((c) => (c.notFuture ? [{ field: c.field, rule: c.notFuture, kind: c.kind }] : [])),
    };
    fieldSets.set(entity, sets);
  }
  return sets;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) return 'is required';
  if (issue.code === 'invalid_value' && 'values' in issue) return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  return issue.message.replace(/^Invalid input: /, '');
}

/** Whether a value holds a reserved key or a lone surrogate anywhere: the cheap pass; paths are built only when it does. */
function hasStructuralProblem(value: unknown): boolean {
  if (typeof value === 'string') return !(value as WellFormedString).isWellFormed();
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return value.some(hasStructuralProblem);
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (RESERVED_KEYS.has(key) || hasStructuralProblem((value as Record<string, unknown>)[key])) return true;
  }
  return false;
}

/** One pass over the record for the cheap common answer: no unknown field (a reserved key is never a field), nothing structural. */
function hasTopLevelProblem(input: Record<string, unknown>, known: Set<string>): boolean {
  for (const key in input) {
    if (!Object.hasOwn(input, key)) continue;
    if (!known.has(key) || RESERVED_KEYS.has(key) || hasStructuralProblem(input[key])) return true;
  }
  return false;
}

/** Reserved keys and strings that are not well-formed Unicode (lone surrogates from `\ud800` escapes), at any depth. */
function structuralErrors(value: unknown, path: string[], errors: FieldError[]): void {
  if (typeof value === 'string') {
    if (LONE_SURROGATE.test(value)) errors.push({ field: path.join('.') || '(record)', message: 'is not valid Unicode text (contains a lone surrogate)' });
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    value.forEach((v, i) => structuralErrors(v, [...path, String(i)], errors));
    return;
  }
  for (const key of Object.keys(value)) {
    if (RESERVED_KEYS.has(key)) errors.push({ field: [...path, key].join('.'), message: 'is a reserved name and never a field' });
    else structuralErrors((value as Record<string, unknown>)[key], [...path, key], errors);
  }
}

const describeSkew = (ms: number) =>
  ms % 86_400_000 === 0 ? `${ms / 86_400_000} day${ms === 86_400_000 ? '' : 's'}` : ms % 3_600_000 === 0 ? `${ms / 3_600_000} h` : `${ms / 1000} s`;

/** The last `toISOString()` printed: records validated within one millisecond share their bound. */
let lastIso = { ms: Number.NaN, iso: '' };
function isoOf(ms: number): string {
  if (ms !== lastIso.ms) lastIso = { ms, iso: new Date(ms).toISOString() };
  return lastIso.iso;
}

/** The rules about the future, on parsed values with instants already in UTC millisecond form (`utcInstant`). */
function futureErrors(record: Record<string, unknown>, rules: FieldSets['notFuture'], options: ValidationOptions): FieldError[] {
  if (rules.length === 0) return [];
  const now = options.now ? options.now().getTime() : Date.now();
  const skew = options.maxFutureSkewMs ?? (envSkewMs ??= maxFutureSkewFromEnv());
  const latestMs = now + skew;
  // A skew past the end of Date's range (±8.64e15 ms) refuses nothing rather than failing to print the bound.
  if (!(latestMs <= 8.64e15)) return [];
  const latestIso = isoOf(latestMs);
  const errors: FieldError[] = [];
  for (const { field, kind } of rules) {
    const v = record[field];
    if (typeof v !== 'string') continue;
    if (kind === 'date') {
      // A calendar date has no zone: refused only when it is after today everywhere (UTC date of now + skew).
      if (v > latestIso.slice(0, 10)) errors.push({ field, message: `must not be in the future (latest allowed ${latestIso.slice(0, 10)})` });
    } else if (kind === 'timestamp' ? isAfter(v, latestIso) : Date.parse(v) > latestMs) {
      errors.push({ field, message: `must not be more than ${describeSkew(skew)} in the future (latest allowed ${latestIso})` });
    }
  }
  return errors;
}

export function validateRecord(entity: AnyEntity, input: unknown, options: ValidationOptions = {}): Validation {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, errors: [{ field: '(record)', message: `must be a JSON object, got ${Array.isArray(input) ? 'an array' : input === null ? 'null' : typeof input}` }] };
  }
  const sets = fieldsOf(entity);
  const errors: FieldError[] = [];
  if (hasTopLevelProblem(input as Record<string, unknown>, sets.known)) {
    if (hasStructuralProblem(input)) structuralErrors(input, [], errors);
    // Unknown fields are rejected rather than silently dropped: a misspelt field would otherwise lose data.
    for (const k of Object.keys(input)) if (!sets.known.has(k) && !RESERVED_KEYS.has(k)) errors.push({ field: k, message: `is not a field of ${entity.name}` });
  }
  const parsed = compiledSchema(entity).safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const at = issue.path.map(String);
      // Nested objects are strict: name each unknown key (`lineItems.0.colour`), as at the top level.
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) if (!RESERVED_KEYS.has(key)) errors.push({ field: [...at, key].join('.'), message: `is not a field of ${at.filter((p) => !/^\d+$/.test(p)).join('.') || entity.name}` });
        continue;
      }
      errors.push({ field: at.length ? at.join('.') : '(record)', message: describeIssue(issue) });
    }
  }
  if (errors.length || !parsed.success) return { ok: false, errors };
  const record = parsed.data as CrmRecord;
  for (const f of sets.instants) {
    const v = record[f];
    if (typeof v === 'string') record[f] = utcInstant(v);
  }
  const late = futureErrors(record, sets.notFuture, options);
  if (late.length) return { ok: false, errors: late };
  if (typeof record.email === 'string') record.email = record.email.trim().toLowerCase();
  return { ok: true, record };
}
