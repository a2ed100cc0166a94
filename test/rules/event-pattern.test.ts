// EventBridge semantics the conformance file does not pin down, from the AWS "Amazon EventBridge
// event patterns" documentation and the aws/event-ruler README and sources.
import { describe, expect, it } from 'vitest';
import { compilePattern, matches, testEventPattern, validatePattern } from '#lib/event-pattern/event-pattern.ts';

const t = testEventPattern;
const errorOf = (pattern: unknown) => {
  const v = validatePattern(pattern);
  return v.ok ? undefined : v.error;
};

describe('wildcard', () => {
  it('lets * match zero characters', () => {
    expect(t({ f: [{ wildcard: 'a*b' }] }, { f: 'ab' })).toBe('match');
    expect(t({ f: [{ wildcard: '*' }] }, { f: '' })).toBe('match');
    expect(t({ f: [{ wildcard: 'file*' }] }, { f: 'file' })).toBe('match');
    expect(t({ f: [{ wildcard: '*.png' }] }, { f: '.png' })).toBe('match');
  });

  it('treats \\* as a literal asterisk and \\\\ as a literal backslash', () => {
    expect(t({ f: [{ wildcard: 'a\\*b' }] }, { f: 'a*b' })).toBe('match');
    expect(t({ f: [{ wildcard: 'a\\*b' }] }, { f: 'axb' })).toBe('no-match');
    expect(t({ f: [{ wildcard: 'C:\\\\*' }] }, { f: 'C:\\temp' })).toBe('match');
    // An escaped asterisk followed by a wildcard is not "consecutive wildcards".
    expect(t({ f: [{ wildcard: 'a\\**' }] }, { f: 'a*bc' })).toBe('match');
  });

  it('rejects consecutive wildcards and escapes of other characters, naming the position', () => {
    expect(errorOf({ f: [{ wildcard: 'a**' }] })).toMatch(/Consecutive wildcard characters at pos 2 \(at f\[0\]\.wildcard\)/);
    expect(errorOf({ f: [{ wildcard: 'a\\d' }] })).toMatch(/Invalid escape character at pos 2/);
    expect(errorOf({ f: [{ wildcard: 'trailing\\' }] })).toMatch(/Invalid escape character/);
    expect(errorOf({ f: [{ 'anything-but': { wildcard: ['ok*', 'x**'] } }] })).toMatch(/Consecutive wildcard characters .*anything-but\.wildcard\[1\]/);
  });

  it('matches only strings', () => {
    expect(t({ f: [{ wildcard: '1*' }] }, { f: 123 })).toBe('no-match');
    expect(t({ f: [{ wildcard: '*' }] }, { f: null })).toBe('no-match');
  });

  it('rejects fields whose wildcards are too complex together, and accepts simpler ones', () => {
    const stacks = (names: string[]) => ({ detail: { 'stack-id': names.map((n) => ({ wildcard: `*:stack/${n}/*` })) } });
    expect(t(stacks(['Shared', 'Api', 'Data']), { detail: { 'stack-id': 'arn:aws:cloudformation:eu-west-1:1:stack/Api/x' } })).toBe('match');
    expect(errorOf(stacks(['Shared', 'Api', 'Data', 'Monitoring']))).toMatch(/Rule is too complex .* \(at detail\.stack-id\)/);
    // Complexity is per field: the same wildcards spread over two fields are fine.
    expect(validatePattern({ a: [{ wildcard: '*:*:*:*' }], b: [{ wildcard: '*:*:*:*' }] }).ok).toBe(true);
  });
});

describe('types are not coerced', () => {
  it('keeps booleans apart from numbers and strings', () => {
    expect(t({ f: [true] }, { f: true })).toBe('match');
    expect(t({ f: [true] }, { f: 1 })).toBe('no-match');
    expect(t({ f: [true] }, { f: 'true' })).toBe('no-match');
    expect(t({ f: [1] }, { f: true })).toBe('no-match');
    expect(t({ f: ['false'] }, { f: false })).toBe('no-match');
  });

  it('keeps numeric strings apart from numbers', () => {
    expect(t({ f: [300] }, { f: '300' })).toBe('no-match');
    expect(t({ f: ['300'] }, { f: 300 })).toBe('no-match');
    expect(t({ f: [{ numeric: ['=', 300] }] }, { f: '300' })).toBe('no-match');
    expect(t({ f: [{ 'anything-but': [100] }] }, { f: '100' })).toBe('match');
    expect(t({ f: [{ 'anything-but': '100' }] }, { f: 100 })).toBe('match');
  });

  it('keeps null apart from the empty string and from "null"', () => {
    expect(t({ f: [null] }, { f: '' })).toBe('no-match');
    expect(t({ f: [''] }, { f: null })).toBe('no-match');
    expect(t({ f: [null] }, '{"f": null}')).toBe('match');
  });

  it('applies prefix, suffix and equals-ignore-case to strings only', () => {
    expect(t({ f: [{ prefix: '12' }] }, { f: 123 })).toBe('no-match');
    expect(t({ f: [{ suffix: 'ue' }] }, { f: true })).toBe('no-match');
    expect(t({ f: [{ 'equals-ignore-case': 'NULL' }] }, { f: null })).toBe('no-match');
  });
});

