import { describe, expect, it } from 'vitest';
import { conditionalExpectedPurchases } from '#functions/reports/models/bgnbd.ts';
import { customerLifetimeValue } from '#functions/reports/models/clv.ts';

const params = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const month = 365.25 / 12 / 7;

describe('12-month CLV', () => {
  const history = { x: 4, tx: 30, T: 38.86 };

  it('without discounting is expected purchases over 12 months times the value per purchase', () => {
    const clv = customerLifetimeValue(params, history, 40, { monthLength: month, annualDiscountRate: 0 });
    expect(clv).toBeCloseTo(40 * conditionalExpectedPurchases(params, history, 12 * month), 10);
  });

  it('discounting lowers it, by less than a full year’s rate', () => {
    const plain = customerLifetimeValue(params, history, 40, { monthLength: month, annualDiscountRate: 0 });
    const discounted = customerLifetimeValue(params, history, 40, { monthLength: month, annualDiscountRate: 0.1 });
    expect(discounted).toBeLessThan(plain);
    expect(discounted).toBeGreaterThan(plain / 1.1);
  });
});
