// Orders from purchases: baskets drawn from the catalogue (gifts in Q4, bulk seats for companies),
// money in integer cents so subtotal, discount, tax and total always add up, and the fulfilment
// status each order has reached by as-of.
import type { z } from 'zod';
import type { order } from '#schemas/entities.ts';
import { DAY, HOUR, MINUTE, iso, monthOf } from './calendar.ts';
import { EUR_RATE, PRODUCTS, type Product } from './catalog.ts';
import { money, pad, type DemoContext } from './context.ts';
import type { CustomerProfile } from './customers.ts';
import type { Purchase } from './purchases.ts';
import type { Rng } from './random.ts';

export type OrderRecord = z.input<typeof order>;
export type PaymentMethod = 'card' | 'transfer' | 'direct_debit' | 'cash' | 'paypal' | 'other';

export interface OrderFact {
  record: OrderRecord;
  customer: CustomerProfile;
  orderedAt: number;
  totalCents: number;
  method: PaymentMethod;
  /** Why and when an order ended early. */
  paymentFailed?: boolean;
  cancelledAt?: number;
  deliveredAt?: number;
  returnedAt?: number;
}

type Channel = OrderRecord['channel'];

export function buildOrders(ctx: DemoContext, profiles: readonly CustomerProfile[], purchases: Map<string, Purchase[]>): OrderFact[] {
  const facts: OrderFact[] = [];
  for (const p of profiles) {
    const list = purchases.get(p.id) ?? [];
    if (list.length === 0) continue;
    const rng = ctx.rng.fork(`orders:${p.id}`);
    const preferred = preferredChannel(rng, p);
    const method = preferredMethod(rng, p);
    const owned = new Set<string>();
    list.forEach((purchase, i) => facts.push(orderFact(ctx, rng, p, purchase, i + 1, preferred, method, owned)));
  }
  return facts;
}

function preferredChannel(rng: Rng, p: CustomerProfile): Channel {
  return p.kind === 'company' ? rng.weighted({ phone: 35, partner: 25, web: 40 }) : rng.weighted({ web: 55, marketplace: 15, store: 15, phone: 7, partner: 8 });
}

function preferredMethod(rng: Rng, p: CustomerProfile): PaymentMethod {
  return p.kind === 'company' ? rng.weighted({ transfer: 80, direct_debit: 20 }) : rng.weighted({ card: 45, paypal: 28, direct_debit: 10, transfer: 12, other: 5 });
}

function orderFact(ctx: DemoContext, rng: Rng, p: CustomerProfile, purchase: Purchase, seq: number, preferred: Channel, preferredPay: PaymentMethod, owned: Set<string>): OrderFact {
  const at = purchase.at;
  const channel: Channel = purchase.campaignId ? 'web' : rng.chance(0.75) ? preferred : preferredChannel(rng, p);
  const method: PaymentMethod = channel === 'store' ? (rng.chance(0.7) ? 'card' : 'cash') : rng.chance(0.85) ? preferredPay : preferredMethod(rng, p);
  const lines = basket(rng, p, at, owned);
  for (const l of lines) owned.add(l.sku);
  const subtotal = lines.reduce((s, l) => s + l.quantity * l.unitPrice, 0);
  const discountRate = discountFor(rng, p, at, purchase);
  const discount = Math.round((subtotal * discountRate) / 100);
  const tax = Math.round((subtotal - discount) * p.market.taxRate);
  const total = subtotal - discount + tax;

  // Fulfilment: paid at once when prepaid, shipped in a day or two, delivered a few days later.
  const prepaid = method === 'card' || method === 'paypal' || method === 'other' || method === 'cash';
  const paymentFailed = (method === 'card' || method === 'paypal') && rng.chance(0.012);
  const cancelled = paymentFailed || rng.chance(0.025);
  const inStore = channel === 'store';
  const paidAt = at + rng.float(0.5, 4) * MINUTE;
  // Store purchases are handed over at the till once paid.
  const shippedAt = inStore ? paidAt + MINUTE : at + rng.float(8, 40) * HOUR;
  const deliveredAt = inStore ? shippedAt : shippedAt + rng.float(1, 4) * DAY;
  const returnChance = p.kind === 'company' ? 0.02 : channel === 'web' || channel === 'marketplace' ? 0.06 : 0.03;
  const returnedAt = !cancelled && rng.chance(returnChance * (1 - 0.3 * p.satisfaction)) ? deliveredAt + rng.float(3, 25) * DAY : undefined;
  const cancelledAt = cancelled ? at + (paymentFailed ? rng.float(1, 10) * MINUTE : rng.float(1, 30) * HOUR) : undefined;

  const reached = (t: number | undefined): t is number => t !== undefined && t <= ctx.asOf;
  let status: OrderRecord['status'] = 'placed';
  let changedAt = at;
  const step = (s: OrderRecord['status'], t: number | undefined) => {
    if (reached(t) && t >= changedAt) {
      status = s;
      changedAt = t;
    }
  };
  if (cancelled) step('cancelled', cancelledAt);
  else {
    if (prepaid) step('paid', paidAt);
    step('shipped', shippedAt);
    step('delivered', deliveredAt);
    step('returned', returnedAt);
  }

  const record: OrderRecord = {
    id: `ord-${p.id.slice(4)}-${pad(seq, 2)}`,
    updatedAt: iso(changedAt),
    customerId: p.id,
    orderedAt: iso(at),
    status,
    channel,
    currency: p.market.currency,
    lineItems: lines.map((l) => ({ sku: l.sku, quantity: l.quantity, unitPrice: money(l.unitPrice) })),
    itemCount: lines.reduce((s, l) => s + l.quantity, 0),
    subtotal: money(subtotal),
    discount: money(discount),
    tax: money(tax),
    total: money(total),
    ...(purchase.campaignId ? { campaignId: purchase.campaignId } : {}),
  };
  return {
    record,
    customer: p,
    orderedAt: at,
    totalCents: total,
    method,
    ...(paymentFailed ? { paymentFailed } : {}),
    ...(reached(cancelledAt) ? { cancelledAt } : {}),
    ...(!cancelled && reached(deliveredAt) ? { deliveredAt } : {}),
    ...(reached(returnedAt) ? { returnedAt } : {}),
  };
}

