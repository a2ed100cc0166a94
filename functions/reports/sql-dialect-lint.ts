// A lint for report SQL: it must run unchanged on Athena (Trino) and on DuckDB, and give the same
// rows on every run. No SQL parser is reliable for Trino offline (see the athena-vs-duckdb reference),
// so this rejects the known DuckDB-only forms and non-reproducible constructs by pattern, outside
// string literals and comments; the tests then run every file on DuckDB, which proves that it parses.
import { lakeColumns } from '#schemas/columns.ts';
import { entities } from '#schemas/registry.ts';
import { numericRuleProblems } from './sql-numeric-lint.ts';
import { splitSql } from './sql-text.ts';

export interface LintProblem {
  rule: string;
  message: string;
  /** 1-based line of the offending text. */
  line: number;
}

interface PatternRule {
  rule: string;
  pattern: RegExp;
  message: string;
}

const PATTERN_RULES: PatternRule[] = [
  { rule: 'double-colon-cast', pattern: /::/g, message: '`::` casts are DuckDB/Postgres only: write CAST(x AS type)' },
  { rule: 'qualify', pattern: /\bQUALIFY\b/gi, message: 'QUALIFY is DuckDB only: filter the window result in an outer query' },
  { rule: 'ilike', pattern: /\bILIKE\b/gi, message: 'ILIKE is DuckDB only: write lower(x) LIKE lower(pattern)' },
  { rule: 'exclude', pattern: /\bEXCLUDE\b/gi, message: 'SELECT * EXCLUDE is DuckDB only: list the columns' },
  // ARRAY[...] builds an array on both engines; any other bracket indexes, which differs between them.
  { rule: 'subscript', pattern: /(?<!\bARRAY\s*)\[/gi, message: '`[...]` indexing differs between engines: use element_at()' },
  { rule: 'all-shorthand', pattern: /\b(?:GROUP|ORDER)\s+BY\s+ALL\b/gi, message: 'GROUP BY ALL / ORDER BY ALL are DuckDB only: list the expressions' },
  { rule: 'duckdb-function', pattern: /\b(?:read_parquet|read_csv(?:_auto)?|read_json(?:_auto)?|struct_pack|list_value|strftime|strptime|epoch_ms)\s*\(/gi, message: 'DuckDB-only function: use the Trino one (the compatibility macros cover many)' },
  { rule: 'duckdb-clause', pattern: /\b(?:PIVOT|UNPIVOT|USING\s+SAMPLE|TABLESAMPLE\s+RESERVOIR)\b/gi, message: 'DuckDB-only clause' },
  { rule: 'integer-division-operator', pattern: /\/\//g, message: '`//` is DuckDB only: write CAST(a / NULLIF(b, 0) AS BIGINT) on integers' },
  { rule: 'bare-decimal', pattern: /\bDECIMAL\b(?!\s*\(\s*\d+\s*,\s*\d+\s*\))/gi, message: 'DECIMAL without (p, s) means different types on each engine: write DECIMAL(18,2)' },
  { rule: 'wall-clock', pattern: /\b(?:current_date|current_timestamp|current_time|localtimestamp|localtime|now\s*\(|today\s*\()/gi, message: 'the wall clock makes a report irreproducible: use :as_of' },
  { rule: 'randomness', pattern: /\b(?:random|rand|uuid|gen_random_uuid)\s*\(/gi, message: 'random values make a report irreproducible' },
  { rule: 'positional-placeholder', pattern: /\?/g, message: 'use a named placeholder such as :as_of, not `?`' },
  // Athena fails on x / 0 where DuckDB gives NULL: every divisor is a NULLIF(...) or a number literal.
  { rule: 'unguarded-division', pattern: /\/(?![/*])(?!\s*(?:NULLIF\s*\(|\d))/gi, message: 'divide by NULLIF(divisor, 0) (or a non-zero literal): x / 0 fails on Athena and is NULL on DuckDB' },
];

// `FROM orders` / `JOIN orders`: a lake table's current-state view (`orders_as_of` and `orders_history` do not match).
const CURRENT_STATE_READ = new RegExp(`\\b(?:FROM|JOIN)\\s+(${Object.values(entities).map((e) => e.table).join('|')})\\b`, 'gi');

/** Problems with one report SQL file; an empty list means it passes. */
export function lintReportSql(sql: string): LintProblem[] {
  const problems: LintProblem[] = [];
  const lineOf = (offset: number) => sql.slice(0, offset).split('\n').length;
  const code = splitSql(sql).filter((s) => s.kind === 'code');
  for (const segment of code) {
    for (const { rule, pattern, message } of PATTERN_RULES) {
      for (const match of segment.text.matchAll(pattern)) problems.push({ rule, message, line: lineOf(segment.offset + match.index) });
    }
  }
  for (const segment of code) {
    for (const match of segment.text.matchAll(CURRENT_STATE_READ)) {
      problems.push({
        rule: 'current-state',
        message: `${match[1]} is the state now, which changes after the as-of date: read ${match[1]}_as_of (or ${match[1]}_history filtered on updated_at)`,
        line: lineOf(segment.offset + match.index),
      });
    }
  }
  problems.push(...numericRuleProblems(sql, doubleLakeColumns()));
  const codeText = code.map((s) => s.text).join(' ');
  if (!/:as_of\b|\b[a-z_]+_as_of\b/i.test(codeText)) {
    problems.push({ rule: 'as-of', message: 'a report reads only data up to the as-of date: use :as_of or a <table>_as_of snapshot', line: 1 });
  }
  if (!/\bORDER\s+BY\b/i.test(outsideParentheses(codeText))) {
    problems.push({ rule: 'order-by', message: 'the outer query needs an ORDER BY on a unique key, or the Parquet row order (and bytes) can change between runs', line: lineOf(sql.length) });
  }
  return problems.sort((a, b) => a.line - b.line || a.rule.localeCompare(b.rule));
}

let doubleColumns: Set<string> | undefined;
/** Lake columns of kind double (`probability`, `p_alive`, ...): a DOUBLE where the lint sees only names. */
function doubleLakeColumns(): Set<string> {
  doubleColumns ??= new Set(Object.values(entities).flatMap((e) => lakeColumns(e).filter((c) => c.kind === 'double').map((c) => c.column)));
  return doubleColumns;
}

/** The text at parenthesis depth 0: the outer query without its CTE bodies, sub-queries and OVER (...). */
function outsideParentheses(code: string): string {
  let depth = 0;
  let out = '';
  for (const c of code) {
    if (c === '(') depth += 1;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0) out += c;
  }
  return out;
}
