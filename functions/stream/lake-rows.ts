// Turns changes into lake rows (snake_case columns, personal fields hashed or dropped) and into the
// pseudonymous camelCase records that domain events carry.
import { fieldColumns, lakeColumns, type LakeColumn } from '#schemas/columns.ts';
import type { AnyEntity } from '#schemas/registry.ts';
import type { Change } from './changes.ts';
import type { Pseudonymize } from './pseudonymize.ts';

export type LakeRow = Record<string, unknown>;

function lakeValue(column: LakeColumn, value: unknown, hash: Pseudonymize): unknown {
  if (value === undefined || value === null) return null;
  if (column.hashed) return hash(column.field!, value);
  switch (column.kind) {
    case 'timestamp':
      return new Date(String(value));
    case 'json':
      return JSON.stringify(value);
    case 'decimal':
    case 'double':
    case 'bigint':
      return Number(value);
    case 'boolean':
      return Boolean(value);
    default:
      return String(value);
  }
}

export function toLakeRow(change: Change, hash: Pseudonymize): LakeRow {
  // A removal keeps the last known business values, so the tombstone still says what was removed, but no
  // hash of personal data: removals come from erasure (and merges), and the hash would link back.
  const record = (change.current ?? change.previous ?? {}) as Record<string, unknown>;
  const row: LakeRow = {};
  for (const column of lakeColumns(change.entity)) {
    if (column.field) row[column.column] = column.hashed && change.op === 'remove' ? null : lakeValue(column, record[column.field], hash);
  }
  row.op = change.op;
  row.version = change.version;
  row.seq = change.seq;
  row.changed_at = change.changedAt;
  return row;
}

/** The record as domain events carry it: personal fields become `<field>Hash` or are left out. */
export function safeRecord(entity: AnyEntity, record: Record<string, unknown> | undefined, hash: Pseudonymize, options: { withoutHashes?: boolean } = {}): Record<string, unknown> | undefined {
  if (!record) return undefined;
  const out: Record<string, unknown> = {};
  for (const c of fieldColumns(entity.schema)) {
    const value = record[c.field];
    if (value === undefined) continue;
    if (c.pii === 'omit' || (c.pii === 'hash' && options.withoutHashes)) continue;
    if (c.pii === 'hash') out[`${c.field}Hash`] = hash(c.field, value);
    else out[c.field] = value;
  }
  return out;
}
