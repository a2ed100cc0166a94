// The corpus of bad and tricky inputs (test/corpus/*.json), run through the real ingest path on one
// DynamoDB Local: files through readRecords + ingestRows (what `crm ingest` and the S3 import run), HTTP
// events through handleIngestRequest. Each case asserts the exit code or status, the line (and array
// position), field and reason of every error, and, by reading the table back, that each good row is
// stored exactly once with its values intact and nothing else is stored.
//
// Ids and e-mails in a case carry `%id`, replaced by a prefix unique to the case, so all cases share one
// table; template rows replace `%n` with their row number. `<0xFF>` in text stands for that raw byte.
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { findEntity, type AnyEntity } from '#schemas/registry.ts';
import { readRecords, type InputFormat } from '#functions/ingest/record-reader.ts';
import { ingestRows, type IngestSummary, type RowError } from '#functions/ingest/ingest-rows.ts';
import { handleIngestRequest } from '#functions/ingest/http-ingest.ts';
import { RecordWriter } from '#functions/ingest/record-writer.ts';
import type { ValidationOptions } from '#functions/ingest/validate.ts';
import { exitCodeFor } from '#local/cli/ingest-command.ts';
import { startDynamoDbLocal, type DynamoDbLocal } from '#local/dynamodb/emulator.ts';
import { ensureTable } from '#local/dynamodb/table.ts';

type Json = Record<string, unknown>;
interface ExpectedError {
  line?: number;
  position?: number;
  index?: number;
  id?: string;
  field: string;
  message: string;
}
/** One runnable case, whichever file it came from. */
interface Case {
  name: string;
  entity: string;
  format: InputFormat | 'http';
  /** File bytes (files) or the request (http). */
  input?: Buffer;
  request?: Partial<APIGatewayProxyEventV2>;
  /** Bytes sent base64-encoded (placeholders replaced first). */
  base64Body?: Buffer;
  chunk: number;
  exit?: number;
  status?: number;
  accepted?: number;
  errors: ExpectedError[];
  /** Whether `errors` lists every error (hand-written cases) or must only be present (template cases). */
  exactErrors: boolean;
  /** Lines (files) or indexes (http) where errors may appear. */
  errorAt?: number[];
  stored: string[];
  storedValues: Record<string, Json>;
  httpError?: { error: string; message: string };
}

const CLOCK: ValidationOptions = { now: () => new Date('2026-06-01T00:00:00Z'), maxFutureSkewMs: 24 * 3600 * 1000 };
const corpusDir = new URL('.', import.meta.url).pathname;
const load = (name: string) => JSON.parse(readFileSync(join(corpusDir, name), 'utf8'));

// ---- building cases -------------------------------------------------------------------------------

const bytesOf = (text: string) => {
  const parts = text.split(/<0x([0-9A-Fa-f]{2})>/);
  return Buffer.concat(parts.map((p, i) => (i % 2 ? Buffer.from([parseInt(p, 16)]) : Buffer.from(p, 'utf8'))));
};

const csvCell = (v: unknown): string => {
  if (v === undefined || v === null) return '';
  const s = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** Rows as a file of the format; JSON arrays are written one element per line (element n on line n + 1). */
function fileOf(format: InputFormat, rows: Json[]): string {
  if (format === 'ndjson') return rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
  if (format === 'json') return '[\n' + rows.map((r) => JSON.stringify(r)).join(',\n') + '\n]\n';
  const header: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!header.includes(k)) header.push(k);
  return [header.join(','), ...rows.map((r) => header.map((h) => csvCell(r[h])).join(','))].join('\n') + '\n';
}

const lineOfRow = (format: InputFormat, row: number) => (format === 'ndjson' ? row : row + 1);

interface Defect {
  name: string;
  entities?: string[];
  formats?: string[];
  set?: Json;
  unset?: string[];
  /** A key put first in the record, verbatim (for `__proto__`, which an object spread would drop). */
  insertKey?: [string, unknown];
  valid?: boolean;
  field?: string;
  message?: string;
  /** CSV: the defect lands in the header, so the file is refused and nothing is stored. */
  csvFileError?: string;
}

