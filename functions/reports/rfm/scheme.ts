// The RFM scoring scheme: which named segment each pair of recency score (R) and combined
// frequency-monetary score (FM) falls in, and the membership tier thresholds. This is the one place
// to configure the rfm report: edit RFM_SCHEME, or register `rfmReport(yourScheme)` in catalog.ts.
// A scheme is checked when the report is defined: every (R, FM) cell must map to exactly one segment.
import { CUSTOMER_TIERS } from '#schemas/entities.ts';

export type Tier = (typeof CUSTOMER_TIERS)[number];
/** A score range, both ends included, within 1..5. */
export type ScoreRange = readonly [number, number];

export interface SegmentRule {
  name: string;
  /** One line for the analyst: who these customers are. */
  description: string;
  r: ScoreRange;
  fm: ScoreRange;
}

export interface RfmScheme {
  /** Segments in display order; each (R, FM) cell must be covered by exactly one rule. */
  segments: readonly SegmentRule[];
  /**
   * FM = this function of the F and M quintile scores (each 1..5), an integer in 1..5.
   * @default the mean of F and M rounded half up, as in the usual R×FM segment map
   */
  combineFm: (f: number, m: number) => number;
  /**
   * Membership tiers from value (the customer's revenue up to the as-of date in their main currency):
   * the share of customers of a currency, best first, that reach each tier; the rest are bronze.
   * Shares, not amounts, because currencies are never compared or converted.
   * @default platinum the top 5%, gold the next 15%, silver the next 30%
   */
  tierShares: Readonly<Record<Exclude<Tier, 'bronze'>, number>>;
}

/**
 * The standard R×FM segment map (R rows 5..1, FM columns 1..5):
 *
 * | R \ FM | 1              | 2                  | 3                  | 4               | 5               |
 * |--------|----------------|--------------------|--------------------|-----------------|-----------------|
 * | 5      | New            | Potential Loyalist | Potential Loyalist | Champions       | Champions       |
 * | 4      | Promising      | Potential Loyalist | Potential Loyalist | Loyal           | Loyal           |
 * | 3      | About to Sleep | About to Sleep     | Need Attention     | Loyal           | Loyal           |
 * | 2      | Hibernating    | Hibernating        | At Risk            | At Risk         | Can't Lose Them |
 * | 1      | Lost           | Lost               | At Risk            | Can't Lose Them | Can't Lose Them |
 */
export const RFM_SCHEME: RfmScheme = {
  segments: [
    { name: 'Champions', description: 'bought recently, buy often and spend the most', r: [5, 5], fm: [4, 5] },
    { name: 'Loyal', description: 'buy often and spend well, fairly recently', r: [3, 4], fm: [4, 5] },
    { name: 'Potential Loyalist', description: 'recent customers with average frequency and spend', r: [4, 5], fm: [2, 3] },
    { name: 'New', description: 'bought very recently, for the first time or little so far', r: [5, 5], fm: [1, 1] },
    { name: 'Promising', description: 'recent buyers who have not spent much yet', r: [4, 4], fm: [1, 1] },
    { name: 'Need Attention', description: 'average recency, frequency and spend', r: [3, 3], fm: [3, 3] },
    { name: 'About to Sleep', description: 'below-average recency, frequency and spend', r: [3, 3], fm: [1, 2] },
    { name: 'At Risk', description: 'spent well and bought often, but long ago', r: [1, 2], fm: [3, 4] },
    { name: "Can't Lose Them", description: 'were among the best customers, have not come back for a long time', r: [1, 2], fm: [5, 5] },
    { name: 'Hibernating', description: 'last bought long ago, little and rarely', r: [2, 2], fm: [1, 2] },
    { name: 'Lost', description: 'lowest recency, frequency and spend', r: [1, 1], fm: [1, 2] },
  ],
  combineFm: (f, m) => Math.floor((f + m) / 2 + 0.5),
  tierShares: { platinum: 0.05, gold: 0.15, silver: 0.3 },
};

/** A scheme checked for use: the segment of every (R, FM) cell, looked up in constant time. */
export interface CompiledScheme {
  scheme: RfmScheme;
  segmentOf(r: number, fm: number): string;
  /** Segment names in display order. */
  names: readonly string[];
}

export function compileScheme(scheme: RfmScheme): CompiledScheme {
  const grid: string[][] = Array.from({ length: 6 }, () => Array<string>(6).fill(''));
  const names = scheme.segments.map((s) => s.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) throw new Error(`rfm scheme: segment "${duplicate}" is defined twice`);
  for (const rule of scheme.segments) {
    for (const [field, range] of [['r', rule.r], ['fm', rule.fm]] as const) {
      if (!(Number.isInteger(range[0]) && Number.isInteger(range[1]) && range[0] >= 1 && range[1] <= 5 && range[0] <= range[1])) {
        throw new Error(`rfm scheme: segment "${rule.name}" field ${field}: [${range.join(', ')}] is not a score range within 1..5`);
      }
    }
    for (let r = rule.r[0]; r <= rule.r[1]; r++) {
      for (let fm = rule.fm[0]; fm <= rule.fm[1]; fm++) {
        if (grid[r]![fm]) throw new Error(`rfm scheme: cell R=${r} FM=${fm} is in both "${grid[r]![fm]}" and "${rule.name}"`);
        grid[r]![fm] = rule.name;
      }
    }
  }
  for (let r = 1; r <= 5; r++) for (let fm = 1; fm <= 5; fm++) if (!grid[r]![fm]) throw new Error(`rfm scheme: cell R=${r} FM=${fm} is in no segment`);
  for (let f = 1; f <= 5; f++) {
    for (let m = 1; m <= 5; m++) {
      const fm = scheme.combineFm(f, m);
      if (!Number.isInteger(fm) || fm < 1 || fm > 5) throw new Error(`rfm scheme: combineFm(${f}, ${m}) = ${fm}, expected an integer in 1..5`);
    }
  }
  const shares = Object.entries(scheme.tierShares);
  const total = shares.reduce((sum, [, share]) => sum + share, 0);
  const bad = shares.find(([, share]) => !(share >= 0 && share <= 1));
  if (bad) throw new Error(`rfm scheme: tierShares.${bad[0]} = ${bad[1]}, expected a share between 0 and 1`);
  if (total > 1) throw new Error(`rfm scheme: tierShares add up to ${total}, more than all customers`);
  return { scheme, names, segmentOf: (r, fm) => grid[r]![fm]! };
}
