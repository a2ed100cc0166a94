// `crm attribution --input FILE [--half-life-days 7]`: the six attribution models over a path file,
// with the same model code as the marketing_roi report. Exit 0 done, 2 bad input (each bad line on
// stderr with its number, field and reason; nothing on stdout), 1 usage.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { attribute } from '#functions/reports/models/attribution/attribute.ts';
import { parsePathFile } from '#functions/reports/models/attribution/path-file.ts';
import { DEFAULT_HALF_LIFE_DAYS } from '#functions/reports/models/attribution/touch-weights.ts';
import { UsageError } from './usage.ts';
import type { Options } from './main.ts';

export async function attributionCommand(positionals: string[], options: Options): Promise<number> {
  if (positionals.length) throw new UsageError(`unexpected arguments: ${positionals.join(' ')}`);
  const file = options.input;
  if (typeof file !== 'string' || !file) throw new UsageError('--input FILE is required');
  if (!existsSync(file) || !statSync(file).isFile()) throw new UsageError(`no such file: ${file}`);
  const halfLifeDays = options['half-life-days'] === undefined ? DEFAULT_HALF_LIFE_DAYS : Number(options['half-life-days']);
  if (!Number.isFinite(halfLifeDays) || halfLifeDays <= 0) throw new UsageError(`--half-life-days must be a positive number, got "${options['half-life-days']}"`);

  const parsed = parsePathFile(readFileSync(file, 'utf8'));
  if (!parsed.ok) {
    for (const e of parsed.errors) process.stderr.write(`crm attribution: ${file}: line ${e.line}: ${e.field}: ${e.message}\n`);
    return 2;
  }
  const t = performance.now();
  const result = attribute(parsed.paths, { halfLifeDays });
  process.stderr.write(`${parsed.paths.length} paths, ${result.models.markov.length} channels, attributed in ${Math.round(performance.now() - t)} ms\n`);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  return 0;
}
