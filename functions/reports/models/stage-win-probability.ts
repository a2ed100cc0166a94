// Stage-to-win probabilities learned from deal history: the share of closed deals that were won among
// those that were once in a stage and stayed in it at least as long as an age bucket begins. A deal
// long in a stage is often a stalled one, so the age in stage matters as much as the stage. Thin cells
// are shrunk towards their stage's rate, and a stage's rate towards the overall rate (a Beta prior of
// `priorWeight` pseudo-deals), so a cell with two deals never reads 0% or 100%.

/** A stay of a closed deal in an open stage (from the report's stage history). */
export interface StageSpell {
  opportunityId: string;
  stage: string;
  /** Days the deal stayed in the stage (for an open deal: so far). */
  daysInStage: number;
  won: boolean;
}

export interface AgeBucket {
  label: string;
  /** Days in stage at which the bucket begins (inclusive). */
  from: number;
}

/** Age-in-stage buckets, from 0 days up. */
export const DEFAULT_AGE_BUCKETS: readonly AgeBucket[] = [
  { label: '0-14 days', from: 0 },
  { label: '15-29 days', from: 15 },
  { label: '30-59 days', from: 30 },
  { label: '60+ days', from: 60 },
];

export interface WinProbabilityCell {
  stage: string;
  bucket: string;
  /** Closed deals that were in the stage at this age. */
  deals: number;
  won: number;
  /** The shrunk estimate of P(won). */
  probability: number;
}

export interface WinProbabilityModel {
  /** Won / closed deals over all training deals; null without any. */
  overall: number | null;
  deals: number;
  stages: Map<string, { deals: number; won: number; probability: number }>;
  cells: WinProbabilityCell[];
  buckets: readonly AgeBucket[];
  priorWeight: number;
}

/** The bucket a deal is in after `days` in its stage. */
export function ageBucketOf(days: number, buckets: readonly AgeBucket[] = DEFAULT_AGE_BUCKETS): AgeBucket {
  let bucket = buckets[0]!;
  for (const b of buckets) if (days >= b.from) bucket = b;
  return bucket;
}

/** The buckets a spell passed through: every bucket beginning at or before its length. */
export const bucketsReached = (days: number, buckets: readonly AgeBucket[]) => buckets.filter((b, i) => i === 0 || days >= b.from);

const shrink = (won: number, deals: number, prior: number, weight: number) => (won + weight * prior) / (deals + weight);

/**
 * Learns P(won | stage, age bucket) from the spells of closed deals. Each deal counts once per cell it
 * reached (a deal that came back to a stage is not counted twice).
 */
export function learnWinProbabilities(spells: readonly StageSpell[], options: { priorWeight?: number; buckets?: readonly AgeBucket[] } = {}): WinProbabilityModel {
  const priorWeight = options.priorWeight ?? 5;
  const buckets = options.buckets ?? DEFAULT_AGE_BUCKETS;
  if (!(priorWeight >= 0)) throw new Error(`priorWeight must be a non-negative number, got ${priorWeight}`);
  const dealWon = new Map<string, boolean>();
  const stageDeals = new Map<string, Map<string, boolean>>();
  const cellDeals = new Map<string, Map<string, boolean>>();
  const add = (index: Map<string, Map<string, boolean>>, key: string, spell: StageSpell) => {
    const set = index.get(key) ?? new Map<string, boolean>();
    set.set(spell.opportunityId, spell.won);
    index.set(key, set);
  };
  for (const spell of spells) {
    dealWon.set(spell.opportunityId, spell.won);
    add(stageDeals, spell.stage, spell);
    for (const b of bucketsReached(spell.daysInStage, buckets)) add(cellDeals, `${spell.stage}\u0000${b.label}`, spell);
  }
  const count = (m: Map<string, boolean>) => ({ deals: m.size, won: [...m.values()].filter(Boolean).length });
  const all = count(dealWon);
  const overall = all.deals > 0 ? all.won / all.deals : null;
  const stages = new Map<string, { deals: number; won: number; probability: number }>();
  for (const [stage, deals] of stageDeals) {
    const c = count(deals);
    stages.set(stage, { ...c, probability: shrink(c.won, c.deals, overall ?? 0, priorWeight) });
  }
  const cells: WinProbabilityCell[] = [];
  for (const [key, deals] of cellDeals) {
    const [stage, bucket] = key.split('\u0000') as [string, string];
    const c = count(deals);
    cells.push({ stage, bucket, ...c, probability: shrink(c.won, c.deals, stages.get(stage)!.probability, priorWeight) });
  }
  return { overall, deals: all.deals, stages, cells, buckets, priorWeight };
}

/**
 * P(won) for a deal `days` into `stage`: the cell's estimate; a cell without deals takes its stage's
 * rate, a stage without deals the overall rate; null when nothing was learnt.
 */
export function winProbability(model: WinProbabilityModel, stage: string, days: number): number | null {
  const bucket = ageBucketOf(days, model.buckets).label;
  const cell = model.cells.find((c) => c.stage === stage && c.bucket === bucket);
  if (cell) return cell.probability;
  return model.stages.get(stage)?.probability ?? model.overall;
}