describe('numbers', () => {
  it('compares numbers as numbers, whatever their spelling', () => {
    expect(t('{"f": [300]}', '{"f": 300.0}')).toBe('match');
    expect(t('{"f": [300]}', '{"f": 3e2}')).toBe('match');
    expect(t('{"f": [{"numeric": ["=", 3.018e2]}]}', '{"f": 301.8}')).toBe('match');
    expect(t({ f: [{ numeric: ['>', 0, '<=', 5] }] }, { f: 5 })).toBe('match');
    expect(t({ f: [{ numeric: ['>', 0, '<', 5] }] }, { f: 5 })).toBe('no-match');
    expect(t({ f: [{ numeric: ['>=', -1.5] }] }, { f: -1.5 })).toBe('match');
  });

  it('limits numeric filters to ±5e9 with six decimals', () => {
    expect(errorOf({ f: [{ numeric: ['>', 5e9 + 1] }] })).toMatch(/Value must be between/);
    expect(errorOf({ f: [{ numeric: ['<', 0.1234567] }] })).toMatch(/Only values upto 6 decimals are supported/);
    expect(errorOf({ f: [{ 'anything-but': [1e10] }] })).toMatch(/Value must be between/);
    expect(validatePattern({ f: [{ numeric: ['>=', -5e9, '<=', 5e9] }] }).ok).toBe(true);
    // Event values EventBridge cannot compare never pass a numeric filter.
    expect(t({ f: [{ numeric: ['>', 0] }] }, { f: 0.1234567 })).toBe('no-match');
    expect(t({ f: [{ numeric: ['>', 0] }] }, { f: 6e9 })).toBe('no-match');
    // Exact values outside the range still match themselves (an AWS account number, say).
    expect(t({ account: [123456789012] }, { account: 123456789012 })).toBe('match');
  });

  it('rejects malformed numeric expressions', () => {
    expect(errorOf({ f: [{ numeric: [] }] })).toMatch(/Invalid member in numeric match: \]/);
    expect(errorOf({ f: [{ numeric: ['<', 5, '>', 1] }] })).toMatch(/Too many elements in numeric expression/);
    expect(errorOf({ f: [{ numeric: ['>', 5, '<', 1] }] })).toMatch(/Bottom must be less than top/);
    expect(errorOf({ f: [{ numeric: ['>', 1, '<', 5, '<', 9] }] })).toMatch(/Too many terms in numeric range expression/);
    expect(errorOf({ f: [{ numeric: ['!=', 1] }] })).toMatch(/Unrecognized numeric range operator: !=/);
    expect(errorOf({ f: [{ numeric: ['=', '5'] }] })).toMatch(/Value of equals must be numeric/);
  });
});

describe('arrays in events', () => {
  const event = {
    employees: [
      { firstName: 'John', lastName: 'Doe' },
      { firstName: 'Anna', lastName: 'Smith' },
      { firstName: 'Peter', lastName: 'Jones' },
    ],
    tags: ['crm', 'vip'],
  };

  it('matches when any element matches', () => {
    expect(t({ tags: ['vip'] }, event)).toBe('match');
    expect(t({ employees: { firstName: ['Anna'] } }, event)).toBe('match');
    expect(t({ employees: { firstName: [{ prefix: 'Pe' }] } }, { employees: [[{ firstName: 'Al' }], [{ firstName: 'Peter' }]] })).toBe('match');
  });

  it('takes fields of one array of objects from the same element', () => {
    expect(t({ employees: { firstName: ['Anna'], lastName: ['Smith'] } }, event)).toBe('match');
    expect(t({ employees: { firstName: ['Anna'], lastName: ['Jones'] } }, event)).toBe('no-match');
  });

  it('judges exists: false among the values consistent with the fields before it in path order', () => {
    // event-ruler walks fields in path order: "lines.code" is chosen first, so the absence of
    // "lines.discount" is judged within that element...
    const orders = { lines: [{ code: 'a', discount: 5 }, { code: 'b' }] };
    expect(t({ lines: { code: ['b'], discount: [{ exists: false }] } }, orders)).toBe('match');
    expect(t({ lines: { code: ['a'], discount: [{ exists: false }] } }, orders)).toBe('no-match');
    // ...while "lines.zone" comes after "lines.discount", whose absence is then judged over all elements.
    const zones = { lines: [{ zone: 'a', discount: 5 }, { zone: 'b' }] };
    expect(t({ lines: { zone: ['b'], discount: [{ exists: false }] } }, zones)).toBe('no-match');
  });

  it('matches anything-but when any element is outside the excluded values', () => {
    expect(t({ tags: [{ 'anything-but': 'crm' }] }, event)).toBe('match');
    expect(t({ tags: [{ 'anything-but': ['crm', 'vip'] }] }, event)).toBe('no-match');
  });
});

