// Customer service: tickets raised about orders and accounts, answered and resolved at a pace that
// depends on priority and agent, rated by some customers; plus post-purchase CSAT and NPS surveys.
import type { z } from 'zod';
import type { surveyResponse, ticket, CONTACT_CHANNELS } from '#schemas/entities.ts';
import { DAY, HOUR, iso } from './calendar.ts';
import { SUPPORT_AGENTS } from './catalog.ts';
import { pad, type DemoContext } from './context.ts';
import type { CustomerProfile } from './customers.ts';
import type { OrderFact } from './orders.ts';
import type { Rng } from './random.ts';

export type TicketRecord = z.input<typeof ticket>;
export type SurveyRecord = z.input<typeof surveyResponse>;
type Category = TicketRecord['category'];
type Priority = TicketRecord['priority'];

const SUBJECTS: Record<Category, readonly string[]> = {
  billing: ['Invoice amount looks wrong', 'Charged twice', 'Need a corrected invoice', 'Payment reminder received in error'],
  delivery: ['Where is my order?', 'Parcel arrived damaged', 'Delivery to wrong address', 'Missing item in parcel'],
  product: ['Device does not switch on', 'Bluetooth keeps disconnecting', 'How do I reset the device?', 'Battery drains quickly'],
  account: ['Cannot log in', 'Change my address', 'Please update our billing contact', 'Delete my newsletter subscription'],
  complaint: ['Very disappointed with the service', 'Refund still not received', 'Nobody answered my request'],
  other: ['Question about the warranty', 'Do you ship to Switzerland?', 'Bulk pricing request'],
};
/** Mean hours to a first answer, by priority. */
const FIRST_RESPONSE_HOURS: Record<Priority, number> = { urgent: 0.6, high: 2, normal: 6, low: 16 };
/** Mean days from first answer to resolution, by category. */
const RESOLUTION_DAYS: Record<Category, number> = { billing: 1.2, delivery: 2, product: 3, account: 0.6, complaint: 4, other: 1.2 };
const COMMENTS = {
  low: ['Took far too long.', 'Product stopped working after a week.', 'Nobody seems to care.'],
  mid: ['OK, but delivery was slow.', 'Fine overall.', 'Could be cheaper.'],
  high: ['Great service, thank you!', 'Fast delivery and friendly support.', 'Exactly what I needed.'],
} as const;

export interface ServiceOutcome {
  tickets: TicketRecord[];
  surveys: SurveyRecord[];
}

interface TicketSeed {
  openedAt: number;
  category: Category;
  orderId?: string;
}

export function generateService(ctx: DemoContext, profiles: readonly CustomerProfile[], orders: readonly OrderFact[]): ServiceOutcome {
  const byCustomer = new Map<string, OrderFact[]>();
  for (const o of orders) byCustomer.set(o.customer.id, [...(byCustomer.get(o.customer.id) ?? []), o]);
  const tickets: TicketRecord[] = [];
  const surveys: SurveyRecord[] = [];
  for (const p of profiles) {
    const rng = ctx.rng.fork(`service:${p.id}`);
    const own = byCustomer.get(p.id) ?? [];
    const seeds = ticketSeeds(ctx, rng, p, own).sort((a, b) => a.openedAt - b.openedAt);
    const customerSurveys: { record: Omit<SurveyRecord, 'id'>; at: number }[] = [];
    // Reopen decisions draw from their own stream so the rest of the service history stays as it was.
    const reopenRng = ctx.rng.fork(`reopen:${p.id}`);
    seeds.forEach((s, i) => {
      const { record, rating } = ticketRecord(ctx, rng, p, s, `tkt-${p.id.slice(4)}-${pad(i + 1, 2)}`);
      tickets.push(...reopenedVersions(reopenRng, record), record);
      if (rating) customerSurveys.push({ record: { updatedAt: iso(rating.at), customerId: p.id, kind: 'csat', score: rating.score, ticketId: record.id, respondedAt: iso(rating.at), ...comment(rng, rating.score / 5) }, at: rating.at });
    });
    for (const o of own) {
      if (o.deliveredAt === undefined) continue;
      const kind = rng.weighted({ csat: 18, nps: 10, none: 72 });
      if (kind === 'none') continue;
      const at = o.deliveredAt + rng.float(1, 6) * DAY + rng.float(0, 12) * HOUR;
      if (at > ctx.asOf) continue;
      const returned = o.returnedAt !== undefined && o.returnedAt < at;
      const score = kind === 'csat' ? clamp(Math.round(4.1 + 0.7 * p.satisfaction - (returned ? 1.5 : 0) + rng.normal(0, 0.7)), 1, 5) : clamp(Math.round(7.6 + 1.5 * p.satisfaction - (returned ? 2.5 : 0) + rng.normal(0, 1.3)), 0, 10);
      customerSurveys.push({ record: { updatedAt: iso(at), customerId: p.id, kind, score, orderId: o.record.id, respondedAt: iso(at), ...comment(rng, kind === 'csat' ? score / 5 : score / 10) }, at });
    }
    customerSurveys.sort((a, b) => a.at - b.at).forEach((s, i) => surveys.push({ id: `srv-${p.id.slice(4)}-${pad(i + 1, 2)}`, ...s.record }));
  }
  return { tickets, surveys };
}

