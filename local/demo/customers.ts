// Customer profiles (who they are, when and how they were acquired) and, once their behaviour is
// known, the customer records with status and tier derived from it.
import type { z } from 'zod';
import type { customer, SOURCES } from '#schemas/entities.ts';
import { DAY, HOUR, iso, notAfter, seasonalFactor } from './calendar.ts';
import { COMPANY_WORDS, INDUSTRIES, SALES_REPS, slug, type Lang, type Market } from './catalog.ts';
import { runs, type CampaignPlan } from './campaigns.ts';
import { byText, pad, type DemoContext } from './context.ts';
import { address, birthday, personName, pickLang, pickMarket, type Address } from './people.ts';
import type { Rng } from './random.ts';

export type Source = (typeof SOURCES)[number];
type Kind = 'person' | 'company';

export interface CustomerProfile extends Address {
  index: number;
  id: string;
  kind: Kind;
  market: Market;
  lang: Lang;
  createdAt: number;
  source: Source;
  /** How the customer came: migrated from the old CRM, converted from a lead, or signed up directly. */
  acquisition: 'import' | 'lead' | 'direct';
  /** The campaign that brought the customer in, if any. */
  campaignId?: string;
  /** When the lead behind a converted customer was captured. */
  leadCreatedAt?: number;
  ownerId: string;
  marketingConsent: boolean;
  email: string;
  phone: string;
  firstName?: string;
  lastName?: string;
  birthday?: string;
  companyName?: string;
  companySlug?: string;
  domain?: string;
  industry?: string;
  /** Latent satisfaction ~ N(0, 1): happier customers stay longer, score higher and complain less. */
  satisfaction: number;
}

export const COMPANY_SHARE = 0.25;
const IMPORT_SHARE = 0.18;

export function customerProfiles(ctx: DemoContext, count: number, campaigns: readonly CampaignPlan[]): CustomerProfile[] {
  const rng = ctx.rng.fork('customers');
  const profiles: CustomerProfile[] = [];
  for (let i = 1; i <= count; i++) profiles.push(profile(ctx, rng, i, campaigns));
  return profiles;
}

function profile(ctx: DemoContext, rng: Rng, index: number, campaigns: readonly CampaignPlan[]): CustomerProfile {
  const kind: Kind = rng.chance(COMPANY_SHARE) ? 'company' : 'person';
  const market = pickMarket(rng);
  const lang = pickLang(rng, market);
  const imported = rng.chance(IMPORT_SHARE);
  // The old CRM was migrated on the first day of the window; everyone else signs up over time.
  const createdAt = imported ? ctx.start + DAY + rng.float(0, 4) * HOUR : acquisitionTime(ctx, rng);
  const acquired = imported ? ({ source: 'import', acquisition: 'import' } as const) : acquisitionPath(ctx, rng, kind, createdAt, campaigns);
  const base = {
    index,
    id: `cus-${pad(index, 6)}`,
    kind,
    market,
    lang,
    createdAt,
    ...acquired,
    ownerId: rng.pickWeighted(SALES_REPS, (r) => r.book).id,
    marketingConsent: rng.chance(kind === 'company' ? 0.8 : 0.62),
    satisfaction: rng.normal(),
    ...address(rng, market, lang),
  };
  if (kind === 'person') {
    const name = personName(rng, lang);
    return { ...base, ...name, email: ctx.identities.personEmail(name.firstName, name.lastName), phone: ctx.identities.phone(market.mobile), birthday: birthday(rng, ctx.asOf) };
  }
  const [industry, nouns] = rng.pick(INDUSTRIES);
  let word = rng.pick(COMPANY_WORDS);
  let noun = rng.pick(nouns);
  let companyName = `${word} ${noun} ${rng.pick(market.legalForms)}`;
  for (let tries = 0; !ctx.identities.claimCompanyName(companyName); tries++) {
    word = rng.pick(COMPANY_WORDS);
    noun = rng.pick(nouns);
    companyName = tries < 20 ? `${word} ${noun} ${rng.pick(market.legalForms)}` : `${word} ${noun} ${base.city} ${rng.pick(market.legalForms)} ${tries}`;
  }
  const companySlug = `${slug(word)}${slug(noun)}`;
  const domain = ctx.identities.companyDomain(`${slug(word)}-${slug(noun)}`);
  return {
    ...base,
    companyName,
    companySlug,
    domain,
    industry,
    email: ctx.identities.companyEmail(companySlug, domain),
    phone: ctx.identities.phone(market.landline),
  };
}

/** Sign-ups grow over the window and bunch up before Christmas. */
function acquisitionTime(ctx: DemoContext, rng: Rng): number {
  const from = ctx.start + 2 * DAY;
  const to = Math.max(from, ctx.asOf - DAY);
  for (;;) {
    const t = rng.float(from, to);
    const growth = 0.7 + 0.6 * ((t - from) / Math.max(1, to - from));
    if (rng.next() * 1.3 * 1.35 < growth * Math.sqrt(seasonalFactor(t))) return t;
  }
}