describe('exists', () => {
  it('counts null as present and empty arrays and objects as absent', () => {
    expect(t({ f: [{ exists: true }] }, { f: null })).toBe('match');
    expect(t({ f: [{ exists: true }] }, { f: [] })).toBe('no-match');
    expect(t({ f: [{ exists: false }] }, { f: [] })).toBe('match');
    // Exists only looks at leaves: an object-valued field is "absent".
    expect(t({ f: [{ exists: false }] }, { f: { g: 1 } })).toBe('match');
    expect(t({ f: [{ exists: true }] }, { f: { g: 1 } })).toBe('no-match');
  });

  it('requires a boolean', () => {
    expect(errorOf({ f: [{ exists: 'true' }] })).toMatch(/exists match pattern must be either true or false/);
  });
});

describe('cidr', () => {
  it('matches IPv6 addresses in any spelling', () => {
    const pattern = { ip: [{ cidr: '2001:db8:1234:1a00::/64' }] };
    expect(t(pattern, { ip: '2001:db8:1234:1a00::1' })).toBe('match');
    expect(t(pattern, { ip: '2001:DB8:1234:1A00:FFFF:FFFF:FFFF:FFFF' })).toBe('match');
    expect(t(pattern, { ip: '2001:db8:1234:1a01::' })).toBe('no-match');
    expect(t(pattern, { ip: '10.0.0.1' })).toBe('no-match');
    expect(t(pattern, { ip: '2001:db8:1234:1a00::1::' })).toBe('no-match');
  });

  it('keeps IPv4 and IPv6 apart, reading IPv4-mapped IPv6 as IPv4', () => {
    expect(t({ ip: [{ cidr: '10.0.0.0/8' }] }, { ip: '::ffff:a00:1' })).toBe('match');
    expect(t({ ip: [{ cidr: '::/1' }] }, { ip: '10.0.0.1' })).toBe('no-match');
  });

  it('rejects masks that leave no host bit and malformed blocks, as event-ruler does', () => {
    expect(errorOf({ ip: [{ cidr: '10.0.0.1/32' }] })).toMatch(/IPv4 mask bits must be < 32/);
    expect(errorOf({ ip: [{ cidr: '::1/128' }] })).toMatch(/IPv6 mask bits must be < 128/);
    expect(errorOf({ ip: [{ cidr: '10.0.0.0/-1' }] })).toMatch(/must not be negative/);
    expect(errorOf({ ip: [{ cidr: '10.0.0.300/8' }] })).toMatch(/Invalid IP address: 10\.0\.0\.300/);
    expect(errorOf({ ip: [{ cidr: '1::2::3/64' }] })).toMatch(/Invalid IP address/);
  });

  it('matches an exact IP value against any spelling of that address', () => {
    expect(t({ ip: ['2001:db8::1'] }, { ip: '2001:0db8:0000:0000:0000:0000:0000:0001' })).toBe('match');
    expect(t({ ip: ['10.0.0.1'] }, { ip: '10.0.0.2' })).toBe('no-match');
  });
});

