// BG/NBD against Fader, Hardie & Lee (2005) on the CDNOW sample (fixture from the lifetimes library).
import { describe, expect, it } from 'vitest';
import {
  bgNbdLogLikelihood,
  conditionalExpectedPurchases,
  expectedPurchases,
  fitBgNbd,
  probabilityAlive,
  type BgNbdParameters,
} from '#functions/reports/models/bgnbd.ts';
import { logGamma } from '#functions/reports/models/special-functions.ts';
import { compressHistories } from '#functions/reports/models/sufficient-statistics.ts';
import { readCdnowSummary } from './cdnow-summary.ts';

const published: BgNbdParameters = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const withinPercent = (actual: number, expected: number, percent = 1) => expect(Math.abs(actual / expected - 1)).toBeLessThan(percent / 100);

/** The paper's equation 10 summed term by term in log space, without the Euler transformation the model uses. */
function paperConditionalExpectation({ r, alpha, a, b }: BgNbdParameters, x: number, tx: number, T: number, t: number): number {
  const z = t / (alpha + T + t);
  const [p, q, c] = [r + x, b + x, a + b + x - 1];
  const logTerms: number[] = [0];
  let logTerm = 0;
  for (let k = 0; k < 20000; k++) {
    logTerm += Math.log(p + k) + Math.log(q + k) - Math.log(c + k) - Math.log(k + 1) + Math.log(z);
    logTerms.push(logTerm);
    if (k > p * 4 && logTerm < logTerms[0]! - 60 && logTerm < Math.max(...logTerms.slice(-50)) - 60) break;
  }
  const max = Math.max(...logTerms);
  const logF = max + Math.log(logTerms.reduce((s, l) => s + Math.exp(l - max), 0));
  const lead = Math.exp(p * Math.log((alpha + T) / (alpha + T + t)) + logF);
  const numerator = ((a + b + x - 1) / (a - 1)) * (1 - lead);
  const denominator = 1 + (x > 0 ? (a / (b + x - 1)) * Math.pow((alpha + T) / (alpha + tx), r + x) : 0);
  return numerator / denominator;
}

describe('BG/NBD on the CDNOW sample', () => {
  const rows = readCdnowSummary();
  const fit = fitBgNbd(rows);

  it('reproduces the published maximum-likelihood estimates and log-likelihood within 1%', () => {
    expect(rows).toHaveLength(2357);
    expect(fit.converged).toBe(true);
    withinPercent(fit.r, published.r);
    withinPercent(fit.alpha, published.alpha);
    withinPercent(fit.a, published.a);
    withinPercent(fit.b, published.b);
    withinPercent(fit.logLikelihood, -9582.4, 0.01);
  });

  it('fits on compressed rows: fewer rows than customers, the same likelihood as summing every customer', () => {
    expect(fit.customers).toBe(2357);
    expect(fit.distinctRows).toBeLessThan(1100);
    const summed = rows.reduce((s, row) => s + bgNbdLogLikelihood(fit, row), 0);
    expect(summed).toBeCloseTo(fit.logLikelihood, 6);
  });

  it('matches the published point checks within 1%', () => {
    for (const params of [published, fit]) {
      withinPercent(conditionalExpectedPurchases(params, { x: 2, tx: 30.43, T: 38.86 }, 39), 1.226);
      withinPercent(expectedPurchases(params, 52), 1.444);
      const customer1516 = rows.find((row) => row.id === 1516)!;
      expect(customer1516).toMatchObject({ x: 26, tx: 30.86, T: 31 });
      withinPercent(probabilityAlive(params, { x: 26, tx: 30.857, T: 31 }), 0.969);
      withinPercent(conditionalExpectedPurchases(params, { x: 26, tx: 30.857, T: 31 }, 52), 25.757);
    }
  });
});

describe('BG/NBD scoring', () => {
  it('agrees with the untransformed equation 10 from few to hundreds of purchases', () => {
    for (const [x, tx, T, t] of [
      [0, 0, 38.86, 52],
      [1, 1.71, 38.86, 39],
      [26, 30.857, 31, 52],
      [150, 50, 52, 26],
      [400, 51.5, 52, 52],
    ] as const) {
      const ours = conditionalExpectedPurchases(published, { x, tx, T }, t);
      const paper = paperConditionalExpectation(published, x, tx, T, t);
      expect(Math.abs(ours - paper) / paper).toBeLessThan(1e-8);
    }
  });

  it('stays finite and sensible for a customer with a thousand purchases', () => {
    const heavy = { x: 1000, tx: 51.9, T: 52 };
    const alive = probabilityAlive(published, heavy);
    const next = conditionalExpectedPurchases(published, heavy, 52);
    expect(alive).toBeGreaterThan(0.5);
    // About 19 purchases a week while alive: a year ahead is some hundreds, less than 52 × 1000/52.
    expect(next).toBeGreaterThan(300);
    expect(next).toBeLessThan(1000);
    expect(Number.isFinite(logGamma(published.r + heavy.x))).toBe(true);
  });

  it('is continuous through a = 1, where the paper’s leading factor 1/(a − 1) is singular', () => {
    const at = conditionalExpectedPurchases({ ...published, a: 1 }, { x: 5, tx: 30, T: 38 }, 52);
    const near = conditionalExpectedPurchases({ ...published, a: 1 + 1e-7 }, { x: 5, tx: 30, T: 38 }, 52);
    expect(Number.isFinite(at)).toBe(true);
    expect(at).toBeCloseTo(near, 5);
  });

  it('P(alive) is 1 without repeat purchases and falls with time since the last one', () => {
    expect(probabilityAlive(published, { x: 0, tx: 0, T: 30 })).toBe(1);
    const recent = probabilityAlive(published, { x: 5, tx: 35, T: 38 });
    const lapsed = probabilityAlive(published, { x: 5, tx: 5, T: 38 });
    expect(recent).toBeGreaterThan(lapsed);
  });

  it('refuses impossible histories naming the field', () => {
    expect(() => compressHistories([{ x: 2, tx: 40, T: 38 }])).toThrow(/customer 1: t_x must lie between 0 and T/);
    expect(() => compressHistories([{ x: 1.5, tx: 1, T: 38 }])).toThrow(/x must be a whole number/);
    expect(() => compressHistories([])).toThrow(/no customers/);
  });
});