function ticketSeeds(ctx: DemoContext, rng: Rng, p: CustomerProfile, orders: readonly OrderFact[]): TicketSeed[] {
  const seeds: TicketSeed[] = [];
  const unhappy = 1 - 0.35 * p.satisfaction;
  for (const o of orders) {
    if (o.returnedAt !== undefined && rng.chance(0.5)) seeds.push({ openedAt: o.returnedAt - rng.float(0, 2) * DAY, category: rng.chance(0.7) ? 'product' : 'complaint', orderId: o.record.id });
    else if (rng.chance(0.06 * unhappy)) seeds.push({ openedAt: o.orderedAt + rng.float(2, 7) * DAY, category: 'delivery', orderId: o.record.id });
    else if (rng.chance(0.05 * unhappy)) seeds.push({ openedAt: (o.deliveredAt ?? o.orderedAt) + rng.float(1, 40) * DAY, category: rng.chance(0.75) ? 'product' : 'billing', orderId: o.record.id });
  }
  // Questions unrelated to an order arrive all through the relationship.
  const years = (ctx.asOf - p.createdAt) / (365 * DAY);
  const background = rng.poisson(years * (p.kind === 'company' ? 0.8 : 0.2) * unhappy);
  for (let i = 0; i < background; i++) {
    seeds.push({ openedAt: rng.float(p.createdAt, ctx.asOf), category: rng.weighted({ account: 35, billing: 25, other: 25, complaint: 15 }) });
  }
  return seeds.filter((s) => s.openedAt <= ctx.asOf && s.openedAt >= p.createdAt);
}

function ticketRecord(ctx: DemoContext, rng: Rng, p: CustomerProfile, s: TicketSeed, id: string): { record: TicketRecord; rating?: { score: number; at: number } } {
  const priority: Priority =
    s.category === 'complaint' ? rng.weighted({ normal: 40, high: 45, urgent: 15 })
    : p.kind === 'company' ? rng.weighted({ low: 10, normal: 50, high: 32, urgent: 8 })
    : rng.weighted({ low: 25, normal: 58, high: 14, urgent: 3 });
  const channel: (typeof CONTACT_CHANNELS)[number] = p.kind === 'company' ? rng.weighted({ email: 55, phone: 40, video: 5 }) : rng.weighted({ email: 40, phone: 22, web_chat: 28, messaging: 10 });
  const agent = rng.pick(SUPPORT_AGENTS);
  const firstResponseAt = s.openedAt + rng.gamma(1.5, (FIRST_RESPONSE_HOURS[priority] * agent.pace) / 1.5) * HOUR;
  // Some tickets get stuck (waiting on a supplier, a part or the customer) and take far longer.
  const resolutionDays = rng.gamma(1.5, (RESOLUTION_DAYS[s.category] * agent.pace) / 1.5) * (rng.chance(0.15) ? rng.float(5, 20) : 1);
  const resolvedAt = firstResponseAt + resolutionDays * DAY;
  const closedAt = resolvedAt + 5 * DAY;
  const responded = firstResponseAt <= ctx.asOf;
  const resolved = resolvedAt <= ctx.asOf;
  const status: TicketRecord['status'] = !responded ? 'open' : !resolved ? (rng.chance(0.5) ? 'pending' : 'open') : closedAt <= ctx.asOf ? 'closed' : 'resolved';
  let updatedAt = resolved ? (closedAt <= ctx.asOf ? closedAt : resolvedAt) : responded ? firstResponseAt : s.openedAt;

  let rating: { score: number; at: number } | undefined;
  if (resolved && rng.chance(0.65)) {
    const at = resolvedAt + rng.float(1, 48) * HOUR;
    const score = clamp(Math.round(4.3 + 0.6 * p.satisfaction - 0.15 * resolutionDays - (s.category === 'complaint' ? 0.9 : 0) + rng.normal(0, 0.7)), 1, 5);
    if (at <= ctx.asOf) {
      rating = { score, at };
      updatedAt = Math.max(updatedAt, at);
    }
  }
  const record: TicketRecord = {
    id,
    updatedAt: iso(updatedAt),
    customerId: p.id,
    subject: rng.pick(SUBJECTS[s.category]) + (s.orderId ? ` (${s.orderId})` : ''),
    priority,
    status,
    category: s.category,
    channel,
    openedAt: iso(s.openedAt),
    ...(responded ? { firstResponseAt: iso(firstResponseAt) } : {}),
    ...(resolved ? { resolvedAt: iso(resolvedAt) } : {}),
    assigneeId: agent.id,
    ...(rating ? { csat: rating.score } : {}),
  };
  return rating ? { record, rating } : { record };
}

/**
 * Some resolved tickets were resolved once before, reopened by the customer and resolved again: their
 * earlier versions (resolved, then open again) come before the final record, so tickets_history shows the
 * reopen. The final record is unchanged; its resolution time now counts from the first opening.
 */
function reopenedVersions(rng: Rng, final: TicketRecord): TicketRecord[] {
  const reopenChance = final.category === 'complaint' || final.category === 'product' ? 0.14 : 0.06;
  if (!rng.chance(reopenChance) || !final.resolvedAt || !final.firstResponseAt) return [];
  const answered = Date.parse(final.firstResponseAt);
  const resolved = Date.parse(final.resolvedAt);
  if (resolved - answered < 2 * HOUR) return [];
  const firstResolved = answered + (resolved - answered) * rng.float(0.25, 0.5);
  const reopenedAt = firstResolved + (resolved - firstResolved) * rng.float(0.2, 0.6);
  const { csat: _csat, resolvedAt: _resolved, ...open } = final;
  return [
    { ...open, status: 'resolved', resolvedAt: iso(firstResolved), updatedAt: iso(firstResolved) },
    { ...open, status: 'open', updatedAt: iso(reopenedAt) },
  ];
}

function comment(rng: Rng, share: number): { comment?: string } {
  if (!rng.chance(0.3)) return {};
  return { comment: rng.pick(share <= 0.5 ? COMMENTS.low : share < 0.8 ? COMMENTS.mid : COMMENTS.high) };
}

const clamp = (v: number, min: number, max: number) => Math.min(max, Math.max(min, v));
