// Leads: the ones that became customers, and the rest of the funnel (new leads waiting in the
// shared pool, contacted, qualified, disqualified), each with the moments its status changed.
import type { z } from 'zod';
import type { lead } from '#schemas/entities.ts';
import { DAY, HOUR, businessTime, iso } from './calendar.ts';
import { COMPANY_WORDS, INDUSTRIES, SALES_REPS, slug } from './catalog.ts';
import type { CampaignPlan } from './campaigns.ts';
import { byText, pad, type DemoContext } from './context.ts';
import type { CustomerProfile, Source } from './customers.ts';
import { personName, pickLang, pickMarket } from './people.ts';
import type { Rng } from './random.ts';

export type LeadRecord = z.input<typeof lead>;

export interface LeadFact {
  record: LeadRecord;
  createdAt: number;
  /** When a rep picked the lead from the pool, first reached out, and decided on it. */
  assignedAt?: number;
  contactedAt?: number;
  decidedAt?: number;
  convertedAt?: number;
  ownerId?: string;
  campaignId?: string;
  customer?: CustomerProfile;
  business: boolean;
}

/** Open (never converted) leads per customer. */
const OPEN_LEADS_PER_CUSTOMER = 0.75;

export function generateLeads(ctx: DemoContext, profiles: readonly CustomerProfile[], campaigns: readonly CampaignPlan[]): LeadFact[] {
  const rng = ctx.rng.fork('leads');
  const facts: LeadFact[] = [];
  for (const p of profiles) if (p.acquisition === 'lead' && p.leadCreatedAt !== undefined) facts.push(convertedLead(ctx, rng, p));
  const open = Math.round(profiles.length * OPEN_LEADS_PER_CUSTOMER);
  for (let i = 0; i < open; i++) facts.push(openLead(ctx, rng, campaigns));
  // Lead numbers follow capture order, as a CRM would assign them.
  facts.sort((a, b) => a.createdAt - b.createdAt || byText(a.record.email!, b.record.email!));
  facts.forEach((f, i) => (f.record.id = `led-${pad(i + 1, 6)}`));
  return facts;
}

function convertedLead(ctx: DemoContext, rng: Rng, p: CustomerProfile): LeadFact {
  const createdAt = p.leadCreatedAt!;
  const business = p.kind === 'company';
  // The same person as the customer for consumers, a buyer at the firm for companies; either way a distinct address.
  const name = business ? personName(rng, p.lang) : { firstName: p.firstName!, lastName: p.lastName! };
  const assignedAt = Math.min(createdAt + rng.exponential(1.5) * DAY, p.createdAt - HOUR / 2);
  const contactedAt = Math.min(assignedAt + rng.exponential(1) * DAY, p.createdAt - HOUR / 4);
  const record: LeadRecord = {
    id: '',
    updatedAt: iso(p.createdAt),
    ...name,
    ...(business ? { companyName: p.companyName } : {}),
    email: ctx.identities.personEmail(name.firstName, name.lastName, p.domain),
    ...(rng.chance(business ? 0.9 : 0.5) ? { phone: ctx.identities.phone(p.market.mobile) } : {}),
    source: p.source,
    ...(p.campaignId ? { campaignId: p.campaignId } : {}),
    status: 'converted',
    ownerId: p.ownerId,
    score: rng.int(65, 100),
    createdAt: iso(createdAt),
    convertedAt: iso(p.createdAt),
    customerId: p.id,
  };
  return { record, createdAt, assignedAt, contactedAt, convertedAt: p.createdAt, ownerId: p.ownerId, ...(p.campaignId ? { campaignId: p.campaignId } : {}), customer: p, business };
}

const OPEN_SOURCES: Partial<Record<Source, number>> = { web: 35, inbound: 15, event: 10, referral: 10, outbound: 12, partner: 10, import: 8 };

function openLead(ctx: DemoContext, rng: Rng, campaigns: readonly CampaignPlan[]): LeadFact {
  const business = rng.chance(0.35);
  const market = pickMarket(rng);
  const lang = pickLang(rng, market);
  const acquiring = campaigns.filter((c) => c.audience === (business ? 'b2b' : 'prospects') || (!business && c.audience === 'everyone'));
  const campaign = acquiring.length > 0 && rng.chance(0.45) ? rng.pickWeighted(acquiring, (c) => Math.sqrt(c.end - c.start)) : undefined;
  let createdAt: number;
  if (campaign) {
    const until = Math.min(campaign.end, campaign.cancelledAt ?? Infinity, ctx.asOf);
    createdAt = rng.float(campaign.start, until);
  } else {
    createdAt = rng.float(ctx.start + DAY, ctx.asOf - HOUR);
  }
  const source: Source = campaign ? 'campaign' : rng.weighted(OPEN_SOURCES as Record<Source, number>);
  const name = personName(rng, lang);
  let companyName: string | undefined;
  let domain: string | undefined;
  if (business) {
    const [, nouns] = rng.pick(INDUSTRIES);
    const word = rng.pick(COMPANY_WORDS);
    const noun = rng.pick(nouns);
    companyName = `${word} ${noun} ${rng.pick(market.legalForms)}`;
    domain = ctx.identities.companyDomain(`${slug(word)}-${slug(noun)}`);
  }

  // Leads sit in the shared pool until a rep takes them; some are never picked up.
  const stale = rng.chance(0.15);
  const ownerId = rng.pickWeighted(SALES_REPS, (r) => r.book).id;
  const fact: LeadFact = { record: {} as LeadRecord, createdAt, business, ...(campaign ? { campaignId: campaign.id } : {}) };
  let status: LeadRecord['status'] = 'new';
  let changedAt = createdAt;
  const reached = (t: number) => t <= ctx.asOf;
  const assignedAt = createdAt + rng.exponential(business ? 2 : 6) * DAY;
  if (!stale && reached(assignedAt)) {
    fact.assignedAt = assignedAt;
    fact.ownerId = ownerId;
    changedAt = assignedAt;
    const contactedAt = businessTime(rng, assignedAt + rng.gamma(2, 1.5) * DAY);
    if (reached(contactedAt)) {
      fact.contactedAt = contactedAt;
      status = 'contacted';
      changedAt = contactedAt;
      const decidedAt = businessTime(rng, contactedAt + rng.gamma(2, 8) * DAY);
      // Some contacted leads simply stall; the rest are qualified or ruled out.
      if (reached(decidedAt) && rng.chance(0.8)) {
        fact.decidedAt = decidedAt;
        status = rng.chance(business ? 0.45 : 0.35) ? 'qualified' : 'disqualified';
        changedAt = decidedAt;
      }
    }
  }
  const score = { new: rng.int(15, 60), contacted: rng.int(30, 70), qualified: rng.int(60, 95), disqualified: rng.int(5, 35), converted: 100 }[status];
  fact.record = {
    id: '',
    updatedAt: iso(changedAt),
    ...name,
    ...(companyName ? { companyName } : {}),
    email: ctx.identities.personEmail(name.firstName, name.lastName, domain),
    ...(rng.chance(business ? 0.85 : 0.45) ? { phone: ctx.identities.phone(market.mobile) } : {}),
    source,
    ...(campaign ? { campaignId: campaign.id } : {}),
    status,
    ...(fact.ownerId ? { ownerId: fact.ownerId } : {}),
    score,
    createdAt: iso(createdAt),
  };
  return fact;
}
