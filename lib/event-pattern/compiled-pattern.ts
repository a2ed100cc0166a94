// The compiled form of an event pattern: `$or` expanded into alternative branches, each a list of
// field conditions on dot-joined paths (`{"detail": {"state": [...]}}` -> `detail.state`).

/** A value an event can hold at a leaf. */
export type JsonLeaf = string | number | boolean | null;

/** One element of a field's value list, e.g. `"running"` or `{"prefix": "i-"}`. */
export type ValueTest = (value: JsonLeaf) => boolean;

export interface FieldCondition {
  /** Dot-joined field path, the key EventBridge matches events on. */
  readonly path: string;
  /** The field matches when one of its values passes one of these tests. */
  readonly tests: readonly ValueTest[];
  /** The list holds `{"exists": false}`: the field also matches when it has no value. */
  readonly matchesAbsence: boolean;
}

export interface CompiledPattern {
  /** Alternatives from `$or`; the event matches when every condition of one branch holds. */
  readonly branches: readonly (readonly FieldCondition[])[];
}
