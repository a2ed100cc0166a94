// The corpus of bad and tricky inputs (test/corpus/*.json), run through the real ingest path on one
// DynamoDB Local: files through readRecords + ingestRows (what `crm ingest` and the S3 import run), HTTP
// events through handleIngestRequest. Each case asserts the exit code or status, the line (and array
// position), field and reason of every error, and, by reading the table back, that each good row is
// stored exactly once with its values intact and nothing else is stored.
//
// Ids and e-mails in a case carry `%id`, replaced by a prefix unique to the case, so all cases share one
// table; template rows replace `%n` with their row number. `<0xFF>` in text stands for that raw byte.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { findEntity, type AnyEntity } from '#schemas/registry.ts';
import { readRecords } from '#functions/ingest/record-reader.ts';
import { ingestRows, type IngestSummary, type RowError } from '#functions/ingest/ingest-rows.ts';
import { handleIngestRequest } from '#functions/ingest/http-ingest.ts';
import { RecordWriter } from '#functions/ingest/record-writer.ts';
import { exitCodeFor } from '#local/cli/ingest-command.ts';
import { startDynamoDbLocal, type DynamoDbLocal } from '#local/dynamodb/emulator.ts';
import { ensureTable } from '#local/dynamodb/table.ts';
import { CLOCK, corpusCases, prefixOf, withPrefix, type Case, type ExpectedError, type Json } from './cases.ts';

// ---- running them ---------------------------------------------------------------------------------

const cases = corpusCases();

type Outcome = { summary?: IngestSummary; response?: { statusCode: number; body: Json } };
const outcomes: Outcome[] = new Array(cases.length);
/** Stored records by entity table and id. */
const storedRecords = new Map<string, Json[]>();

let ddb: DynamoDbLocal;
beforeAll(async () => {
  ddb = await startDynamoDbLocal({ dir: mkdtempSync(join(tmpdir(), 'crm-corpus-')) });
  await ensureTable(ddb.client, 'corpus');
  const writer = new RecordWriter({ client: ddb.client, tableName: 'corpus' });
  // Cases touch disjoint ids, so they run a few at a time: DynamoDB Local answers in parallel.
  let next = 0;
  const runCase = async (i: number) => {
    const c = cases[i]!;
    const entity = findEntity(c.entity) as AnyEntity;
    if (c.format === 'http') {
      const request = { ...c.request, ...(c.request!.body !== undefined ? { body: withPrefix(c.request!.body!, i) } : {}) } as APIGatewayProxyEventV2;
      if (c.base64Body) request.body = Buffer.from(withPrefix(c.base64Body.toString('latin1'), i), 'latin1').toString('base64');
      const res = await handleIngestRequest(writer, request, { validation: CLOCK });
      outcomes[i] = { response: { statusCode: res.statusCode!, body: JSON.parse(res.body!) } };
      return;
    }
    // latin1 round trip keeps invalid bytes as they are while replacing the ASCII placeholder.
    const bytes = Buffer.from(withPrefix(c.input!.toString('latin1'), i), 'latin1');
    const chunks: Buffer[] = [];
    for (let at = 0; at < bytes.length; at += c.chunk || bytes.length) chunks.push(bytes.subarray(at, at + (c.chunk || bytes.length)));
    outcomes[i] = { summary: await ingestRows(writer, entity, readRecords(Readable.from(chunks), c.format, entity), { validation: CLOCK }) };
  };
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next < cases.length) await runCase(next++);
  }));
  let startKey: Record<string, never> | undefined;
  do {
    const page = await ddb.client.send(new ScanCommand({ TableName: 'corpus', ExclusiveStartKey: startKey }));
    for (const item of page.Items ?? []) {
      const { pk, sk, data } = unmarshall(item) as { pk: string; sk: string; data: Json };
      if (sk !== 'RECORD') continue;
      const list = storedRecords.get(pk) ?? [];
      list.push(data);
      storedRecords.set(pk, list);
    }
    startKey = page.LastEvaluatedKey as typeof startKey;
  } while (startKey);
}, 300_000);
afterAll(async () => {
  await ddb?.stop();
});

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Stored equals sent, field by field; instants compared as instants, e-mail case-insensitively. */
function expectSameRecord(stored: Json, sent: Json, label: string) {
  for (const [k, v] of Object.entries(sent)) {
    const got = stored[k];
    if (typeof v === 'string' && INSTANT.test(v)) expect(Date.parse(String(got)), `${label}.${k}`).toBe(Date.parse(v));
    else if (k === 'email') expect(String(got), `${label}.${k}`).toBe(String(v).toLowerCase());
    // Text fields are stored trimmed.
    else expect(got, `${label}.${k}`).toEqual(typeof v === 'string' ? v.trim() : v);
  }
}

