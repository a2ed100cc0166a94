// Gamma-Gamma against Fader, Hardie & Lee (2005b) on the CDNOW sample's 946 repeat buyers.
import { describe, expect, it } from 'vitest';
import { conditionalExpectedValue, fitGammaGamma } from '#functions/reports/models/gamma-gamma.ts';
import { readCdnowSummary } from './cdnow-summary.ts';

const withinPercent = (actual: number, expected: number) => expect(Math.abs(actual / expected - 1)).toBeLessThan(0.01);

describe('Gamma-Gamma on the CDNOW sample', () => {
  const repeatBuyers = readCdnowSummary()
    .filter((row) => row.x > 0)
    .map((row) => ({ x: row.x, monetary: row.zbar }));

  it('reproduces the published estimates p = 6.25, q = 3.74, γ = 15.44 within 1%', () => {
    expect(repeatBuyers).toHaveLength(946);
    const fit = fitGammaGamma(repeatBuyers);
    expect(fit.converged).toBe(true);
    withinPercent(fit.p, 6.25);
    withinPercent(fit.q, 3.74);
    withinPercent(fit.gamma, 15.44);
  });

  it('shrinks a customer’s mean towards the population mean, less so the more they bought', () => {
    const params = { p: 6.25, q: 3.74, gamma: 15.44 };
    const population = (6.25 * 15.44) / 2.74;
    // Equation: E[Z | x, m] = p(γ + x m)/(px + q − 1); by hand for x = 1, m = 100: 6.25 × 115.44 / 8.99.
    expect(conditionalExpectedValue(params, { x: 1, monetary: 100 })).toBeCloseTo((6.25 * 115.44) / 8.99, 10);
    expect(conditionalExpectedValue(params, { x: 0, monetary: 0 })).toBeCloseTo(population, 10);
    const few = conditionalExpectedValue(params, { x: 1, monetary: 100 });
    const many = conditionalExpectedValue(params, { x: 20, monetary: 100 });
    expect(few).toBeLessThan(many);
    expect(many).toBeLessThan(100);
  });

  it('refuses non-repeat buyers and non-positive values', () => {
    expect(() => fitGammaGamma([{ x: 0, monetary: 10 }])).toThrow(/repeat buyer 1: x must be a whole number ≥ 1/);
    expect(() => fitGammaGamma([{ x: 2, monetary: 0 }])).toThrow(/repeat buyer 1: monetary must be a positive/);
  });
});
