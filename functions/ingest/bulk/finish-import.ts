// Step 3 of a bulk import, after the last batch: the batches' rejected rows joined in manifest order (each batch's
// are in line order, the batches in file order) into the one errors file beside the import, a line for every batch
// that failed after its retries, and the totals published once as ImportCompleted.
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { INGEST_EVENT_SOURCE, type ImportCompletedDetail } from '#schemas/events.ts';
import { findEntity } from '#schemas/registry.ts';
import type { EventBus } from '#lib/bus/event-bus.ts';
import type { RowError } from '../ingest-rows.ts';
import { batchFailureKey, batchResultKey, completedMarkerKey, type BatchItem, type BatchSummaryLine, type FinishRequest } from './bulk-contract.ts';

export interface FinishDeps {
  s3: S3Client;
  bus: EventBus;
}

export interface FinishOutcome {
  detail: ImportCompletedDetail;
  /** Names of the batches that left no result (failed after their retries, or never ran). */
  failedBatches: string[];
  /** True when an earlier attempt had already published the event (a retried finish publishes nothing). */
  alreadyPublished: boolean;
}

const isNoSuchKey = (err: unknown) => {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404;
};

async function getText(s3: S3Client, bucket: string, key: string): Promise<string | undefined> {
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return (await object.Body?.transformToString('utf8')) ?? '';
  } catch (err) {
    if (isNoSuchKey(err)) return undefined;
    throw err;
  }
}

/** Why a batch left no result, from what the state machine recorded when it gave up on it. */
function failureReason(recorded: string | undefined, mapFailure: FinishRequest['mapFailure']): string {
  if (recorded !== undefined) {
    const failure = JSON.parse(recorded) as { Error?: string; Cause?: string };
    let cause = failure.Cause ?? '';
    try {
      cause = (JSON.parse(cause) as { errorMessage?: string }).errorMessage ?? cause;
    } catch {
      // A cause that is not a Lambda error document is shown as it is.
    }
    return `the batch failed after its retries (${failure.Error ?? 'error'}${cause ? `: ${cause}` : ''})`;
  }
  if (mapFailure) return `the import stopped before this batch finished (${mapFailure.Error ?? 'error'}: too many batches failed)`;
  return 'the batch left no result';
}

export async function finishImport(deps: FinishDeps, request: FinishRequest): Promise<FinishOutcome> {
  const { import: context } = request;
  const { bucket } = context;
  const marker = await getText(deps.s3, bucket, completedMarkerKey(context.runPrefix));
  if (marker !== undefined) return { ...(JSON.parse(marker) as Omit<FinishOutcome, 'alreadyPublished'>), alreadyPublished: true };

  const manifest = JSON.parse((await getText(deps.s3, bucket, request.manifestKey)) ?? 'null') as BatchItem[] | null;
  if (!manifest) throw new Error(`the manifest ${request.manifestKey} is missing`);
  const totals = { accepted: 0, rejected: 0, created: 0, updated: 0, unchanged: 0, stale: 0, merged: 0 };
  const failedBatches: string[] = [];

  // Errors are spooled to local disk and uploaded once: a large import may reject millions of rows.
  const spoolDir = mkdtempSync(join(tmpdir(), 'crm-bulk-finish-'));
  const spoolFile = join(spoolDir, 'errors.ndjson');
  const spool = createWriteStream(spoolFile);
  const write = async (text: string) => {
    if (text && !spool.write(text)) await once(spool, 'drain');
  };
  try {
    for (const item of manifest) {
      const result = await getText(deps.s3, bucket, batchResultKey(context.runPrefix, item.name));
      if (result === undefined) {
        failedBatches.push(item.name);
        totals.rejected += item.records;
        const reason = failureReason(await getText(deps.s3, bucket, batchFailureKey(context.runPrefix, item.name)), request.mapFailure);
        const error: RowError = { line: item.firstLine, field: '(batch)', message: `lines ${item.firstLine}-${item.lastLine} were not imported: ${reason}; import these lines again` };
        await write(JSON.stringify(error) + '\n');
        continue;
      }
      const newline = result.indexOf('\n');
      const summary = JSON.parse(newline < 0 ? result : result.slice(0, newline)) as BatchSummaryLine;
      for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += summary[k];
      await write(newline < 0 ? '' : result.slice(newline + 1));
    }
    spool.end();
    await once(spool, 'finish');

    const hasErrors = totals.rejected > 0;
    if (hasErrors) {
      const handle = await open(spoolFile);
      try {
        const { size } = await handle.stat();
        await deps.s3.send(new PutObjectCommand({ Bucket: bucket, Key: context.errorsKey, Body: handle.createReadStream({ autoClose: false }), ContentLength: size, ContentType: 'application/x-ndjson' }));
      } finally {
        await handle.close();
      }
    }
    const detail: ImportCompletedDetail = {
      entity: findEntity(context.entity)?.name ?? context.entity,
      bucket,
      key: context.key,
      ...totals,
      ...(hasErrors ? { errorsKey: context.errorsKey } : {}),
    };
    const failed = await deps.bus.publish([{ source: INGEST_EVENT_SOURCE, detailType: 'ImportCompleted', detail: { ...detail } }]);
    if (failed.length) throw new Error(`ImportCompleted event not published: ${failed[0]!.errorCode} ${failed[0]!.errorMessage}`);
    // Published: a retried finish (the Lambda crashed after this point) must not publish the totals a second time.
    await deps.s3.send(new PutObjectCommand({ Bucket: bucket, Key: completedMarkerKey(context.runPrefix), Body: JSON.stringify({ detail, failedBatches }), ContentType: 'application/json' }));
    return { detail, failedBatches, alreadyPublished: false };
  } finally {
    spool.on('error', () => {});
    spool.destroy();
    rmSync(spoolDir, { recursive: true, force: true });
  }
}
