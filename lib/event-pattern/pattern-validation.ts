// Compiles an event pattern, rejecting what EventBridge rejects with EventBridge's reason (the rules
// of event-ruler's JsonRuleCompiler) and the path of the offending element, e.g.
// `Event pattern is not valid. Reason: prefix match pattern must be a string (at detail.state[0].prefix)`.
import type { CompiledPattern, FieldCondition, JsonLeaf, ValueTest } from './compiled-pattern.ts';
import { inIpRange, parseCidr, parseIp, singleAddress } from './cidr.ts';
import { isPlainObject } from './event-fields.ts';
import { ignoreCaseMatcher } from './ignore-case.ts';
import { comparable, inNumericRange, parseNumericRange } from './numeric.ts';
import { matchesWildcard, parseWildcard, type WildcardPattern } from './wildcard.ts';
import { MAX_WILDCARD_COMPLEXITY, wildcardComplexity } from './wildcard-complexity.ts';

export type PatternValidation = { ok: true; pattern: CompiledPattern } | { ok: false; error: string };

const OR = '$or';
// Operator names (and a few event-ruler keeps for later) cannot be field names inside `$or`.
const RESERVED_IN_OR = new Set([
  'exactly', 'equals-ignore-case', 'prefix', 'suffix', 'anything-but', 'exists', 'wildcard', 'numeric', 'cidr',
  '=', '<', '<=', '>', '>=', 'regex', 'not-wildcard', 'not-equals-ignore-case',
  'date-after', 'date-on-or-after', 'date-before', 'date-on-or-before', 'in-date-range',
  'ip-address-in-range', 'ip-address-not-in-range',
]);
/** Local safeguard (EventBridge publishes no figure): `$or` alternatives multiply, so cap the product. */
export const MAX_BRANCHES = 10_000;
const TOO_COMPLEX = 'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character';

class InvalidPattern extends Error {
  constructor(reason: string, at: string) {
    super(`Event pattern is not valid. Reason: ${reason}${at ? ` (at ${at})` : ''}`);
  }
}

function fail(reason: string, at: string): never {
  throw new InvalidPattern(reason, at);
}

/** Runs a parser that throws EventBridge's reason, attaching where it happened. */
function attempt<T>(parse: () => T, at: string): T {
  try {
    return parse();
  } catch (err) {
    return fail((err as Error).message, at);
  }
}

type Branch = Map<string, FieldCondition>;
/** Wildcard values by field path, for the complexity check once the whole pattern is read. */
type Wildcards = Map<string, WildcardPattern[]>;

const ABSENT = Symbol('exists: false');
const isString = (x: JsonLeaf): x is string => typeof x === 'string';

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new Error(`Filter is not valid JSON: ${(err as Error).message}`);
  }
}

export function validatePattern(pattern: unknown): PatternValidation {
  try {
    let source = pattern;
    if (typeof pattern === 'string') source = attempt(() => parseJson(pattern), '');
    if (!isPlainObject(source)) fail('Filter is not an object', '');
    const wildcards: Wildcards = new Map();
    const branches = compileObject(source, undefined, '', [new Map()], false, wildcards);
    for (const [path, values] of wildcards) {
      if (wildcardComplexity(values) > MAX_WILDCARD_COMPLEXITY) fail(TOO_COMPLEX, path);
    }
    const byPath = (a: FieldCondition, b: FieldCondition) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
    return { ok: true, pattern: { branches: branches.map((b) => [...b.values()].sort(byPath)) } };
  } catch (err) {
    if (err instanceof InvalidPattern) return { ok: false, error: err.message };
    throw err;
  }
}

function compileObject(obj: Record<string, unknown>, path: string | undefined, at: string, branches: Branch[], inOr: boolean, wildcards: Wildcards): Branch[] {
  const keys = Object.keys(obj);
  if (!keys.length) fail('Empty objects are not allowed', at || '(pattern)');
  for (const key of keys) {
    const value = obj[key];
    const where = at ? `${at}.${key}` : key;
    if (key === OR) {
      branches = compileOr(value, path, where, branches, wildcards);
      continue;
    }
    if (inOr && RESERVED_IN_OR.has(key)) fail(`${key} is Ruler reserved fieldName which cannot be used inside $or.`, where);
    const fieldPath = path === undefined ? key : `${path}.${key}`;
    if (isPlainObject(value)) {
      branches = compileObject(value, fieldPath, where, branches, inOr, wildcards);
    } else if (Array.isArray(value)) {
      const condition = compileField(value, fieldPath, where, wildcards);
      // A path given twice (`"a.b"` and `"a": {"b"}`) keeps the later one, as event-ruler does.
      for (const branch of branches) branch.set(fieldPath, condition);
    } else {
      fail(`"${key}" must be an object or an array`, where);
    }
  }
  return branches;
}

