// Non-contractual churn and value: BG/NBD on every customer's (x, t_x, T), Gamma-Gamma per currency on
// the repeat buyers' mean values, then per customer P(alive), expected purchases over 30/90/365 days,
// the 12-month CLV and the value at risk. Customers with identical statistics get identical scores, so
// each distinct (x, t_x, T) is scored once.
import { expectedPurchasesIfAlive, fitBgNbd, probabilityAlive, type BgNbdFit } from '../models/bgnbd.ts';
import { discountedPurchasesIfAlive } from '../models/clv.ts';
import { conditionalExpectedValue, fitGammaGamma, type GammaGammaFit } from '../models/gamma-gamma.ts';
import type { PurchaseHistory } from '../models/sufficient-statistics.ts';
import type { ChurnSettings } from './churn-settings.ts';
import { numberIn, stringIn } from './table-rows.ts';

/** Days per week: the model's time unit is the week, as in the published CDNOW fits. */
export const DAYS_PER_WEEK = 7;
export const WEEKS_PER_MONTH = 365.25 / 12 / DAYS_PER_WEEK;

export interface CustomerStatistics extends PurchaseHistory {
  customerId: string;
  currency: string;
  lastPurchase: string;
  /** Mean value of the repeat purchase days; null without repeat purchases. */
  monetary: number | null;
}

export interface CustomerScore extends CustomerStatistics {
  pAlive: number;
  expected30: number;
  expected90: number;
  expected365: number;
  /** Expected value of one future purchase (Gamma-Gamma), null when the currency has no spend model or mean. */
  expectedValue: number | null;
  clv12m: number | null;
  churnRisk: number;
  valueAtRisk: number | null;
}

export interface SpendModel {
  currency: string;
  fit?: GammaGammaFit;
  /** Mean repeat-purchase value of the currency's repeat buyers: the fallback when too few to fit. */
  meanValue: number | null;
  repeatBuyers: number;
}

export interface PurchaseModels {
  bgnbd?: BgNbdFit;
  spend: SpendModel[];
  scores: CustomerScore[];
}

export function readCustomerStatistics(rows: readonly Record<string, unknown>[]): CustomerStatistics[] {
  const table = 'customer_statistics';
  return rows.map((row, i) => ({
    customerId: stringIn(row, 'customer_id', table, i),
    currency: stringIn(row, 'currency', table, i),
    lastPurchase: stringIn(row, 'last_purchase', table, i),
    x: numberIn(row, 'x', table, i),
    tx: numberIn(row, 't_x', table, i),
    T: numberIn(row, 't', table, i),
    monetary: row.monetary === null || row.monetary === undefined ? null : numberIn(row, 'monetary', table, i),
  }));
}

function fitSpendModels(customers: readonly CustomerStatistics[], settings: ChurnSettings): SpendModel[] {
  const byCurrency = new Map<string, { x: number; monetary: number }[]>();
  for (const c of customers) {
    const list = byCurrency.get(c.currency) ?? [];
    if (c.x > 0 && c.monetary !== null && c.monetary > 0) list.push({ x: c.x, monetary: c.monetary });
    byCurrency.set(c.currency, list);
  }
  return [...byCurrency.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, buyers]) => {
      const meanValue = buyers.length ? buyers.reduce((s, b) => s + b.monetary, 0) / buyers.length : null;
      const fit = buyers.length >= settings.minRepeatBuyersForSpendModel ? fitGammaGamma(buyers) : undefined;
      return { currency, meanValue, repeatBuyers: buyers.length, ...(fit ? { fit } : {}) };
    });
}

function expectedValueOf(model: SpendModel | undefined, c: CustomerStatistics): number | null {
  if (model?.fit) {
    const value = conditionalExpectedValue(model.fit, { x: c.monetary === null ? 0 : c.x, monetary: c.monetary ?? 0 });
    if (Number.isFinite(value)) return value;
  }
  return c.x > 0 && c.monetary !== null ? c.monetary : (model?.meanValue ?? null);
}

export function scorePurchases(customers: readonly CustomerStatistics[], settings: ChurnSettings): PurchaseModels {
  const spend = fitSpendModels(customers, settings);
  // BG/NBD needs someone who has had time to come back; with no repeat purchase at all the fit is degenerate.
  if (!customers.some((c) => c.x > 0)) return { spend, scores: [] };
  const bgnbd = fitBgNbd(customers);
  const spendOf = new Map(spend.map((s) => [s.currency, s]));
  const clvOptions = { months: 12, annualDiscountRate: settings.annualDiscountRate, monthLength: WEEKS_PER_MONTH };
  const perHistory = new Map<string, { pAlive: number; ifAlive: [number, number, number]; discountedIfAlive: number }>();
  const scores = customers.map((c): CustomerScore => {
    const key = `${c.x}|${c.tx}|${c.T}`;
    let s = perHistory.get(key);
    if (!s) {
      const ifAlive = [30, 90, 365].map((days) => expectedPurchasesIfAlive(bgnbd, c, days / DAYS_PER_WEEK)) as [number, number, number];
      s = { pAlive: probabilityAlive(bgnbd, c), ifAlive, discountedIfAlive: discountedPurchasesIfAlive(bgnbd, c, clvOptions) };
      perHistory.set(key, s);
    }
    const expectedValue = expectedValueOf(spendOf.get(c.currency), c);
    // Value if alive is computed apart so that a near-certainly lost customer's value at risk stays exact.
    // A degenerate fit on very little data (a handful of repeat buyers) can overflow the hypergeometric series:
    // then the value is unknown (null), never NaN in a DECIMAL column or an event.
    const clvIfAlive = expectedValue === null || !Number.isFinite(s.discountedIfAlive) ? null : expectedValue * s.discountedIfAlive;
    const churnRisk = 1 - s.pAlive;
    return {
      ...c,
      pAlive: s.pAlive,
      expected30: s.ifAlive[0] * s.pAlive,
      expected90: s.ifAlive[1] * s.pAlive,
      expected365: s.ifAlive[2] * s.pAlive,
      expectedValue,
      clv12m: clvIfAlive === null ? null : clvIfAlive * s.pAlive,
      churnRisk,
      valueAtRisk: clvIfAlive === null ? null : clvIfAlive * churnRisk,
    };
  });
  return { bgnbd, spend, scores };
}
