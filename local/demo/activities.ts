// Sales and service activities (calls, e-mails, visits, meetings, chats): reps working deals and
// accounts, customers calling in, and the first outreach to leads, with follow-ups where due.
import type { z } from 'zod';
import type { activity, CONTACT_CHANNELS } from '#schemas/entities.ts';
import { businessTime, DAY, MINUTE, iso } from './calendar.ts';
import { byText, pad, type DemoContext } from './context.ts';
import type { AccountHistory } from './accounts.ts';
import type { CustomerProfile } from './customers.ts';
import type { LeadFact } from './leads.ts';
import type { OpportunityVersion } from './opportunities.ts';
import type { Rng } from './random.ts';

export type ActivityRecord = z.input<typeof activity>;
type ActivityType = ActivityRecord['type'];
type Outcome = NonNullable<ActivityRecord['outcome']>;

interface Plan {
  type: ActivityType;
  at: number;
  direction: 'inbound' | 'outbound';
  subject: string;
  customerId?: string;
  leadId?: string;
  ownerId?: string;
}

const CHANNEL: Record<ActivityType, readonly (typeof CONTACT_CHANNELS)[number][]> = {
  call: ['phone'],
  email: ['email'],
  visit: ['in_person'],
  meeting: ['video', 'video', 'in_person'],
  chat: ['web_chat', 'messaging'],
};
/** Typical length in seconds (median, spread) where a duration makes sense. */
const DURATION: Partial<Record<ActivityType, readonly [number, number]>> = { call: [360, 0.7], meeting: [2700, 0.35], visit: [4500, 0.3], chat: [420, 0.5] };
const STAGE_WORK: Record<OpportunityVersion['stage'], readonly [ActivityType, string]> = {
  prospecting: ['call', 'Intro call'],
  qualification: ['call', 'Discovery call: needs and budget'],
  proposal: ['meeting', 'Proposal walkthrough'],
  negotiation: ['meeting', 'Commercial terms'],
  closed_won: ['email', 'Order confirmation and onboarding'],
  closed_lost: ['email', 'Closing the file'],
};
const ACCOUNT_WORK: readonly (readonly [ActivityType, string])[] = [
  ['call', 'Account check-in'],
  ['email', 'Quarterly usage report'],
  ['meeting', 'Quarterly business review'],
  ['visit', 'On-site visit'],
  ['email', 'New product line introduction'],
  ['chat', 'Quick question on delivery'],
];
const CUSTOMER_CONTACT: readonly (readonly [ActivityType, 'inbound' | 'outbound', string])[] = [
  ['call', 'inbound', 'Question about an order'],
  ['chat', 'inbound', 'Product advice'],
  ['email', 'inbound', 'Warranty question'],
  ['call', 'outbound', 'Loyalty programme invitation'],
  ['email', 'outbound', 'Personal offer'],
];

export function generateActivities(ctx: DemoContext, profiles: readonly CustomerProfile[], accounts: ReadonlyMap<string, AccountHistory>, leads: readonly LeadFact[]): ActivityRecord[] {
  const rng = ctx.rng.fork('activities');
  const plans: Plan[] = [];
  for (const p of profiles) {
    const account = accounts.get(p.id);
    if (account) plans.push(...accountWork(ctx, rng, p, account));
    else plans.push(...customerContact(ctx, rng, p));
  }
  for (const l of leads) plans.push(...leadOutreach(ctx, rng, l));
  const records = plans.filter((x) => x.at <= ctx.asOf).map((x) => record(ctx, rng, x));
  records.sort((a, b) => byText(a.occurredAt, b.occurredAt) || byText(a.customerId ?? a.leadId ?? '', b.customerId ?? b.leadId ?? '') || byText(a.type, b.type));
  records.forEach((r, i) => (r.id = `act-${pad(i + 1, 7)}`));
  return records;
}

function accountWork(ctx: DemoContext, rng: Rng, p: CustomerProfile, account: AccountHistory): Plan[] {
  const plans: Plan[] = [];
  // Every stage change of a deal follows a conversation about it.
  for (const v of account.opportunities) {
    const [type, subject] = STAGE_WORK[v.stage];
    const changedAt = Date.parse(v.updatedAt);
    const at = Math.min(businessTime(rng, changedAt - rng.float(0.2, 2) * DAY), changedAt - 10 * MINUTE);
    plans.push({ type, at: Math.max(at, Date.parse(v.createdAt)), direction: 'outbound', subject: `${subject}: ${v.name}`, customerId: p.id, ownerId: v.ownerId });
  }
  if (account.clientFrom !== undefined) {
    const from = Math.max(account.clientFrom, p.createdAt);
    const until = Math.min(account.clientUntil, ctx.asOf);
    const n = until > from ? rng.poisson(((until - from) / (30 * DAY)) * 0.9) : 0;
    for (let i = 0; i < n; i++) {
      const [type, subject] = rng.pick(ACCOUNT_WORK);
      plans.push({ type, at: businessTime(rng, rng.float(from, until)), direction: type === 'chat' ? 'inbound' : 'outbound', subject, customerId: p.id, ownerId: p.ownerId });
    }
  }
  return plans;
}

