// `crm ingest FILE --entity E`: the same validation and writer as the API and the S3 import.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { entityNames, findEntity, type AnyEntity } from '#schemas/registry.ts';
import { formatFromName, readRecords, type InputFormat } from '#functions/ingest/record-reader.ts';
import { ingestRows, type IngestSummary } from '#functions/ingest/ingest-rows.ts';
import { withLocalStack, type LocalStack } from '../stack.ts';
import { UsageError } from './usage.ts';
import { estimatedRows, startProgress, type ProgressOptions } from './progress.ts';
import type { Options } from './main.ts';

const FORMATS: InputFormat[] = ['ndjson', 'csv', 'json'];

export function resolveEntity(name: unknown): AnyEntity {
  if (typeof name !== 'string' || !name) throw new UsageError(`--entity is required (one of ${entityNames.join(', ')}, singular or plural)`);
  const entity = findEntity(name);
  if (!entity) throw new UsageError(`unknown entity "${name}" (one of ${entityNames.join(', ')}, singular or plural)`);
  return entity;
}

export interface IngestFileOptions {
  /** Progress line (rows, rate, ETA) on a terminal's stderr; see progress.ts. */
  progress?: ProgressOptions;
  /** Rows in the file when known (the demo knows them); otherwise estimated from the bytes read. */
  rows?: number;
  /**
   * Drains the stream into the lake and works off the rule runs it queued (`stack.settle()`) after every this
   * many rows, so that neither the stream backlog nor the queued runs grow with the file: a large file is
   * ingested as consecutive slices of it would be. Unset: once, when the command ends.
   */
  settleEveryRows?: number;
}

/** Rows per settle slice of `crm ingest`: its stream batches and queued rule runs stay within tens of MB. */
export const SETTLE_EVERY_ROWS = 10_000;

/** The rows as they come, pausing after every `every` of them until `settle` has run. */
async function* settlingEvery<T>(rows: AsyncIterable<T>, every: number, settle: () => Promise<unknown>): AsyncGenerator<T> {
  let n = 0;
  for await (const row of rows) {
    yield row;
    // Resumed when the reader asks for the next row: with `every` a multiple of the batch size, row n's batch is written.
    if (++n % every === 0) await settle();
  }
}

export async function ingestFile(stack: LocalStack, file: string, entity: AnyEntity, format: InputFormat, options: IngestFileOptions = {}): Promise<IngestSummary> {
  const raw = createReadStream(file);
  let input: Readable = raw;
  if (file.endsWith('.gz')) input = input.pipe(createGunzip());
  const fileBytes = statSync(file).size;
  const progress = startProgress(`ingest ${entity.table}`, 'rows', options.progress ?? {}, options.rows);
  try {
    const rows = readRecords(input, format, entity);
    return await ingestRows(stack.writer, entity, options.settleEveryRows ? settlingEvery(rows, options.settleEveryRows, () => stack.settle()) : rows, {
      onProgress: (done) => progress.update(done, options.rows ?? estimatedRows(done, raw.bytesRead, fileBytes)),
    });
  } finally {
    progress.end();
  }
}

export const exitCodeFor = (s: IngestSummary) => (s.failed > 0 ? 1 : s.rejected > 0 ? 2 : 0);

export async function ingestCommand(positionals: string[], options: Options): Promise<number> {
  const [file, ...extra] = positionals;
  if (!file) throw new UsageError('FILE is required');
  if (extra.length) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  if (!existsSync(file) || !statSync(file).isFile()) throw new UsageError(`no such file: ${file}`);
  const entity = resolveEntity(options.entity);
  const format = (options.format as InputFormat | undefined) ?? formatFromName(file);
  if (!format || !FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}${options.format ? `, got "${options.format}"` : ` (cannot tell from the name "${file}")`}`);

  if (options.stage !== undefined) {
    const { resolveDeployedStack } = await import('../stage/deployed-stack.ts');
    const { ingestToStage, signedApi } = await import('../stage/stage-commands.ts');
    const stack = await resolveDeployedStack(String(options.stage));
    const s = await ingestToStage(signedApi(stack), file, entity, format);
    process.stderr.write(`${entity.table} (${stack.stackName}): ${s.accepted} accepted (${s.created} created, ${s.updated} updated, ${s.unchanged} unchanged, ${s.stale} stale), ${s.rejected} rejected, ${s.failed} failed\n`);
    process.stdout.write(`${JSON.stringify({ entity: entity.name, file, ...s }, null, 2)}\n`);
    return exitCodeFor(s);
  }
  const summary = await withLocalStack(String(options.dir), async (stack) => {
    const s = await ingestFile(stack, file, entity, format, { progress: { quiet: options.quiet === true }, settleEveryRows: SETTLE_EVERY_ROWS });
    process.stderr.write(`${entity.table}: ${s.accepted} accepted (${s.created} created, ${s.updated} updated, ${s.unchanged} unchanged, ${s.stale} stale, ${s.merged} merged), ${s.rejected} rejected, ${s.failed} failed\n`);
    return s;
  });
  process.stdout.write(`${JSON.stringify({ entity: entity.name, file, ...summary }, null, 2)}\n`);
  return exitCodeFor(summary);
}
