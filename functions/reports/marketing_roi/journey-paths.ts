// The journeys table (one row per journey, paths as ` > `-joined text) as model input: per currency,
// its converting journeys plus every non-converting one (those have no currency; without them the
// Markov chain would see only successes).
import type { ConversionPath } from '../models/attribution/paths.ts';

type Row = Record<string, unknown>;

const SEP = ' > ';

export function journeyCurrencies(journeys: readonly Row[]): string[] {
  return [...new Set(journeys.filter((j) => Number(j.converted) === 1).map((j) => String(j.currency)))].sort();
}

/** Paths over `channel_path` or `campaign_path`, with the touches' days before the journey's end (from whole hours). */
export function journeyPaths(journeys: readonly Row[], currency: string, pathColumn: 'channel_path' | 'campaign_path'): ConversionPath[] {
  const paths: ConversionPath[] = [];
  for (const j of journeys) {
    const converted = Number(j.converted) === 1;
    if (converted && j.currency !== currency) continue;
    paths.push({
      channels: String(j[pathColumn]).split(SEP),
      daysBefore: String(j.hours_before_path).split(SEP).map((h) => Number(h) / 24),
      conversions: converted ? 1 : 0,
      value: converted ? Number(j.value) : 0,
      nulls: converted ? 0 : 1,
    });
  }
  return paths;
}

/** Which channel each campaign runs on, read off the journeys' paired paths. */
export function campaignChannels(journeys: readonly Row[]): Map<string, string> {
  const channelOf = new Map<string, string>();
  for (const j of journeys) {
    const campaigns = String(j.campaign_path).split(SEP);
    const channels = String(j.channel_path).split(SEP);
    campaigns.forEach((c, i) => channelOf.set(c, channels[i]!));
  }
  return channelOf;
}
