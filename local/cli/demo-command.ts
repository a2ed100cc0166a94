// `crm demo`: generate a deterministic data set, ingest it through the ingest handler, let the stream
// handler fill the lake, and print what happened.
import { join } from 'node:path';
import { entities, type EntityName } from '#schemas/registry.ts';
import { generateDemo, writeDemoInput } from '../demo/generate.ts';
import { withLocalStack } from '../stack.ts';
import { openLocalQueryEngine } from '#lib/query/duckdb-engine.ts';
import { exitCodeFor, ingestFile } from './ingest-command.ts';
import { intOption, type Options } from './main.ts';

/** Parents before children, so the order of events on the bus reads naturally. */
const INGEST_ORDER: EntityName[] = ['customer', 'contact', 'campaign', 'lead', 'campaign_touch', 'opportunity', 'order', 'contract', 'payment', 'activity', 'ticket', 'survey_response'];

const log = (message: string) => process.stderr.write(`${message}\n`);
const seconds = (start: number) => Math.round((performance.now() - start) / 10) / 100;

export async function demoCommand(positionals: string[], options: Options): Promise<number> {
  if (positionals.length) throw new Error(`unexpected arguments: ${positionals.join(' ')}`);
  const dir = String(options.dir);
  const seed = intOption(options, 'seed', 1);
  const customers = intOption(options, 'customers', 1000, 1);
  const months = intOption(options, 'months', 24, 1);
  const started = performance.now();

  let t = performance.now();
  const data = generateDemo({ seed, customers, months });
  await writeDemoInput(dir, data);
  const generated = seconds(t);
  const distinctIds = Object.fromEntries(Object.entries(data).map(([table, rows]) => [table, new Set((rows as { id: string }[]).map((r) => r.id)).size]));
  log(`generated ${Object.values(data).reduce((n, rows) => n + rows.length, 0)} records for ${customers} customers over ${months} months in ${generated}s -> ${join(dir, 'input')}`);

  t = performance.now();
  const { ingest, stream } = await withLocalStack(dir, async (stack) => {
    const ingest: Record<string, Awaited<ReturnType<typeof ingestFile>>> = {};
    for (const name of INGEST_ORDER) {
      const entity = entities[name];
      const t0 = performance.now();
      const summary = await ingestFile(stack, join(dir, 'input', `${entity.table}.ndjson`), entity, 'ndjson');
      ingest[entity.table] = summary;
      log(`ingested ${entity.table}: ${summary.accepted} accepted, ${summary.rejected} rejected in ${seconds(t0)}s`);
    }
    const t1 = performance.now();
    const stream = await stack.sync();
    log(`stream: ${stream.records} changes -> ${stream.files} lake files, ${stream.events} events in ${seconds(t1)}s`);
    return { ingest, stream };
  });
  const ingested = seconds(t);

  t = performance.now();
  const engine = await openLocalQueryEngine({ lakeDir: join(dir, 'lake') });
  const tables: Record<string, unknown> = {};
  try {
    for (const entity of Object.values(entities)) {
      const rows = (await engine.query(`SELECT count(*) AS n FROM ${entity.table}`)).rows;
      const s = ingest[entity.table]!;
      tables[entity.table] = {
        records: data[entity.table as keyof typeof data]?.length ?? 0,
        distinctIds: distinctIds[entity.table] ?? 0,
        accepted: s.accepted,
        rejected: s.rejected,
        inLake: Number(rows[0]?.n ?? 0),
      };
    }
  } finally {
    await engine.close();
  }

  const summary = {
    dir,
    seed,
    customers,
    months,
    tables,
    lake: { dir: join(dir, 'lake'), files: stream.files, changes: stream.records, deadLettered: stream.deadLettered },
    events: { published: stream.events, file: join(dir, 'events', 'events.ndjson') },
    seconds: { generate: generated, ingestAndStream: ingested, verify: seconds(t), total: seconds(started) },
    next: [`npx crm query --dir ${dir} "SELECT count(*) FROM orders"`, `npx crm customer --dir ${dir} <customer id>`],
  };
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  const worst = Math.max(...Object.values(ingest).map(exitCodeFor));
  return worst;
}
