// The Lambda-facing ingest paths against real DynamoDB Local: the HTTP API handler and the S3 import.
// S3 has no emulator on this machine, so its client is mocked; the table and the bus are real.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { handleIngestRequest, MAX_RECORDS_PER_REQUEST } from '#functions/ingest/http-ingest.ts';
import { RecordWriter } from '#functions/ingest/record-writer.ts';
import { importObject } from '#functions/ingest/s3-import.ts';
import { LocalBus } from '#lib/bus/local-bus.ts';
import { startDynamoDbLocal, type DynamoDbLocal } from '#local/dynamodb/emulator.ts';
import { ensureTable } from '#local/dynamodb/table.ts';

let ddb: DynamoDbLocal;
let writer: RecordWriter;
const dir = mkdtempSync(join(tmpdir(), 'crm-http-'));
const s3 = mockClient(S3Client);

beforeAll(async () => {
  ddb = await startDynamoDbLocal({ dir });
  await ensureTable(ddb.client, 'crm');
  writer = new RecordWriter({ client: ddb.client, tableName: 'crm' });
});
afterAll(async () => {
  s3.restore();
  await ddb?.stop();
});

const request = (entity: string, body: unknown, raw?: string): APIGatewayProxyEventV2 =>
  ({ requestContext: { http: { method: 'POST' } }, headers: { 'content-type': 'application/json' }, pathParameters: { entity }, body: raw ?? JSON.stringify(body), isBase64Encoded: false }) as unknown as APIGatewayProxyEventV2;

const ticket = (id: string, over: Record<string, unknown> = {}) => ({ id, updatedAt: '2026-01-02T00:00:00Z', customerId: 'c-1', priority: 'high', status: 'open', category: 'billing', channel: 'email', openedAt: '2026-01-02T00:00:00Z', ...over });

describe('POST /v1/{entity}', () => {
  it('answers per record: 200 when all were accepted, then unchanged on a resend', async () => {
    const first = await handleIngestRequest(writer, request('tickets', [ticket('t-1'), ticket('t-2')]));
    expect(first.statusCode).toBe(200);
    expect(JSON.parse(first.body!).results.map((r: { status: string }) => r.status)).toEqual(['created', 'created']);
    const again = await handleIngestRequest(writer, request('ticket', { records: [ticket('t-1')] }));
    expect(JSON.parse(again.body!).results[0]).toMatchObject({ index: 0, id: 't-1', status: 'unchanged' });
  });

  it('answers 207 with the index, field and reason of each rejected record', async () => {
    const res = await handleIngestRequest(writer, request('tickets', [ticket('t-3'), ticket('t-4', { priority: 'whenever', csat: 9 })]));
    expect(res.statusCode).toBe(207);
    const body = JSON.parse(res.body!);
    expect(body).toMatchObject({ accepted: 1, rejected: 1 });
    expect(body.results[1]).toEqual({
      index: 1,
      id: 't-4',
      status: 'rejected',
      errors: expect.arrayContaining([
        { field: 'priority', message: expect.stringMatching(/must be one of/) },
        { field: 'csat', message: expect.stringMatching(/<=5/) },
      ]),
    });
  });

  it('answers 404, 400 and 413 with a clear message', async () => {
    const notFound = await handleIngestRequest(writer, request('unicorns', []));
    expect([notFound.statusCode, JSON.parse(notFound.body!).message]).toEqual([404, 'unknown entity "unicorns"']);
    expect((await handleIngestRequest(writer, request('tickets', null, '{"records": ['))).statusCode).toBe(400);
    expect((await handleIngestRequest(writer, request('tickets', { rows: [] }))).statusCode).toBe(400);
    const tooMany = await handleIngestRequest(writer, request('tickets', Array.from({ length: MAX_RECORDS_PER_REQUEST + 1 }, (_, i) => ticket(`x${i}`))));
    expect(tooMany.statusCode).toBe(413);
    const tooBig = await handleIngestRequest(writer, request('tickets', [ticket('big', { assigneeId: 'x'.repeat(100) })], 'x'.repeat(1024 * 1024 + 1)));
    expect(JSON.parse(tooBig.body!)).toMatchObject({ error: 'PayloadTooLarge' });
  });
});

