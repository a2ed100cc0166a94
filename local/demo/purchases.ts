// When customers buy: a "buy till you die" process (Pareto/NBD-style purchasing with a BG/NBD-style
// dropout). Each buyer has a gamma-distributed purchase rate and a beta-distributed chance of
// lapsing after every purchase; demand follows the retail season by thinning.
import { consumerTime, businessTime, DAY, MINUTE, PEAK_SEASON, seasonalFactor } from './calendar.ts';
import type { DemoContext } from './context.ts';
import type { AccountHistory } from './accounts.ts';
import type { CustomerProfile } from './customers.ts';
import type { Rng } from './random.ts';

export interface Purchase {
  customer: CustomerProfile;
  at: number;
  /** Last-touch campaign, set when a campaign touch converted into this purchase. */
  campaignId?: string;
  /** Placed because of a campaign rather than by the customer's own rhythm. */
  induced?: boolean;
}

export interface BuyerTraits {
  /** Purchases per day while alive, at average seasonal demand. */
  rate: number;
  /** Probability of lapsing after each purchase. */
  dropout: number;
}

export function buyerTraits(rng: Rng, p: CustomerProfile): BuyerTraits {
  // Heterogeneity as in BG/NBD fits of retail data: most buy every few months, a few buy often.
  const rate = p.kind === 'company' ? rng.gamma(2, 1 / 150) : rng.gamma(1.1, 1 / 40);
  const dropout = p.kind === 'company' ? rng.beta(1, 10) : rng.beta(1.2, 4.5);
  // Happier customers are less likely to drift away.
  return { rate, dropout: Math.min(0.95, dropout * Math.exp(-0.35 * p.satisfaction)) };
}

/** A customer's own purchases (no campaign influence yet), in time order. */
export function organicPurchases(ctx: DemoContext, p: CustomerProfile, account?: AccountHistory): Purchase[] {
  const rng = ctx.rng.fork(`purchases:${p.id}`);
  const traits = buyerTraits(rng, p);
  const times: number[] = [];
  let from: number;
  let until = ctx.asOf;
  if (p.kind === 'company') {
    // Companies order hardware while they are clients.
    if (account?.clientFrom === undefined) return [];
    from = Math.max(account.clientFrom, p.createdAt);
    until = Math.min(ctx.asOf, account.clientUntil);
  } else if (p.acquisition === 'import') {
    // Migrated customers are mid-life: some had already lapsed before the window opened.
    if (rng.chance(0.2)) return [];
    from = p.createdAt;
  } else {
    // Most sign up at checkout; some register first and buy weeks later; a few never buy.
    if (p.source !== 'campaign' && rng.chance(0.12)) return [];
    const first = rng.chance(0.7) ? p.createdAt + rng.float(2, 40) * MINUTE : consumerTime(rng, p.createdAt + rng.exponential(25) * DAY);
    if (first > ctx.asOf) return [];
    times.push(Math.max(first, p.createdAt + MINUTE));
    if (rng.chance(traits.dropout)) return toPurchases(p, times);
    from = times[0]!;
  }
  let t = from;
  for (;;) {
    t += rng.exponential(1 / (traits.rate * PEAK_SEASON)) * DAY;
    if (t > until) break;
    if (rng.next() * PEAK_SEASON >= seasonalFactor(t)) continue;
    const at = p.kind === 'company' ? businessTime(rng, t) : consumerTime(rng, t);
    const last = times[times.length - 1] ?? from;
    const placed = Math.max(at, last + 30 * MINUTE);
    if (placed > until) break;
    times.push(placed);
    if (rng.chance(traits.dropout)) break;
  }
  return toPurchases(p, times);
}

const toPurchases = (customer: CustomerProfile, times: number[]): Purchase[] => times.map((at) => ({ customer, at }));
