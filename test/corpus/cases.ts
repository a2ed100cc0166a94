// The corpus of bad and tricky inputs (test/corpus/*.json) as runnable cases: files (bytes in a format) and
// HTTP requests, each with the errors and stored records it must give. Shared by the corpus test (the real
// ingest path on DynamoDB Local) and the validation differential test (every value the readers produce).
//
// Ids and e-mails in a case carry `%id`, replaced by a prefix unique to the case, so all cases share one
// table; template rows replace `%n` with their row number. `<0xFF>` in text stands for that raw byte.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { InputFormat } from '#functions/ingest/record-reader.ts';
import type { ValidationOptions } from '#functions/ingest/validate.ts';

export type Json = Record<string, unknown>;
export interface ExpectedError {
  line?: number;
  position?: number;
  index?: number;
  id?: string;
  field: string;
  message: string;
}
/** One runnable case, whichever file it came from. */
export interface Case {
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

export const CLOCK: ValidationOptions = { now: () => new Date('2026-06-01T00:00:00Z'), maxFutureSkewMs: 24 * 3600 * 1000 };
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

export function post(entity: string, body: string, over: Partial<APIGatewayProxyEventV2> = {}): Partial<APIGatewayProxyEventV2> {
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


export const prefixOf = (i: number) => `k${String(i).padStart(4, '0')}`;
/** The text with `%id` replaced by the prefix of case `i`. */
export const withPrefix = (s: string, i: number) => s.replace(/%id/g, prefixOf(i));

/** Every case of the corpus: the defect matrix, the hand-written file cases, the HTTP cases. */
export const corpusCases = (): Case[] => [...templateCases(), ...fileCases(), ...httpCases()];
