// The numeric part of the report SQL lint: forms whose value (so whose Parquet bytes) differs between
// Athena (Trino) and DuckDB although both accept them. Measured on DuckDB 1.5 and read from Trino's source:
// - CAST(DOUBLE AS DECIMAL(p,s)): Trino rounds the double's shortest decimal string half up
//   (CAST(0.285e0 AS DECIMAL(18,2)) = 0.29), DuckDB its binary value (0.2849999... -> 0.28).
// - CAST(DOUBLE AS BIGINT/INTEGER): Trino rounds half up (2.5e0 -> 3), DuckDB half to even (-> 2).
// - avg(DECIMAL): DECIMAL rounded half up on Trino, DOUBLE on DuckDB; DECIMAL / DECIMAL is DOUBLE on DuckDB.
// - round(DOUBLE, d) agrees for a literal d >= 0: both scale by 10^d, round half away from zero and scale back
//   (test/reports/report-sql-functions.test.ts checks DuckDB against Trino's algorithm); a negative d differs
//   (Trino multiplies by 10^d, DuckDB divides by 10^-d), and so would a d only known at run time.
// The lint sees names, not types: a double is anything cast to DOUBLE/REAL, an avg(), an e-notation literal
// or a lake column of kind double. It cannot tell DECIMAL / DECIMAL (DOUBLE on DuckDB) from BIGINT / BIGINT
// inside a cast: divide integers (cents) only, as the money mean does.
import type { LintProblem } from './sql-dialect-lint.ts';
import { closingParen, splitSql } from './sql-text.ts';

/** Decimal (cents) mean, half away from zero like Trino's avg(DECIMAL): the advice for money averages. */
export const MONEY_MEAN_FORM = 'CAST(sign(c) * ((2 * abs(c) + n) / NULLIF(2 * n, 0)) * 0.01 AS DECIMAL(18,2)) with c = CAST(sum(money) * 100 AS BIGINT), n = count(*)';

interface Call {
  name: string;
  /** Offset of the name in the SQL. */
  offset: number;
  /** The text between the call's parentheses (strings masked, comments blanked). */
  args: string;
}

