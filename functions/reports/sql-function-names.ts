// The functions a report SQL file calls, so a test can require a checked Trino example for each one
// (test/reports/report-sql-functions.test.ts): keywords followed by a parenthesis, table aliases with
// column lists (`AS offsets (n)`) and CTEs with column lists (`digits (d) AS (`) are not calls.
import { closingParen, splitSql } from './sql-text.ts';

const NOT_FUNCTIONS = new Set([
  'and', 'or', 'not', 'as', 'in', 'on', 'from', 'join', 'using', 'select', 'where', 'when', 'then', 'else', 'exists', 'values',
  'over', 'filter', 'within', 'cast', 'try_cast', 'with', 'by', 'union', 'all', 'any', 'some', 'between', 'like', 'is', 'case', 'end',
  // Type names with parameters: DECIMAL(18,2), VARCHAR(10), TIMESTAMP(3).
  'decimal', 'varchar', 'char', 'timestamp', 'time', 'interval', 'row', 'array',
]);

/** Lower-case names of the functions `sql` calls (strings and comments ignored). */
export function sqlFunctionNames(sql: string): Set<string> {
  const code = splitSql(sql)
    .map((s) => (s.kind === 'code' ? s.text : ' '))
    .join('');
  const names = new Set<string>();
  for (const m of code.matchAll(/(\w+\s+)?\b([A-Za-z_][A-Za-z0-9_]*)\s*\(/g)) {
    const name = m[2]!.toLowerCase();
    if (NOT_FUNCTIONS.has(name) || /^AS\s+$/i.test(m[1] ?? '')) continue;
    const close = closingParen(code, m.index + m[0].length - 1);
    if (close > 0 && /^\s*AS\s*\(/i.test(code.slice(close + 1))) continue;
    names.add(name);
  }
  return names;
}
