// Splits SQL text into code, string literals, quoted identifiers and comments, so that placeholder
// binding and the dialect lint look only at code (a `?` or `::` inside a string or a comment is text).

export interface SqlSegment {
  kind: 'code' | 'string' | 'identifier' | 'comment';
  text: string;
  /** Offset of the segment in the original text. */
  offset: number;
}

export function splitSql(sql: string): SqlSegment[] {
  const segments: SqlSegment[] = [];
  let codeStart = 0;
  let i = 0;
  const push = (kind: SqlSegment['kind'], start: number, end: number) => {
    if (codeStart < start) segments.push({ kind: 'code', text: sql.slice(codeStart, start), offset: codeStart });
    segments.push({ kind, text: sql.slice(start, end), offset: start });
    codeStart = end;
    i = end;
  };
  while (i < sql.length) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === "'") push('string', i, closingQuote(sql, i));
    else if (c === '"') push('identifier', i, closingQuote(sql, i));
    else if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      push('comment', i, end < 0 ? sql.length : end);
    } else if (c === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      if (end < 0) throw new Error(`unterminated /* comment at offset ${i}`);
      push('comment', i, end + 2);
    } else i += 1;
  }
  if (codeStart < sql.length) segments.push({ kind: 'code', text: sql.slice(codeStart), offset: codeStart });
  return segments;
}

/** Index just past the quote that closes the literal or identifier starting at `start` ('' and "" escape). */
function closingQuote(sql: string, start: number): number {
  const quote = sql[start]!;
  for (let i = start + 1; ; ) {
    const end = sql.indexOf(quote, i);
    if (end < 0) throw new Error(`unterminated ${quote === "'" ? 'string literal' : 'quoted identifier'} at offset ${start}`);
    if (sql[end + 1] !== quote) return end + 1;
    i = end + 2;
  }
}

/** The index of the parenthesis that closes the one at `open` (masked text: no parentheses in strings), or -1. */
export function closingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i += 1) {
    if (text[i] === '(') depth += 1;
    else if (text[i] === ')' && --depth === 0) return i;
  }
  return -1;
}
