// Campaign touches: who each campaign reached and how far down the funnel they went
// (impression, open, click, visit, reply, conversion). Customers who were about to buy anyway
// engage more, and some clicks cause a purchase, so last-touch attribution has real signal in it.
import type { z } from 'zod';
import type { campaignTouch } from '#schemas/entities.ts';
import { DAY, HOUR, MINUTE, iso } from './calendar.ts';
import { lastRunInstant, type CampaignPlan } from './campaigns.ts';
import { byText, money, pad, type DemoContext } from './context.ts';
import type { CustomerProfile } from './customers.ts';
import type { LeadFact } from './leads.ts';
import type { Purchase } from './purchases.ts';
import type { Rng } from './random.ts';

export type TouchRecord = z.input<typeof campaignTouch>;
type Interaction = TouchRecord['interaction'];

export interface TouchOutcome {
  touches: TouchRecord[];
  /** Media cost per campaign in cents (sum of touch costs). */
  mediaCost: Map<string, number>;
}

interface Member {
  customer?: CustomerProfile;
  lead?: LeadFact;
  /** Subscribers who join a running programme are reached from then on. */
  since?: number;
}

/** Chance a touch leads to a click (or open for e-mail), and the extra chance when the person is about to buy. */
const ENGAGEMENT: Record<CampaignPlan['channel'], { click: number; inMarket: number }> = {
  email: { click: 0.22, inMarket: 0.35 },
  sms: { click: 0.1, inMarket: 0.3 },
  direct_mail: { click: 0.07, inMarket: 0.3 },
  social: { click: 0.02, inMarket: 0.15 },
  display: { click: 0.01, inMarket: 0.12 },
  search: { click: 0.12, inMarket: 0.35 },
  events: { click: 0.35, inMarket: 0.3 },
  referral: { click: 0.3, inMarket: 0.3 },
};
/** Chance a click without an organic purchase ahead turns into a campaign-driven purchase. */
const UPLIFT: Record<CampaignPlan['objective'], number> = { retention: 0.25, reactivation: 0.18, upsell: 0.15, awareness: 0.1, acquisition: 0.1 };

export function campaignTouches(
  ctx: DemoContext,
  campaigns: readonly CampaignPlan[],
  profiles: readonly CustomerProfile[],
  leads: readonly LeadFact[],
  purchases: Map<string, Purchase[]>,
): TouchOutcome {
  const touches: TouchRecord[] = [];
  const mediaCost = new Map<string, number>();
  for (const c of campaigns) {
    const rng = ctx.rng.fork(`touches:${c.id}`);
    const until = lastRunInstant(c, ctx.asOf);
    let cost = 0;
    const touch = (m: Member, interaction: Interaction, at: number, extraCustomer?: string) => {
      if (at > ctx.asOf || at < c.start - 30 * DAY) return;
      const cents = touchCost(rng, c.channel, interaction);
      cost += cents;
      const customerId = m.customer?.id ?? extraCustomer;
      touches.push({
        id: '',
        updatedAt: iso(at),
        campaignId: c.id,
        ...(customerId ? { customerId } : {}),
        ...(m.lead ? { leadId: m.lead.record.id } : {}),
        channel: c.channel,
        interaction,
        touchedAt: iso(at),
        ...(cents > 0 ? { cost: money(cents) } : {}),
      });
    };
    for (const m of audience(rng, c, profiles, leads, purchases, until)) reach(ctx, rng, c, m, until, purchases, touch);
    mediaCost.set(c.id, cost);
  }
  // Touch ids follow time, as a tracking system would number events.
  touches.sort((a, b) => byText(a.touchedAt, b.touchedAt) || byText(a.campaignId, b.campaignId) || byText(a.customerId ?? a.leadId ?? '', b.customerId ?? b.leadId ?? '') || byText(a.interaction, b.interaction));
  touches.forEach((t, i) => (t.id = `tch-${pad(i + 1, 7)}`));
  return { touches, mediaCost };
}

