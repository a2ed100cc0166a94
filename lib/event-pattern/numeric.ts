// Numbers as EventBridge compares them: exact decimals in millionths, limited to ±5e9 with at most
// six decimal places (event-ruler's ComparableNumber). Numbers outside that never match `numeric`.

export const NUMERIC_LIMIT = 5e9;
const MAX_DECIMALS = 6;
const LIMIT_MICROS = 5_000_000_000_000_000n;

export type Comparable = { ok: true; micros: bigint } | { ok: false; reason: string };

/** The number in millionths, or why EventBridge cannot compare it. */
export function comparable(n: number): Comparable {
  if (!Number.isFinite(n)) return { ok: false, reason: `Value must be between ${-NUMERIC_LIMIT} and ${NUMERIC_LIMIT}, inclusive` };
  // The shortest round-trip decimal is the JSON text the number came from (up to trailing zeros).
  const [mantissa = '0', exponent = '0'] = Math.abs(n).toString().split('e');
  const [whole = '0', fraction = ''] = mantissa.split('.');
  let digits = (whole + fraction).replace(/^0+(?=\d)/, '');
  let scale = fraction.length - Number(exponent);
  if (scale < 0) {
    digits += '0'.repeat(-scale);
    scale = 0;
  }
  while (scale > 0 && digits.length > 1 && digits.endsWith('0')) {
    digits = digits.slice(0, -1);
    scale--;
  }
  if (scale > MAX_DECIMALS) return { ok: false, reason: `Only values upto ${MAX_DECIMALS} decimals are supported` };
  const micros = BigInt(digits) * 10n ** BigInt(MAX_DECIMALS - scale) * (n < 0 ? -1n : 1n);
  if (micros > LIMIT_MICROS || micros < -LIMIT_MICROS) return { ok: false, reason: `Value must be between ${-NUMERIC_LIMIT} and ${NUMERIC_LIMIT}, inclusive` };
  return { ok: true, micros };
}

export const toMicros = (n: number): bigint | undefined => {
  const c = comparable(n);
  return c.ok ? c.micros : undefined;
};

interface Bound {
  micros: bigint;
  inclusive: boolean;
}

/** A numeric filter: one bound, two bounds, or equality (both bounds inclusive and equal). */
export interface NumericRange {
  lower?: Bound;
  upper?: Bound;
}

export function inNumericRange(range: NumericRange, value: number): boolean {
  const v = toMicros(value);
  if (v === undefined) return false;
  const { lower, upper } = range;
  if (lower && (lower.inclusive ? v < lower.micros : v <= lower.micros)) return false;
  if (upper && (upper.inclusive ? v > upper.micros : v >= upper.micros)) return false;
  return true;
}

const isOperator = (x: unknown, ...ops: string[]): x is string => typeof x === 'string' && ops.includes(x);
const describe = (x: unknown) => (x === undefined ? ']' : typeof x === 'string' ? x : JSON.stringify(x));

function operand(op: string, value: unknown): bigint {
  if (typeof value !== 'number') throw new Error(`Value of ${op === '=' ? 'equals' : op} must be numeric`);
  const c = comparable(value);
  if (!c.ok) throw new Error(c.reason);
  return c.micros;
}

/**
 * Parses the operand of `numeric` the way event-ruler walks it: `["=", n]`, `["<"|"<=", n]`,
 * `[">"|">=", n]`, or `[">"|">=", a, "<"|"<=", b]` with a < b. Throws with EventBridge's reason.
 */
export function parseNumericRange(expression: unknown): NumericRange {
  if (!Array.isArray(expression)) throw new Error('Value of numeric must be an array.');
  const [op, value, op2, value2, ...rest] = expression as unknown[];
  const length = expression.length;
  if (typeof op !== 'string') throw new Error(`Invalid member in numeric match: ${describe(op)}`);
  if (op === '=') {
    const micros = operand(op, value);
    if (length > 2) throw new Error('Too many elements in numeric expression');
    return { lower: { micros, inclusive: true }, upper: { micros, inclusive: true } };
  }
  if (isOperator(op, '<', '<=')) {
    const micros = operand(op, value);
    if (length > 2) throw new Error('Too many elements in numeric expression');
    return { upper: { micros, inclusive: op === '<=' } };
  }
  if (!isOperator(op, '>', '>=')) throw new Error(`Unrecognized numeric range operator: ${op}`);
  const lower = { micros: operand(op, value), inclusive: op === '>=' };
  if (length <= 2) return { lower };
  if (typeof op2 !== 'string') throw new Error(`Bad value in numeric range: ${describe(op2)}`);
  if (!isOperator(op2, '<', '<=')) throw new Error(`Bad numeric range operator: ${op2}`);
  const upper = { micros: operand(op2, value2), inclusive: op2 === '<=' };
  if (rest.length) throw new Error('Too many terms in numeric range expression');
  if (lower.micros >= upper.micros) throw new Error('Bottom must be less than top');
  return { lower, upper };
}
