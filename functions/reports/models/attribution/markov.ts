// Data-driven attribution by the removal effect of a first-order Markov chain over the journeys,
// solved exactly. States: start, one per channel, and the absorbing conversion and null states;
// transition probabilities are the observed transition counts, converting and non-converting
// journeys alike, normalised per state. P(conv) is the probability of absorption in conversion from
// start: the linear system x = Qx + r over the channel states (Q channel-to-channel, r
// channel-to-conversion), no simulation. Removing a channel sends every transition into it to null;
// its removal effect is 1 − P(conv without it) / P(conv), and the conversions and value are handed
// out in proportion to the removal effects.
import { solveLinearSystem } from './linear-system.ts';
import { credits } from './rule-based.ts';
import { indexPaths, type ChannelCredit, type ConversionPath, type IndexedTouches } from './paths.ts';

export interface MarkovChain {
  channels: readonly string[];
  /** Probability of conversion from start. */
  conversionProbability: number;
  /** Per channel, in `channels` order. */
  removalEffects: number[];
}

interface TransitionCounts {
  fromStart: Float64Array;
  /** n × n, row = from. */
  between: Float64Array;
  toConversion: Float64Array;
  toNull: Float64Array;
}

function countTransitions(paths: readonly ConversionPath[], touches: IndexedTouches, n: number): TransitionCounts {
  const counts = { fromStart: new Float64Array(n), between: new Float64Array(n * n), toConversion: new Float64Array(n), toNull: new Float64Array(n) };
  for (let p = 0; p < paths.length; p++) {
    const path = paths[p]!;
    const first = touches.start[p]!;
    const end = touches.start[p + 1]!;
    const journeys = path.conversions + path.nulls;
    if (!(journeys > 0) || end === first) continue;
    let from = touches.at[first]!;
    counts.fromStart[from] = counts.fromStart[from]! + journeys;
    for (let t = first + 1; t < end; t++) {
      const to = touches.at[t]!;
      counts.between[from * n + to] = counts.between[from * n + to]! + journeys;
      from = to;
    }
    counts.toConversion[from] = counts.toConversion[from]! + path.conversions;
    counts.toNull[from] = counts.toNull[from]! + path.nulls;
  }
  return counts;
}

/** P(conversion from start) with the `removed` channel's state sending everything to null (−1: none removed). */
function conversionProbability(counts: TransitionCounts, n: number, removed: number): number {
  const a = new Float64Array(n * n);
  const b = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    a[i * n + i] = 1;
    if (i === removed) continue;
    let out = counts.toConversion[i]! + counts.toNull[i]!;
    for (let j = 0; j < n; j++) out += counts.between[i * n + j]!;
    if (!(out > 0)) continue;
    for (let j = 0; j < n; j++) if (j !== removed) a[i * n + j] = a[i * n + j]! - counts.between[i * n + j]! / out;
    b[i] = counts.toConversion[i]! / out;
  }
  const x = solveLinearSystem(a, b, n);
  let started = 0;
  let p = 0;
  for (let j = 0; j < n; j++) {
    started += counts.fromStart[j]!;
    if (j !== removed) p += counts.fromStart[j]! * x[j]!;
  }
  return started > 0 ? p / started : 0;
}

export function markovChain(paths: readonly ConversionPath[], channels: readonly string[], touches: IndexedTouches = indexPaths(paths, channels)): MarkovChain {
  const n = channels.length;
  const counts = countTransitions(paths, touches, n);
  const base = conversionProbability(counts, n, -1);
  const removalEffects = channels.map((_, k) => {
    if (!(base > 0)) return 0;
    // Clamped: rounding can leave a removal effect a hair outside [0, 1].
    return Math.min(1, Math.max(0, 1 - conversionProbability(counts, n, k) / base));
  });
  return { channels, conversionProbability: base, removalEffects };
}

export function markovAttribution(paths: readonly ConversionPath[], channels: readonly string[], touches?: IndexedTouches): ChannelCredit[] {
  const { removalEffects } = markovChain(paths, channels, touches);
  return credits(channels, paths, removalEffects, removalEffects);
}
