// Validation of incoming records against the entity schema, with errors that name the field and
// the reason, and normalisation to the stored form (UTC instants, lowercase e-mail).
import type { z } from 'zod';
import { fieldColumns } from '#schemas/columns.ts';
import type { AnyEntity } from '#schemas/registry.ts';

export interface FieldError {
  /** Dotted path of the offending field, e.g. `lineItems.0.unitPrice`; `(record)` for the record as a whole. */
  field: string;
  message: string;
}

export type CrmRecord = Record<string, unknown> & { id: string; updatedAt: string };

export type Validation = { ok: true; record: CrmRecord } | { ok: false; errors: FieldError[] };

const fieldSets = new WeakMap<AnyEntity, { known: Set<string>; instants: string[] }>();

function fieldsOf(entity: AnyEntity) {
  let sets = fieldSets.get(entity);
  if (!sets) {
    const cols = fieldColumns(entity.schema);
    sets = { known: new Set(cols.map((c) => c.field)), instants: cols.filter((c) => c.kind === 'timestamp').map((c) => c.field) };
    fieldSets.set(entity, sets);
  }
  return sets;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) return 'is required';
  if (issue.code === 'invalid_value' && 'values' in issue) return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  return issue.message.replace(/^Invalid input: /, '');
}

export function validateRecord(entity: AnyEntity, input: unknown): Validation {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, errors: [{ field: '(record)', message: `must be a JSON object, got ${Array.isArray(input) ? 'an array' : input === null ? 'null' : typeof input}` }] };
  }
  const { known, instants } = fieldsOf(entity);
  // Unknown fields are rejected rather than silently dropped: a misspelt field would otherwise lose data.
  const unknown = Object.keys(input).filter((k) => !known.has(k));
  const parsed = entity.schema.safeParse(input);
  const errors: FieldError[] = unknown.map((k) => ({ field: k, message: `is not a field of ${entity.name}` }));
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      errors.push({ field: issue.path.length ? issue.path.join('.') : '(record)', message: describeIssue(issue) });
    }
  }
  if (errors.length || !parsed.success) return { ok: false, errors };
  const record = parsed.data as CrmRecord;
  for (const f of instants) {
    const v = record[f];
    if (typeof v === 'string') record[f] = new Date(v).toISOString();
  }
  if (typeof record.email === 'string') record.email = record.email.trim().toLowerCase();
  return { ok: true, record };
}
