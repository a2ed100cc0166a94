// All six attribution models over one set of paths (one currency): what `crm attribution` prints and
// what the marketing_roi report tabulates.
import { markovAttribution } from './markov.ts';
import { channelsOf, pathTotals, ATTRIBUTION_MODELS, type AttributionModel, type AttributionTotal, type ChannelCredit, type ConversionPath } from './paths.ts';
import { ruleBasedAttribution } from './rule-based.ts';
import type { RuleOptions } from './touch-weights.ts';

export interface AttributionResult {
  total: AttributionTotal;
  models: Record<AttributionModel, ChannelCredit[]>;
}

export function attributeModel(model: AttributionModel, paths: readonly ConversionPath[], channels: readonly string[], options: RuleOptions = {}): ChannelCredit[] {
  return model === 'markov' ? markovAttribution(paths, channels) : ruleBasedAttribution(model, paths, channels, options);
}

export function attribute(paths: readonly ConversionPath[], options: RuleOptions = {}): AttributionResult {
  const channels = channelsOf(paths);
  const models = Object.fromEntries(ATTRIBUTION_MODELS.map((m) => [m, attributeModel(m, paths, channels, options)])) as Record<AttributionModel, ChannelCredit[]>;
  return { total: pathTotals(paths), models };
}
