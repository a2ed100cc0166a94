// Every model hands out exactly the converted conversions and value: the channel credits add up to
// the totals of the converting paths, to the millionth of a conversion and the cent, on any path set.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attribute } from '#functions/reports/models/attribution/attribute.ts';
import { ATTRIBUTION_MODELS, type ConversionPath } from '#functions/reports/models/attribution/paths.ts';

const channel = fc.constantFrom('email', 'search', 'social', 'display', 'sms', 'referral');
const pathArb: fc.Arbitrary<ConversionPath> = fc
  .record({
    channels: fc.array(channel, { minLength: 1, maxLength: 8 }),
    conversions: fc.integer({ min: 0, max: 50 }),
    cents: fc.integer({ min: 0, max: 10_000_000 }),
    nulls: fc.integer({ min: 0, max: 500 }),
    gaps: fc.array(fc.double({ min: 0, max: 60, noNaN: true }), { minLength: 8, maxLength: 8 }),
    timed: fc.boolean(),
  })
  .map(({ channels, conversions, cents, nulls, gaps, timed }) => {
    let days = 0;
    const daysBefore = channels.map((_, i) => (days += gaps[i]!)).reverse();
    return { channels, conversions, value: conversions ? cents / 100 : 0, nulls, ...(timed ? { daysBefore } : {}) };
  });

const units = (x: number, scale: number) => Math.round(x * scale);

describe('attribution conserves the totals', () => {
  it('in every model, on any path set with at least one conversion', () => {
    fc.assert(
      fc.property(fc.array(pathArb, { minLength: 1, maxLength: 40 }), fc.double({ min: 0.5, max: 60, noNaN: true }), (paths, halfLifeDays) => {
        fc.pre(paths.some((p) => p.conversions > 0));
        const expectedConversions = paths.reduce((a, p) => a + p.conversions, 0);
        const expectedCents = paths.reduce((a, p) => a + units(p.value, 100), 0);
        const result = attribute(paths, { halfLifeDays });

        expect(result.total).toEqual({ conversions: expectedConversions, value: expectedCents / 100 });
        for (const model of ATTRIBUTION_MODELS) {
          const credits = result.models[model];
          expect(credits.reduce((a, c) => a + units(c.conversions, 1e6), 0), model).toBe(expectedConversions * 1e6);
          expect(credits.reduce((a, c) => a + units(c.value, 100), 0), model).toBe(expectedCents);
          for (const c of credits) {
            expect(c.conversions).toBeGreaterThanOrEqual(0);
            expect(c.value).toBeGreaterThanOrEqual(0);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