describe('ingest corpus', () => {
  it('has at least 200 cases across every entity and format', () => {
    const byFormat: Record<string, number> = {};
    for (const c of cases) byFormat[c.format] = (byFormat[c.format] ?? 0) + 1;
    expect(cases.length).toBeGreaterThanOrEqual(200);
    expect(new Set(cases.map((c) => findEntity(c.entity)?.name).filter(Boolean)).size).toBe(12);
    for (const f of ['ndjson', 'csv', 'json', 'http']) expect(byFormat[f]).toBeGreaterThanOrEqual(40);
  });

  it.each(cases.map((c, i) => [c.name, i] as const))('%s', (_name, i) => {
    const c = cases[i]!;
    const o = outcomes[i]!;
    const entity = findEntity(c.entity);
    const errors = c.errors.map((e) => ({ ...e, field: withPrefix(e.field, i), ...(e.id ? { id: withPrefix(e.id, i) } : {}) }));
    if (c.format === 'http') {
      const { statusCode, body } = o.response!;
      expect(statusCode, JSON.stringify(body)).toBe(c.status);
      if (c.httpError) expect(body).toMatchObject({ error: c.httpError.error, message: expect.stringMatching(new RegExp(c.httpError.message)) });
      const results = (body.results ?? []) as { index: number; status: string; errors?: { field: string; message: string }[] }[];
      const got = results.flatMap((r) => (r.errors ?? []).map((e) => ({ index: r.index, ...e })));
      assertErrors(got, errors, c, (e) => e.index);
    } else {
      const s = o.summary!;
      expect(exitCodeFor(s), JSON.stringify(s.errors)).toBe(c.exit);
      expect(s.accepted, JSON.stringify(s.errors)).toBe(c.accepted);
      assertErrors(s.errors, errors, c, (e) => e.line);
    }
    // Read back: exactly the expected ids of this case are stored, each with the values sent.
    if (!entity) return expect(c.stored).toEqual([]);
    const prefix = `${entity.table}#${prefixOf(i)}-`;
    const mine = [...storedRecords.entries()].filter(([pk]) => pk.startsWith(prefix));
    expect(mine.map(([pk]) => pk.slice(entity.table.length + 1)).sort()).toEqual(c.stored.map((id) => withPrefix(id, i)).sort());
    for (const [, list] of mine) expect(list).toHaveLength(1);
    for (const [id, sent] of Object.entries(c.storedValues)) {
      const stored = storedRecords.get(`${entity.table}#${withPrefix(id, i)}`)?.[0];
      expect(stored, `stored ${id}`).toBeDefined();
      expectSameRecord(stored!, JSON.parse(withPrefix(JSON.stringify(sent), i)), id);
    }
  });
});

function assertErrors<E extends { field: string; message: string; line?: number; position?: number; index?: number }>(got: E[], expected: ExpectedError[], c: Case, where: (e: E | ExpectedError) => number | undefined) {
  const describeGot = JSON.stringify(got);
  for (const e of expected) {
    const match = got.find((g) => g.field === e.field && new RegExp(e.message).test(g.message) && where(g) === where(e) && (e.position === undefined || (g as RowError).position === e.position) && (e.id === undefined || (g as RowError).id === e.id));
    expect(match, `expected ${JSON.stringify(e)} among ${describeGot}`).toBeDefined();
  }
  if (c.exactErrors) expect(got, describeGot).toHaveLength(expected.length);
  else if (c.errorAt) for (const g of got) expect(c.errorAt, `error outside the bad row: ${describeGot}`).toContain(where(g));
  if (expected.length === 0) expect(got).toEqual([]);
}