function templateCases(): Case[] {
  const { templates, defects } = load('matrix.json') as { templates: Record<string, Json>; defects: Defect[] };
  const cases: Case[] = [];
  const allFormats = ['ndjson', 'csv', 'json', 'http'] as const;
  for (const [e, [entityName, template]] of Object.entries(templates).entries()) {
    for (const [k, d] of defects.entries()) {
      if (d.entities && !d.entities.includes(entityName)) continue;
      const formats = allFormats.filter((f) => !d.formats || d.formats.includes(f));
      // Entity-specific defects run in every format; the generic ones take turns, so each entity meets each format.
      for (const format of d.entities ? formats : [formats[(e + k) % formats.length]!]) {
        const row = (n: number): Json => JSON.parse(JSON.stringify({ ...template, id: `%id-${n}` }).replace(/%n/g, String(n)));
        const bad = row(2);
        for (const k of d.unset ?? []) delete bad[k];
        Object.assign(bad, JSON.parse(JSON.stringify(d.set ?? {}).replace(/%n/g, '2')));
        const rows = [row(1), bad, row(3)];
        let badText = JSON.stringify(bad);
        if (d.insertKey) badText = `{${JSON.stringify(d.insertKey[0])}:${JSON.stringify(d.insertKey[1])},${badText.slice(1)}`;
        const name = `${entityName} ${format}: ${d.name}`;
        const ids = d.valid ? ['%id-1', '%id-2', '%id-3'] : ['%id-1', '%id-3'];
        const storedValues = Object.fromEntries((d.valid ? rows : [rows[0]!, rows[2]!]).map((r) => [r.id as string, r]));
        const expected: ExpectedError[] = d.valid ? [] : [{ field: d.field!, message: d.message! }];
        if (format === 'http') {
          const body = `{"records":[${JSON.stringify(rows[0])},${badText},${JSON.stringify(rows[2])}]}`;
          cases.push({ name, entity: entityName, format, request: post(entityName, body), chunk: 0, status: d.valid ? 200 : 207, errors: expected.map((e) => ({ ...e, index: 1 })), exactErrors: false, errorAt: [1], stored: ids, storedValues });
          continue;
        }
        if (format === 'csv' && d.insertKey) {
          // CSV has no nested keys: the reserved name becomes a header cell and refuses the file.
          const cells = fileOf('csv', [{ [d.insertKey[0]]: 'x', ...rows[0] }]);
          cases.push({ name, entity: entityName, format, input: Buffer.from(cells), chunk: 7, exit: 2, accepted: 0, errors: [{ line: 1, field: '(file)', message: d.csvFileError! }], exactErrors: true, stored: [], storedValues: {} });
          continue;
        }
        let text = fileOf(format, rows);
        if (d.insertKey) text = text.replace(JSON.stringify(bad), badText);
        const line = lineOfRow(format, 2);
        cases.push({
          name,
          entity: entityName,
          format,
          input: Buffer.from(text),
          chunk: 7,
          exit: d.valid ? 0 : 2,
          accepted: ids.length,
          errors: expected.map((e) => ({ ...e, line, ...(format === 'json' ? { position: 2 } : {}) })),
          exactErrors: false,
          errorAt: [line],
          stored: ids,
          storedValues,
        });
      }
    }
  }
  return cases;
}

interface FileCase {
  name: string;
  entity: string;
  format: InputFormat;
  lines?: string[];
  text?: string;
  chunk?: number;
  exit: number;
  accepted: number;
  errors: ExpectedError[];
  stored: string[];
  storedValues?: Record<string, Json>;
}

function fileCases(): Case[] {
  const cases: Case[] = [];
  for (const file of ['csv.json', 'ndjson.json', 'json.json']) {
    for (const c of load(file) as FileCase[]) {
      const text = c.text ?? c.lines!.join('\n') + '\n';
      cases.push({ ...c, name: `${c.entity} ${c.format}: ${c.name}`, input: bytesOf(text), chunk: c.chunk ?? 5, exactErrors: true, storedValues: c.storedValues ?? {} });
    }
  }
  return cases;
}

function post(entity: string, body: string, over: Partial<APIGatewayProxyEventV2> = {}): Partial<APIGatewayProxyEventV2> {
  return { requestContext: { http: { method: 'POST' } } as never, headers: { 'content-type': 'application/json' }, pathParameters: { entity }, body, isBase64Encoded: false, ...over };
}

interface HttpCase {
  name: string;
  entity: string;
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  rawBody?: string;
  /** Text (with `<0xFF>` bytes) sent base64-encoded. */
  base64Of?: string;
  /** Marks `rawBody` as base64-encoded as it is (to send a body that is not base64). */
  isBase64?: boolean;
  status: number;
  error?: { error: string; message: string };
  errors?: ExpectedError[];
  stored: string[];
  storedValues?: Record<string, Json>;
}

function httpCases(): Case[] {
  return (load('http.json') as HttpCase[]).map((c) => {
    const body = c.rawBody ?? (c.body === undefined ? undefined : JSON.stringify(c.body));
    const request = post(c.entity, body as string, { isBase64Encoded: c.base64Of !== undefined || !!c.isBase64, ...(c.headers ? { headers: c.headers } : {}) });
    if (c.method) request.requestContext = { http: { method: c.method } } as never;
    if (body === undefined) delete request.body;
    return { name: `${c.entity} http: ${c.name}`, entity: c.entity, format: 'http', request, ...(c.base64Of !== undefined ? { base64Body: bytesOf(c.base64Of) } : {}), chunk: 0, status: c.status, errors: c.errors ?? [], exactErrors: true, stored: c.stored, storedValues: c.storedValues ?? {}, ...(c.error ? { httpError: c.error } : {}) };
  });
}

// ---- running them ---------------------------------------------------------------------------------

const cases = [...templateCases(), ...fileCases(), ...httpCases()];
const prefixOf = (i: number) => `k${String(i).padStart(4, '0')}`;
const withPrefix = (s: string, i: number) => s.replace(/%id/g, prefixOf(i));

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
