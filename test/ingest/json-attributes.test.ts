// The JSON-only marshaller must give exactly what the SDK's marshall gives for every JSON value.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { marshall } from '@aws-sdk/util-dynamodb';
import { decimalString, jsonAttribute, jsonAttributes } from '#lib/table/json-attributes.ts';

const sdk = (v: Record<string, unknown>) => marshall(v, { removeUndefinedValues: true });
/** The value, or the error message when the conversion refuses the input. */
const outcome = (fn: () => unknown) => {
  try {
    return { value: fn() };
  } catch (err) {
    return { error: (err as Error).message };
  }
};

describe('jsonAttributes', () => {
  it('equals marshall(…, { removeUndefinedValues: true }) on arbitrary JSON records', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (record) => {
        expect(outcome(() => jsonAttributes(record))).toEqual(outcome(() => sdk(record)));
      }),
      { numRuns: 300 },
    );
  });

  it('leaves out undefined values in maps and lists, as the SDK does', () => {
    const record = { a: undefined, b: [1, undefined, 'x'], c: { d: undefined, e: null }, f: '' };
    expect(jsonAttributes(record)).toEqual({ b: { L: [{ N: '1' }, { S: 'x' }] }, c: { M: { e: { NULL: true } } }, f: { S: '' } });
    expect(jsonAttributes(record)).toEqual(sdk(record));
  });

  it('refuses the numbers the SDK refuses, with its message', () => {
    expect(() => jsonAttribute(Number.NaN)).toThrow(/Special numeric value NaN/);
    expect(() => jsonAttribute(2 ** 60)).toThrow(/greater than Number.MAX_SAFE_INTEGER/);
  });

  it('hands sets and binary values to the SDK', () => {
    expect(jsonAttribute(new Set(['a', 'b']))).toEqual({ SS: ['a', 'b'] });
    expect(jsonAttribute(new Uint8Array([1]))).toEqual({ B: new Uint8Array([1]) });
  });

  it('prints numbers as String(n) does: every amount in cents up to ±10,000.00, arbitrary doubles, large amounts', () => {
    for (let c = -1_000_000; c <= 1_000_000; c++) if (decimalString(c / 100) !== String(c / 100)) expect(decimalString(c / 100), `${c} cents`).toBe(String(c / 100));
    fc.assert(fc.property(fc.double(), (n) => {
      expect(decimalString(n)).toBe(String(n));
    }), { numRuns: 20_000 });
    // Up to and beyond 2^45, where two amounts in cents could share a double: String(n) takes over there.
    fc.assert(fc.property(fc.integer({ min: -(2 ** 53), max: 2 ** 53 }), (c) => {
      expect(decimalString(c / 100)).toBe(String(c / 100));
    }), { numRuns: 20_000 });
    for (const n of [0.1, 0.01, 0.05, -0.01, 1.005, 2 ** 45 - 0.01, 2 ** 45 + 0.5, 1e16, 12.3456, 1e-7, -0]) expect(decimalString(n), String(n)).toBe(String(n));
    expect(jsonAttribute(119.4)).toEqual({ N: '119.4' });
  });
});
