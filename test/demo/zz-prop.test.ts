// Any seed, size, window and as-of yields a valid, time-consistent data set with distinct identities.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateDemo } from '#local/demo/generate.ts';
import { invalidRecords, recordsAfter, timelineViolations } from './demo-checks.ts';

describe('generateDemo for arbitrary options', () => {
  it('stays valid and never records anything after as-of', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1_000_000, max: 1_000_000 }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 1, max: 48 }),
        fc.date({ min: new Date('2012-01-01T00:00:00Z'), max: new Date('2035-12-31T23:59:59Z'), noInvalidDate: true }),
        (seed, customers, months, asOf) => {
          // Prepare: whole seconds, as the generator writes instants to the second.
          const asOfSecond = asOf;
          // Act
          const data = generateDemo({ seed, customers, months, asOf: asOfSecond });
          // Assess
          expect(invalidRecords(data, 3)).toEqual([]);
          expect(recordsAfter(data, asOfSecond.getTime()).slice(0, 3)).toEqual([]);
          expect(timelineViolations(data, asOfSecond.getTime()).slice(0, 3)).toEqual([]);
          const people = [...data.customers, ...data.contacts, ...data.leads];
          expect(new Set(people.map((p) => p.email)).size).toBe(people.length);
          const phones = people.flatMap((p) => (p.phone ? [p.phone.replace(/\D/g, '')] : []));
          expect(new Set(phones).size).toBe(phones.length);
        },
      ),
      { numRuns: 1500 },
    );
  });
});
