// The bulk import's own code (plan -> one batch per manifest item -> finish) over real DynamoDB Local, in many small
// batches, with a batch that crashes after writing and is retried and a batch that fails for good. The Distributed
// Map's part (read the manifest, run the items with bounded concurrency, retry, record a failure) is played by the
// small driver below; S3 is in memory (no emulator here). The expected line numbers are written out by hand, and
// the errors file is also compared with the one the direct (single-Lambda) import writes for the same file.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { RecordWriter } from '#functions/ingest/record-writer.ts';
import { importObject } from '#functions/ingest/s3-import.ts';
import { planImport, type PlanOptions } from '#functions/ingest/bulk/plan-import.ts';
import { importBatch } from '#functions/ingest/bulk/import-batch.ts';
import { finishImport } from '#functions/ingest/bulk/finish-import.ts';
import { batchFailureKey, type BatchItem, type PlanResult } from '#functions/ingest/bulk/bulk-contract.ts';
import { LocalBus } from '#lib/bus/local-bus.ts';
import { startDynamoDbLocal, type DynamoDbLocal } from '#local/dynamodb/emulator.ts';
import { ensureTable } from '#local/dynamodb/table.ts';
import { inMemoryS3, type InMemoryS3 } from './in-memory-s3.ts';

const BUCKET = 'imports-bucket';
const dir = mkdtempSync(join(tmpdir(), 'crm-bulk-'));
let ddb: DynamoDbLocal;
let s3: InMemoryS3;

beforeAll(async () => {
  ddb = await startDynamoDbLocal({ dir });
  for (const table of ['bulk-csv', 'direct-csv', 'bulk-jsonl', 'direct-jsonl', 'bulk-failed']) await ensureTable(ddb.client, table);
  s3 = inMemoryS3();
});
afterAll(async () => {
  s3?.restore();
  await ddb?.stop();
});

const T = '2026-01-02T00:00:00Z';
const good = (id: string, subject = `ticket ${id}`) => `${id},${T},c-1,low,open,billing,email,${T},${subject}`;

// Line numbers of the file, by hand: quoted newlines (lines 3-4, 8-9, 15-17), a blank line (6), bad rows at 5, 8, 10, 12, 19.
const CSV_LINES = [
  /* 1 */ 'id,updatedAt,customerId,priority,status,category,channel,openedAt,subject',
  /* 2 */ good('t-01'),
  /* 3 */ good('t-02', '"first line'),
  /* 4 */ 'second line, with a comma"',
  /* 5 */ `t-03,${T},c-1,low,open,nonsense,email,${T},bad category`,
  /* 6 */ '',
  /* 7 */ good('t-04', '"a ""quoted"" word"'),
  /* 8 */ `t-05,${T},c-1,whenever,open,billing,email,${T},"bad priority`,
  /* 9 */ 'over two lines"',
  /* 10 */ `t-06,${T},c-1,low,open,billing,email,${T},a stray " quote`,
  /* 11 */ good('t-07'),
  /* 12 */ `t-08,${T},c-1,low,open`,
  /* 13 */ good('t-09'),
  /* 14 */ good('t-10'),
  /* 15 */ good('t-11', '"three'),
  /* 16 */ 'line',
  /* 17 */ 'subject"',
  /* 18 */ good('t-12'),
  /* 19 */ `t-13,${T},c-1,low,open,billing,email,not a time,bad openedAt`,
  /* 20 */ good('t-14'),
  /* 21 */ good('t-15'),
  /* 22 */ good('t-16'),
  /* 23 */ good('t-17'), // no newline after the last line
];
const CSV = CSV_LINES.join('\r\n');
const CSV_GOOD = ['t-01', 't-02', 't-04', 't-07', 't-09', 't-10', 't-11', 't-12', 't-14', 't-15', 't-16', 't-17'];
const CSV_REJECTED_LINES = [5, 8, 10, 12, 19];

