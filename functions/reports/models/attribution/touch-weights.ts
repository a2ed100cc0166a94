// The rule-based models as touch weights: for a path of n touches, the share of one conversion each
// touch earns (shares sum to 1). A channel touched twice earns both shares.
import type { ConversionPath } from './paths.ts';

export type RuleModel = 'first_touch' | 'last_touch' | 'linear' | 'time_decay' | 'position_based';

export interface RuleOptions {
  /** Time decay: a touch this many days before the conversion earns half of one at the conversion. @default 7 */
  halfLifeDays?: number;
}

export const DEFAULT_HALF_LIFE_DAYS = 7;

/** Position-based (U-shaped): 40% first, 40% last, 20% spread over the touches between. */
const POSITION_ENDS = 0.4;

export function touchWeights(model: RuleModel, path: ConversionPath, options: RuleOptions = {}): number[] {
  const n = path.channels.length;
  const weights = new Array<number>(n).fill(0);
  if (n === 0) return weights;
  switch (model) {
    case 'first_touch':
      weights[0] = 1;
      return weights;
    case 'last_touch':
      weights[n - 1] = 1;
      return weights;
    case 'linear':
      return weights.fill(1 / n);
    case 'time_decay':
      return timeDecay(path, options.halfLifeDays ?? DEFAULT_HALF_LIFE_DAYS);
    case 'position_based':
      return positionBased(n);
  }
}

/** Weight 2^(−days/half-life), normalised; without times each step back from the last touch is one day. */
function timeDecay(path: ConversionPath, halfLifeDays: number): number[] {
  const n = path.channels.length;
  const days = path.daysBefore ?? path.channels.map((_, i) => n - 1 - i);
  // Relative to the latest touch, so a long gap before the conversion does not underflow every weight to 0.
  const latest = Math.min(...days);
  const raw = days.map((d) => 2 ** (-(d - latest) / halfLifeDays));
  const sum = raw.reduce((a, w) => a + w, 0);
  return raw.map((w) => w / sum);
}

/** One touch takes all; two split 50/50 (both are first and last); from three on 40/20/40. */
function positionBased(n: number): number[] {
  if (n === 1) return [1];
  if (n === 2) return [0.5, 0.5];
  const middle = (1 - 2 * POSITION_ENDS) / (n - 2);
  return Array.from({ length: n }, (_, i) => (i === 0 || i === n - 1 ? POSITION_ENDS : middle));
}
