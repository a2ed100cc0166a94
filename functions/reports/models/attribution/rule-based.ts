// First touch, last touch, linear, time decay and position-based attribution: each converting path's
// conversions and value split over its touches by the model's touch weights, summed per channel.
import { apportion } from './apportion.ts';
import { CONVERSION_SCALE, VALUE_SCALE, indexPaths, pathTotals, type ChannelCredit, type IndexedTouches, type ConversionPath } from './paths.ts';
import { touchWeights, type RuleModel, type RuleOptions } from './touch-weights.ts';

export function ruleBasedAttribution(
  model: RuleModel,
  paths: readonly ConversionPath[],
  channels: readonly string[],
  options: RuleOptions = {},
  touches: IndexedTouches = indexPaths(paths, channels),
): ChannelCredit[] {
  const conversions = new Float64Array(channels.length);
  const value = new Float64Array(channels.length);
  for (let p = 0; p < paths.length; p++) {
    const path = paths[p]!;
    if (!(path.conversions > 0) && !(path.value > 0)) continue;
    const weights = touchWeights(model, path, options);
    const first = touches.start[p]!;
    for (let t = 0; t < weights.length; t++) {
      const c = touches.at[first + t]!;
      conversions[c] = conversions[c]! + weights[t]! * path.conversions;
      value[c] = value[c]! + weights[t]! * path.value;
    }
  }
  return credits(channels, paths, [...conversions], [...value]);
}

/** The exact totals of the paths handed out in proportion to the raw per-channel credits. */
export function credits(channels: readonly string[], paths: readonly ConversionPath[], conversionWeights: readonly number[], valueWeights: readonly number[]): ChannelCredit[] {
  const total = pathTotals(paths);
  const c = apportion(total.conversions, conversionWeights, CONVERSION_SCALE);
  const v = apportion(total.value, valueWeights, VALUE_SCALE);
  return channels.map((channel, i) => ({ channel, conversions: c[i]!, value: v[i]! }));
}
