// Named placeholders (`:as_of`) in report SQL → positional `?` with bound values. Athena's
// ExecutionParameters and DuckDB's prepared statements both take `?`, and Athena passes each value as
// SQL literal text while DuckDB binds it typed, so every placeholder becomes `CAST(? AS <type>)`:
// the same text then means the same on both engines.
import type { QueryParam } from '#lib/query/engine.ts';
import { splitSql } from './sql-text.ts';

export interface NamedParameter {
  /** SQL type the value is cast to, e.g. `DATE`. */
  type: string;
  value: QueryParam;
}

export interface BoundSql {
  sql: string;
  params: QueryParam[];
}

// `::` is matched first so a DuckDB-style cast is never read as a placeholder (the dialect lint rejects it).
const TOKEN = /::|:([A-Za-z_][A-Za-z0-9_]*)|\?/g;

/**
 * Replaces each `:name` outside string literals, quoted identifiers and comments. Comments are dropped
 * (a `?` in a comment could count as a parameter on one engine and not on the other), and so is a
 * trailing semicolon (Athena rejects it). A bare `?` is rejected: report SQL names its parameters.
 */
export function bindNamedParameters(sql: string, parameters: Readonly<Record<string, NamedParameter>>): BoundSql {
  const params: QueryParam[] = [];
  let out = '';
  for (const segment of splitSql(sql)) {
    if (segment.kind === 'comment') {
      // A line comment ends at its newline, which stays; a block comment may sit between two tokens.
      if (segment.text.startsWith('/*')) out += ' ';
      continue;
    }
    if (segment.kind !== 'code') {
      out += segment.text;
      continue;
    }
    out += segment.text.replace(TOKEN, (token, name: string | undefined, at: number) => {
      if (token === '::') return token;
      if (token === '?') throw new Error(`positional placeholder "?" at offset ${segment.offset + at}: use a named one such as :as_of`);
      const parameter = parameters[name!];
      if (!parameter) throw new Error(`unknown placeholder :${name} (known: ${Object.keys(parameters).map((n) => `:${n}`).join(', ') || 'none'})`);
      params.push(parameter.value);
      return `CAST(? AS ${parameter.type})`;
    });
  }
  return { sql: out.trim().replace(/;$/, '').trimEnd(), params };
}
