// A sales deal walking through the pipeline. Every stage change (and the odd amount revision) is a
// new version of the same opportunity id, so the history table shows how deals progressed.
import type { z } from 'zod';
import type { opportunity, OPPORTUNITY_STAGES } from '#schemas/entities.ts';
import { businessTime, DAY, iso, isoDate } from './calendar.ts';
import { money } from './context.ts';
import type { Rng } from './random.ts';

export type OpportunityVersion = z.input<typeof opportunity>;
type Stage = (typeof OPPORTUNITY_STAGES)[number];

const OPEN_STAGES = ['prospecting', 'qualification', 'proposal', 'negotiation'] as const satisfies readonly Stage[];
const PROBABILITY: Record<Stage, number> = { prospecting: 0.1, qualification: 0.25, proposal: 0.45, negotiation: 0.7, closed_won: 1, closed_lost: 0 };
const LOSS_REASONS = ['price', 'competitor', 'no budget', 'timing', 'no decision', 'requirements not met'] as const;

export interface DealPlan {
  id: string;
  customerId: string;
  name: string;
  ownerId: string;
  leadId?: string;
  currency: string;
  createdAt: number;
  /** First estimate in cents. */
  amount: number;
  winProbability: number;
  /** Index into the open stages where the deal enters (renewals start at proposal). */
  firstStage?: number;
  /** Mean days spent in a stage. */
  stageDays: number;
  /** The rep's habit: enters the stage's usual probability times this (capped at 0.95). @default 1 */
  optimism?: number;
}

export interface DealResult {
  versions: OpportunityVersion[];
  outcome: 'won' | 'lost' | 'open';
  closedAt?: number;
  /** Latest amount in cents. */
  amount: number;
}

/** Rounds a deal amount to whole hundreds, the way reps quote. */
const quote = (cents: number) => Math.max(10_000, Math.round(cents / 10_000) * 10_000);

export function simulateDeal(rng: Rng, plan: DealPlan, asOf: number): DealResult {
  const won = rng.chance(plan.winProbability);
  const firstStage = plan.firstStage ?? 0;
  const lossStage = won ? -1 : rng.int(firstStage, OPEN_STAGES.length - 1);
  const versions: OpportunityVersion[] = [];
  let amount = quote(plan.amount);
  let t = plan.createdAt;
  let expected = plan.createdAt + plan.stageDays * (OPEN_STAGES.length - firstStage) * rng.float(0.8, 1.3) * DAY;
  const emit = (stage: Stage, extra: Partial<OpportunityVersion> = {}) => {
    // Slipping deals get their expected close pushed out, as reps do in real pipelines.
    if (!stage.startsWith('closed') && t > expected - 5 * DAY) expected = t + rng.float(14, 40) * DAY;
    versions.push({
      id: plan.id,
      updatedAt: iso(t),
      customerId: plan.customerId,
      name: plan.name,
      stage,
      amount: money(amount),
      currency: plan.currency,
      probability: stage.startsWith('closed') ? PROBABILITY[stage] : Math.round(Math.min(0.95, PROBABILITY[stage] * (plan.optimism ?? 1)) * 100) / 100,
      expectedCloseDate: isoDate(stage.startsWith('closed') ? t : expected),
      ownerId: plan.ownerId,
      ...(plan.leadId ? { leadId: plan.leadId } : {}),
      createdAt: iso(plan.createdAt),
      ...extra,
    });
  };
  /** Moves the clock on; false once the next step would happen after as-of. */
  const advance = (meanDays: number) => {
    const next = businessTime(rng, t + Math.max(1, rng.gamma(2, meanDays / 2)) * DAY);
    if (next > asOf) return false;
    t = next;
    return true;
  };

  for (let s = firstStage; s < OPEN_STAGES.length; s++) {
    const stage = OPEN_STAGES[s]!;
    if (stage === 'proposal') amount = quote(amount * rng.float(0.85, 1.3));
    if (stage === 'negotiation') amount = quote(amount * rng.float(0.85, 1.0));
    emit(stage);
    if (rng.chance(0.25)) {
      if (!advance(plan.stageDays / 2)) return { versions, outcome: 'open', amount };
      amount = quote(amount * rng.float(0.9, 1.15));
      emit(stage);
    }
    // A deal that is going to be lost stalls first: long stays in a stage foretell a loss.
    if (!advance(s === lossStage ? plan.stageDays * 1.8 : plan.stageDays)) return { versions, outcome: 'open', amount };
    if (s === lossStage) {
      emit('closed_lost', { closedAt: iso(t), lossReason: rng.pick(LOSS_REASONS) });
      return { versions, outcome: 'lost', closedAt: t, amount };
    }
  }
  emit('closed_won', { closedAt: iso(t) });
  return { versions, outcome: 'won', closedAt: t, amount };
}

/** Drops a closing version so the deal reads as still open at as-of (used when its consequence lies after as-of). */
export function reopen(result: DealResult): DealResult {
  if (result.outcome === 'open' || result.versions.length < 2) return result;
  return { versions: result.versions.slice(0, -1), outcome: 'open', amount: result.amount };
}
