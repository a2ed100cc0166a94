// All six attribution models over one set of paths (one currency): what `crm attribution` prints and
// what the marketing_roi report tabulates.
import { markovAttribution } from './markov.ts';
import { channelsOf, indexPaths, pathTotals, ATTRIBUTION_MODELS, type AttributionModel, type AttributionTotal, type ChannelCredit, type ConversionPath, type IndexedTouches } from './paths.ts';
import { ruleBasedAttribution } from './rule-based.ts';
import type { RuleOptions } from './touch-weights.ts';

export interface AttributionResult {
  total: AttributionTotal;
  models: Record<AttributionModel, ChannelCredit[]>;
}

export function attributeModel(
  model: AttributionModel,
  paths: readonly ConversionPath[],
  channels: readonly string[],
  options: RuleOptions = {},
  touches: IndexedTouches = indexPaths(paths, channels),
): ChannelCredit[] {
  return model === 'markov' ? markovAttribution(paths, channels, touches) : ruleBasedAttribution(model, paths, channels, options, touches);
}

export function attribute(paths: readonly ConversionPath[], options: RuleOptions = {}): AttributionResult {
  const channels = channelsOf(paths);
  const touches = indexPaths(paths, channels);
  const models = Object.fromEntries(ATTRIBUTION_MODELS.map((m) => [m, attributeModel(m, paths, channels, options, touches)])) as Record<AttributionModel, ChannelCredit[]>;
  return { total: pathTotals(paths), models };
}