function compileOr(value: unknown, path: string | undefined, at: string, branches: Branch[], wildcards: Wildcards): Branch[] {
  if (!Array.isArray(value)) fail('It must be an Array followed with $or.', at);
  const alternatives: Branch[] = [];
  value.forEach((alternative, i) => {
    if (!isPlainObject(alternative)) fail('Only JSON object is allowed in array of $or relationship.', `${at}[${i}]`);
    alternatives.push(...compileObject(alternative, path, `${at}[${i}]`, branches.map((b) => new Map(b)), true, wildcards));
    if (alternatives.length > MAX_BRANCHES) fail(`Rule is too complex - $or combinations exceed ${MAX_BRANCHES}`, at);
  });
  if (value.length < 2) fail('There must have at least 2 Objects in $or relationship.', at);
  return alternatives;
}

function compileField(values: unknown[], path: string, at: string, wildcards: Wildcards): FieldCondition {
  const tests: ValueTest[] = [];
  let matchesAbsence = false;
  values.forEach((value, i) => {
    const where = `${at}[${i}]`;
    if (typeof value === 'string') tests.push(exactString(value));
    else if (typeof value === 'number' || typeof value === 'boolean' || value === null) tests.push((x) => x === value);
    else if (isPlainObject(value)) {
      const test = compileExpression(value, path, where, wildcards);
      if (test === ABSENT) matchesAbsence = true;
      else tests.push(test);
    } else fail('Match value must be String, number, true, false, or null', where);
  });
  if (!values.length) fail('Empty arrays are not allowed', at);
  return { path, tests, matchesAbsence };
}

/** A string that is an IP address matches any spelling of that address (event-ruler compares them as ranges). */
function exactString(text: string): ValueTest {
  const address = parseIp(text);
  if (!address) return (x) => x === text;
  const range = singleAddress(address);
  return (x) => {
    if (x === text) return true;
    const other = isString(x) ? parseIp(x) : undefined;
    return other !== undefined && inIpRange(range, other);
  };
}

function requireString(value: unknown, reason: string, at: string): asserts value is string {
  if (typeof value !== 'string') fail(reason, at);
}

function compileExpression(expression: Record<string, unknown>, path: string, at: string, wildcards: Wildcards): ValueTest | typeof ABSENT {
  const keys = Object.keys(expression);
  const [op] = keys;
  if (op === undefined) return fail('Match expression name not found', at);
  const where = `${at}.${op}`;
  const operand = expression[op];
  // event-ruler reads the operand before noticing a second key, so operand errors come first.
  const single = <T>(test: T): T => (keys.length > 1 ? fail('Only one key allowed in match expression', at) : test);
  switch (op) {
    case 'prefix':
    case 'suffix':
      return single(compileAffix(op, operand, where));
    case 'equals-ignore-case': {
      requireString(operand, 'equals-ignore-case match pattern must be a string', where);
      const same = ignoreCaseMatcher(operand, 'whole');
      return single((x) => isString(x) && same(x));
    }
    case 'exactly':
      requireString(operand, 'exact match pattern must be a string', where);
      return single((x) => x === operand);
    case 'wildcard': {
      requireString(operand, 'wildcard match pattern must be a string', where);
      const wildcard = attempt(() => parseWildcard(operand), where);
      wildcards.set(path, [...(wildcards.get(path) ?? []), wildcard]);
      return single((x) => isString(x) && matchesWildcard(wildcard, x));
    }
    case 'numeric': {
      const range = attempt(() => parseNumericRange(operand), where);
      return single((x) => typeof x === 'number' && inNumericRange(range, x));
    }
    case 'anything-but':
      return single(compileAnythingBut(operand, where));
    case 'exists':
      if (typeof operand !== 'boolean') fail('exists match pattern must be either true or false.', where);
      // Any leaf counts, null included; objects and empty arrays are not leaves.
      return single(operand ? () => true : ABSENT);
    case 'cidr': {
      requireString(operand, 'cidr match pattern must be a string', where);
      const range = attempt(() => parseCidr(operand), where);
      return single((x) => {
        const address = isString(x) ? parseIp(x) : undefined;
        return address !== undefined && inIpRange(range, address);
      });
    }
    default:
      return fail(`Unrecognized match type ${op}`, at);
  }
}

