// The ingest validation as it was before the compiled fast path (commit 689b3b8): zod's runtime parser, a Date
// round trip per instant, Date.parse for the future rule. Kept unchanged as the oracle of the differential test
// (test/ingest/validate-differential.test.ts): the fast path must give the same verdict, errors and record.
import type { z } from 'zod';
import { fieldColumns } from '#schemas/columns.ts';
import type { NotFuture } from '#schemas/fields.ts';
import type { AnyEntity } from '#schemas/registry.ts';

interface FieldError {
  /** Dotted path of the offending field, e.g. `lineItems.0.unitPrice`; `(record)` for the record as a whole. */
  field: string;
  message: string;
}

type CrmRecord = Record<string, unknown> & { id: string; updatedAt: string };

type Validation = { ok: true; record: CrmRecord } | { ok: false; errors: FieldError[] };

interface ValidationOptions {
  /** The clock for rules about the future (`updatedAt`, birthdays); injected so tests can fix it. @default () => new Date() */
  now?: () => Date;
  /** How far ahead of `now` an instant may lie (clock skew between systems). @default 1 day, or env CRM_MAX_FUTURE_SKEW_SECONDS */
  maxFutureSkewMs?: number;
}

const DEFAULT_MAX_FUTURE_SKEW_MS = 24 * 60 * 60 * 1000;

/** The environment's skew, read once per process (the Lambda environment does not change). */
let envSkewMs: number | undefined;

/** The allowed skew from `CRM_MAX_FUTURE_SKEW_SECONDS` (Lambda environment or shell), else one day. */
function maxFutureSkewFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.CRM_MAX_FUTURE_SKEW_SECONDS;
  if (raw === undefined || raw === '') return DEFAULT_MAX_FUTURE_SKEW_MS;
  const seconds = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(seconds)) throw new Error(`CRM_MAX_FUTURE_SKEW_SECONDS must be a whole number of seconds, got "${raw}"`);
  return seconds * 1000;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Keys that would reach an object's prototype when a consumer copies the record naively. */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

interface FieldSets {
  known: Set<string>;
  instants: string[];
  notFuture: { field: string; rule: NotFuture; kind: string }[];
}

const fieldSets = new WeakMap<AnyEntity, FieldSets>();

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
  if (typeof value === 'string') return LONE_SURROGATE.test(value);
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return value.some(hasStructuralProblem);
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (RESERVED_KEYS.has(key) || hasStructuralProblem((value as Record<string, unknown>)[key])) return true;
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

/** The rules about the future, on already parsed values (instants checked after parsing, so they are valid). */
function futureErrors(record: Record<string, unknown>, rules: FieldSets['notFuture'], options: ValidationOptions): FieldError[] {
  if (rules.length === 0) return [];
  const now = (options.now ?? (() => new Date()))().getTime();
  const skew = options.maxFutureSkewMs ?? (envSkewMs ??= maxFutureSkewFromEnv());
  const latest = new Date(now + skew);
  const errors: FieldError[] = [];
  for (const { field, kind } of rules) {
    const v = record[field];
    if (typeof v !== 'string') continue;
    if (kind === 'date') {
      // A calendar date has no zone: refused only when it is after today everywhere (UTC date of now + skew).
      if (v > latest.toISOString().slice(0, 10)) errors.push({ field, message: `must not be in the future (latest allowed ${latest.toISOString().slice(0, 10)})` });
    } else if (Date.parse(v) > latest.getTime()) {
      errors.push({ field, message: `must not be more than ${describeSkew(skew)} in the future (latest allowed ${latest.toISOString()})` });
    }
  }
  return errors;
}

export function previousValidateRecord(entity: AnyEntity, input: unknown, options: ValidationOptions = {}): Validation {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, errors: [{ field: '(record)', message: `must be a JSON object, got ${Array.isArray(input) ? 'an array' : input === null ? 'null' : typeof input}` }] };
  }
  const sets = fieldsOf(entity);
  const errors: FieldError[] = [];
  if (hasStructuralProblem(input)) structuralErrors(input, [], errors);
  // Unknown fields are rejected rather than silently dropped: a misspelt field would otherwise lose data.
  for (const k of Object.keys(input)) if (!sets.known.has(k) && !RESERVED_KEYS.has(k)) errors.push({ field: k, message: `is not a field of ${entity.name}` });
  const parsed = entity.schema.safeParse(input);
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
  const late = futureErrors(record, sets.notFuture, options);
  if (late.length) return { ok: false, errors: late };
  for (const f of sets.instants) {
    const v = record[f];
    if (typeof v === 'string') record[f] = new Date(v).toISOString();
  }
  if (typeof record.email === 'string') record.email = record.email.trim().toLowerCase();
  return { ok: true, record };
}
