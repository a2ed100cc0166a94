// The life of a company account: a first deal, the contract it brings, renewals negotiated (or
// auto-renewed) at each end date, upsell deals on the way, and the point where the company leaves.
import type { z } from 'zod';
import type { contract } from '#schemas/entities.ts';
import { addMonths, businessTime, DAY, iso, isoDate, notAfter, startOfDay, yearOf } from './calendar.ts';
import { EUR_RATE, SALES_REPS } from './catalog.ts';
import { money, type DemoContext } from './context.ts';
import type { CustomerProfile, Source } from './customers.ts';
import { reopen, simulateDeal, type DealResult, type OpportunityVersion } from './opportunities.ts';

export type ContractRecord = z.input<typeof contract>;

export interface ContractFact {
  record: ContractRecord;
  customer: CustomerProfile;
  /** First and last day of the term (midnight UTC). */
  start: number;
  end: number;
  /** Total contract value in cents. */
  value: number;
  billing: 'annual' | 'quarterly' | 'monthly';
  terminatedAt?: number;
}

export interface AccountHistory {
  opportunities: OpportunityVersion[];
  contracts: ContractFact[];
  /** When the company became a paying client (first contract start), if ever. */
  clientFrom?: number;
  /** When it stopped being one; Infinity while it still is. */
  clientUntil: number;
  /** Annual contract value in cents, for tiering. */
  annualValue: number;
}

const SOURCE_WIN: Partial<Record<Source, number>> = { referral: 1.25, partner: 1.1, inbound: 1.1, outbound: 0.8, campaign: 0.95, event: 1.0 };
const DEAL_THEMES = ['Device rollout', 'Workplace refresh', 'Managed devices', 'Meeting rooms', 'Hybrid work kit', 'Headset upgrade'] as const;