function customerContact(ctx: DemoContext, rng: Rng, p: CustomerProfile): Plan[] {
  const n = rng.poisson(((ctx.asOf - p.createdAt) / (30 * DAY)) * 0.07);
  return Array.from({ length: n }, () => {
    const [type, direction, subject] = rng.pick(CUSTOMER_CONTACT);
    return { type, direction, at: businessTime(rng, rng.float(p.createdAt, ctx.asOf)), subject, customerId: p.id, ownerId: p.ownerId };
  });
}

function leadOutreach(ctx: DemoContext, rng: Rng, l: LeadFact): Plan[] {
  const leadId = l.record.id;
  const name = l.record.companyName ?? `${l.record.firstName} ${l.record.lastName}`;
  const plans: Plan[] = [];
  // Pool leads nobody owns yet sometimes start a chat on the website themselves.
  if (!l.ownerId) {
    if (rng.chance(0.15)) plans.push({ type: 'chat', at: l.createdAt + rng.float(1, 20) * MINUTE, direction: 'inbound', subject: 'Website chat', leadId });
    return plans;
  }
  if (l.contactedAt !== undefined) {
    plans.push({ type: rng.chance(0.6) ? 'call' : 'email', at: l.contactedAt, direction: 'outbound', subject: `First contact: ${name}`, leadId, ownerId: l.ownerId });
    const end = l.decidedAt ?? l.convertedAt ?? ctx.asOf;
    const more = rng.int(0, l.business ? 3 : 1);
    for (let i = 0; i < more && end > l.contactedAt; i++) {
      plans.push({ type: rng.pick(['call', 'email', 'meeting'] as const), at: businessTime(rng, rng.float(l.contactedAt, end)), direction: 'outbound', subject: `Follow-up: ${name}`, leadId, ownerId: l.ownerId });
    }
  }
  return plans;
}

function outcomeOf(rng: Rng, x: Plan): Outcome {
  if (x.type === 'call' && x.direction === 'outbound') return rng.weighted({ completed: 58, no_answer: 22, left_message: 12, scheduled: 8 });
  if (x.type === 'meeting' || x.type === 'visit') return rng.weighted({ completed: 88, cancelled: 12 });
  return 'completed';
}

function record(ctx: DemoContext, rng: Rng, x: Plan): ActivityRecord {
  const outcome = outcomeOf(rng, x);
  const spread = DURATION[x.type];
  const duration = spread && outcome === 'completed' ? Math.max(30, Math.round(rng.logNormal(spread[0], spread[1]))) : undefined;
  // Follow-ups are only recorded when due by as-of, so every instant in the data set lies in the past.
  const followUpDays = outcome === 'no_answer' || outcome === 'left_message' ? (rng.chance(0.7) ? rng.float(1, 3) : undefined) : outcome === 'scheduled' ? rng.float(3, 10) : rng.chance(0.2) ? rng.float(7, 21) : undefined;
  const followUpAt = followUpDays !== undefined ? businessTime(rng, x.at + followUpDays * DAY) : undefined;
  const loggedAt = Math.min(ctx.asOf, x.at + (duration ?? 0) * 1000 + rng.float(1, 15) * MINUTE);
  return {
    id: '',
    updatedAt: iso(loggedAt),
    ...(x.customerId ? { customerId: x.customerId } : {}),
    ...(x.leadId ? { leadId: x.leadId } : {}),
    type: x.type,
    channel: rng.pick(CHANNEL[x.type]),
    direction: x.direction,
    occurredAt: iso(x.at),
    ...(duration !== undefined ? { durationSeconds: duration } : {}),
    ...(x.ownerId ? { ownerId: x.ownerId } : {}),
    subject: x.subject,
    ...(rng.chance(0.2) && outcome === 'completed' ? { notes: rng.pick(['Interested, asked for a quote.', 'Wants to compare with current supplier.', 'Happy with the last delivery.', 'Budget decision next quarter.', 'Asked for references.']) } : {}),
    outcome,
    ...(followUpAt !== undefined && followUpAt <= ctx.asOf ? { followUpAt: iso(followUpAt) } : {}),
  };
}
