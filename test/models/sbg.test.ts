// Shifted-beta-geometric against Fader & Hardie (2007), "How to project customer retention", Table 1 / §4.
import { describe, expect, it } from 'vitest';
import { discountedExpectedResidualLifetime, fitSbg, fromSurvivors, retentionRate, survival } from '#functions/reports/models/sbg.ts';

const withinPercent = (actual: number, expected: number) => expect(Math.abs(actual / expected - 1)).toBeLessThan(0.01);

describe('sBG on the published cohorts', () => {
  it.each([
    ['high end', [1000, 869, 743, 653, 593, 551, 517, 491], 0.668, 3.806],
    ['regular', [1000, 631, 468, 382, 326, 289, 262, 241], 0.704, 1.182],
  ])('%s cohort: α and β within 1%%', (_name, survivors, alpha, beta) => {
    const fit = fitSbg(fromSurvivors(survivors));
    expect(fit.converged).toBe(true);
    withinPercent(fit.alpha, alpha);
    withinPercent(fit.beta, beta);
  });

  it('projects survival and rising retention from the published parameters', () => {
    const regular = { alpha: 0.704, beta: 1.182 };
    // S(1) = β/(α+β); the paper's figure shows retention rising from ~0.63 towards 0.9.
    expect(survival(regular, 1)).toBeCloseTo(1.182 / 1.886, 12);
    expect(retentionRate(regular, 1)).toBeCloseTo(survival(regular, 1), 12);
    expect(retentionRate(regular, 2)).toBeCloseTo(survival(regular, 2) / survival(regular, 1), 12);
    expect(retentionRate(regular, 7)).toBeGreaterThan(retentionRate(regular, 2));
  });
});

describe('discounted expected residual lifetime', () => {
  it('equals the discounted sum of conditional survival probabilities', () => {
    const params = { alpha: 0.668, beta: 3.806 };
    for (const n of [1, 3, 8]) {
      let brute = 0;
      for (let t = n; t < n + 5000; t++) brute += (survival(params, t) / survival(params, n - 1)) / Math.pow(1.1, t - n);
      expect(discountedExpectedResidualLifetime(params, n, 0.1)).toBeCloseTo(brute, 8);
    }
  });

  it('refuses a zero discount rate and malformed cohorts', () => {
    expect(() => discountedExpectedResidualLifetime({ alpha: 1, beta: 1 }, 1, 0)).toThrow(/discount rate must be positive/);
    expect(() => fromSurvivors([1000, 1001])).toThrow(/survivors\[1\] = 1001 exceeds/);
    expect(() => fitSbg({ churned: [0, 0], censored: [0, 10] })).toThrow(/no churn yet/);
  });
});