interface Line {
  sku: string;
  quantity: number;
  unitPrice: number;
}

const LEADS_TO_BOOST = 6;
const IN_BASKET_BOOST = 4;

/**
 * Products are drawn by popularity, shaped the way real baskets are: what a customer already owns leads
 * to its accessories and follow-ups (`leadsTo`), items of one basket go together, and a durable product
 * is not bought twice. This is the structure the recommendations report learns.
 */
function basket(rng: Rng, p: CustomerProfile, at: number, owned: ReadonlySet<string>): Line[] {
  const q4 = monthOf(at) >= 10;
  const business = p.kind === 'company' && rng.chance(0.85);
  const pool = PRODUCTS.filter((x) => x.segment === (business ? 'business' : 'consumer'));
  const sizes: Record<string, number> = business ? { '1': 45, '2': 35, '3': 20 } : { '1': 58, '2': 25, '3': 11, '4': 6 };
  let size = Number(rng.weighted(sizes));
  // Gift season: bigger baskets, more gifts.
  if (q4 && rng.chance(0.3)) size++;
  const chosen: Product[] = [];
  while (chosen.length < Math.min(size, pool.length)) {
    const product = rng.pickWeighted(pool, (x) => productWeight(x, chosen, owned, q4));
    if (!chosen.includes(product)) chosen.push(product);
  }
  return chosen.map((product) => ({ sku: product.sku, quantity: quantity(rng, product, business), unitPrice: localPrice(product.price, p.market.currency) }));
}

const followsFrom = (x: Product, skus: Iterable<string>) => {
  for (const sku of skus) if (PRODUCT_BY_SKU.get(sku)?.leadsTo?.includes(x.sku)) return true;
  return false;
};

function productWeight(x: Product, chosen: readonly Product[], owned: ReadonlySet<string>, q4: boolean): number {
  if (chosen.includes(x) || (x.durable && owned.has(x.sku))) return 0;
  const boost = followsFrom(x, owned) ? LEADS_TO_BOOST : followsFrom(x, chosen.map((c) => c.sku)) ? IN_BASKET_BOOST : 1;
  return x.weight * (q4 && x.gift ? 2.5 : 1) * boost;
}

const PRODUCT_BY_SKU = new Map(PRODUCTS.map((x) => [x.sku, x]));

function quantity(rng: Rng, product: Product, business: boolean): number {
  if (business && product.bulk) return Math.max(2, Math.round(rng.logNormal(4, 0.6)));
  if (business) return rng.int(1, 2);
  const cheap = product.price < 2500;
  return Number(rng.weighted(cheap ? { '1': 60, '2': 28, '3': 12 } : { '1': 88, '2': 10, '3': 2 }));
}

/** Converts a EUR list price and ends it in .99/.90 the way local price lists do. */
function localPrice(eurCents: number, currency: keyof typeof EUR_RATE): number {
  if (currency === 'EUR') return eurCents;
  const raw = eurCents * EUR_RATE[currency];
  return raw < 1000 ? Math.round(raw / 10) * 10 - 1 : Math.round(raw / 100) * 100 - 1;
}

/** Percentage off: seasonal promotions, campaign codes, contract terms for companies. */
function discountFor(rng: Rng, p: CustomerProfile, at: number, purchase: Purchase): number {
  if (p.kind === 'company') return rng.pick([8, 10, 10, 12, 15]);
  const month = monthOf(at);
  const blackFriday = month === 10 && new Date(at).getUTCDate() >= 20;
  const chance = purchase.campaignId ? 0.65 : blackFriday ? 0.55 : month === 0 || month === 6 ? 0.35 : 0.15;
  if (!rng.chance(chance)) return 0;
  return blackFriday ? rng.pick([15, 20, 25]) : rng.pick([5, 10, 10, 15, 20]);
}
