// Customer lifetime value over a horizon from the BG/NBD purchase forecast and the Gamma-Gamma value
// per purchase: the expected purchases of each month, times the expected value of a purchase,
// discounted to the as-of date (the approach of the `lifetimes` library's customer_lifetime_value).
import { expectedPurchasesIfAlive, probabilityAlive, type BgNbdParameters } from './bgnbd.ts';
import type { PurchaseHistory } from './sufficient-statistics.ts';

export interface ClvOptions {
  /** Months ahead. @default 12 */
  months?: number;
  /** Annual discount rate, e.g. 0.1 for 10 %; applied monthly as (1+d)^(1/12) − 1. @default 0.1 */
  annualDiscountRate?: number;
  /** Length of one month in the model's time unit (weeks: 365.25/12/7). */
  monthLength: number;
}

/**
 * Σ over the months of the purchases expected in that month, discounted, should the customer be alive.
 * It depends on (x, t_x, T) only, so customers with the same history share it.
 */
export function discountedPurchasesIfAlive(params: BgNbdParameters, history: PurchaseHistory, options: ClvOptions): number {
  const months = options.months ?? 12;
  const annual = options.annualDiscountRate ?? 0.1;
  if (!(annual > -1)) throw new Error(`annualDiscountRate must be above −1 (got ${annual})`);
  const monthly = Math.pow(1 + annual, 1 / 12) - 1;
  let total = 0;
  let before = 0;
  for (let m = 1; m <= months; m++) {
    const upTo = expectedPurchasesIfAlive(params, history, m * options.monthLength);
    total += (upTo - before) / Math.pow(1 + monthly, m);
    before = upTo;
  }
  return total;
}

/** Discounted expected value of a customer's purchases over the horizon. */
export const customerLifetimeValue = (params: BgNbdParameters, history: PurchaseHistory, expectedValuePerPurchase: number, options: ClvOptions) =>
  expectedValuePerPurchase * discountedPurchasesIfAlive(params, history, options) * probabilityAlive(params, history);
