// The bulk import's S3 calls over real HTTP against moto's S3: a streamed GET pinned with If-Match, ranged GETs of
// each batch, a streamed PutObject with ContentLength for the errors file, NoSuchKey for a missing batch result, and
// 412 when the object is replaced mid-import. Records go to a recording writer (DynamoDB: bulk-import.local.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { planImport } from '#functions/ingest/bulk/plan-import.ts';
import { importBatch } from '#functions/ingest/bulk/import-batch.ts';
import { finishImport } from '#functions/ingest/bulk/finish-import.ts';
import type { BatchItem, PlanResult } from '#functions/ingest/bulk/bulk-contract.ts';
import type { RecordWriter } from '#functions/ingest/record-writer.ts';
import type { BusEvent } from '#lib/bus/event-bus.ts';
import { startMotoServer, type MotoServer } from './moto-server.ts';

let moto: MotoServer;
let s3: S3Client;
const BUCKET = 'imports-bucket';
beforeAll(async () => {
  moto = await startMotoServer();
  s3 = new S3Client({ ...moto.clientConfig, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
});
afterAll(async () => {
  s3?.destroy();
  await moto?.stop();
});

const T = '2026-01-02T00:00:00Z';
const row = (id: string, category = 'billing', subject = `s ${id}`) => `${id},${T},c-1,low,open,${category},email,${T},${subject}`;
const CSV = [
  'id,updatedAt,customerId,priority,status,category,channel,openedAt,subject',
  row('w-1'),
  row('w-2', 'billing', '"two\nlines"'),
  row('w-3', 'nonsense'),
  row('w-4'),
  row('w-5', 'other', '"Zoë, ""日本"""'),
  row('w-6', 'nonsense'),
  row('w-7'),
].join('\n');

const text = async (key: string) => (await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToString());

describe('bulk import over moto S3', () => {
  it('plans, imports each range and finishes with one errors file in line order', async () => {
    const key = 'imports/tickets/wire.csv';
    const put = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: CSV }));
    const plan = (await planImport(s3, { input: { bucket: BUCKET, key, size: Buffer.byteLength(CSV), etag: put.ETag! }, executionName: 'import-wire' }, { targetRecords: 2 })) as Extract<PlanResult, { status: 'planned' }>;
    expect(plan.status).toBe('planned');
    const manifest = JSON.parse(await text(plan.manifestKey)) as BatchItem[];
    expect(manifest.map((b) => [b.firstLine, b.lastLine])).toEqual([[2, 4], [5, 6], [7, 8], [9, 9]]);

    const stored: Record<string, unknown>[] = [];
    const writer = { write: async (_e: unknown, records: Record<string, unknown>[]) => (stored.push(...records), records.map((r) => ({ status: 'created' as const, id: String(r.id), version: '1' }))) } as unknown as RecordWriter;
    for (const range of manifest) await importBatch({ s3, writer }, { range, import: plan.import });
    expect(stored.map((r) => r.id)).toEqual(['w-1', 'w-2', 'w-4', 'w-5', 'w-7']);
    expect(stored.find((r) => r.id === 'w-2')!.subject).toBe('two\nlines');
    expect(stored.find((r) => r.id === 'w-5')!.subject).toBe('Zoë, "日本"');

    const events: BusEvent[] = [];
    const outcome = await finishImport({ s3, bus: { publish: async (e) => (events.push(...e), []) } }, { import: plan.import, manifestKey: plan.manifestKey, batches: plan.batches });
    expect(outcome.detail).toMatchObject({ accepted: 5, rejected: 2, created: 5, errorsKey: `${key}.errors.ndjson` });
    const errors = (await text(`${key}.errors.ndjson`)).trim().split('\n').map((l) => JSON.parse(l));
    expect(errors).toEqual([
      { line: 5, id: 'w-3', field: 'category', message: expect.stringMatching(/must be one of/) },
      { line: 8, id: 'w-6', field: 'category', message: expect.stringMatching(/must be one of/) },
    ]);
    expect(events).toHaveLength(1);
  });

  it('a batch of a file replaced since the plan fails (412) instead of reading the new version', async () => {
    const key = 'imports/tickets/replaced.csv';
    const put = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: CSV }));
    const plan = (await planImport(s3, { input: { bucket: BUCKET, key, size: Buffer.byteLength(CSV), etag: put.ETag! }, executionName: 'import-replaced' }, { targetRecords: 2 })) as Extract<PlanResult, { status: 'planned' }>;
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: CSV.replace('w-1', 'x-1') }));
    const manifest = JSON.parse(await text(plan.manifestKey)) as BatchItem[];
    const writer = { write: async () => [] } as unknown as RecordWriter;
    await expect(importBatch({ s3, writer }, { range: manifest[0]!, import: plan.import })).rejects.toMatchObject({ $metadata: { httpStatusCode: 412 } });
  });
});