function audience(rng: Rng, c: CampaignPlan, profiles: readonly CustomerProfile[], leads: readonly LeadFact[], purchases: Map<string, Purchase[]>, until: number): Member[] {
  const members: Member[] = [];
  const needsConsent = c.channel === 'email' || c.channel === 'sms' || c.channel === 'direct_mail';
  const lastPurchaseBefore = (p: CustomerProfile, t: number) => (purchases.get(p.id) ?? []).filter((x) => x.at < t).at(-1)?.at;
  for (const p of profiles) {
    if (p.campaignId === c.id && p.acquisition === 'direct') {
      members.push({ customer: p });
      continue;
    }
    if (needsConsent && !p.marketingConsent) continue;
    if (c.audience === 'subscribers') {
      if (p.kind === 'person' && p.createdAt < until && rng.chance(0.9)) members.push({ customer: p, since: Math.max(c.start, p.createdAt) });
      continue;
    }
    if (p.createdAt >= c.start) continue;
    const last = lastPurchaseBefore(p, c.start);
    const take =
      c.audience === 'customers' ? p.kind === 'person' && last !== undefined && rng.chance(c.channel === 'direct_mail' ? 0.35 : 0.85)
      : c.audience === 'lapsed' ? p.kind === 'person' && last !== undefined && c.start - last > 120 * DAY && rng.chance(0.9)
      : c.audience === 'b2b' ? p.kind === 'company' && rng.chance(0.4)
      : c.audience === 'everyone' ? p.kind === 'person' && rng.chance(0.5)
      : p.kind === 'person' && rng.chance(0.15); // prospecting campaigns also reach existing customers
    if (take) members.push({ customer: p });
  }
  if (c.audience === 'prospects' || c.audience === 'everyone' || c.audience === 'b2b') {
    for (const l of leads) {
      if (l.business !== (c.audience === 'b2b')) continue;
      const own = l.campaignId === c.id;
      const recent = l.createdAt <= until && l.createdAt >= c.start - 60 * DAY && (l.convertedAt ?? Infinity) > c.start;
      if (own || (recent && rng.chance(0.5))) members.push({ lead: l });
    }
  }
  return members;
}

type Emit = (m: Member, interaction: Interaction, at: number, extraCustomer?: string) => void;

