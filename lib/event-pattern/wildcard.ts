// `wildcard` values: `*` matches zero or more characters, `\*` is a literal asterisk and `\\` a
// literal backslash; consecutive `*` and any other escape are rejected (event-ruler's WildcardParser).

/** The literal pieces between the wildcards: `a*b*c` is ["a", "b", "c"], `*` is ["", ""]. */
export type WildcardPattern = readonly string[];

/** Parses a wildcard value; throws with EventBridge's reason, positions counted from 1. */
export function parseWildcard(text: string): WildcardPattern {
  const pieces: string[] = [];
  let piece = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '*') {
      if (text[i + 1] === '*') throw new Error(`Consecutive wildcard characters at pos ${i + 1}`);
      pieces.push(piece);
      piece = '';
    } else if (c === '\\') {
      const next = text[i + 1];
      if (next !== '*' && next !== '\\') throw new Error(`Invalid escape character at pos ${i + 1}`);
      piece += next;
      i++;
    } else {
      piece += c;
    }
  }
  pieces.push(piece);
  return pieces;
}

/** Whole-value match; leftmost placement of each middle piece is enough for `*`-only globs. */
export function matchesWildcard(pattern: WildcardPattern, value: string): boolean {
  const first = pattern[0] ?? '';
  if (pattern.length === 1) return value === first;
  const last = pattern[pattern.length - 1] ?? '';
  if (first.length + last.length > value.length || !value.startsWith(first) || !value.endsWith(last)) return false;
  const end = value.length - last.length;
  let at = first.length;
  for (let i = 1; i < pattern.length - 1; i++) {
    const piece = pattern[i] ?? '';
    const found = value.indexOf(piece, at);
    if (found < 0 || found + piece.length > end) return false;
    at = found + piece.length;
  }
  return true;
}