describe('$or', () => {
  const order = { source: 'crm', detail: { total: 120, channel: 'web', country: 'NL' } };

  it('combines alternatives with the other fields', () => {
    const pattern = { source: ['crm'], detail: { $or: [{ total: [{ numeric: ['>', 100] }] }, { channel: ['store'] }] } };
    expect(t(pattern, order)).toBe('match');
    expect(t(pattern, { ...order, source: 'erp' })).toBe('no-match');
    expect(t(pattern, { ...order, detail: { total: 50, channel: 'web' } })).toBe('no-match');
  });

  it('nests and runs in parallel', () => {
    const nested = { $or: [{ source: ['erp'] }, { detail: { country: ['NL'], $or: [{ channel: ['store'] }, { total: [120] }] } }] };
    expect(t(nested, order)).toBe('match');
    const parallel = { $or: [{ source: ['x'] }, { source: ['crm'] }], detail: { $or: [{ country: ['DE'] }, { channel: ['web'] }] } };
    expect(t(parallel, order)).toBe('match');
    expect(compilePattern(parallel).branches).toHaveLength(4);
  });

  it('works with exists: false inside an alternative', () => {
    const pattern = { detail: { $or: [{ coupon: [{ exists: false }] }, { coupon: ['WELCOME'] }] } };
    expect(t(pattern, order)).toBe('match');
    expect(t(pattern, { detail: { coupon: 'OTHER' } })).toBe('no-match');
  });

  it('rejects malformed alternatives', () => {
    expect(errorOf({ $or: [{ a: [1] }] })).toMatch(/at least 2 Objects in \$or/);
    expect(errorOf({ $or: { a: [1] } })).toMatch(/must be an Array followed with \$or/);
    expect(errorOf({ $or: [{ a: [1] }, 'b'] })).toMatch(/Only JSON object is allowed .* \(at \$or\[1\]\)/);
    expect(errorOf({ $or: [{ a: [1] }, { prefix: ['b'] }] })).toMatch(/prefix is Ruler reserved fieldName/);
    expect(errorOf({ $or: [{ a: [1] }, {}] })).toMatch(/Empty objects are not allowed \(at \$or\[1\]\)/);
  });
});

describe('pattern structure', () => {
  it('names the path and the reason of an invalid pattern, as EventBridge words it', () => {
    expect(errorOf({ detail: { state: [{ prefix: 1 }] } })).toBe('Event pattern is not valid. Reason: prefix match pattern must be a string (at detail.state[0].prefix)');
    expect(errorOf({ detail: { state: 'running' } })).toBe('Event pattern is not valid. Reason: "state" must be an object or an array (at detail.state)');
  });

  it('rejects empty patterns, empty objects, nested arrays and unknown operators', () => {
    expect(errorOf({})).toMatch(/Empty objects are not allowed/);
    expect(errorOf({ detail: {} })).toMatch(/Empty objects are not allowed \(at detail\)/);
    expect(errorOf({ f: [['a']] })).toMatch(/Match value must be String, number, true, false, or null \(at f\[0\]\)/);
    expect(errorOf({ f: [{}] })).toMatch(/Match expression name not found/);
    expect(errorOf({ f: [{ contains: 'a' }] })).toMatch(/Unrecognized match type contains/);
    expect(errorOf({ f: [{ prefix: 'a', suffix: 'b' }] })).toMatch(/Only one key allowed in match expression/);
    expect(errorOf([{ f: ['a'] }])).toMatch(/Filter is not an object/);
    expect(errorOf('{"f": [')).toMatch(/Reason: Filter is not valid JSON/);
  });

  it('joins keys with dots, so dotted and nested keys name the same field', () => {
    expect(t({ 'detail.state': ['on'] }, { detail: { state: 'on' } })).toBe('match');
    expect(t({ detail: { state: ['on'] } }, { 'detail.state': 'on' })).toBe('match');
  });

  it('matches only JSON objects', () => {
    const compiled = compilePattern({ f: ['a'] });
    expect(matches(compiled, ['a'])).toBe(false);
    expect(matches(compiled, 'not json')).toBe(false);
    expect(t({ f: ['a'] }, 'not json')).toBe('no-match');
  });

  it('compilePattern throws the reason for rules written in code', () => {
    expect(() => compilePattern({ f: [] })).toThrow(/Empty arrays are not allowed \(at f\)/);
  });
});

describe('ignore-case forms', () => {
  it('compares each character with its lower- and upper-case forms', () => {
    expect(t({ f: [{ 'equals-ignore-case': 'Straße' }] }, { f: 'STRASSE' })).toBe('match');
    expect(t({ f: [{ prefix: { 'equals-ignore-case': 'crm.' } }] }, { f: 'CRM.Orders' })).toBe('match');
    expect(t({ f: [{ suffix: { 'equals-ignore-case': '.CSV' } }] }, { f: 'export.csv' })).toBe('match');
    expect(t({ f: [{ 'anything-but': { 'equals-ignore-case': ['a.b', 'C*D'] } }] }, { f: 'c*d' })).toBe('no-match');
    expect(t({ f: [{ 'anything-but': { 'equals-ignore-case': ['a.b'] } }] }, { f: 'axb' })).toBe('match');
  });

  it('accepts only equals-ignore-case inside prefix and suffix objects', () => {
    expect(errorOf({ f: [{ prefix: { wildcard: 'a*' } }] })).toMatch(/Unsupported prefix pattern: wildcard/);
    expect(errorOf({ f: [{ suffix: {} }] })).toMatch(/Suffix expression name not found/);
  });
});
