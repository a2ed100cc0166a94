// HTTP ingest: `POST /v1/{entity}` with a batch of records, answered with one result per record.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { findEntity } from '#schemas/registry.ts';
import type { RecordWriter } from './record-writer.ts';
import { validateRecord, type CrmRecord, type FieldError, type ValidationOptions } from './validate.ts';
import { decodeUtf8 } from './utf8-lines.ts';

export const MAX_RECORDS_PER_REQUEST = 500;
export const MAX_BODY_BYTES = 1024 * 1024;

export interface RecordResult {
  index: number;
  id?: string;
  status: 'created' | 'updated' | 'unchanged' | 'stale' | 'rejected' | 'failed';
  mergedInto?: string;
  errors?: FieldError[];
  retryable?: boolean;
}

const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

const problem = (statusCode: number, error: string, message: string) => json(statusCode, { error, message });

const header = (event: APIGatewayProxyEventV2, name: string) => Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === name)?.[1];

// JSON only; a charset other than UTF-8 would be decoded wrongly, so it is refused rather than guessed.
const JSON_MEDIA_TYPE = /^application\/(json|[\w.+-]+\+json)$/i;

/** Why the request's content type is not JSON in UTF-8, or undefined when it is. */
function contentTypeProblem(value: string | undefined): string | undefined {
  if (!value) return 'the request has no content-type header: send content-type: application/json';
  const [type, ...params] = value.split(';').map((p) => p.trim());
  if (!JSON_MEDIA_TYPE.test(type ?? '')) return `content-type "${value}" is not supported: send application/json`;
  const charset = params.find((p) => /^charset=/i.test(p))?.slice('charset='.length).replace(/"/g, '');
  if (charset && !/^utf-8$/i.test(charset)) return `charset "${charset}" is not supported: send the body in UTF-8`;
  return undefined;
}

/** The body as text: base64 bodies decoded strictly, so invalid UTF-8 is refused rather than turned into U+FFFD. */
function bodyText(event: APIGatewayProxyEventV2): { text: string } | { problem: string } {
  const raw = event.body ?? '';
  if (!event.isBase64Encoded) return { text: raw };
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(raw.replace(/\s+/g, ''))) return { problem: 'body is marked base64-encoded but is not valid base64' };
  const bytes = Buffer.from(raw, 'base64');
  const decoded = decodeUtf8(bytes);
  return 'text' in decoded ? { text: decoded.text.replace(/^\uFEFF/, '') } : { problem: `body line ${decoded.lineOffset + 1} ${decoded.invalid.replace(': save the file as UTF-8', '')}` };
}

export interface IngestRequestOptions {
  /** The clock and allowed skew for rules about the future. */
  validation?: ValidationOptions;
}

export async function handleIngestRequest(writer: RecordWriter, event: APIGatewayProxyEventV2, options: IngestRequestOptions = {}): Promise<APIGatewayProxyStructuredResultV2> {
  // API Gateway routes only POST here; checked again so a mis-wired route cannot write with another verb.
  const method = event.requestContext?.http?.method;
  if (method !== 'POST') return json(405, { error: 'MethodNotAllowed', message: `${method ?? 'a request without a method'} is not allowed: records are sent with POST` }, { allow: 'POST' });
  const name = event.pathParameters?.entity ?? '';
  const entity = findEntity(name);
  if (!entity) return problem(404, 'UnknownEntity', `unknown entity "${name}"`);

  const raw = event.body ?? '';
  if (raw === '') return problem(400, 'MissingBody', 'the request has no body: send a JSON array of records or an object {"records": [...]}');
  const typeProblem = contentTypeProblem(header(event, 'content-type'));
  if (typeProblem) return problem(415, 'UnsupportedMediaType', typeProblem);
  const size = event.isBase64Encoded ? Math.floor((raw.length * 3) / 4) : Buffer.byteLength(raw);
  if (size > MAX_BODY_BYTES) return problem(413, 'PayloadTooLarge', `body is ${size} bytes; the limit is ${MAX_BODY_BYTES} bytes: split the batch or use the S3 import`);

  const text = bodyText(event);
  if ('problem' in text) return problem(400, 'MalformedBody', text.problem);
  let body: unknown;
  try {
    body = JSON.parse(text.text);
  } catch (err) {
    return problem(400, 'MalformedBody', `body is not valid JSON: ${(err as Error).message}`);
  }
  const records = Array.isArray(body) ? body : typeof body === 'object' && body !== null && 'records' in body ? (body as { records: unknown }).records : undefined;
  if (!Array.isArray(records)) {
    const keys = typeof body === 'object' && body !== null ? Object.keys(body) : [];
    const got =
      body === null ? 'null' : typeof body !== 'object' ? `a ${typeof body}` : keys.includes('records') ? `"records" that is not an array` : `an object with ${keys.length ? `keys ${keys.slice(0, 5).map((k) => JSON.stringify(k)).join(', ')}` : 'no keys'} but no "records" array`;
    return problem(400, 'MalformedBody', `body must be a JSON array of records or an object {"records": [...]}, got ${got}`);
  }
  if (records.length === 0) return problem(400, 'MalformedBody', 'the batch is empty');
  if (records.length > MAX_RECORDS_PER_REQUEST) return problem(413, 'TooManyRecords', `batch has ${records.length} records; the limit is ${MAX_RECORDS_PER_REQUEST}`);

  const results: RecordResult[] = new Array(records.length);
  const valid: { index: number; record: CrmRecord }[] = [];
  records.forEach((input, index) => {
    const v = validateRecord(entity, input, options.validation);
    const id = (input as { id?: unknown })?.id;
    if (v.ok) valid.push({ index, record: v.record });
    else results[index] = { index, ...(typeof id === 'string' ? { id } : {}), status: 'rejected', errors: v.errors };
  });
  const written = await writer.write(entity, valid.map((v) => v.record));
  written.forEach((w, i) => {
    const { index } = valid[i]!;
    results[index] = {
      index,
      id: w.id,
      status: w.status,
      ...(w.mergedInto ? { mergedInto: w.mergedInto } : {}),
      ...(w.status === 'failed' ? { retryable: !!w.retryable, errors: [{ field: '(record)', message: w.message ?? 'write failed' }] } : {}),
    };
  });

  const count = (s: RecordResult['status']) => results.filter((r) => r.status === s).length;
  const rejected = count('rejected');
  const failed = count('failed');
  const accepted = results.length - rejected - failed;
  const summary = { entity: entity.name, accepted, rejected, failed, results };
  // Every valid record failed for a retryable reason: tell the client to back off and retry the batch.
  if (failed > 0 && accepted === 0 && results.every((r) => r.status !== 'failed' || r.retryable)) {
    return json(503, summary, { 'retry-after': '2' });
  }
  return json(rejected + failed === 0 ? 200 : 207, summary);
}
