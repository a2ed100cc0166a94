// Flattens an event the way EventBridge reads it: every leaf value under its dot-joined path, arrays
// "crushed out" (each element is a value of the parent field), and for each leaf the array elements it
// sits in, so a match can insist that fields come from the same element of an array of objects.
import type { JsonLeaf } from './compiled-pattern.ts';

/** [array id, element index] for each enclosing array, outermost first. */
export type ArrayTrail = readonly (readonly [number, number])[];

export interface EventLeaf {
  readonly value: JsonLeaf;
  readonly trail: ArrayTrail;
}

export const isPlainObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

export function eventFields(event: Record<string, unknown>): Map<string, EventLeaf[]> {
  const fields = new Map<string, EventLeaf[]>();
  let arrays = 0;
  const visit = (value: unknown, path: string | undefined, trail: ArrayTrail): void => {
    if (Array.isArray(value)) {
      const id = arrays++;
      value.forEach((element, i) => visit(element, path, [...trail, [id, i]]));
    } else if (isPlainObject(value)) {
      for (const [key, child] of Object.entries(value)) visit(child, path === undefined ? key : `${path}.${key}`, trail);
    } else if (path !== undefined && (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')) {
      const leaves = fields.get(path);
      if (leaves) leaves.push({ value, trail });
      else fields.set(path, [{ value, trail }]);
    }
  };
  visit(event, undefined, []);
  return fields;
}