/** One person's path through a campaign. */
function reach(ctx: DemoContext, rng: Rng, c: CampaignPlan, m: Member, until: number, purchases: Map<string, Purchase[]>, touch: Emit): void {
  const engagement = ENGAGEMENT[c.channel];
  const lead = m.lead;
  // Leads captured by this campaign: seen, clicked, left their details; later perhaps bought.
  if (lead && lead.campaignId === c.id) {
    const capturedAt = lead.createdAt;
    exposures(rng, c, Math.max(c.start, capturedAt - 5 * DAY), capturedAt - 10 * MINUTE).forEach((t) => touch(m, firstInteraction(c), t));
    if (c.channel !== 'events') touch(m, 'click', capturedAt - rng.float(2, 9) * MINUTE);
    touch(m, 'visit', capturedAt - rng.float(0.5, 2) * MINUTE);
    touch(m, 'reply', capturedAt);
    if (lead.customer && lead.convertedAt !== undefined) {
      const first = purchases.get(lead.customer.id)?.[0];
      const convertedAt = first && first.at - lead.convertedAt < 7 * DAY ? first.at : lead.convertedAt;
      if (first && convertedAt === first.at) first.campaignId ??= c.id;
      touch(m, 'conversion', convertedAt, lead.customer.id);
    }
    return;
  }
  const p = m.customer;
  // Customers acquired straight from the campaign: ad, click, visit, first purchase.
  if (p && p.campaignId === c.id && p.acquisition === 'direct') {
    const first = purchases.get(p.id)?.[0];
    const convertAt = first?.at ?? p.createdAt;
    exposures(rng, c, Math.max(c.start, convertAt - 7 * DAY), convertAt - HOUR).forEach((t) => touch(m, firstInteraction(c), t));
    touch(m, 'click', convertAt - rng.float(8, 45) * MINUTE);
    touch(m, 'visit', convertAt - rng.float(3, 7) * MINUTE);
    if (first) {
      first.campaignId ??= c.id;
      touch(m, 'conversion', first.at);
    }
    return;
  }

  const seen = exposures(rng, c, c.start, until).filter((t) => t >= (m.since ?? c.start));
  if (seen.length === 0) return;
  seen.forEach((t) => touch(m, firstInteraction(c), t));
  let engagedFrom = seen[0]!;
  const inMarket = (from: number) => (p ? (purchases.get(p.id) ?? []).find((x) => x.at > from && x.at - from < 14 * DAY) : undefined);
  let upcoming = inMarket(engagedFrom);
  if (c.channel === 'email') {
    // Each mailing is opened or not; people about to buy open more. Only someone who opened can click.
    const opens = seen.filter((t) => rng.chance(inMarket(t) ? 0.6 : 0.32)).map((t) => t + rng.exponential(5) * HOUR);
    opens.forEach((t) => touch(m, 'open', t));
    if (opens.length === 0) return;
    engagedFrom = opens.find((t) => inMarket(t)) ?? opens[0]!;
    upcoming = inMarket(engagedFrom);
  }
  const clickChance = c.channel === 'email' ? 0.22 : engagement.click * seen.length ** 0.5;
  if (!rng.chance(clickChance + (upcoming ? engagement.inMarket : 0))) return;

  // Those who buy soon after engaging click shortly before the purchase; others whenever.
  const clickAt = upcoming ? Math.max(engagedFrom + MINUTE, upcoming.at - rng.float(0.3, 48) * HOUR) : engagedFrom + rng.exponential(8) * HOUR;
  if (c.channel === 'events') touch(m, 'reply', clickAt);
  else touch(m, 'click', clickAt);
  if (rng.chance(0.85)) touch(m, 'visit', clickAt + rng.float(0.2, 2) * MINUTE);
  else if (!upcoming) return;
  if (!p) return;
  if (upcoming) {
    upcoming.campaignId ??= c.id;
    touch(m, 'conversion', upcoming.at);
    return;
  }
  if (p.kind === 'person' && rng.chance(UPLIFT[c.objective])) {
    const at = clickAt + rng.float(10 * MINUTE, 3 * DAY);
    if (at > ctx.asOf) return;
    const list = purchases.get(p.id) ?? [];
    list.push({ customer: p, at, campaignId: c.id, induced: true });
    list.sort((a, b) => a.at - b.at);
    purchases.set(p.id, list);
    touch(m, 'conversion', at);
  }
}

/** The moments a person is exposed: one drop for mail-like channels, several ad impressions otherwise. */
function exposures(rng: Rng, c: CampaignPlan, from: number, to: number): number[] {
  if (to <= from) return [];
  if (c.channel === 'email' || c.channel === 'sms') {
    // Waves go out at even intervals over the run, each over a few hours.
    const gap = (c.end - c.start) / c.waves;
    return Array.from({ length: c.waves }, (_, k) => from + k * gap + rng.float(0, 6) * HOUR).filter((t) => t <= to);
  }
  if (c.channel === 'direct_mail') return [from + rng.float(0, Math.min(5 * DAY, to - from))];
  if (c.channel === 'events' || c.channel === 'referral') return rng.chance(0.6) ? [rng.float(from, to)] : [];
  const n = c.channel === 'search' ? rng.int(1, 3) : rng.int(1, 6);
  return Array.from({ length: n }, () => rng.float(from, to)).sort((a, b) => a - b);
}

const firstInteraction = (c: CampaignPlan): Interaction => (c.channel === 'events' ? 'visit' : 'impression');

/** Media cost of one touch in EUR cents: paid channels bill per impression, send, click or reward. */
function touchCost(rng: Rng, channel: CampaignPlan['channel'], interaction: Interaction): number {
  switch (channel) {
    case 'search':
      return interaction === 'click' ? rng.int(45, 240) : 0;
    case 'display':
    case 'social':
      return interaction === 'impression' ? rng.int(1, 3) : interaction === 'click' ? rng.int(15, 60) : 0;
    case 'sms':
      return interaction === 'impression' ? 7 : 0;
    case 'direct_mail':
      return interaction === 'impression' ? rng.int(85, 110) : 0;
    case 'referral':
      return interaction === 'conversion' ? 1000 : 0;
    default:
      return 0;
  }
}
