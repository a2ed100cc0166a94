// L2 logistic regression against an independent fit (scipy L-BFGS-B, test/fixtures/lead-scoring/
// logistic_l2_reference.py, which wrote the fixture), and AUC / calibration on hand-computed cases.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { auc, calibrationBins, fitLogisticL2, predictLogistic } from '#functions/reports/models/logistic-regression.ts';

const reference = JSON.parse(readFileSync(new URL('../fixtures/lead-scoring/logistic-l2.json', import.meta.url), 'utf8')) as {
  X: number[][];
  y: number[];
  fits: { lambda: number; intercept: number; coefficients: number[]; objective: number }[];
};

describe('fitLogisticL2', () => {
  it.each(reference.fits.map((f) => [f.lambda, f] as const))('matches scipy at λ = %s', (lambda, expected) => {
    const fit = fitLogisticL2(reference.X, reference.y, { lambda });
    expect(fit.intercept).toBeCloseTo(expected.intercept, 6);
    fit.coefficients.forEach((c, j) => expect(c, `coefficient ${j}`).toBeCloseTo(expected.coefficients[j]!, 6));
    expect(fit.objective).toBeCloseTo(expected.objective, 8);
    expect(fit.iterations).toBeLessThan(15);
  });

  it('shrinks the coefficients as λ grows', () => {
    const norm = (l: number) => Math.hypot(...fitLogisticL2(reference.X, reference.y, { lambda: l }).coefficients);
    expect(norm(0.1)).toBeGreaterThan(norm(10));
  });

  it('gives the base rate with a huge penalty and stays finite on separable data', () => {
    const X = [[0], [1], [2], [3]];
    const y = [0, 0, 1, 1];
    // Separable: unpenalised Newton would diverge; λ > 0 keeps it finite and monotone.
    const fit = fitLogisticL2(X, y, { lambda: 0.5 });
    expect(predictLogistic(fit, [3])).toBeGreaterThan(predictLogistic(fit, [0]));
    const flat = fitLogisticL2(X, y, { lambda: 1e9 });
    expect(predictLogistic(flat, [3])).toBeCloseTo(0.5, 6);
  });

  it('refuses bad input naming the row', () => {
    expect(() => fitLogisticL2([[1], [1, 2]], [0, 1])).toThrow(/row 2 has 2 features/);
    expect(() => fitLogisticL2([[1], [2]], [0, 2])).toThrow(/label 2 must be 0 or 1/);
  });
});

describe('auc', () => {
  it('is the share of positive-negative pairs ranked right, ties half', () => {
    // Positives 0.9, 0.4; negatives 0.5, 0.1: pairs (0.9>0.5) (0.9>0.1) (0.4<0.5) (0.4>0.1) → 3/4.
    expect(auc([0.9, 0.5, 0.4, 0.1], [1, 0, 1, 0])).toBe(0.75);
    // A tie between a positive and a negative counts half: (0.5=0.5) half, (0.5>0.2) → 1.5/2.
    expect(auc([0.5, 0.5, 0.2], [1, 0, 0])).toBe(0.75);
    expect(auc([0.3, 0.2], [1, 1])).toBeNull();
  });
});

describe('calibrationBins', () => {
  it('puts predictions in equal-width bins with the mean prediction and the observed rate', () => {
    const bins = calibrationBins([0.05, 0.15, 0.12, 0.95, 1], [0, 1, 0, 1, 1], 10);
    expect(bins[0]).toMatchObject({ count: 1, meanPredicted: 0.05, observedRate: 0 });
    expect(bins[1]!.count).toBe(2);
    expect(bins[1]!.meanPredicted).toBeCloseTo(0.135, 12);
    expect(bins[1]!.observedRate).toBe(0.5);
    expect(bins[9]).toMatchObject({ count: 2, meanPredicted: 0.975, observedRate: 1 });
    expect(bins[5]).toMatchObject({ count: 0, meanPredicted: null, observedRate: null });
  });
});
