// Normalised identity values: the deduplication key for people (and the input of their keyed hashes).
import { describe, expect, it } from 'vitest';
import { identityValue } from '#functions/ingest/version.ts';

describe('phone identity', () => {
  it('drops the national trunk prefix "(0)" written after the country code', () => {
    // One London number written four ways (ITU-T E.123 shows "(0)" as the national-only trunk digit).
    const forms = ['+44 (0)20 7946 0958', '+44 20 7946 0958', '0044 (0) 20 7946 0958', '+44(0)2079460958'];
    expect(new Set(forms.map((f) => identityValue('phone', f)))).toEqual(new Set(['442079460958']));
  });

  it('keeps national numbers and a real leading zero apart from international ones', () => {
    // Without a home country, "020 ..." could be any country's: it is not merged with +44 20 ...
    expect(identityValue('phone', '020 7946 0958')).toBe('02079460958');
    // Italy keeps its 0 after the country code: +39 06 is not +39 6.
    expect(identityValue('phone', '+39 06 1234 5678')).toBe('390612345678');
    // A "(0)" that is not right after an international prefix is not a trunk prefix marker to drop.
    expect(identityValue('phone', '(030) 1234567')).toBe('0301234567');
  });

  it('normalises e-mail case and surrounding space', () => {
    expect(identityValue('email', '  Ann@Example.COM ')).toBe('ann@example.com');
    expect(identityValue('email', 'not-an-address')).toBeUndefined();
  });
});
