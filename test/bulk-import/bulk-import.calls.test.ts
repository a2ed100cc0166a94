// The exact AWS calls of the bulk import's steps (aws-sdk-client-mock): what the starter sends to Step Functions, and
// which S3 objects, ranges and ETags the planner, a batch and the finisher read and write.
import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { startImport, executionNameOf, type ObjectCreatedDetail } from '#functions/ingest/bulk/start-import.ts';
import { planImport } from '#functions/ingest/bulk/plan-import.ts';
import { importBatch } from '#functions/ingest/bulk/import-batch.ts';
import { finishImport } from '#functions/ingest/bulk/finish-import.ts';
import type { BatchItem, PlanResult } from '#functions/ingest/bulk/bulk-contract.ts';
import type { RecordWriter } from '#functions/ingest/record-writer.ts';
import type { BusEvent, EventBus } from '#lib/bus/event-bus.ts';
import { inMemoryS3, type InMemoryS3 } from './in-memory-s3.ts';

const sfn = mockClient(SFNClient);
const ARN = 'arn:aws:states:eu-central-1:123456789012:stateMachine:crm-dev-bulk-import';
const BUCKET = 'imports-bucket';
let s3: InMemoryS3;
beforeEach(() => {
  s3 = inMemoryS3({ chunkSize: 64 });
});
afterEach(() => {
  s3.restore();
  sfn.reset();
});
afterAll(() => sfn.restore());

const created = (over: Partial<ObjectCreatedDetail['object']> = {}): ObjectCreatedDetail => ({
  bucket: { name: BUCKET },
  object: { key: 'imports/orders/2026/history.csv', size: 5_000_000_000, etag: '"9b2cf535f27731c974343645a3985328-600"', 'version-id': 'v1', sequencer: '00617F08299329D189', ...over },
});

