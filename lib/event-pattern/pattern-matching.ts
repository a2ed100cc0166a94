// Matches a compiled pattern against an event. Within a branch every field condition must hold; a
// condition holds when one of the field's values passes one of its tests, or when the field has no value
// and the list allows `{"exists": false}`. Like event-ruler's array-consistent matching, values chosen
// for different fields may not come from different elements of the same array; absence is judged
// among the values consistent with the fields (in path order) matched before it.
import type { CompiledPattern, FieldCondition } from './compiled-pattern.ts';
import { eventFields, isPlainObject, type ArrayTrail, type EventLeaf } from './event-fields.ts';

/** Element chosen so far in each array the matched values sit in. */
type Membership = ReadonlyMap<number, number>;

const consistent = (membership: Membership, trail: ArrayTrail) => trail.every(([array, index]) => (membership.get(array) ?? index) === index);

function joined(membership: Membership, trail: ArrayTrail): Membership {
  if (trail.every(([array]) => membership.has(array))) return membership;
  const next = new Map(membership);
  for (const [array, index] of trail) next.set(array, index);
  return next;
}

function holds(conditions: readonly FieldCondition[], i: number, fields: Map<string, EventLeaf[]>, membership: Membership): boolean {
  const condition = conditions[i];
  if (!condition) return true;
  let present = false;
  for (const leaf of fields.get(condition.path) ?? []) {
    if (!consistent(membership, leaf.trail)) continue;
    present = true;
    if (condition.tests.some((test) => test(leaf.value)) && holds(conditions, i + 1, fields, joined(membership, leaf.trail))) return true;
  }
  return !present && condition.matchesAbsence && holds(conditions, i + 1, fields, membership);
}

export function matches(compiled: CompiledPattern, event: unknown): boolean {
  if (!isPlainObject(event)) return false;
  const fields = eventFields(event);
  return compiled.branches.some((conditions) => holds(conditions, 0, fields, new Map()));
}
