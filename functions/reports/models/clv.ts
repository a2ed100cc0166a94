// Customer lifetime value over a horizon from the BG/NBD purchase forecast and the Gamma-Gamma value
// per purchase: the expected purchases of each month, times the expected value of a purchase,
// discounted to the as-of date (the approach of the `lifetimes` library's customer_lifetime_value).
import { conditionalExpectedPurchases, type BgNbdParameters } from './bgnbd.ts';
import type { PurchaseHistory } from './sufficient-statistics.ts';

export interface ClvOptions {
  /** Months ahead. @default 12 */
  months?: number;
  /** Annual discount rate, e.g. 0.1 for 10 %; applied monthly as (1+d)^(1/12) − 1. @default 0.1 */
  annualDiscountRate?: number;
  /** Length of one month in the model's time unit (weeks: 365.25/12/7). */
  monthLength: number;
}

/** Discounted expected value of a customer's purchases over the horizon. */
export function customerLifetimeValue(params: BgNbdParameters, history: PurchaseHistory, expectedValuePerPurchase: number, options: ClvOptions): number {
  const months = options.months ?? 12;
  const annual = options.annualDiscountRate ?? 0.1;
  if (!(annual > -1)) throw new Error(`annualDiscountRate must be above −1 (got ${annual})`);
  const monthly = Math.pow(1 + annual, 1 / 12) - 1;
  let value = 0;
  let before = 0;
  for (let m = 1; m <= months; m++) {
    const upTo = conditionalExpectedPurchases(params, history, m * options.monthLength);
    value += ((upTo - before) * expectedValuePerPurchase) / Math.pow(1 + monthly, m);
    before = upTo;
  }
  return value;
}