const LEAD_SOURCES: Record<Kind, Partial<Record<Source, number>>> = {
  person: { campaign: 45, web: 30, referral: 10, event: 5, inbound: 10 },
  company: { campaign: 20, event: 20, outbound: 25, inbound: 15, partner: 10, referral: 10 },
};
const DIRECT_SOURCES: Record<Kind, Partial<Record<Source, number>>> = {
  person: { web: 55, referral: 14, inbound: 8, partner: 12, campaign: 8, event: 3 },
  company: { outbound: 35, referral: 20, partner: 20, inbound: 15, event: 10 },
};

function acquisitionPath(ctx: DemoContext, rng: Rng, kind: Kind, createdAt: number, campaigns: readonly CampaignPlan[]) {
  const viaLead = createdAt > ctx.start + 20 * DAY && rng.chance(kind === 'company' ? 0.6 : 0.3);
  let source = rng.weighted((viaLead ? LEAD_SOURCES : DIRECT_SOURCES)[kind] as Record<Source, number>);
  // A lead is captured days to weeks before it converts; a direct sign-up converts on the spot.
  let leadCreatedAt = viaLead ? createdAt - rng.float(kind === 'company' ? 7 : 2, kind === 'company' ? 60 : 30) * DAY : undefined;
  // Leads of early customers were still captured inside the window.
  if (leadCreatedAt !== undefined && leadCreatedAt < ctx.start) leadCreatedAt = rng.float(ctx.start, createdAt - DAY);
  let campaignId: string | undefined;
  if (source === 'campaign') {
    const touchAt = leadCreatedAt ?? createdAt;
    const fitting = campaigns.filter((c) => runs(c, touchAt) && (kind === 'company' ? c.audience === 'b2b' : c.audience === 'prospects' || c.audience === 'everyone'));
    if (fitting.length > 0) campaignId = rng.pick(fitting).id;
    else source = kind === 'company' ? 'inbound' : 'web';
  }
  if (leadCreatedAt !== undefined) leadCreatedAt = notAfter(leadCreatedAt, createdAt - HOUR);
  return { source, acquisition: viaLead ? ('lead' as const) : ('direct' as const), ...(campaignId ? { campaignId } : {}), ...(leadCreatedAt !== undefined ? { leadCreatedAt } : {}) };
}

/** What the rest of the simulation learned about a customer, for status and tier. */
export interface CustomerOutcome {
  status: z.input<typeof customer>['status'];
  tier: z.input<typeof customer>['tier'];
  /** Last time the CRM changed the record (status or tier). */
  changedAt: number;
}

export function customerRecord(p: CustomerProfile, outcome: CustomerOutcome, asOf: number): z.input<typeof customer> {
  const person = p.kind === 'person';
  return {
    id: p.id,
    updatedAt: iso(notAfter(Math.max(p.createdAt, outcome.changedAt), asOf)),
    kind: p.kind,
    ...(person ? { firstName: p.firstName, lastName: p.lastName } : { companyName: p.companyName }),
    email: p.email,
    phone: p.phone,
    street: p.street,
    postalCode: p.postalCode,
    city: p.city,
    country: p.market.code,
    ...(person ? { birthday: p.birthday } : { industry: p.industry }),
    tier: outcome.tier,
    ownerId: p.ownerId,
    status: outcome.status,
    source: p.source,
    marketingConsent: p.marketingConsent,
    createdAt: iso(p.createdAt),
  };
}

type Tier = CustomerOutcome['tier'];

/** Tiers by rank of value within a group: the top `cuts[0]` share platinum, then gold, then silver. */
export function tiersByValue(values: ReadonlyMap<string, number>, cuts: readonly [number, number, number]): Map<string, Tier> {
  const ranked = [...values.entries()].filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1] || byText(a[0], b[0]));
  const tiers = new Map<string, Tier>();
  ranked.forEach(([id], i) => {
    const q = i / ranked.length;
    tiers.set(id, q < cuts[0] ? 'platinum' : q < cuts[0] + cuts[1] ? 'gold' : q < cuts[0] + cuts[1] + cuts[2] ? 'silver' : 'bronze');
  });
  return tiers;
}

const ACTIVE_DAYS = 180;
const CHURN_DAYS = 365;

/** Lifecycle status as a CRM would recompute it at as-of, and when it last changed. */
export function lifecycleStatus(p: CustomerProfile, lastOrderAt: number | undefined, client: { from?: number; until: number } | undefined, asOf: number): Omit<CustomerOutcome, 'tier'> {
  if (p.kind === 'company') {
    if (client?.from === undefined) return { status: 'prospect', changedAt: p.createdAt };
    if (client.until <= asOf) return { status: 'churned', changedAt: client.until };
    return { status: 'active', changedAt: Math.max(client.from, lastOrderAt ?? 0) };
  }
  // Migrated customers who never bought again had already lapsed in the old system.
  if (lastOrderAt === undefined) return p.acquisition === 'import' ? { status: 'churned', changedAt: p.createdAt } : { status: 'prospect', changedAt: p.createdAt };
  const idle = asOf - lastOrderAt;
  if (idle < ACTIVE_DAYS * DAY) return { status: 'active', changedAt: lastOrderAt };
  if (idle < CHURN_DAYS * DAY) return { status: 'inactive', changedAt: lastOrderAt + ACTIVE_DAYS * DAY };
  return { status: 'churned', changedAt: lastOrderAt + CHURN_DAYS * DAY };
}