/** Problems with CASTs, avg() and round() whose results differ between the engines. */
export function numericRuleProblems(sql: string, doubleColumns: ReadonlySet<string>): LintProblem[] {
  const masked = maskedSql(sql);
  const lineOf = (offset: number) => sql.slice(0, offset).split('\n').length;
  const isDouble = (expr: string) =>
    /\bAS\s+(?:DOUBLE|REAL)\b/i.test(expr) ||
    /\bavg\s*\(/i.test(expr) ||
    /(?<![\w.])\d+(?:\.\d*)?e[+-]?\d+\b/i.test(expr) ||
    [...expr.matchAll(/\b[a-z_][a-z0-9_]*\b/gi)].some((m) => doubleColumns.has(m[0].toLowerCase()));
  const problems: LintProblem[] = [];
  const add = (rule: string, offset: number, message: string) => problems.push({ rule, message, line: lineOf(offset) });

  for (const call of calls(masked, ['cast', 'avg', 'round'])) {
    if (call.name === 'avg') {
      if (!/^\s*(?:DISTINCT\s+)?CAST\s*\(/i.test(call.args) || !wholeCall(call.args.trim().replace(/^DISTINCT\s+/i, ''), 'cast') || !/\bAS\s+DOUBLE\s*\)\s*$/i.test(call.args)) {
        add('avg-type', call.offset, `avg(${call.args.trim()}) of a DECIMAL is DECIMAL on Trino and DOUBLE on DuckDB: average measures as avg(CAST(x AS DOUBLE)); for money write ${MONEY_MEAN_FORM}`);
      }
      continue;
    }
    if (call.name === 'round') {
      const args = topLevelSplit(call.args, ',');
      if (args.length === 2 && !/^\s*\d+\s*$/.test(args[1]!)) {
        add('round-digits', call.offset, `round(x, ${args[1]!.trim()}): only a literal digit count >= 0 rounds the same (a negative one scales differently on Trino and DuckDB)`);
      }
      continue;
    }
    const asAt = lastTopLevelAs(call.args);
    if (asAt < 0) continue;
    const expr = call.args.slice(0, asAt);
    const type = call.args.slice(asAt).replace(/^AS\s+/i, '').trim();
    const decimal = /^DECIMAL\s*\(\s*(\d+)\s*,\s*(\d+)\s*\)$/i.exec(type);
    if (decimal) {
      const scale = Number(decimal[2]);
      if (decimal[1] === '18' && scale === 2 && /\bAS\s+(?:DOUBLE|REAL)\b|\bavg\s*\(/i.test(expr)) {
        add('money-through-double', call.offset, `money (DECIMAL(18,2)) computed through DOUBLE rounds the double, not the decimal: for a mean write ${MONEY_MEAN_FORM}`);
      } else if (isDouble(expr) && !roundedTo(expr, scale)) {
        add('decimal-from-double', call.offset, `CAST(double AS DECIMAL(${decimal[1]},${scale})) rounds the shortest decimal string half up on Trino and the binary value on DuckDB (0.285e0 -> 0.29 vs 0.28): write CAST(round(x, ${scale}) AS DECIMAL(${decimal[1]},${scale}))`);
      }
    } else if (/^(?:BIGINT|INTEGER|INT|SMALLINT|TINYINT)$/i.test(type) && isDouble(expr) && !roundedTo(expr, 0)) {
      add('integer-from-double', call.offset, `CAST(double AS ${type.toUpperCase()}) rounds half up on Trino and half to even on DuckDB (2.5e0 -> 3 vs 2): write CAST(round(x) AS ${type.toUpperCase()}) (or floor/ceiling)`);
    }
  }
  return problems;
}

/** True when `expr` is one call of round(x, scale) (round(x) or floor/ceiling for scale 0). */
function roundedTo(expr: string, scale: number): boolean {
  const trimmed = expr.trim();
  if (scale === 0 && ['floor', 'ceiling', 'ceil', 'truncate'].some((f) => wholeCall(trimmed, f))) return true;
  if (!wholeCall(trimmed, 'round')) return false;
  const args = topLevelSplit(trimmed.slice(trimmed.indexOf('(') + 1, -1), ',');
  return args.length === 1 ? scale === 0 : args.length === 2 && Number(args[1]!.trim()) === scale && /^\s*\d+\s*$/.test(args[1]!);
}

/** True when `expr` is exactly one call of `name(...)`, its closing parenthesis the last character. */
function wholeCall(expr: string, name: string): boolean {
  const m = new RegExp(`^${name}\\s*\\(`, 'i').exec(expr);
  return !!m && closingParen(expr, m[0].length - 1) === expr.length - 1;
}

/** Every call of the named functions, with its argument text; nested calls are found too. */
function calls(masked: string, names: string[]): Call[] {
  const out: Call[] = [];
  for (const m of masked.matchAll(new RegExp(`\\b(${names.join('|')})\\s*\\(`, 'gi'))) {
    const open = m.index + m[0].length - 1;
    const close = closingParen(masked, open);
    if (close > open) out.push({ name: m[1]!.toLowerCase(), offset: m.index, args: masked.slice(open + 1, close) });
  }
  return out;
}

/** Pieces of `text` split at `separator` where it is outside parentheses. */
function topLevelSplit(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i += 1) {
    if (text[i] === '(') depth += 1;
    else if (text[i] === ')') depth -= 1;
    else if (depth === 0 && text[i] === separator) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** Offset of the CAST's own `AS` (the last one outside parentheses), or -1. */
function lastTopLevelAs(args: string): number {
  let depth = 0;
  let found = -1;
  for (let i = 0; i < args.length; i += 1) {
    if (args[i] === '(') depth += 1;
    else if (args[i] === ')') depth -= 1;
    else if (depth === 0 && /^AS\b/i.test(args.slice(i, i + 3)) && /\s/.test(args[i - 1] ?? '')) found = i;
  }
  return found;
}

/** The SQL with string literals and quoted identifiers masked and comments blanked, offsets kept. */
function maskedSql(sql: string): string {
  return splitSql(sql)
    .map((s) => {
      if (s.kind === 'code') return s.text;
      if (s.kind === 'comment') return s.text.replace(/[^\n]/g, ' ');
      return s.text[0] + '_'.repeat(Math.max(0, s.text.length - 2)) + s.text[0];
    })
    .join('');
}
