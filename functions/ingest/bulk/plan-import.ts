// Step 1 of a bulk import: one streaming pass over the object cuts it into line-aligned byte ranges (line-ranges.ts)
// and writes them as the manifest the Distributed Map reads. Nothing is parsed here except the CSV header, which
// every range needs; files that cannot be split are refused with an errors file, as the direct path does.
import { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { csvRecords } from '../csv-records.ts';
import { ERRORS_SUFFIX, importTarget, putFileError, resolveImportFile } from '../s3-import.ts';
import type { RowError } from '../ingest-rows.ts';
import { lineRanges, type LineRangeOptions } from './line-ranges.ts';
import { BULK_RUNS_PREFIX, batchName, manifestKeyOf, type BatchItem, type ImportContext, type PlanRequest, type PlanResult } from './bulk-contract.ts';

export type PlanOptions = Pick<LineRangeOptions, 'targetBytes' | 'targetRecords' | 'maxRecordBytes'>;

const MAX_HEADER_BYTES = 1024 * 1024;

export const jsonTooLargeMessage = (size: number) =>
  `is a JSON array of ${size} bytes, too large to split into batches: convert it to JSON Lines (one record per line, .ndjson or .jsonl), which is imported in parallel at any size`;
export const compressedTooLargeMessage = (size: number) =>
  `is compressed (${size} bytes): a compressed file cannot be read in byte ranges; upload it uncompressed, or as files small enough for the direct import`;

/** Keeps the first `limit` bytes of a stream while passing every chunk on (the CSV header is read from them). */
async function* keepingHead(input: AsyncIterable<Uint8Array>, head: Buffer[], limit: number): AsyncGenerator<Uint8Array> {
  let kept = 0;
  for await (const chunk of input) {
    if (kept < limit) {
      head.push(Buffer.from(chunk.subarray(0, limit - kept)));
      kept += Math.min(chunk.length, limit - kept);
    }
    yield chunk;
  }
}

export async function planImport(s3: S3Client, request: PlanRequest, options: PlanOptions = {}): Promise<PlanResult> {
  const { input, executionName } = request;
  const { bucket, key, size, etag } = input;
  const errorsKey = `${key}${ERRORS_SUFFIX}`;
  const reject = async (reason: string): Promise<PlanResult> => {
    await putFileError(s3, bucket, errorsKey, reason);
    return { status: 'rejected', reason, errorsKey };
  };

  const target = importTarget(key);
  if (!target) return { status: 'rejected', reason: `${key} is not an import file`, errorsKey };
  const resolved = resolveImportFile(target, key);
  if ('reason' in resolved) return reject(resolved.reason);
  if (key.toLowerCase().endsWith('.gz')) return reject(`${key} ${compressedTooLargeMessage(size)}`);
  if (resolved.format === 'json') return reject(`${key} ${jsonTooLargeMessage(size)}`);
  const { entity, format } = resolved;
  const csv = format === 'csv';

  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, IfMatch: etag }));
  const body = object.Body as Readable;
  const head: Buffer[] = [];
  const items: BatchItem[] = [];
  let header: string[] | undefined;
  try {
    const ranges = lineRanges(csv ? keepingHead(body, head, MAX_HEADER_BYTES) : body, { ...options, csv, ...(csv ? { firstRangeRecords: 1 } : {}) });
    for await (const range of ranges) {
      if (csv && !header) {
        // Range 0 of a CSV is its header (and any blank lines before it): read it with the same reader as the rows.
        if (range.end > MAX_HEADER_BYTES) return await reject(`${key}: the header is longer than ${MAX_HEADER_BYTES} bytes: is a quote unclosed?`);
        const headerBytes = Buffer.concat(head).subarray(range.start, range.end);
        const problems: RowError[] = [];
        for await (const row of csvRecords(Readable.from([headerBytes]), entity, { onHeader: (cells) => (header = cells) })) {
          if ('errors' in row) problems.push(...row.errors.map((e) => ({ line: row.line, ...e })));
        }
        if (problems.length || !header) {
          const lines = problems.map((p) => JSON.stringify(p) + '\n').join('') || JSON.stringify({ line: range.firstLine, field: '(file)', message: 'has no header' }) + '\n';
          await s3.send(new PutObjectCommand({ Bucket: bucket, Key: errorsKey, Body: lines, ContentType: 'application/x-ndjson' }));
          return { status: 'rejected', reason: problems[0]?.message ?? 'no header', errorsKey };
        }
        head.length = 0;
        continue;
      }
      const batch = items.length;
      items.push({ ...range, batch, name: batchName(batch) });
    }
  } finally {
    body.destroy?.();
  }

  const runPrefix = `${BULK_RUNS_PREFIX}${executionName}/`;
  const manifestKey = manifestKeyOf(runPrefix);
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: manifestKey, Body: JSON.stringify(items), ContentType: 'application/json' }));
  const context: ImportContext = { ...input, entity: entity.name, format, ...(header ? { header } : {}), runPrefix, errorsKey };
  return { status: 'planned', import: context, manifestKey, batches: items.length };
}
