// A synthetic path file for the attribution timing: 100,000 distinct paths over 8 channels, 1 to 12
// touches, with conversions, value and null counts (deterministic, no randomness source beyond a seed).
import { ATTRIBUTION_MODELS } from '#functions/reports/models/attribution/paths.ts';
import { attribute } from '#functions/reports/models/attribution/attribute.ts';
import { parsePathFile } from '#functions/reports/models/attribution/path-file.ts';
import { mulberry32 } from '#lib/random/mulberry32.ts';

const CHANNELS = ['email', 'search', 'social', 'display', 'sms', 'referral', 'direct_mail', 'events'];

/** The same path file on every run. */
const seeded = mulberry32;

export function pathFileText(paths = 100_000, seed = 7): string {
  const random = seeded(seed);
  const lines = ['path;total_conversions;total_conversion_value;total_null'];
  for (let i = 0; i < paths; i++) {
    const length = 1 + Math.floor(random() * 12);
    const channels = Array.from({ length }, () => CHANNELS[Math.floor(random() * CHANNELS.length)]!);
    const conversions = random() < 0.4 ? 1 + Math.floor(random() * 5) : 0;
    const value = conversions ? (conversions * (20 + Math.floor(random() * 20_000))) / 100 : 0;
    lines.push(`${channels.join(' > ')};${conversions};${value.toFixed(2)};${Math.floor(random() * 40)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Parse and all six models on the file, best of three runs. */
export function benchAttribution(paths = 100_000) {
  const text = pathFileText(paths);
  let best = { parseSeconds: Infinity, modelsSeconds: Infinity };
  for (let run = 0; run < 3; run++) {
    const t0 = performance.now();
    const parsed = parsePathFile(text);
    const t1 = performance.now();
    if (!parsed.ok) throw new Error(`bench path file: ${JSON.stringify(parsed.errors[0])}`);
    attribute(parsed.paths);
    const t2 = performance.now();
    best = { parseSeconds: Math.min(best.parseSeconds, (t1 - t0) / 1000), modelsSeconds: Math.min(best.modelsSeconds, (t2 - t1) / 1000) };
  }
  const round = (n: number) => Math.round(n * 1000) / 1000;
  return { paths, channels: CHANNELS.length, models: ATTRIBUTION_MODELS.length, parseSeconds: round(best.parseSeconds), allModelsSeconds: round(best.modelsSeconds) };
}

// `tsx bench/attribution.ts --write FILE`: the same file for timing `crm attribution` from the shell.
if (process.argv[1]?.endsWith('attribution.ts') && process.argv[2] === '--write') {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(process.argv[3] ?? 'paths-100k.csv', pathFileText());
}