const ticket = (id: string, over: Record<string, unknown> = {}) => ({ id, updatedAt: T, customerId: 'c-1', priority: 'high', status: 'open', category: 'billing', channel: 'email', openedAt: T, ...over });
const JSONL_LINES = [
  /* 1 */ JSON.stringify(ticket('j-01')),
  /* 2 */ JSON.stringify(ticket('j-02', { subject: 'line\nbreak, "escaped"' })),
  /* 3 */ '{"id": "j-03", "updatedAt": ',
  /* 4 */ '',
  /* 5 */ JSON.stringify(ticket('j-04', { csat: 9 })),
  /* 6 */ JSON.stringify(ticket('j-05')),
  /* 7 */ JSON.stringify(ticket('j-06')),
  /* 8 */ JSON.stringify(ticket('j-07', { priority: 'someday' })),
  /* 9 */ JSON.stringify(ticket('j-08')),
  /* 10 */ JSON.stringify(ticket('j-09')),
  /* 11 */ JSON.stringify(ticket('j-10')),
];
const JSONL = JSONL_LINES.join('\n') + '\n';
const JSONL_GOOD = ['j-01', 'j-02', 'j-05', 'j-06', 'j-08', 'j-09', 'j-10'];
const JSONL_REJECTED_LINES = [3, 5, 8];

type Writer = Pick<RecordWriter, 'write'>;

/** Plays the Distributed Map: every item, three at a time, each retried up to `attempts` times; a batch still
 *  failing is recorded as the state machine's Catch does (an S3 object with the error and cause). */
async function runMap(plan: Extract<PlanResult, { status: 'planned' }>, writerFor: (item: BatchItem, attempt: number) => Writer, attempts = 3): Promise<{ attemptsByBatch: Map<string, number> }> {
  const manifest = JSON.parse(s3.text(BUCKET, plan.manifestKey)!) as BatchItem[];
  const attemptsByBatch = new Map<string, number>();
  const queue = [...manifest];
  const worker = async () => {
    for (let item = queue.shift(); item; item = queue.shift()) {
      for (let attempt = 1; attempt <= attempts; attempt++) {
        attemptsByBatch.set(item.name, attempt);
        try {
          await importBatch({ s3: s3.client, writer: writerFor(item, attempt) as RecordWriter }, { range: item, import: plan.import });
          break;
        } catch (err) {
          if (attempt === attempts) {
            const failure = { Error: 'Error', Cause: JSON.stringify({ errorType: 'Error', errorMessage: (err as Error).message }) };
            await s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: batchFailureKey(plan.import.runPrefix, item.name), Body: JSON.stringify(failure) }));
          }
        }
      }
    }
  };
  await Promise.all([worker(), worker(), worker()]);
  return { attemptsByBatch };
}

