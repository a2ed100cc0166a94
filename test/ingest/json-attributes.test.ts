// The JSON-only marshaller must give exactly what the SDK's marshall gives for every JSON value.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { marshall } from '@aws-sdk/util-dynamodb';
import { jsonAttribute, jsonAttributes } from '#lib/table/json-attributes.ts';

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
});
