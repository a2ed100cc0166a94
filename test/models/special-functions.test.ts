import { describe, expect, it } from 'vitest';
import { digamma, logAddExp, logBeta, logGamma } from '#functions/reports/models/special-functions.ts';

// Reference values: Abramowitz & Stegun / exact factorials (ln 9! = ln 362880, Γ(1/2) = √π, ψ(1) = −γ).
describe('logGamma', () => {
  it.each([
    [0.5, 0.5 * Math.log(Math.PI)],
    [1, 0],
    [2, 0],
    [10, Math.log(362880)],
    [0.001, 6.907178885383854],
    [1000, 5905.220423209181],
    [1e6, 12815504.569147611],
  ])('lnΓ(%d)', (x, expected) => {
    expect(logGamma(x)).toBeCloseTo(expected, Math.abs(expected) > 1000 ? 6 : 12);
  });

  it('refuses non-positive arguments', () => {
    expect(() => logGamma(0)).toThrow(/positive/);
  });
});

describe('digamma', () => {
  const eulerGamma = 0.5772156649015329;
  it.each([
    [1, -eulerGamma],
    [0.5, -eulerGamma - 2 * Math.LN2],
    [100, 4.600161852738087],
    [0.01, -100.56088545786867],
  ])('ψ(%d)', (x, expected) => {
    expect(digamma(x)).toBeCloseTo(expected, 11);
  });

  it('is the derivative of logGamma', () => {
    for (const x of [0.3, 2.5, 40, 700]) {
      const h = 1e-5 * x;
      expect(digamma(x)).toBeCloseTo((logGamma(x + h) - logGamma(x - h)) / (2 * h), 6);
    }
  });
});

describe('logBeta and logAddExp', () => {
  it('B(2, 3) = 1/12 and ln(e^1000 + e^1000) = 1000 + ln 2', () => {
    expect(logBeta(2, 3)).toBeCloseTo(Math.log(1 / 12), 13);
    expect(logAddExp(1000, 1000)).toBeCloseTo(1000 + Math.LN2, 12);
    expect(logAddExp(-Infinity, 3)).toBe(3);
  });
});
