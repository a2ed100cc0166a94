// `crm` command-line entry: parses the command, runs it, maps failures to the contract's exit codes
// (0 success, 2 some input rejected, 1 usage or system error).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { USAGE, UsageError } from './usage.ts';

export type Options = Record<string, string | boolean | undefined>;
export type Command = (positionals: string[], options: Options) => Promise<number>;

/** A command whose module is loaded when it runs, so `crm attribution` does not start up DuckDB and the AWS SDK. */
const lazy =
  <K extends string>(load: () => Promise<Record<K, Command>>, name: K): Command =>
  async (positionals, options) =>
    (await load())[name](positionals, options);

const common = { dir: { type: 'string', default: '.crm' }, help: { type: 'boolean', short: 'h' } } as const;
/** `--stage NAME`: act on the deployed stack `Crm-<NAME>` instead of `--dir` (local/stage/). */
const stage = { stage: { type: 'string' } } as const;
/** No progress line on a terminal (long commands draw one on stderr). */
const quiet = { quiet: { type: 'boolean', short: 'q' } } as const;

const commands: Record<string, { options: ParseArgsConfig['options']; run: Command }> = {
  demo: { options: { ...common, ...quiet, seed: { type: 'string' }, customers: { type: 'string' }, months: { type: 'string' } }, run: lazy(() => import('./demo-command.ts'), 'demoCommand') },
  ingest: { options: { ...common, ...stage, ...quiet, entity: { type: 'string' }, format: { type: 'string' } }, run: lazy(() => import('./ingest-command.ts'), 'ingestCommand') },
  query: { options: { ...common, ...stage, format: { type: 'string', default: 'table' } }, run: lazy(() => import('./query-command.ts'), 'queryCommand') },
  customer: { options: { ...common, ...stage, phone: { type: 'string' }, email: { type: 'string' } }, run: lazy(() => import('./customer-command.ts'), 'customerCommand') },
  erase: { options: { ...common }, run: lazy(() => import('./erase-command.ts'), 'eraseCommand') },
  rules: { options: { ...common, cases: { type: 'string' } }, run: lazy(() => import('./rules-command.ts'), 'rulesCommand') },
  report: { options: { ...common, ...stage, ...quiet, 'as-of': { type: 'string' } }, run: lazy(() => import('./report-command.ts'), 'reportCommand') },
  attribution: { options: { help: common.help, input: { type: 'string' }, 'half-life-days': { type: 'string' } }, run: lazy(() => import('./attribution-command.ts'), 'attributionCommand') },
  forecast: { options: { help: common.help, input: { type: 'string' }, horizon: { type: 'string' }, season: { type: 'string' }, level: { type: 'string' } }, run: lazy(() => import('./forecast-command.ts'), 'forecastCommand') },
  automations: { options: { ...common, 'as-of': { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } }, run: lazy(() => import('./automation-commands.ts'), 'automationsCommand') },
  events: { options: { ...common, from: { type: 'string' }, to: { type: 'string' } }, run: lazy(() => import('./automation-commands.ts'), 'eventsCommand') },
  lake: { options: { ...common, date: { type: 'string' }, table: { type: 'string' } }, run: lazy(() => import('./lake-command.ts'), 'lakeCommand') },
  serve: { options: { ...common, port: { type: 'string' } }, run: lazy(() => import('./serve-command.ts'), 'serveCommand') },
};

export async function main(argv: string[]): Promise<number> {
  process.env.CRM_LOCAL ??= '1';
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stderr.write(`${USAGE}\n`);
    return name ? 0 : 1;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`crm: unknown command "${name}"\n\n${USAGE}\n`);
    return 1;
  }
  try {
    const { values, positionals } = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
    if ((values as Options).help) {
      process.stderr.write(`${USAGE}\n`);
      return 0;
    }
    return await command.run(positionals, values as Options);
  } catch (err) {
    const usage = err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`crm ${name}: ${(err as Error).message}\n`);
    if (usage) process.stderr.write(`\n${USAGE}\n`);
    else if (process.env.CRM_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
    return 1;
  }
}

/** Parses an integer option, or fails as a usage error naming the flag. */
export function intOption(options: Options, name: string, fallback: number, min = 0): number {
  const raw = options[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer >= ${min}, got "${raw}"`);
  return n;
}
