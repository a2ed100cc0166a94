// Properties of the pattern building blocks over arbitrary inputs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { testEventPattern } from '#lib/event-pattern/event-pattern.ts';
import { matchesWildcard, parseWildcard } from '#lib/event-pattern/wildcard.ts';
import { toMicros } from '#lib/event-pattern/numeric.ts';
import { inIpRange, parseCidr, parseIp } from '#lib/event-pattern/cidr.ts';

const runs = { numRuns: 300, seed: 20260611 };
const leaf = fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
/** Wildcard text from pieces: `*` between them, `*` and `\` inside them escaped. */
const escape = (s: string) => s.replace(/[\\*]/g, '\\$&');
const globOf = (pieces: string[]) => new RegExp(`^${pieces.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^]*')}$`);

describe('wildcard matching', () => {
  it('agrees with the equivalent regular expression', () => {
    const text = (minLength: number) => fc.string({ unit: fc.constantFrom('a', 'b', '*', '\\'), minLength, maxLength: 4 });
    // Pieces between two wildcards are non-empty: "**" is not a valid wildcard.
    const pieces = fc.oneof(
      text(0).map((p) => [p]),
      fc.tuple(text(0), fc.array(text(1), { maxLength: 2 }), text(0)).map(([first, middle, last]) => [first, ...middle, last]),
    );
    fc.assert(
      fc.property(pieces, fc.string({ unit: fc.constantFrom('a', 'b', '*', '\\'), maxLength: 12 }), (parts, value) => {
        const pattern = parseWildcard(parts.map(escape).join('*'));
        expect(pattern).toEqual(parts);
        expect(matchesWildcard(pattern, value)).toBe(globOf(parts).test(value));
      }),
      runs,
    );
  });

  it('matches exactly the value itself once every * and \\ is escaped', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (text, other) => {
        const pattern = { f: [{ wildcard: escape(text) }] };
        expect(testEventPattern(pattern, { f: text })).toBe('match');
        expect(testEventPattern(pattern, { f: other })).toBe(other === text ? 'match' : 'no-match');
      }),
      runs,
    );
  });
});

describe('anything-but', () => {
  it('is the complement of the exact match for any present value', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.integer({ min: -5e9, max: 5e9 })), leaf, (excluded, value) => {
        const exact = testEventPattern({ f: [excluded] }, { f: value });
        const anythingBut = testEventPattern({ f: [{ 'anything-but': excluded }] }, { f: value });
        expect(anythingBut).toBe(exact === 'match' ? 'no-match' : 'match');
      }),
      runs,
    );
  });
});

describe('numbers', () => {
  it('reads any value with up to six decimals within ±1e9 exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: -999_999_999_999_999, max: 999_999_999_999_999 }), (millionths) => {
        expect(toMicros(millionths / 1e6)).toBe(BigInt(millionths));
      }),
      runs,
    );
  });

  it('orders numbers as numbers in numeric ranges', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: -1e9, max: 1e9 }), (bound, value) => {
        const below = testEventPattern({ f: [{ numeric: ['<', bound] }] }, { f: value });
        const atLeast = testEventPattern({ f: [{ numeric: ['>=', bound] }] }, { f: value });
        expect(below).toBe(value < bound ? 'match' : 'no-match');
        expect(atLeast).toBe(value >= bound ? 'match' : 'no-match');
      }),
      runs,
    );
  });
});

describe('IPv4 CIDR', () => {
  const octet = fc.integer({ min: 0, max: 255 });
  const address = fc.tuple(octet, octet, octet, octet);
  it('contains exactly the addresses that share the network bits', () => {
    fc.assert(
      fc.property(address, address, fc.integer({ min: 0, max: 31 }), (net, ip, bits) => {
        const toInt = (a: number[]) => a.reduce((n, o) => n * 256 + o, 0);
        // A block written at its network address, as blocks usually are.
        const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
        const base = (toInt(net) & mask) >>> 0;
        const baseText = [24, 16, 8, 0].map((s) => (base >>> s) & 255).join('.');
        const range = parseCidr(`${baseText}/${bits}`);
        const inside = ((toInt(ip) & mask) >>> 0) === base;
        expect(inIpRange(range, parseIp(ip.join('.')) ?? new Uint8Array())).toBe(inside);
      }),
      runs,
    );
  });
});
