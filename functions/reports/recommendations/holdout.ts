// Time-based holdout of the recommender: learn from the purchases up to a cutoff (the as-of date minus
// the holdout months), recommend to every customer who bought in the learning window, and count a hit
// when one of the top k is a product the customer bought after the cutoff (up to the as-of date). The
// popularity baseline recommends the window's best sellers under the same exclusions.
import { basketsBetween, learnCoOccurrence, popularFill, recommend, windowStart, type CoOccurrenceSettings, type ProductInfo, type Purchase } from './co-occurrence.ts';

export interface HoldoutResult {
  cutoff: string;
  /** Customers with a purchase in the learning window and an eligible one after the cutoff. */
  customers: number;
  /** method → k → share of those customers with a hit in their top k. */
  hitRate: Record<'co_occurrence' | 'popularity', Record<number, number | null>>;
}

/** The date `months` calendar months before `date` (day clamped to the month's end). */
export function monthsBefore(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const first = new Date(Date.UTC(y, m - 1 - months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(d, last));
  return first.toISOString().slice(0, 10);
}

export function holdoutEvaluation(
  purchases: readonly Purchase[],
  catalogue: ReadonlyMap<string, ProductInfo>,
  asOf: string,
  holdoutMonths: number,
  ks: readonly number[],
  settings: CoOccurrenceSettings,
): HoldoutResult {
  const cutoff = monthsBefore(asOf, holdoutMonths);
  const before = purchases.filter((p) => p.day <= cutoff);
  const model = learnCoOccurrence(before, cutoff, settings);
  const recent = basketsBetween(before, windowStart(cutoff, settings.windowDays), cutoff);
  const owned = basketsBetween(before, '0000-01-01', cutoff);
  const later = basketsBetween(purchases, windowStart(asOf, Math.max(0, dayDiff(cutoff, asOf))), asOf);
  const maxK = Math.max(...ks);
  const hits = { co_occurrence: new Map<number, number>(), popularity: new Map<number, number>() };
  let customers = 0;
  for (const [customerId, basket] of [...recent].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const have = owned.get(customerId)!;
    const target = [...(later.get(customerId) ?? [])].filter((sku) => !(catalogue.get(sku)?.durable && have.has(sku)));
    if (!target.length) continue;
    customers++;
    const lists = { co_occurrence: recommend(model, basket, have, catalogue, maxK), popularity: popularFill(model, have, catalogue, maxK) };
    for (const method of ['co_occurrence', 'popularity'] as const) {
      for (const k of ks) {
        const top = new Set(lists[method].slice(0, k).map((r) => r.sku));
        if (target.some((sku) => top.has(sku))) hits[method].set(k, (hits[method].get(k) ?? 0) + 1);
      }
    }
  }
  const rates = (m: Map<number, number>) => Object.fromEntries(ks.map((k) => [k, customers ? (m.get(k) ?? 0) / customers : null]));
  return { cutoff, customers, hitRate: { co_occurrence: rates(hits.co_occurrence), popularity: rates(hits.popularity) } };
}

/** Whole days from a to b (YYYY-MM-DD). */
function dayDiff(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}
