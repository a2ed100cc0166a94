// The rule-based models on a path set small enough to credit by hand.
import { describe, expect, it } from 'vitest';
import { attribute } from '#functions/reports/models/attribution/attribute.ts';
import { touchWeights } from '#functions/reports/models/attribution/touch-weights.ts';
import type { ConversionPath } from '#functions/reports/models/attribution/paths.ts';

const path = (channels: string, conversions: number, value: number, nulls = 0, daysBefore?: number[]): ConversionPath => ({
  channels: channels.split(' > '),
  conversions,
  value,
  nulls,
  ...(daysBefore ? { daysBefore } : {}),
});

// a > b > c: 1 conversion worth 100; b: 2 worth 50; c > a: 1 worth 30; a > b never converted (ignored by these models).
const paths = [path('a > b > c', 1, 100), path('b', 2, 50), path('c > a', 1, 30), path('a > b', 0, 0, 9)];

describe('rule-based attribution', () => {
  const { total, models } = attribute(paths);

  it('totals the conversions and value of the converting paths', () => {
    expect(total).toEqual({ conversions: 4, value: 180 });
  });

  it('first and last touch give each path to one touch', () => {
    expect(models.first_touch).toEqual([
      { channel: 'a', conversions: 1, value: 100 },
      { channel: 'b', conversions: 2, value: 50 },
      { channel: 'c', conversions: 1, value: 30 },
    ]);
    expect(models.last_touch).toEqual([
      { channel: 'a', conversions: 1, value: 30 },
      { channel: 'b', conversions: 2, value: 50 },
      { channel: 'c', conversions: 1, value: 100 },
    ]);
  });

  it('linear splits evenly and hands the rounding remainder to the largest remainder (ties: first channel)', () => {
    // a: 1/3 + 1/2 = 0.8333..., 33.33... + 15 = 48.333...; b: 1/3 + 2, 33.33... + 50; c like a.
    // Cents: 4833.33, 8333.33, 4833.33 → floors 17999, one cent left for a (equal remainders, first wins).
    expect(models.linear).toEqual([
      { channel: 'a', conversions: 0.833334, value: 48.34 },
      { channel: 'b', conversions: 2.333333, value: 83.33 },
      { channel: 'c', conversions: 0.833333, value: 48.33 },
    ]);
  });

  it('position-based gives 40/20/40 from three touches, 50/50 on two and all on one', () => {
    // a: 0.4·1 + 0.5·1 = 0.9, 40 + 15 = 55; b: 0.2 + 2 = 2.2, 20 + 50 = 70; c: 0.4 + 0.5 = 0.9, 40 + 15 = 55.
    expect(models.position_based).toEqual([
      { channel: 'a', conversions: 0.9, value: 55 },
      { channel: 'b', conversions: 2.2, value: 70 },
      { channel: 'c', conversions: 0.9, value: 55 },
    ]);
  });

  it('time decay on a path file halves the weight every half-life of steps back from the last touch', () => {
    // a > b > c with half-life 7: weights 2^(-2/7) = 0.820335356, 2^(-1/7) = 0.905723664, 1; sum 2.726059020.
    const w = touchWeights('time_decay', path('a > b > c', 1, 1));
    expect(w[0]).toBeCloseTo(0.820335356 / 2.72605902, 9);
    expect(w[1]).toBeCloseTo(0.905723664 / 2.72605902, 9);
    expect(w[2]).toBeCloseTo(1 / 2.72605902, 9);
    // Half-life 1 step: 1/4, 1/2, 1 over 7/4.
    expect(touchWeights('time_decay', path('a > b > c', 1, 1), { halfLifeDays: 1 })).toEqual([1 / 7, 2 / 7, 4 / 7]);
  });

  it('time decay with touch times weighs by days before the conversion', () => {
    // 14 days before: 1/4; 7 days: 1/2; on the day: 1 → 1/7, 2/7, 4/7 of 7 conversions worth 700.
    const { models: timed } = attribute([path('a > b > c', 7, 700, 0, [14, 7, 0])]);
    expect(timed.time_decay).toEqual([
      { channel: 'a', conversions: 1, value: 100 },
      { channel: 'b', conversions: 2, value: 200 },
      { channel: 'c', conversions: 4, value: 400 },
    ]);
    // A 3-day half-life: 2^(-14/3), 2^(-7/3), 1.
    const w = touchWeights('time_decay', path('a > b > c', 1, 1, 0, [14, 7, 0]), { halfLifeDays: 3 });
    const raw = [2 ** (-14 / 3), 2 ** (-7 / 3), 1];
    const sum = raw[0]! + raw[1]! + raw[2]!;
    w.forEach((x, i) => expect(x).toBeCloseTo(raw[i]! / sum, 12));
  });

  it('credits a channel touched twice with both of its shares', () => {
    const { models: repeated } = attribute([path('a > b > a', 3, 90)]);
    expect(repeated.linear).toEqual([
      { channel: 'a', conversions: 2, value: 60 },
      { channel: 'b', conversions: 1, value: 30 },
    ]);
    expect(repeated.position_based).toEqual([
      { channel: 'a', conversions: 2.4, value: 72 },
      { channel: 'b', conversions: 0.6, value: 18 },
    ]);
  });
});
