// HTTP ingest: `POST /v1/{entity}` with a batch of records, answered with one result per record.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { findEntity } from '#schemas/registry.ts';
import type { RecordWriter } from './record-writer.ts';
import { validateRecord, type CrmRecord, type FieldError } from './validate.ts';

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

export async function handleIngestRequest(writer: RecordWriter, event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const name = event.pathParameters?.entity ?? '';
  const entity = findEntity(name);
  if (!entity) return problem(404, 'UnknownEntity', `unknown entity "${name}"`);

  const raw = event.body ?? '';
  const size = event.isBase64Encoded ? Math.floor((raw.length * 3) / 4) : Buffer.byteLength(raw);
  if (size > MAX_BODY_BYTES) return problem(413, 'PayloadTooLarge', `body is ${size} bytes; the limit is ${MAX_BODY_BYTES} bytes: split the batch or use the S3 import`);

  let body: unknown;
  try {
    body = JSON.parse(event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw);
  } catch (err) {
    return problem(400, 'MalformedBody', `body is not valid JSON: ${(err as Error).message}`);
  }
  const records = Array.isArray(body) ? body : (body as { records?: unknown })?.records;
  if (!Array.isArray(records)) return problem(400, 'MalformedBody', 'body must be a JSON array of records or an object {"records": [...]}');
  if (records.length === 0) return problem(400, 'MalformedBody', 'the batch is empty');
  if (records.length > MAX_RECORDS_PER_REQUEST) return problem(413, 'TooManyRecords', `batch has ${records.length} records; the limit is ${MAX_RECORDS_PER_REQUEST}`);

  const results: RecordResult[] = new Array(records.length);
  const valid: { index: number; record: CrmRecord }[] = [];
  records.forEach((input, index) => {
    const v = validateRecord(entity, input);
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
