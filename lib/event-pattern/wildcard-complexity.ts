// EventBridge rejects rules whose wildcards on one field could keep too many matching paths alive at
// once ("Rule is too complex"). event-ruler's MachineComplexityEvaluator measures, over every possible
// input, how many wildcard-pattern prefixes the input matches at the same time; we compute the same
// number by walking the subsets of prefix positions reachable in the patterns' automaton.
import type { WildcardPattern } from './wildcard.ts';

// Highest complexity EventBridge accepts. Not published; bracketed by recorded outcomes: three
// `*:stack/NAME/*` values on one field (9) and `/Users/*/dir/dir/dir/dir/dir/doc.txt` (7) are accepted,
// four `*:stack/NAME/*` values (12) and `*:*:*:*:*:event-bus/*` (11) are rejected.
export const MAX_WILDCARD_COMPLEXITY = 10;
/** Bound on the subsets explored; a field that needs more is certainly too complex. */
const MAX_EXPLORED = 20_000;

const STAR = -1;
const QUOTE = 0x22;
const OTHER_BYTE = -2;
const encoder = new TextEncoder();

/** UTF-8 bytes of the value with the quotes event-ruler stores around strings; STAR for each wildcard. */
function tokens(pattern: WildcardPattern): number[] {
  const out = [QUOTE];
  pattern.forEach((piece, i) => {
    if (i > 0) out.push(STAR);
    out.push(...encoder.encode(piece));
  });
  out.push(QUOTE);
  return out;
}

/**
 * The largest number of prefixes (a position in one of the distinct patterns) that a single input
 * matches in full, capped just above `limit`.
 */
export function wildcardComplexity(patterns: readonly WildcardPattern[], limit = MAX_WILDCARD_COMPLEXITY): number {
  const words = [...new Map(patterns.map((p) => [JSON.stringify(p), tokens(p)])).values()];
  if (!words.length) return 0;
  // A state is (word, k): the input so far matches the word's first k tokens, k >= 1.
  const offsets: number[] = [];
  let total = 0;
  for (const w of words) {
    offsets.push(total);
    total += w.length + 1;
  }
  const alphabet = [...new Set(words.flat().filter((t) => t !== STAR)), OTHER_BYTE];

  const withSkippedStars = (states: Set<number>, word: number[], base: number, k: number) => {
    states.add(base + k);
    // A wildcard may match nothing, so reaching the position before it also reaches the one after.
    if (word[k] === STAR) states.add(base + k + 1);
  };
  const step = (current: readonly number[], byte: number): number[] => {
    const next = new Set<number>();
    for (const id of current) {
      const w = upperIndex(offsets, id);
      const word = words[w] ?? [];
      const base = offsets[w] ?? 0;
      const k = id - base;
      if (k >= 1 && word[k - 1] === STAR) next.add(id);
      if (k < word.length && word[k] === byte) withSkippedStars(next, word, base, k + 1);
    }
    return [...next].sort((a, b) => a - b);
  };

  const start = offsets.map((base) => base);
  const seen = new Set<string>();
  const queue: number[][] = [start];
  let worst = 0;
  while (queue.length) {
    const current = queue.pop() ?? [];
    for (const byte of alphabet) {
      const next = step(current, byte);
      if (!next.length) continue;
      worst = Math.max(worst, next.length);
      if (worst > limit) return worst;
      const key = next.join(',');
      if (seen.has(key)) continue;
      if (seen.size >= MAX_EXPLORED) return limit + 1;
      seen.add(key);
      queue.push(next);
    }
  }
  return worst;
}

/** Index of the last offset <= id (offsets ascending). */
function upperIndex(offsets: readonly number[], id: number): number {
  let lo = 0;
  let hi = offsets.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((offsets[mid] ?? 0) <= id) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
