// Step 2 of a bulk import, once per manifest item: an S3 ranged GET of the item's bytes, read with the same readers
// and written by the same ingest code as the direct import, its line numbers those of the whole file. The result (a
// summary line, then the rejected rows in line order) is one object, written only when every valid row is stored:
// a batch that could not store a row throws, and Step Functions retries it (the versioned writes make that safe).
import type { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { findEntity } from '#schemas/registry.ts';
import type { RecordWriter } from '../record-writer.ts';
import { readRecords } from '../record-reader.ts';
import { ingestRows, type RowError } from '../ingest-rows.ts';
import type { ValidationOptions } from '../validate.ts';
import { batchResultKey, type BatchRequest, type BatchSummaryLine } from './bulk-contract.ts';

export interface BatchDeps {
  s3: S3Client;
  writer: RecordWriter;
  validation?: ValidationOptions;
}

export async function importBatch(deps: BatchDeps, request: BatchRequest): Promise<BatchSummaryLine> {
  const { range, import: context } = request;
  const entity = findEntity(context.entity);
  if (!entity) throw new Error(`unknown entity ${context.entity}`, { cause: { batch: range.name } });
  const object = await deps.s3.send(
    new GetObjectCommand({ Bucket: context.bucket, Key: context.key, IfMatch: context.etag, Range: `bytes=${range.start}-${range.end - 1}` }),
  );
  const body = object.Body as Readable;
  const errors: RowError[] = [];
  let summary;
  try {
    const rows = readRecords(body, context.format, entity, { firstLine: range.firstLine, ...(context.header ? { header: context.header } : {}) });
    summary = await ingestRows(deps.writer, entity, rows, {
      maxErrors: 0,
      onError: (error) => {
        errors.push(error);
      },
      ...(deps.validation ? { validation: deps.validation } : {}),
    });
  } finally {
    body.destroy?.();
  }
  if (summary.failed > 0) {
    throw new Error(`${summary.failed} valid rows of lines ${range.firstLine}-${range.lastLine} could not be stored; the batch is retried`, {
      cause: { batch: range.name, first: errors.find((e) => e.message.startsWith('not stored'))?.message },
    });
  }
  // Rejected rows are reported as read, rows that failed to write after their batch: put them back in line order.
  errors.sort((a, b) => a.line - b.line || (a.position ?? 0) - (b.position ?? 0));
  const line: BatchSummaryLine = {
    batch: range.batch,
    firstLine: range.firstLine,
    lastLine: range.lastLine,
    accepted: summary.accepted,
    rejected: summary.rejected,
    created: summary.created,
    updated: summary.updated,
    unchanged: summary.unchanged,
    stale: summary.stale,
    merged: summary.merged,
  };
  const text = [line, ...errors].map((r) => JSON.stringify(r) + '\n').join('');
  await deps.s3.send(new PutObjectCommand({ Bucket: context.bucket, Key: batchResultKey(context.runPrefix, range.name), Body: text, ContentType: 'application/x-ndjson' }));
  return line;
}
