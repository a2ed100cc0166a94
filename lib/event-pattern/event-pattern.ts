// Amazon EventBridge event patterns in pure TypeScript: the same syntax, the same rejections and the
// same matches as EventBridge (which runs aws/event-ruler), so the local bus and the deployed rules
// route events alike.
import type { CompiledPattern } from './compiled-pattern.ts';
import { matches } from './pattern-matching.ts';
import { validatePattern } from './pattern-validation.ts';

export type { CompiledPattern, FieldCondition, JsonLeaf } from './compiled-pattern.ts';
export { matches } from './pattern-matching.ts';
export { validatePattern, type PatternValidation } from './pattern-validation.ts';

export type PatternTestResult = 'match' | 'no-match' | 'invalid';

/**
 * What EventBridge's TestEventPattern would say. Pattern and event may be given as JSON text, as the
 * API takes them, or already parsed.
 */
export function testEventPattern(pattern: unknown, event: unknown): PatternTestResult {
  const validation = validatePattern(pattern);
  if (!validation.ok) return 'invalid';
  return matches(validation.pattern, parseEvent(event)) ? 'match' : 'no-match';
}

function parseEvent(event: unknown): unknown {
  if (typeof event !== 'string') return event;
  try {
    return JSON.parse(event) as unknown;
  } catch {
    return undefined;
  }
}

/** Compiles or throws with EventBridge's reason, for patterns known at start-up (rules in code). */
export function compilePattern(pattern: unknown): CompiledPattern {
  const validation = validatePattern(pattern);
  if (!validation.ok) throw new Error(validation.error, { cause: { pattern } });
  return validation.pattern;
}
