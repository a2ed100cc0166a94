// Item-to-item co-occurrence ("customers who bought X also bought Y") over a recency window, pure
// TypeScript. For a customer, each product Y scores 1 − Π_X (1 − c(X→Y)) over the products X they
// bought in the window (noisy-or: several signals add up, never beyond 1), where c(X→Y) is the share of
// the window's buyers of X who also bought Y, shrunk towards 0 for rare X (n(X,Y) / (n(X) + shrinkage)).
// The reason names the X with the highest share. Durable products the customer owns (ever) and
// inactive products are never recommended; gaps are filled with the window's most popular products.

/** A customer bought a product on a day (YYYY-MM-DD). */
export interface Purchase {
  customerId: string;
  sku: string;
  day: string;
}

export interface ProductInfo {
  name: string;
  durable: boolean;
  active: boolean;
}

export interface CoOccurrenceSettings {
  /** Days before the reference date whose purchases are learnt from. @default 365 */
  windowDays: number;
  /** Pairs bought together by fewer customers are ignored (noise). @default 2 */
  minCoBuyers: number;
  /** Added to n(X) in c(X→Y): a pair seen 2 of 2 times is weaker evidence than 40 of 40. @default 1 */
  shrinkage: number;
}

export const DEFAULT_CO_OCCURRENCE: Readonly<CoOccurrenceSettings> = { windowDays: 365, minCoBuyers: 2, shrinkage: 1 };

export interface CoOccurrenceModel {
  settings: CoOccurrenceSettings;
  /** Customers who bought each product in the window. */
  buyers: Map<string, number>;
  /** Customers who bought both, per ordered pair (X → Y → count). */
  pairs: Map<string, Map<string, number>>;
  /** Customers with a purchase in the window. */
  customers: number;
  /** Products by buyers in the window, most first (sku order on ties). */
  popular: string[];
}

export interface Recommendation {
  sku: string;
  score: number;
  /** The product that led to it; absent for a popularity fill. */
  because?: string;
  /** Share of the window's buyers of `because` (or of all its customers, for a fill) who bought it. */
  share: number;
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The first day of a window of `days` days ending on `to` (inclusive). */
export function windowStart(to: string, days: number): string {
  const d = new Date(`${to}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - days + 1);
  return d.toISOString().slice(0, 10);
}

/** Each customer's set of products bought on days from..to (inclusive). */
export function basketsBetween(purchases: readonly Purchase[], from: string, to: string): Map<string, Set<string>> {
  const baskets = new Map<string, Set<string>>();
  for (const p of purchases) {
    if (p.day < from || p.day > to) continue;
    let set = baskets.get(p.customerId);
    if (!set) baskets.set(p.customerId, (set = new Set()));
    set.add(p.sku);
  }
  return baskets;
}

/** Learns co-occurrence from the purchases in the window ending on `to`. */
export function learnCoOccurrence(purchases: readonly Purchase[], to: string, settings: CoOccurrenceSettings = DEFAULT_CO_OCCURRENCE): CoOccurrenceModel {
  const baskets = basketsBetween(purchases, windowStart(to, settings.windowDays), to);
  const buyers = new Map<string, number>();
  const pairs = new Map<string, Map<string, number>>();
  for (const basket of baskets.values()) {
    const items = [...basket];
    for (const x of items) {
      buyers.set(x, (buyers.get(x) ?? 0) + 1);
      let row = pairs.get(x);
      if (!row) pairs.set(x, (row = new Map()));
      for (const y of items) if (y !== x) row.set(y, (row.get(y) ?? 0) + 1);
    }
  }
  const popular = [...buyers.keys()].sort((a, b) => buyers.get(b)! - buyers.get(a)! || byText(a, b));
  return { settings, buyers, pairs, customers: baskets.size, popular };
}

/** Whether a product may be recommended to a customer who owns `owned` (ever). */
function eligible(sku: string, owned: ReadonlySet<string>, catalogue: ReadonlyMap<string, ProductInfo>): boolean {
  const info = catalogue.get(sku);
  if (info && !info.active) return false;
  return !(info?.durable && owned.has(sku));
}

/**
 * The top `k` products for a customer: `recent` are the products they bought in the model's window
 * (the signal), `owned` everything they ever bought (durables among them are excluded).
 */
export function recommend(model: CoOccurrenceModel, recent: ReadonlySet<string>, owned: ReadonlySet<string>, catalogue: ReadonlyMap<string, ProductInfo>, k: number): Recommendation[] {
  const { minCoBuyers, shrinkage } = model.settings;
  const scored = new Map<string, { miss: number; because: string; share: number }>();
  for (const x of [...recent].sort(byText)) {
    const n = model.buyers.get(x) ?? 0;
    for (const [y, both] of model.pairs.get(x) ?? []) {
      if (both < minCoBuyers || !eligible(y, owned, catalogue)) continue;
      const share = both / n;
      const confidence = both / (n + shrinkage);
      const s = scored.get(y);
      if (!s) scored.set(y, { miss: 1 - confidence, because: x, share });
      else {
        s.miss *= 1 - confidence;
        if (share > s.share) Object.assign(s, { because: x, share });
      }
    }
  }
  const ranked: Recommendation[] = [...scored]
    .map(([sku, s]) => ({ sku, score: 1 - s.miss, because: s.because, share: s.share }))
    .sort((a, b) => b.score - a.score || byText(a.sku, b.sku))
    .slice(0, k);
  return [...ranked, ...popularFill(model, owned, catalogue, k - ranked.length, new Set(ranked.map((r) => r.sku)))];
}

/** The `k` most popular eligible products: the baseline, and the fill when co-occurrence has too little to say. */
export function popularFill(model: CoOccurrenceModel, owned: ReadonlySet<string>, catalogue: ReadonlyMap<string, ProductInfo>, k: number, taken: ReadonlySet<string> = new Set()): Recommendation[] {
  const out: Recommendation[] = [];
  for (const sku of model.popular) {
    if (out.length >= k) break;
    if (taken.has(sku) || !eligible(sku, owned, catalogue)) continue;
    // Below every co-occurrence score a customer has: a fill never outranks evidence about them.
    out.push({ sku, score: 0, share: model.buyers.get(sku)! / model.customers });
  }
  return out;
}