describe('start', () => {
  it('starts one execution named after the object version, with the object as input', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${ARN}:x` });
    const outcome = await startImport(new SFNClient({ region: 'eu-central-1' }), ARN, created());
    const expectedName = `import-${createHash('sha256').update([BUCKET, 'imports/orders/2026/history.csv', 'v1', '00617F08299329D189'].join('\n')).digest('hex')}`;
    expect(outcome).toEqual({ status: 'started', executionName: expectedName, executionArn: `${ARN}:x` });
    expect(expectedName.length).toBeLessThanOrEqual(80);
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn: ARN,
      name: expectedName,
      input: JSON.stringify({ bucket: BUCKET, key: 'imports/orders/2026/history.csv', size: 5_000_000_000, etag: '"9b2cf535f27731c974343645a3985328-600"', versionId: 'v1' }),
    });
  });

  it('a redelivered event asks for the same name; Step Functions refusing it is a duplicate, not a failure', async () => {
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} }));
    const outcome = await startImport(new SFNClient({ region: 'eu-central-1' }), ARN, created());
    expect(outcome).toEqual({ status: 'duplicate', executionName: executionNameOf(created()) });
    // A new upload of the same key (a new sequencer, a new version) is a new import.
    expect(executionNameOf(created({ sequencer: '00617F0829932A0000', 'version-id': 'v2' }))).not.toBe(executionNameOf(created()));
  });

  it('other errors are thrown (EventBridge retries, then the DLQ); the import errors file is never imported', async () => {
    sfn.on(StartExecutionCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await expect(startImport(new SFNClient({ region: 'eu-central-1' }), ARN, created())).rejects.toThrow(/Rate exceeded/);
    sfn.reset();
    expect(await startImport(new SFNClient({ region: 'eu-central-1' }), ARN, created({ key: 'imports/orders/history.csv.errors.ndjson' }))).toMatchObject({ status: 'skipped' });
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 0);
  });
});

const put = (key: string, body: string) => s3.objects.set(`${BUCKET}/${key}`, Buffer.from(body));
const request = (key: string) => ({ input: { bucket: BUCKET, key, size: s3.objects.get(`${BUCKET}/${key}`)!.length, etag: s3.etagOf(BUCKET, key) }, executionName: 'import-abc' });

describe('plan', () => {
  it('reads the object once, pinned to its ETag, and writes the manifest of line-aligned ranges', async () => {
    const csv = 'id,updatedAt,customerId,orderedAt,total,currency\n' + Array.from({ length: 5 }, (_, i) => `o-${i},2026-01-01T00:00:00Z,c-1,2026-01-01T00:00:00Z,${i}.50,EUR\n`).join('');
    put('imports/orders/h.csv', csv);
    const plan = (await planImport(s3.client, request('imports/orders/h.csv'), { targetRecords: 2 })) as Extract<PlanResult, { status: 'planned' }>;
    expect(plan).toMatchObject({ status: 'planned', batches: 3, manifestKey: 'bulk-imports/import-abc/manifest.json', import: { entity: 'order', format: 'csv', header: ['id', 'updatedAt', 'customerId', 'orderedAt', 'total', 'currency'], runPrefix: 'bulk-imports/import-abc/', errorsKey: 'imports/orders/h.csv.errors.ndjson' } });
    expect(s3.mock).toHaveReceivedCommandTimes(GetObjectCommand, 1);
    expect(s3.mock).toHaveReceivedCommandWith(GetObjectCommand, { Bucket: BUCKET, Key: 'imports/orders/h.csv', IfMatch: s3.etagOf(BUCKET, 'imports/orders/h.csv') });
    expect(s3.mock).toHaveReceivedCommandTimes(PutObjectCommand, 1);
    const manifest = JSON.parse(s3.text(BUCKET, plan.manifestKey)!) as BatchItem[];
    const headerEnd = csv.indexOf('\n') + 1;
    const rowBytes = csv.length - headerEnd;
    expect(manifest.map(({ start, end, firstLine, lastLine, records, name }) => ({ start, end, firstLine, lastLine, records, name }))).toEqual([
      { start: headerEnd, end: headerEnd + (2 * rowBytes) / 5, firstLine: 2, lastLine: 3, records: 2, name: '000000' },
      { start: headerEnd + (2 * rowBytes) / 5, end: headerEnd + (4 * rowBytes) / 5, firstLine: 4, lastLine: 5, records: 2, name: '000001' },
      { start: headerEnd + (4 * rowBytes) / 5, end: csv.length, firstLine: 6, lastLine: 6, records: 1, name: '000002' },
    ]);
  });

  it('refuses a JSON array too large to split, telling to use JSON Lines, without reading it', async () => {
    put('imports/orders/big.json', '[{"id":"o-1"}]');
    const plan = await planImport(s3.client, request('imports/orders/big.json'));
    expect(plan).toMatchObject({ status: 'rejected', errorsKey: 'imports/orders/big.json.errors.ndjson' });
    expect(s3.mock).toHaveReceivedCommandTimes(GetObjectCommand, 0);
    expect(JSON.parse(s3.text(BUCKET, 'imports/orders/big.json.errors.ndjson')!)).toEqual({ line: 0, field: '(file)', message: expect.stringMatching(/too large to split into batches: convert it to JSON Lines \(one record per line, \.ndjson or \.jsonl\)/) });
  });

  it('refuses compressed files and files whose header cannot be used, with the reason in the errors file', async () => {
    put('imports/orders/big.csv.gz', 'x');
    expect(await planImport(s3.client, request('imports/orders/big.csv.gz'))).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/compressed .* cannot be read in byte ranges/) });
    put('imports/orders/dup.csv', 'id,updatedAt,id\n1,2026-01-01T00:00:00Z,1\n');
    expect(await planImport(s3.client, request('imports/orders/dup.csv'))).toMatchObject({ status: 'rejected' });
    expect(JSON.parse(s3.text(BUCKET, 'imports/orders/dup.csv.errors.ndjson')!)).toEqual({ line: 1, field: '(file)', message: expect.stringMatching(/both name the field id/) });
    expect(s3.objects.has(`${BUCKET}/bulk-imports/import-abc/manifest.json`)).toBe(false);
  });
});

describe('batch and finish', () => {
  it('a batch reads exactly its byte range at the planned ETag and writes one result object; the finisher joins and publishes once', async () => {
    const ndjson = ['{"id":"a"}', '{"id":"b"}', 'not json', '{"id":"c"}'].join('\n') + '\n';
    put('imports/orders/h.ndjson', ndjson);
    const plan = (await planImport(s3.client, request('imports/orders/h.ndjson'), { targetRecords: 2 })) as Extract<PlanResult, { status: 'planned' }>;
    const manifest = JSON.parse(s3.text(BUCKET, plan.manifestKey)!) as BatchItem[];
    s3.mock.resetHistory();
    // A writer that stores everything it is given: this test is about the S3 calls.
    const writer = { write: async (_e: unknown, records: { id: string }[]) => records.map((r) => ({ status: 'created' as const, id: r.id, version: '1' })) } as unknown as RecordWriter;
    for (const item of manifest) await importBatch({ s3: s3.client, writer }, { range: item, import: plan.import });
    expect(s3.mock.commandCalls(GetObjectCommand).map((c: any) => [c.args[0].input.Range, c.args[0].input.IfMatch])).toEqual([
      [`bytes=0-${ndjson.indexOf('not json') - 1}`, s3.etagOf(BUCKET, 'imports/orders/h.ndjson')],
      [`bytes=${ndjson.indexOf('not json')}-${ndjson.length - 1}`, s3.etagOf(BUCKET, 'imports/orders/h.ndjson')],
    ]);
    expect(s3.mock.commandCalls(PutObjectCommand).map((c: any) => c.args[0].input.Key)).toEqual(['bulk-imports/import-abc/batches/000000.ndjson', 'bulk-imports/import-abc/batches/000001.ndjson']);

    s3.mock.resetHistory();
    const published: BusEvent[] = [];
    const bus: EventBus = { publish: async (events) => (published.push(...events), []) };
    const outcome = await finishImport({ s3: s3.client, bus }, { import: plan.import, manifestKey: plan.manifestKey, batches: plan.batches });
    expect(s3.mock.commandCalls(GetObjectCommand).map((c: any) => c.args[0].input.Key)).toEqual([
      'bulk-imports/import-abc/completed.json',
      'bulk-imports/import-abc/manifest.json',
      'bulk-imports/import-abc/batches/000000.ndjson',
      'bulk-imports/import-abc/batches/000001.ndjson',
    ]);
    expect(s3.mock.commandCalls(PutObjectCommand).map((c: any) => c.args[0].input.Key)).toEqual(['imports/orders/h.ndjson.errors.ndjson', 'bulk-imports/import-abc/completed.json']);
    expect(published).toEqual([{ source: 'crm.ingest', detailType: 'ImportCompleted', detail: expect.objectContaining({ entity: 'order', key: 'imports/orders/h.ndjson', errorsKey: 'imports/orders/h.ndjson.errors.ndjson' }) }]);
    // Only ids: every row lacks the order's other fields, and line 3 is not JSON; the errors come in line order.
    expect(outcome.detail).toMatchObject({ accepted: 0, rejected: 4 });
    const errors = s3.text(BUCKET, 'imports/orders/h.ndjson.errors.ndjson')!.trim().split('\n').map((l) => JSON.parse(l) as { line: number; field: string; message: string });
    expect([...new Set(errors.map((e) => e.line))]).toEqual([1, 2, 3, 4]);
    expect(errors.find((e) => e.line === 3)).toMatchObject({ field: '(record)', message: expect.stringMatching(/is not valid JSON/) });
  });
});
