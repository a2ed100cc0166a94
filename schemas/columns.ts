// Derives columns from the zod schemas: the record columns (DynamoDB/JSON side), the lake columns
// (personal data hashed or omitted, plus change metadata) and their Glue/Parquet/DuckDB types.
import type { z } from 'zod';
import { columnMeta, type ColumnKind, type NotFuture, type PiiHandling } from './fields.ts';
import { entities, type AnyEntity, type EntityName } from './registry.ts';

export interface FieldColumn {
  /** camelCase JSON field name. */
  field: string;
  /** snake_case column name. */
  column: string;
  kind: ColumnKind;
  required: boolean;
  pii?: PiiHandling;
  /** Refused when in the future (beyond the allowed clock skew); applied by validation, which owns the clock. */
  notFuture?: NotFuture;
  /** Allowed values of an enum field. */
  values?: readonly string[];
}

export interface LakeColumn {
  column: string;
  kind: ColumnKind;
  /** The record field it comes from, if any (metadata columns have none). */
  field?: string;
  /** The value is a keyed hash of the field. */
  hashed?: boolean;
  description: string;
}

export const snakeCase = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

type AnyDef = { type: string; innerType?: z.ZodType; entries?: Record<string, string> };

function unwrap(schema: z.ZodType): { schema: z.ZodType; required: boolean } {
  let current = schema;
  let required = true;
  for (;;) {
    const def = current._zod.def as AnyDef;
    if ((def.type === 'optional' || def.type === 'nullable' || def.type === 'default' || def.type === 'prefault') && def.innerType) {
      if (def.type !== 'default' && def.type !== 'prefault') required = false;
      current = def.innerType;
      continue;
    }
    return { schema: current, required };
  }
}

const fieldColumnsCache = new WeakMap<z.ZodObject, FieldColumn[]>();

/** The record columns of a schema, in declaration order (memoised: schemas are immutable). */
export function fieldColumns(schema: z.ZodObject): FieldColumn[] {
  let cached = fieldColumnsCache.get(schema);
  if (!cached) fieldColumnsCache.set(schema, (cached = deriveFieldColumns(schema)));
  return cached;
}

function deriveFieldColumns(schema: z.ZodObject): FieldColumn[] {
  return Object.entries(schema.shape).map(([field, value]) => {
    const { schema: inner, required } = unwrap(value as z.ZodType);
    const meta = columnMeta.get(inner) ?? columnMeta.get(value as z.ZodType);
    if (!meta) throw new Error(`field ${field} has no column metadata: declare it with a builder from schemas/fields.ts`);
    const def = inner._zod.def as AnyDef;
    const values = def.type === 'enum' && def.entries ? Object.values(def.entries) : undefined;
    return { field, column: snakeCase(field), kind: meta.kind, required, ...(meta.pii ? { pii: meta.pii } : {}), ...(meta.notFuture ? { notFuture: meta.notFuture } : {}), ...(values ? { values } : {}) };
  });
}

/** Change-metadata columns every lake row carries, after the record columns. */
export const lakeMetaColumns: LakeColumn[] = [
  { column: 'op', kind: 'string', description: 'insert, modify or remove (remove rows are tombstones)' },
  { column: 'version', kind: 'string', description: 'record version: normalised updated_at and content hash; orders versions of an id' },
  { column: 'seq', kind: 'string', description: 'DynamoDB stream sequence number, unique per change; deduplicates replays' },
  { column: 'changed_at', kind: 'timestamp', description: 'when the change reached the stream' },
];

const lakeColumnsCache = new WeakMap<z.ZodObject, LakeColumn[]>();

/** The lake columns of an entity: record columns with personal data hashed or omitted, then change metadata. */
export function lakeColumns(entity: AnyEntity): LakeColumn[] {
  let cached = lakeColumnsCache.get(entity.schema);
  if (!cached) lakeColumnsCache.set(entity.schema, (cached = deriveLakeColumns(entity)));
  return cached;
}

function deriveLakeColumns(entity: AnyEntity): LakeColumn[] {
  const record: LakeColumn[] = fieldColumns(entity.schema).flatMap((c): LakeColumn[] => {
    if (c.pii === 'omit') return [];
    if (c.pii === 'hash') return [{ column: `${c.column}_hash`, kind: 'string', field: c.field, hashed: true, description: `keyed hash (HMAC-SHA256) of ${c.field}` }];
    return [{ column: c.column, kind: c.kind, field: c.field, description: c.field }];
  });
  return [...record, ...lakeMetaColumns];
}

export const glueType: Record<ColumnKind, string> = {
  string: 'string',
  timestamp: 'timestamp',
  date: 'date',
  decimal: 'decimal(18,2)',
  bigint: 'bigint',
  double: 'double',
  boolean: 'boolean',
  json: 'string',
};

export const duckdbType: Record<ColumnKind, string> = {
  string: 'VARCHAR',
  timestamp: 'TIMESTAMP',
  date: 'DATE',
  decimal: 'DECIMAL(18,2)',
  bigint: 'BIGINT',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  json: 'VARCHAR',
};

/** Glue columns of an entity's lake table (the `dt` partition key is declared separately). */
export function glueColumns(entity: AnyEntity): { name: string; type: string; comment: string }[] {
  return lakeColumns(entity).map((c) => ({ name: c.column, type: glueType[c.kind], comment: c.description }));
}

export const lakeColumnsByEntity = (): Record<EntityName, LakeColumn[]> =>
  Object.fromEntries(Object.entries(entities).map(([name, d]) => [name, lakeColumns(d)])) as Record<EntityName, LakeColumn[]>;