async function storedRecords(table: string): Promise<Record<string, Record<string, unknown>>> {
  const out: Record<string, Record<string, unknown>> = {};
  let start: Record<string, any> | undefined;
  do {
    const page = await ddb.client.send(new ScanCommand({ TableName: table, ...(start ? { ExclusiveStartKey: start } : {}) }));
    for (const raw of page.Items ?? []) {
      const item = unmarshall(raw);
      if (item.sk !== 'RECORD') continue;
      if (out[item.id]) throw new Error(`${item.id} stored twice`);
      out[item.id] = item.data;
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}

const errorLines = (text: string | undefined) => (text ?? '').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { line: number; field: string; message: string; id?: string });

async function bulkImport(key: string, body: string, table: string, plan: PlanOptions, writerFor?: (item: BatchItem, attempt: number, real: RecordWriter) => Writer) {
  s3.objects.set(`${BUCKET}/${key}`, Buffer.from(body));
  const writer = new RecordWriter({ client: ddb.client, tableName: table });
  const planned = await planImport(s3.client, { input: { bucket: BUCKET, key, size: body.length, etag: s3.etagOf(BUCKET, key) }, executionName: `run-${table}` }, plan);
  if (planned.status !== 'planned') throw new Error(`not planned: ${planned.reason}`);
  const map = await runMap(planned, (item, attempt) => writerFor?.(item, attempt, writer) ?? writer);
  const bus = new LocalBus(join(dir, table));
  const finished = await finishImport({ s3: s3.client, bus }, { import: planned.import, manifestKey: planned.manifestKey, batches: planned.batches });
  const manifest = JSON.parse(s3.text(BUCKET, planned.manifestKey)!) as BatchItem[];
  const events = readFileSync(join(dir, table, 'events', 'events.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  return { planned, manifest, finished, map, events, errors: errorLines(s3.text(BUCKET, `${key}.errors.ndjson`)), bus };
}

/** The direct path on the same file, for comparison: one reader over the whole file. */
async function directImport(key: string, body: string, table: string) {
  s3.objects.set(`${BUCKET}/${key}`, Buffer.from(body));
  const writer = new RecordWriter({ client: ddb.client, tableName: table });
  const outcome = await importObject({ s3: s3.client, writer, bus: new LocalBus(join(dir, table)) }, BUCKET, key);
  return { outcome, errors: errorLines(s3.text(BUCKET, `${key}.errors.ndjson`)) };
}

describe('bulk import through plan, batches and finish', () => {
  it('CSV with quoted newlines and bad rows, in many batches, one crashing after its writes: every good row once, every bad row by its line', async () => {
    // Prepare: batches of 2 records; the batch holding line 7 writes its rows, then "crashes" on its first attempt.
    const crashed: string[] = [];
    const crashOnce = (item: BatchItem, attempt: number, real: RecordWriter): Writer => {
      if (!(item.firstLine <= 7 && 7 <= item.lastLine) || attempt > 1) return real;
      return {
        write: async (entity, records) => {
          await real.write(entity, records);
          crashed.push(item.name);
          throw new Error('Runtime exited: the Lambda crashed after its writes');
        },
      };
    };
    // Act
    const bulk = await bulkImport('imports/tickets/history.csv', CSV, 'bulk-csv', { targetRecords: 2, maxRecordBytes: 300 }, crashOnce);
    const direct = await directImport('imports/tickets/history-direct.csv', CSV, 'direct-csv');

    // Assess: many batches, no batch boundary inside a quoted cell (3-4, 8-9, 15-17 stay together), lines partitioned.
    // 17 records in 2s, except where the stray quote of line 10 joins lines 8-13 until maxRecordBytes realigns the scan.
    expect(bulk.manifest.map((b) => [b.firstLine, b.lastLine])).toEqual([[2, 4], [5, 7], [8, 13], [14, 17], [18, 19], [20, 21], [22, 23]]);
    expect(bulk.manifest[0]!.firstLine).toBe(2);
    for (let i = 1; i < bulk.manifest.length; i++) {
      expect(bulk.manifest[i]!.firstLine).toBe(bulk.manifest[i - 1]!.lastLine + 1);
      expect(bulk.manifest[i]!.start).toBe(bulk.manifest[i - 1]!.end);
    }
    expect(bulk.manifest.at(-1)).toMatchObject({ lastLine: 23, end: Buffer.byteLength(CSV) });
    const startLines = bulk.manifest.map((b) => b.firstLine);
    for (const inside of [4, 9, 16, 17]) expect(startLines).not.toContain(inside);
    expect(crashed).toHaveLength(1);
    expect(bulk.map.attemptsByBatch.get(crashed[0]!)).toBe(2);

    // Every good row stored exactly once, with its multi-line cell intact; no rejected row stored.
    const stored = await storedRecords('bulk-csv');
    expect(Object.keys(stored).sort()).toEqual(CSV_GOOD);
    expect(stored['t-02']!.subject).toBe('first line\nsecond line, with a comma');
    expect(stored['t-04']!.subject).toBe('a "quoted" word');
    expect(stored['t-11']!.subject).toBe('three\nline\nsubject');

    // Every rejected row reported once, in line order, by its line in the original file.
    expect(bulk.errors.map((e) => e.line)).toEqual(CSV_REJECTED_LINES);
    expect(bulk.errors.find((e) => e.line === 5)).toMatchObject({ id: 't-03', field: 'category' });
    expect(bulk.errors.find((e) => e.line === 10)).toMatchObject({ field: '(record)', message: expect.stringMatching(/quote inside an unquoted cell/) });
    expect(bulk.errors.find((e) => e.line === 12)).toMatchObject({ field: '(record)', message: expect.stringMatching(/has 5 cells, the header has 9/) });
    expect(bulk.errors.find((e) => e.line === 19)).toMatchObject({ id: 't-13', field: 'openedAt' });
    // The same errors, word for word, as one reader of the whole file reports.
    expect(bulk.errors).toEqual(direct.errors);

    // One ImportCompleted with the totals; the crashed batch's rows count once (stored by the crash, unchanged on retry).
    const completed = bulk.events.filter((e) => e['detail-type'] === 'ImportCompleted');
    expect(completed).toHaveLength(1);
    expect(completed[0].detail).toMatchObject({ entity: 'ticket', key: 'imports/tickets/history.csv', accepted: 12, rejected: 5, errorsKey: 'imports/tickets/history.csv.errors.ndjson' });
    expect(completed[0].detail.created + completed[0].detail.unchanged).toBe(12);
    expect(completed[0].detail.unchanged).toBeGreaterThan(0);
    expect(direct.outcome).toMatchObject({ status: 'completed', detail: { accepted: 12, rejected: 5 } });

    // A retried finish (the Lambda died after publishing) publishes nothing more.
    const again = await finishImport({ s3: s3.client, bus: bulk.bus }, { import: bulk.planned.import, manifestKey: bulk.planned.manifestKey, batches: bulk.planned.batches });
    expect(again).toMatchObject({ alreadyPublished: true, detail: { accepted: 12, rejected: 5 } });
    const eventsAfter = readFileSync(join(dir, 'bulk-csv', 'events', 'events.ndjson'), 'utf8').trim().split('\n');
    expect(eventsAfter).toHaveLength(bulk.events.length);
  });

  it('JSON Lines with bad JSON, a blank line and invalid records, one line per batch', async () => {
    const bulk = await bulkImport('imports/tickets/history.jsonl', JSONL, 'bulk-jsonl', { targetRecords: 1 });
    const direct = await directImport('imports/tickets/history-direct.jsonl', JSONL, 'direct-jsonl');
    expect(bulk.manifest.length).toBe(10); // 11 lines, the blank one rides with line 5
    expect(Object.keys(await storedRecords('bulk-jsonl')).sort()).toEqual(JSONL_GOOD);
    expect(bulk.errors.map((e) => e.line)).toEqual(JSONL_REJECTED_LINES);
    expect(bulk.errors[0]).toMatchObject({ line: 3, field: '(record)', message: expect.stringMatching(/is not valid JSON/) });
    expect(bulk.errors[1]).toMatchObject({ line: 5, id: 'j-04', field: 'csat' });
    expect(bulk.errors[2]).toMatchObject({ line: 8, id: 'j-07', field: 'priority' });
    expect(bulk.errors).toEqual(direct.errors);
    expect(bulk.events.filter((e) => e['detail-type'] === 'ImportCompleted').map((e) => e.detail)).toEqual([
      expect.objectContaining({ accepted: 7, rejected: 3, created: 7 }),
    ]);
  });

  it('a batch that fails after its retries is recorded in the errors file at its place in line order, and the rest is imported', async () => {
    // Prepare: the batch holding line 20 (t-14, t-15) cannot write at all.
    const broken = (item: BatchItem, _attempt: number, real: RecordWriter): Writer =>
      item.firstLine <= 20 && 20 <= item.lastLine ? { write: async () => Promise.reject(Object.assign(new Error('ProvisionedThroughputExceededException: rate exceeded'), { name: 'ProvisionedThroughputExceededException' })) } : real;
    // Act
    const bulk = await bulkImport('imports/tickets/partial.csv', CSV, 'bulk-failed', { targetRecords: 2, maxRecordBytes: 300 }, broken);
    // Assess
    const failedBatch = bulk.manifest.find((b) => b.firstLine <= 20 && 20 <= b.lastLine)!;
    expect(bulk.map.attemptsByBatch.get(failedBatch.name)).toBe(3);
    expect(bulk.finished.failedBatches).toEqual([failedBatch.name]);
    const batchError = bulk.errors.find((e) => e.field === '(batch)')!;
    expect(batchError).toEqual({
      line: failedBatch.firstLine,
      field: '(batch)',
      message: expect.stringMatching(new RegExp(`^lines ${failedBatch.firstLine}-${failedBatch.lastLine} were not imported: the batch failed after its retries \\(Error: .*rate exceeded.*\\); import these lines again$`)),
    });
    const lines = bulk.errors.map((e) => e.line);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
    const storedIds = Object.keys(await storedRecords('bulk-failed')).sort();
    expect(CSV_GOOD.filter((id) => !storedIds.includes(id))).toEqual(['t-14', 't-15']);
    expect(lines).toEqual([5, 8, 10, 12, 19, 20]);
    const detail = bulk.events.find((e) => e['detail-type'] === 'ImportCompleted').detail;
    expect(detail.accepted).toBe(storedIds.length);
    expect(detail.accepted + detail.rejected).toBe(17);
  });
});
