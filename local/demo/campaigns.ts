// The marketing calendar: a yearly rhythm of campaigns (winter sale, spring launch, Black Friday,
// Christmas...) laid over the window, and the campaign records with spend summed from their touches.
import type { z } from 'zod';
import type { campaign, MARKETING_CHANNELS } from '#schemas/entities.ts';
import { DAY, HOUR, isoDate, iso, notAfter } from './calendar.ts';
import { byText, money, type DemoContext } from './context.ts';

type MarketingChannel = (typeof MARKETING_CHANNELS)[number];
type Objective = 'awareness' | 'acquisition' | 'retention' | 'reactivation' | 'upsell';

/** Who a campaign reaches: existing buyers, lapsed buyers, prospects (leads and new customers), companies, newsletter subscribers. */
export type Audience = 'customers' | 'lapsed' | 'prospects' | 'b2b' | 'everyone' | 'subscribers';

export interface CampaignPlan {
  id: string;
  name: string;
  channel: MarketingChannel;
  objective: Objective;
  audience: Audience;
  start: number;
  /** Last instant of the run (end of the end date), possibly after as-of for a running campaign. */
  end: number;
  cancelledAt?: number;
  /** Creative, production or venue cost on top of per-touch media cost, in EUR cents. */
  fixedCost: number;
  /** Separate drops of a mailing (teaser, launch, last chance). */
  waves: number;
}

interface Template {
  month: number;
  day: number;
  days: number;
  name: string;
  channel: MarketingChannel;
  objective: Objective;
  audience: Audience;
  waves?: number;
}

const YEARLY: readonly Template[] = [
  { month: 0, day: 10, days: 355, name: 'Monthly Newsletter', channel: 'email', objective: 'retention', audience: 'subscribers', waves: 12 },
  { month: 0, day: 2, days: 21, name: 'Winter Sale', channel: 'email', objective: 'retention', audience: 'customers', waves: 2 },
  { month: 2, day: 5, days: 30, name: 'Spring Launch', channel: 'social', objective: 'acquisition', audience: 'prospects' },
  { month: 3, day: 14, days: 14, name: 'Hybrid Work Webinar', channel: 'events', objective: 'acquisition', audience: 'b2b' },
  { month: 4, day: 1, days: 90, name: 'Always-on Search', channel: 'search', objective: 'acquisition', audience: 'prospects' },
  { month: 6, day: 1, days: 14, name: 'Summer Win-back', channel: 'sms', objective: 'reactivation', audience: 'lapsed', waves: 2 },
  { month: 8, day: 1, days: 28, name: 'Back to School', channel: 'display', objective: 'acquisition', audience: 'prospects' },
  { month: 9, day: 1, days: 30, name: 'Autumn Catalogue', channel: 'direct_mail', objective: 'upsell', audience: 'customers' },
  { month: 10, day: 20, days: 12, name: 'Black Friday', channel: 'email', objective: 'retention', audience: 'customers', waves: 3 },
  { month: 11, day: 1, days: 21, name: 'Christmas Gifts', channel: 'social', objective: 'awareness', audience: 'everyone' },
];

/** Per-campaign fixed cost in EUR cents for a base of 1000 customers; scaled with the customer count. */
const FIXED_COST: Record<MarketingChannel, number> = {
  email: 120_000, social: 250_000, search: 80_000, display: 200_000, events: 900_000, direct_mail: 150_000, referral: 50_000, sms: 40_000,
};

export function planCampaigns(ctx: DemoContext, customers: number): CampaignPlan[] {
  const rng = ctx.rng.fork('campaigns');
  const plans: CampaignPlan[] = [];
  const first = new Date(ctx.start);
  const scale = Math.max(0.05, customers / 1000);
  for (let y = first.getUTCFullYear(); Date.UTC(y, 0, 1) <= ctx.asOf; y++) {
    for (const t of YEARLY) {
      const start = Date.UTC(y, t.month, t.day) + 6 * HOUR;
      // A campaign needs a few days of history inside the window to leave a trace.
      if (start < ctx.start || start > ctx.asOf - 3 * DAY) continue;
      const end = Date.UTC(y, t.month, t.day + t.days - 1, 23, 59, 59);
      const name = `${t.name} ${y}`;
      const cancelled = rng.chance(0.06) && end < ctx.asOf;
      plans.push({
        id: `cmp-${y}-${String(t.month + 1).padStart(2, '0')}-${t.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
        name,
        channel: t.channel,
        objective: t.objective,
        audience: t.audience,
        start,
        end,
        ...(cancelled ? { cancelledAt: start + rng.float(0.2, 0.5) * (end - start) } : {}),
        fixedCost: Math.round(FIXED_COST[t.channel] * scale * Math.sqrt(t.waves ?? 1) * rng.float(0.8, 1.25)),
        waves: t.waves ?? 1,
      });
    }
  }
  return plans.sort((a, b) => a.start - b.start || byText(a.id, b.id));
}

/** Whether the campaign is running at `t` (started, not yet ended or cancelled). */
export const runs = (c: CampaignPlan, t: number): boolean => t >= c.start && t <= Math.min(c.end, c.cancelledAt ?? Infinity);

/** The last instant the campaign ran, as seen from as-of. */
export const lastRunInstant = (c: CampaignPlan, asOf: number): number => Math.min(c.end, c.cancelledAt ?? Infinity, asOf);

export function campaignRecord(ctx: DemoContext, c: CampaignPlan, mediaCost: number): z.input<typeof campaign> {
  const rng = ctx.rng.fork(`campaign:${c.id}`);
  const status = c.cancelledAt !== undefined ? 'cancelled' : c.end <= ctx.asOf ? 'completed' : 'active';
  const elapsed = status === 'active' ? Math.min(1, (ctx.asOf - c.start) / (c.end - c.start)) : status === 'cancelled' ? 0.4 : 1;
  const spend = Math.round(c.fixedCost * elapsed + mediaCost);
  // Budgets are planned in round hundreds; most campaigns land a little under, a few overshoot.
  const planned = status === 'completed' ? (spend / rng.float(0.82, 1.04)) : (c.fixedCost + mediaCost / Math.max(elapsed, 0.1)) * rng.float(1.0, 1.15);
  const budget = Math.max(10_000, Math.round(planned / 10_000) * 10_000);
  const updatedAt = notAfter(status === 'active' ? ctx.asOf - rng.float(0, 2) * DAY : (c.cancelledAt ?? c.end) + rng.float(1, 5) * DAY, ctx.asOf);
  return {
    id: c.id,
    updatedAt: iso(Math.max(updatedAt, c.start)),
    name: c.name,
    channel: c.channel,
    objective: c.objective,
    budget: money(budget),
    spend: money(spend),
    currency: 'EUR',
    startDate: isoDate(c.start),
    endDate: isoDate(c.cancelledAt ?? c.end),
    status,
  };
}