export function companyAccount(ctx: DemoContext, p: CustomerProfile, leadId: string | undefined): AccountHistory {
  const rng = ctx.rng.fork(`account:${p.id}`);
  const rep = SALES_REPS.find((r) => r.id === p.ownerId);
  const skill = rep?.skill ?? 1;
  const fx = EUR_RATE[p.market.currency];
  const history: AccountHistory = { opportunities: [], contracts: [], clientUntil: Infinity, annualValue: Math.round(rng.logNormal(1_400_000, 0.7) * fx) };
  let dealSeq = 0;
  const deal = (name: string, createdAt: number, amount: number, winProbability: number, stageDays: number, firstStage = 0, withLead = false): DealResult => {
    const result = simulateDeal(
      rng,
      {
        id: `opp-${p.id.slice(4)}-${++dealSeq}`,
        customerId: p.id,
        name: `${p.companyName} – ${name}`,
        ownerId: p.ownerId,
        ...(withLead && leadId ? { leadId } : {}),
        currency: p.market.currency,
        createdAt,
        amount,
        winProbability: Math.min(0.92, Math.max(0.05, winProbability)),
        firstStage,
        stageDays: stageDays * (rep?.pace ?? 1),
        optimism: rep?.optimism ?? 1,
      },
      ctx.asOf,
    );
    history.opportunities.push(...result.versions);
    return result;
  };

  let signedAt: number | undefined;
  let start: number | undefined;
  if (p.acquisition === 'import' && rng.chance(0.8)) {
    // Migrated clients bring a running contract signed before the CRM existed.
    start = startOfDay(ctx.start - rng.float(0, 330) * DAY);
    signedAt = businessTime(rng, start - rng.float(3, 20) * DAY);
  } else {
    const winP = 0.5 * skill * (SOURCE_WIN[p.source] ?? 1);
    let attempt = businessTime(rng, p.createdAt + rng.float(0.5, 7) * DAY);
    for (let tries = 0; tries < 2 && attempt <= ctx.asOf; tries++) {
      const first = deal(rng.pick(DEAL_THEMES), attempt, history.annualValue, winP, 16, 0, tries === 0);
      if (first.outcome === 'won' && first.closedAt !== undefined) {
        history.annualValue = first.amount;
        const signing = rng.float(0.1, 3) * DAY;
        signedAt = first.closedAt + (first.closedAt + signing <= ctx.asOf ? signing : rng.next() * (ctx.asOf - first.closedAt));
        start = startOfDay(signedAt + rng.float(2, 14) * DAY);
        break;
      }
      // Lost prospects are sometimes approached again months later.
      if (first.outcome !== 'lost' || !rng.chance(0.35)) break;
      attempt = businessTime(rng, (first.closedAt ?? attempt) + rng.float(120, 300) * DAY);
    }
  }
  if (start === undefined || signedAt === undefined || signedAt > ctx.asOf) return history;
  let termStart = Math.min(start, startOfDay(ctx.asOf));
  let termSigned = signedAt;
  history.clientFrom = termStart;

  const autoRenew = rng.chance(0.4);
  const billing = rng.weighted({ annual: 35, quarterly: 45, monthly: 20 });
  let annual = history.annualValue;
  let renewalOf: string | undefined;
  for (let seq = 1; ; seq++) {
    const months = Number(rng.weighted({ '12': 65, '24': 25, '36': 10 }));
    const end = addMonths(termStart, months) - DAY;
    const value = Math.round(annual * (months / 12));
    const id = `ctr-${p.id.slice(4)}-${seq}`;
    const fact: ContractFact = {
      customer: p,
      start: termStart,
      end,
      value,
      billing,
      record: {
        id,
        updatedAt: '',
        customerId: p.id,
        startDate: isoDate(termStart),
        endDate: isoDate(end),
        value: money(value),
        currency: p.market.currency,
        status: 'active',
        ...(renewalOf ? { renewalOf } : {}),
        autoRenew,
        ownerId: p.ownerId,
        signedAt: iso(termSigned),
      },
    };
    history.contracts.push(fact);
    // Migrated contracts were last touched by the import at the earliest.
    const touched = (t: number) => (fact.record.updatedAt = iso(Math.min(ctx.asOf, Math.max(t, termStart + 8 * 3_600_000, p.createdAt))));
    touched(termSigned);

    const lastDay = Math.min(end, ctx.asOf);
    if (rng.chance(0.05 - 0.02 * p.satisfaction) && lastDay > termStart + 30 * DAY) {
      const terminatedAt = businessTime(rng, termStart + rng.float(0.3, 0.95) * (lastDay - termStart));
      if (terminatedAt < ctx.asOf) {
        fact.terminatedAt = terminatedAt;
        fact.record.status = 'terminated';
        touched(terminatedAt);
        history.clientUntil = terminatedAt;
        break;
      }
    }
    // Upsell conversations happen while the contract runs (and the CRM exists).
    const upsellFrom = Math.max(termStart, ctx.start);
    const upsells = lastDay > upsellFrom ? rng.poisson(((lastDay - upsellFrom) / (365 * DAY)) * 0.8) : 0;
    for (let u = 0; u < upsells; u++) {
      const at = businessTime(rng, rng.float(upsellFrom, lastDay));
      if (at <= ctx.asOf) deal(`expansion ${yearOf(at)}`, at, annual * rng.float(0.15, 0.4), 0.45 * skill, 14);
    }

    const renewalTitle = `renewal ${yearOf(end + DAY)}`;
    if (end >= startOfDay(ctx.asOf)) {
      // Still running: a renewal may be under negotiation, but its new term would start after as-of.
      const opensAt = businessTime(rng, Math.max(ctx.start, end - rng.float(60, 90) * DAY));
      if (!autoRenew && opensAt <= ctx.asOf && opensAt > termStart) {
        const renewal = deal(renewalTitle, opensAt, annual * rng.float(1.0, 1.1), 0.7 * skill, 8, 2);
        history.opportunities.splice(history.opportunities.length - renewal.versions.length, renewal.versions.length, ...reopen(renewal).versions);
      }
      break;
    }
    let renewed: boolean;
    let nextSigned: number;
    if (autoRenew) {
      renewed = rng.chance(0.9 + 0.03 * p.satisfaction);
      nextSigned = businessTime(rng, end - 30 * DAY);
    } else {
      const opensAt = businessTime(rng, Math.max(termStart + DAY, ctx.start, end - rng.float(45, 90) * DAY));
      const renewal = deal(renewalTitle, opensAt, annual * rng.float(1.0, 1.1), (0.68 + 0.1 * p.satisfaction) * skill, 8, 2);
      renewed = renewal.outcome === 'won';
      nextSigned = renewal.closedAt ?? end;
      if (renewed) annual = renewal.amount;
    }
    if (!renewed || nextSigned > ctx.asOf) {
      fact.record.status = 'expired';
      touched(notAfter(end + DAY + 2 * 3_600_000, ctx.asOf));
      history.clientUntil = end + DAY;
      break;
    }
    fact.record.status = 'renewed';
    touched(nextSigned);
    if (autoRenew) annual = Math.round(annual * rng.float(1.0, 1.06));
    renewalOf = id;
    termSigned = nextSigned;
    termStart = end + DAY;
  }
  history.annualValue = annual;
  return history;
}
