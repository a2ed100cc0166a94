// The ingest pipeline shared by the API, the S3 import and the CLI: validate each row, write the good
// ones in batches, count outcomes and name every rejected row with its field and reason.
import type { AnyEntity } from '#schemas/registry.ts';
import type { RecordWriter, WriteResult } from './record-writer.ts';
import type { SourceRow } from './record-reader.ts';
import { validateRecord, type CrmRecord, type ValidationOptions } from './validate.ts';

export interface RowError {
  line: number;
  /** 1-based position of the record in a JSON array (a minified array is all on line 1). */
  position?: number;
  id?: string;
  field: string;
  message: string;
}

export interface IngestSummary {
  accepted: number;
  rejected: number;
  created: number;
  updated: number;
  unchanged: number;
  stale: number;
  merged: number;
  /** Valid rows that could not be written (throttling, service errors): safe to send again. */
  failed: number;
  errors: RowError[];
  /** Set when more errors occurred than `maxErrors` kept in `errors`. */
  errorsTruncated?: boolean;
}

export interface IngestOptions {
  /** Rows written per batch. @default 200 */
  batchSize?: number;
  /** Errors kept in the summary (all are passed to `onError`). @default 10000 */
  maxErrors?: number;
  /** Called for every rejected or failed row, e.g. to stream them into an error file. */
  onError?: (error: RowError, raw?: unknown) => void | Promise<void>;
  /** The clock and allowed skew for rules about the future. */
  validation?: ValidationOptions;
  /** Called after each written batch with the rows handled so far (accepted, rejected or failed), e.g. for a progress line. */
  onProgress?: (rowsDone: number) => void;
}

export const emptySummary = (): IngestSummary => ({ accepted: 0, rejected: 0, created: 0, updated: 0, unchanged: 0, stale: 0, merged: 0, failed: 0, errors: [] });

const at = (row: { line: number; position?: number }) => (row.position === undefined ? { line: row.line } : { line: row.line, position: row.position });

const idOf = (value: unknown) => {
  const id = (value as { id?: unknown } | null)?.id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
};

export async function ingestRows(writer: RecordWriter, entity: AnyEntity, rows: AsyncIterable<SourceRow> | Iterable<SourceRow>, options: IngestOptions = {}): Promise<IngestSummary> {
  const batchSize = options.batchSize ?? 200;
  const maxErrors = options.maxErrors ?? 10_000;
  const summary = emptySummary();

  const report = async (error: RowError, raw?: unknown) => {
    if (summary.errors.length < maxErrors) summary.errors.push(error);
    else summary.errorsTruncated = true;
    await options.onError?.(error, raw);
  };

  let batch: { line: number; position?: number; record: CrmRecord; raw: unknown }[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const current = batch;
    batch = [];
    const results: WriteResult[] = await writer.write(entity, current.map((b) => b.record));
    for (let i = 0; i < results.length; i++) {
      const r = results[i]!;
      if (r.status === 'failed') {
        summary.failed++;
        await report({ ...at(current[i]!), id: current[i]!.record.id, field: '(record)', message: `not stored, ${r.retryable ? 'retry later' : 'will not succeed as is'}: ${r.message}` }, current[i]!.raw);
        continue;
      }
      summary.accepted++;
      summary[r.status]++;
      if (r.mergedInto) summary.merged++;
    }
    options.onProgress?.(summary.accepted + summary.rejected + summary.failed);
  };

  for await (const row of rows) {
    if ('errors' in row) {
      summary.rejected++;
      for (const e of row.errors) await report({ ...at(row), field: e.field, message: e.message });
      continue;
    }
    const v = validateRecord(entity, row.value, options.validation);
    const cellErrors = row.cellErrors ?? [];
    if (!v.ok || cellErrors.length) {
      summary.rejected++;
      const id = idOf(row.value);
      // A cell that could not be converted was left out of the record: its own error replaces "is required".
      const errors = [...cellErrors, ...(v.ok ? [] : v.errors.filter((e) => !cellErrors.some((c) => c.field === e.field)))];
      for (const e of errors) await report({ ...at(row), ...(id ? { id } : {}), field: e.field, message: e.message }, row.value);
      continue;
    }
    batch.push({ ...at(row), record: v.record, raw: row.value });
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  return summary;
}
