// Query result column types → lake column kinds, which fix the Parquet (and Glue) type of a report
// output. Both engines report types in upper case (`DECIMAL(38,2)`, `TIMESTAMP(3)`, `VARCHAR`).
import type { ColumnKind } from '#schemas/fields.ts';
import type { QueryColumn } from '#lib/query/engine.ts';
import type { ReportColumn } from './report-definition.ts';

const INTEGER_TYPES = new Set(['TINYINT', 'SMALLINT', 'INTEGER', 'INT', 'BIGINT', 'HUGEINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT']);
const DOUBLE_TYPES = new Set(['DOUBLE', 'FLOAT', 'REAL']);
const STRING_TYPES = /^(?:VARCHAR|CHAR|STRING|TEXT)(?:\(\d+\))?$/;

/**
 * The kind of a result column type. The lake stores money as DECIMAL(18,2), so a decimal with more
 * than two places is refused rather than rounded silently: cast it to DECIMAL(18,2) (money) or DOUBLE
 * (ratios). Sums come back as DECIMAL(38,2) and are accepted; values beyond 18 digits fail when encoded.
 */
export function columnKindOf(column: QueryColumn): ColumnKind {
  const type = column.type.trim().toUpperCase();
  if (STRING_TYPES.test(type)) return 'string';
  if (type === 'BOOLEAN') return 'boolean';
  if (INTEGER_TYPES.has(type)) return 'bigint';
  if (DOUBLE_TYPES.has(type)) return 'double';
  if (type === 'DATE') return 'date';
  if (/^TIMESTAMP(?:\(\d\))?(?:_(?:S|MS|NS))?(?: WITH(?:OUT)? TIME ZONE)?$/.test(type)) return 'timestamp';
  if (type === 'JSON') return 'json';
  const decimal = /^DECIMAL\((\d+),\s*(\d+)\)$/.exec(type);
  if (decimal && Number(decimal[2]) <= 2) return 'decimal';
  throw new Error(
    `column ${column.name} has type ${column.type}, which a report table cannot store: cast money to DECIMAL(18,2), ratios to DOUBLE, counts to BIGINT, structures to JSON`,
  );
}

export const reportColumns = (columns: readonly QueryColumn[]): ReportColumn[] => columns.map((c) => ({ name: c.name, kind: columnKindOf(c) }));