function compileAffix(op: 'prefix' | 'suffix', operand: unknown, at: string): ValueTest {
  if (isPlainObject(operand)) {
    const keys = Object.keys(operand);
    const [inner] = keys;
    if (inner === undefined) fail(`${op === 'prefix' ? 'Prefix' : 'Suffix'} expression name not found`, at);
    if (inner !== 'equals-ignore-case') fail(`Unsupported ${op} pattern: ${inner}`, at);
    const text = operand[inner];
    requireString(text, 'equals-ignore-case match pattern must be a string', `${at}.${inner}`);
    if (keys.length > 1) fail('Only one key allowed in match expression', at);
    const affix = ignoreCaseMatcher(text, op);
    return (x) => isString(x) && affix(x);
  }
  requireString(operand, `${op} match pattern must be a string`, at);
  return op === 'prefix' ? (x) => isString(x) && x.startsWith(operand) : (x) => isString(x) && x.endsWith(operand);
}

const ANYTHING_BUT_FORMS = ['equals-ignore-case', 'prefix', 'suffix', 'wildcard'];

function compileAnythingBut(operand: unknown, at: string): ValueTest {
  if (isPlainObject(operand)) return compileAnythingButForm(operand, at);
  if (Array.isArray(operand)) {
    let strings = 0;
    let numbers = 0;
    operand.forEach((item, i) => {
      if (typeof item === 'string') strings++;
      else if (typeof item === 'number') {
        numbers++;
        requireComparable(item, `${at}[${i}]`);
      } else fail('Inside anything but list, start|null|boolean is not supported.', `${at}[${i}]`);
    });
    if ((strings > 0) === (numbers > 0)) fail('Inside anything but list, either all values are number or string, mixed type is not supported', at);
    const excluded = new Set<JsonLeaf>(operand as JsonLeaf[]);
    // Strings and numbers never equal each other here: "100" is not excluded by 100.
    return (x) => !excluded.has(x);
  }
  if (typeof operand === 'string') return (x) => x !== operand;
  if (typeof operand === 'number') {
    requireComparable(operand, at);
    return (x) => x !== operand;
  }
  return fail('Value of anything-but must be an array or single string/number value.', at);
}

/** `{"anything-but": {"prefix"|"suffix"|"equals-ignore-case"|"wildcard": value or list}}`. */
function compileAnythingButForm(operand: Record<string, unknown>, at: string): ValueTest {
  const keys = Object.keys(operand);
  const [form] = keys;
  if (form === undefined) return fail('Anything-But expression name not found', at);
  if (!ANYTHING_BUT_FORMS.includes(form)) fail(`Unsupported anything-but pattern: ${form}`, at);
  const where = `${at}.${form}`;
  const value = operand[form];
  if (!(Array.isArray(value) || typeof value === 'string' || typeof value === 'number')) fail('Value of anything-but must be an array or single string/number value.', where);
  const typeError =
    form === 'equals-ignore-case' ? 'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.'
    : form === 'wildcard' ? 'wildcard match pattern must be a string'
    : 'prefix/suffix match pattern must be a string';
  const items: unknown[] = Array.isArray(value) ? value : [value];
  const excluded = items.map((item, i): ((s: string) => boolean) => {
    const itemAt = Array.isArray(value) ? `${where}[${i}]` : where;
    requireString(item, typeError, itemAt);
    if ((form === 'prefix' || form === 'suffix') && item === '') fail('Null prefix/suffix not allowed', itemAt);
    if (form === 'prefix') return (s) => s.startsWith(item);
    if (form === 'suffix') return (s) => s.endsWith(item);
    if (form === 'equals-ignore-case') return ignoreCaseMatcher(item, 'whole');
    const wildcard = attempt(() => parseWildcard(item), itemAt);
    return (s) => matchesWildcard(wildcard, s);
  });
  if (keys.length > 1) fail('Only one key allowed in match expression', at);
  // Values that are not strings (numbers, booleans, null) are never excluded by these forms.
  return (x) => !isString(x) || !excluded.some((isExcluded) => isExcluded(x));
}

function requireComparable(n: number, at: string) {
  const c = comparable(n);
  if (!c.ok) fail(c.reason, at);
}