describe('S3 import', () => {
  it('streams a gzipped CSV, writes rejected rows beside it and reports ImportCompleted', async () => {
    const csv = ['id,updatedAt,customerId,priority,status,category,channel,openedAt', 'i-1,2026-01-02T00:00:00Z,c-1,low,open,billing,email,2026-01-02T00:00:00Z', 'i-2,2026-01-02T00:00:00Z,c-1,low,open,nonsense,email,2026-01-02T00:00:00Z', 'i-3,2026-01-02T00:00:00Z,c-2,urgent,open,product,phone,2026-01-02T00:00:00Z'].join('\n');
    s3.on(GetObjectCommand).callsFake(() => ({ Body: Readable.from(gzipSync(csv)) }));
    let errorsBody = '';
    s3.on(PutObjectCommand).callsFake(async (input: { Body: Readable | string }) => {
      if (typeof input.Body === 'string') errorsBody = input.Body;
      else for await (const chunk of input.Body) errorsBody += chunk.toString();
      return {};
    });
    const bus = new LocalBus(dir);
    const outcome = await importObject({ s3: new S3Client({ region: 'local' }), writer, bus }, 'imports-bucket', 'imports/tickets/2026/jan.csv.gz');
    expect(outcome).toMatchObject({ status: 'completed', detail: { entity: 'ticket', accepted: 2, rejected: 1, created: 2, errorsKey: 'imports/tickets/2026/jan.csv.gz.errors.ndjson' } });
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, { Bucket: 'imports-bucket', Key: 'imports/tickets/2026/jan.csv.gz.errors.ndjson' });
    expect(JSON.parse(errorsBody.trim())).toEqual({ line: 3, id: 'i-2', field: 'category', message: expect.stringMatching(/must be one of/) });
    const events = readFileSync(join(dir, 'events', 'events.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(events.at(-1)).toMatchObject({ source: 'crm.ingest', 'detail-type': 'ImportCompleted', detail: { accepted: 2, rejected: 1 } });
  });

  it('streams a JSON array import: byte order mark, characters split across chunks, a bad element named by line and position', async () => {
    // Prepare: a BOM, three tickets one per line, the second with an invalid UTF-8 byte; delivered 3 bytes at a time.
    s3.reset();
    const lines = [ticket('j-1', { subject: 'Zoë – 日本 😀' }), ticket('j-2', { subject: 'Caf§' }), ticket('j-3', { subject: 'Ærø' })].map((t) => JSON.stringify(t));
    // '§' is C2 A7 in UTF-8; replacing those two bytes with E9 (Latin-1 'é') makes the line invalid UTF-8.
    const utf8 = Buffer.from('\uFEFF[\n' + lines.join(',\n') + '\n]\n');
    const bytes = Buffer.from(utf8.toString('latin1').replace('\u00c2\u00a7', '\u00e9'), 'latin1');
    const chunks = Array.from({ length: Math.ceil(bytes.length / 3) }, (_, i) => bytes.subarray(i * 3, i * 3 + 3));
    s3.on(GetObjectCommand).callsFake(() => ({ Body: Readable.from(chunks) }));
    let errorsBody = '';
    s3.on(PutObjectCommand).callsFake(async (input: { Body: Readable }) => {
      for await (const chunk of input.Body) errorsBody += chunk.toString();
      return {};
    });
    // Act
    const outcome = await importObject({ s3: new S3Client({ region: 'local' }), writer, bus: new LocalBus(dir) }, 'imports-bucket', 'imports/tickets/jan.json');
    // Assess
    expect(outcome).toMatchObject({ status: 'completed', detail: { accepted: 2, rejected: 1 } });
    expect(JSON.parse(errorsBody.trim())).toEqual({ line: 3, position: 2, field: '(record)', message: expect.stringMatching(/line 3 is not valid UTF-8 \(byte 0xE9/) });
    const again = await handleIngestRequest(writer, request('tickets', [ticket('j-1', { subject: 'Zoë – 日本 😀' })]));
    expect(JSON.parse(again.body!).results[0]).toMatchObject({ id: 'j-1', status: 'unchanged' });
  });

  it('skips its own error files and rejects unknown entities with an error file', async () => {
    s3.reset();
    s3.on(PutObjectCommand).resolves({});
    const deps = { s3: new S3Client({ region: 'local' }), writer, bus: new LocalBus(dir) };
    expect(await importObject(deps, 'b', 'imports/tickets/x.csv.errors.ndjson')).toMatchObject({ status: 'skipped' });
    expect(await importObject(deps, 'b', 'imports/unicorns/x.csv')).toMatchObject({ status: 'rejected', reason: 'unknown entity "unicorns" in imports/unicorns/x.csv' });
    expect(await importObject(deps, 'b', 'imports/tickets/x.xlsx')).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/unsupported file type/) });
    expect(s3).not.toHaveReceivedCommand(GetObjectCommand);
  });
});
