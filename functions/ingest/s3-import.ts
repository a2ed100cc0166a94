// Bulk import of one S3 object `imports/<entity>/<file>.(csv|ndjson|jsonl|json)[.gz]`: streamed row by
// row, rejected rows written to `<key>.errors.ndjson` beside the import, an ImportCompleted event at the end.
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { findEntity, type AnyEntity } from '#schemas/registry.ts';
import { INGEST_EVENT_SOURCE, type ImportCompletedDetail } from '#schemas/events.ts';
import type { EventBus } from '#lib/bus/event-bus.ts';
import type { RecordWriter } from './record-writer.ts';
import { formatFromName, readRecords, type InputFormat } from './record-reader.ts';
import { ingestRows, type IngestSummary } from './ingest-rows.ts';

export const IMPORT_PREFIX = 'imports/';
export const ERRORS_SUFFIX = '.errors.ndjson';

export interface ImportDeps {
  s3: S3Client;
  writer: RecordWriter;
  bus: EventBus;
}

export type ImportOutcome =
  | { status: 'skipped'; reason: string }
  | { status: 'rejected'; reason: string; errorsKey: string }
  | { status: 'completed'; detail: ImportCompletedDetail; summary: IngestSummary };

/** Our own error files land under imports/ too; they must not be imported again. */
export function importTarget(key: string): { entityName: string; fileName: string } | undefined {
  if (!key.startsWith(IMPORT_PREFIX) || key.endsWith(ERRORS_SUFFIX) || key.endsWith('/')) return undefined;
  const [entityName, ...rest] = key.slice(IMPORT_PREFIX.length).split('/');
  if (!entityName || rest.length === 0) return undefined;
  return { entityName, fileName: rest.join('/') };
}

/** The entity and format an import file names, or why it cannot be imported. */
export function resolveImportFile(target: { entityName: string; fileName: string }, key: string): { entity: AnyEntity; format: InputFormat } | { reason: string } {
  const entity = findEntity(target.entityName);
  if (!entity) return { reason: `unknown entity "${target.entityName}" in ${key}` };
  const format = formatFromName(target.fileName);
  if (!format) return { reason: `unsupported file type "${target.fileName}": use .csv, .ndjson, .jsonl or .json (optionally .gz)` };
  return { entity, format };
}

/** The errors file of an import that could not be read at all: one `(file)` error. */
export async function putFileError(s3: S3Client, bucket: string, errorsKey: string, ...reasons: string[]): Promise<void> {
  const body = reasons.map((message) => JSON.stringify({ line: 0, field: '(file)', message }) + '\n').join('');
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: errorsKey, Body: body, ContentType: 'application/x-ndjson' }));
}

export async function importObject(deps: ImportDeps, bucket: string, key: string): Promise<ImportOutcome> {
  const target = importTarget(key);
  if (!target) return { status: 'skipped', reason: `${key} is not an import file (expected ${IMPORT_PREFIX}<entity>/<file>)` };
  const errorsKey = `${key}${ERRORS_SUFFIX}`;
  const resolved = resolveImportFile(target, key);
  if ('reason' in resolved) {
    await putFileError(deps.s3, bucket, errorsKey, resolved.reason);
    return { status: 'rejected', reason: resolved.reason, errorsKey };
  }
  const { entity, format } = resolved;

  const object = await deps.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  let body = object.Body as Readable;
  if (key.toLowerCase().endsWith('.gz')) body = body.pipe(createGunzip());

  // Errors are spooled to local disk and uploaded once: an import may reject millions of rows.
  const spoolDir = mkdtempSync(join(tmpdir(), 'crm-import-'));
  const spoolFile = join(spoolDir, 'errors.ndjson');
  const spool = createWriteStream(spoolFile);
  try {
    const summary = await ingestRows(deps.writer, entity, readRecords(body, format, entity), {
      maxErrors: 100,
      onError: async (error) => {
        if (!spool.write(JSON.stringify(error) + '\n')) await once(spool, 'drain');
      },
    });
    spool.end();
    await once(spool, 'finish');
    const hasErrors = summary.rejected + summary.failed > 0;
    if (hasErrors) {
      // An open handle, closed whatever the upload does, so the spool can be removed safely afterwards.
      const handle = await open(spoolFile);
      try {
        const { size } = await handle.stat();
        await deps.s3.send(new PutObjectCommand({ Bucket: bucket, Key: errorsKey, Body: handle.createReadStream({ autoClose: false }), ContentLength: size, ContentType: 'application/x-ndjson' }));
      } finally {
        await handle.close();
      }
    }
    const detail: ImportCompletedDetail = {
      entity: entity.name,
      bucket,
      key,
      accepted: summary.accepted,
      rejected: summary.rejected + summary.failed,
      created: summary.created,
      updated: summary.updated,
      unchanged: summary.unchanged,
      stale: summary.stale,
      merged: summary.merged,
      ...(hasErrors ? { errorsKey } : {}),
    };
    const failed = await deps.bus.publish([{ source: INGEST_EVENT_SOURCE, detailType: 'ImportCompleted', detail: { ...detail } }]);
    if (failed.length) throw new Error(`ImportCompleted event not published: ${failed[0]!.errorCode} ${failed[0]!.errorMessage}`);
    return { status: 'completed', detail, summary };
  } finally {
    // An import that failed part-way (a write error, a crash) leaves the spool opening a file in the folder removed
    // next: its late ENOENT must not become an uncaught error over the import's own cause.
    spool.on('error', () => {});
    spool.destroy();
    rmSync(spoolDir, { recursive: true, force: true });
  }
}
