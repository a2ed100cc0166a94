// What the attribution models read and hand out. A path is one journey (or a group of identical
// journeys, as in the common path file): the channels touched in order, how many of these journeys
// converted and for how much, and how many ended without a conversion (the "null" outcomes).

export const ATTRIBUTION_MODELS = ['first_touch', 'last_touch', 'linear', 'time_decay', 'position_based', 'markov'] as const;
export type AttributionModel = (typeof ATTRIBUTION_MODELS)[number];

export interface ConversionPath {
  /** Channels (or campaigns) in touch order; never empty. */
  channels: readonly string[];
  /**
   * Days from each touch to the end of the journey (the conversion), same length as `channels`.
   * Absent on a path file: time decay then counts one day per step back from the last touch.
   */
  daysBefore?: readonly number[];
  /** Journeys of this path that converted (may be fractional in a file, never negative). */
  conversions: number;
  /** Their conversion value, in one currency. */
  value: number;
  /** Journeys of this path that ended without a conversion. */
  nulls: number;
}

/** The share of the conversions and their value one channel is credited with. */
export interface ChannelCredit {
  channel: string;
  conversions: number;
  value: number;
}

export interface AttributionTotal {
  conversions: number;
  value: number;
}

/** Conversions are handed out in millionths, value in cents: integers, so the parts add up exactly. */
export const CONVERSION_SCALE = 1_000_000;
export const VALUE_SCALE = 100;

export function pathTotals(paths: readonly ConversionPath[]): AttributionTotal {
  let conversions = 0;
  let value = 0;
  for (const p of paths) {
    conversions += Math.round(p.conversions * CONVERSION_SCALE);
    value += Math.round(p.value * VALUE_SCALE);
  }
  return { conversions: conversions / CONVERSION_SCALE, value: value / VALUE_SCALE };
}

/** Every channel on any path, sorted, so each model lists the same channels in the same order. */
export function channelsOf(paths: readonly ConversionPath[]): string[] {
  const seen = new Set<string>();
  for (const p of paths) for (const c of p.channels) seen.add(c);
  return [...seen].sort();
}

/** All paths' touches as channel indices in one flat array: path p is `at[start[p]]` to `at[start[p + 1] - 1]`. */
export interface IndexedTouches {
  start: Int32Array;
  at: Int32Array;
}

/** Computed once and shared by the six models (one flat array: 100,000 small typed arrays cost more than the models). */
export function indexPaths(paths: readonly ConversionPath[], channels: readonly string[]): IndexedTouches {
  const index = new Map(channels.map((c, i) => [c, i]));
  const start = new Int32Array(paths.length + 1);
  for (let p = 0; p < paths.length; p++) start[p + 1] = start[p]! + paths[p]!.channels.length;
  const at = new Int32Array(start[paths.length]!);
  for (let p = 0; p < paths.length; p++) {
    const names = paths[p]!.channels;
    for (let t = 0; t < names.length; t++) {
      const i = index.get(names[t]!);
      if (i === undefined) throw new Error(`channel "${names[t]}" is not in the channel list`);
      at[start[p]! + t] = i;
    }
  }
  return { start, at };
}
