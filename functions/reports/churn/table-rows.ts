// Reading SQL result rows (QueryResult conventions: numbers as numbers, DATE as 'YYYY-MM-DD') with a clear
// error when a column does not hold what the churn models need.
import type { ReportColumn, ReportTable } from '../report-definition.ts';
import type { ColumnKind } from '#schemas/fields.ts';

type Row = Record<string, unknown>;

export function numberIn(row: Row, column: string, table: string, index: number): number {
  const value = row[column];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`churn: table ${table}, row ${index + 1}: column ${column} must be a number, got ${JSON.stringify(value)}`);
  return value;
}

export function stringIn(row: Row, column: string, table: string, index: number): string {
  const value = row[column];
  if (typeof value !== 'string') throw new Error(`churn: table ${table}, row ${index + 1}: column ${column} must be text, got ${JSON.stringify(value)}`);
  return value;
}

export const requireTable = (tables: Readonly<Record<string, ReportTable>>, name: string): ReportTable => {
  const table = tables[name];
  if (!table) throw new Error(`churn: the SQL table ${name} is missing`);
  return table;
};

/** Columns in order from [name, kind] pairs. */
export const columns = (...pairs: [string, ColumnKind][]): ReportColumn[] => pairs.map(([name, kind]) => ({ name, kind }));

/** Money to whole cents, as DECIMAL(18,2) holds it. */
export const cents = (value: number) => Math.round(value * 100) / 100;
