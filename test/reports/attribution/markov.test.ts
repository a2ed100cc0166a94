// The Markov removal effects against exact solutions worked out by hand (below each case), and
// against an independent numpy solve of a larger path set (markov-reference.py, run once, its output
// committed as markov-reference.json).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { markovAttribution, markovChain } from '#functions/reports/models/attribution/markov.ts';
import type { ConversionPath } from '#functions/reports/models/attribution/paths.ts';

const path = (channels: string, conversions: number, value: number, nulls: number): ConversionPath => ({ channels: channels.split(' > '), conversions, value, nulls });

describe('Markov removal effect', () => {
  it('solves the three-path textbook case exactly', () => {
    // C1 > C2 > C3 converts once; C1 and C2 > C3 end in null once each.
    // Transitions: start→C1 2, start→C2 1; C1→C2 1, C1→null 1; C2→C3 2; C3→conv 1, C3→null 1.
    // x(C3) = 1/2, x(C2) = x(C3) = 1/2, x(C1) = 1/2·x(C2) = 1/4; P = 2/3·1/4 + 1/3·1/2 = 1/3.
    // Without C1: start→C1 goes to null, P = 1/3·1/2 = 1/6, effect 1/2. Without C2 or C3 nothing converts: 1.
    // Shares 0.5 : 1 : 1 → 0.2, 0.4, 0.4 of one conversion worth 10.
    const paths = [path('C1 > C2 > C3', 1, 10, 0), path('C1', 0, 0, 1), path('C2 > C3', 0, 0, 1)];
    const chain = markovChain(paths, ['C1', 'C2', 'C3']);

    expect(chain.conversionProbability).toBeCloseTo(1 / 3, 12);
    expect(chain.removalEffects[0]).toBeCloseTo(0.5, 12);
    expect(chain.removalEffects[1]).toBeCloseTo(1, 12);
    expect(chain.removalEffects[2]).toBeCloseTo(1, 12);
    expect(markovAttribution(paths, ['C1', 'C2', 'C3'])).toEqual([
      { channel: 'C1', conversions: 0.2, value: 2 },
      { channel: 'C2', conversions: 0.4, value: 4 },
      { channel: 'C3', conversions: 0.4, value: 4 },
    ]);
  });

  it('solves a chain with a loop (a → b → a) as a linear system, not by following paths', () => {
    // a > b > a converts (100); b ends in null; a converts once (50) and ends in null once.
    // Counts: start→a 3, start→b 1; a→b 1, a→conv 2, a→null 1 (a leaves 4 times); b→a 1, b→null 1.
    // x(a) = 1/4·x(b) + 1/2, x(b) = 1/2·x(a)  ⇒  x(a) = 4/7, x(b) = 2/7; P = 3/4·4/7 + 1/4·2/7 = 1/2.
    // Without a: P = 0, effect 1. Without b: x(a) = 1/2, P = 3/4·1/2 = 3/8, effect 1 − (3/8)/(1/2) = 1/4.
    // Shares 1 : 1/4 → a 4/5, b 1/5 of 2 conversions (1.6, 0.4) worth 150 (120, 30).
    const paths = [path('a > b > a', 1, 100, 0), path('b', 0, 0, 1), path('a', 1, 50, 1)];
    const chain = markovChain(paths, ['a', 'b']);

    expect(chain.conversionProbability).toBeCloseTo(0.5, 12);
    expect(chain.removalEffects[0]).toBeCloseTo(1, 12);
    expect(chain.removalEffects[1]).toBeCloseTo(0.25, 12);
    expect(markovAttribution(paths, ['a', 'b'])).toEqual([
      { channel: 'a', conversions: 1.6, value: 120 },
      { channel: 'b', conversions: 0.4, value: 30 },
    ]);
  });

  it('counts repeated touches of one channel as a self-loop, which changes nothing', () => {
    const once = [path('a > b', 3, 30, 1), path('b', 1, 10, 4), path('a', 0, 0, 2)];
    const repeated = [path('a > a > b > b > b', 3, 30, 1), path('b > b', 1, 10, 4), path('a > a', 0, 0, 2)];

    expect(markovChain(repeated, ['a', 'b']).removalEffects.map((e) => e.toFixed(12))).toEqual(markovChain(once, ['a', 'b']).removalEffects.map((e) => e.toFixed(12)));
  });

  it('matches an independent numpy solve of a larger path set', () => {
    const reference = JSON.parse(readFileSync(new URL('./markov-reference.json', import.meta.url), 'utf8')) as {
      paths: [string, number, number, number][];
      channels: string[];
      conversion_probability: number;
      removal_effects: number[];
    };
    const chain = markovChain(
      reference.paths.map(([p, c, v, n]) => path(p, c, v, n)),
      reference.channels,
    );

    expect(chain.conversionProbability).toBeCloseTo(reference.conversion_probability, 12);
    reference.removal_effects.forEach((effect, i) => expect(chain.removalEffects[i]).toBeCloseTo(effect, 12));
  });

  it('gives nothing to anybody when nothing converted', () => {
    expect(markovAttribution([path('a > b', 0, 0, 5)], ['a', 'b'])).toEqual([
      { channel: 'a', conversions: 0, value: 0 },
      { channel: 'b', conversions: 0, value: 0 },
    ]);
  });
});
