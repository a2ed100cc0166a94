// Hands one batch of stream records to the handler with the retry semantics of a Lambda event
// source mapping configured with ReportBatchItemFailures, BisectBatchOnFunctionError and
// MaximumRetryAttempts plus an on-failure destination:
//   - returned batchItemFailures: records before the lowest failed sequence number are done, the
//     rest of the batch is retried from that record;
//   - a thrown error (or an itemIdentifier that is not in the batch): the batch is split in half and
//     each half retried; splits do not count as attempts, so a poison record ends up alone;
//   - after maxAttempts on the same first record, the failing records go to the dead-letter sink and
//     processing moves on. Nothing is dropped silently.
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';

export type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | void>;

export interface DeadLetter {
  record: DynamoDBRecord;
  attempts: number;
  error: { name: string; message: string; stack?: string };
}

export interface DeliveryStats {
  /** Handler invocations. */
  batches: number;
  /** Records the handler processed successfully. */
  records: number;
  /** Invocations that threw or reported failed items. */
  failures: number;
  /** Records sent to the dead-letter file. */
  dlq: number;
}

export interface DeliveryOptions {
  handler: StreamHandler;
  /** Invocations, first one included, before a record is dead-lettered. */
  maxAttempts: number;
  /** Delay before the n-th retry of the same record is retryDelayMs * 2^(n-1). */
  retryDelayMs: number;
  /** Must persist the entries before resolving: the checkpoint moves past them next. */
  deadLetter: (entries: DeadLetter[]) => Promise<void>;
  /** Called whenever a prefix of the batch is finished (processed or dead-lettered), with its last record. */
  onProgress: (lastDone: DynamoDBRecord) => Promise<void>;
  stats: DeliveryStats;
}

interface Range {
  start: number;
  end: number;
  /** Failed invocations that started at `start` (splits reset it). */
  attempts: number;
}

type Outcome =
  | { kind: 'ok' }
  | { kind: 'partial'; firstFailed: number; failed: Set<number> }
  | { kind: 'error'; error: DeadLetter['error'] };

export async function deliverBatch(records: DynamoDBRecord[], o: DeliveryOptions): Promise<void> {
  if (o.maxAttempts < 1) throw new Error(`maxAttempts must be at least 1, got ${o.maxAttempts}`);
  // Ranges are worked front to back, so finishing one means every record before its end is finished.
  const queue: Range[] = records.length ? [{ start: 0, end: records.length, attempts: 0 }] : [];
  while (queue.length) {
    const range = queue.shift()!;
    const batch = records.slice(range.start, range.end);
    if (range.attempts > 0 && o.retryDelayMs > 0) await sleep(o.retryDelayMs * 2 ** (range.attempts - 1));
    o.stats.batches++;
    const outcome = await invoke(o.handler, batch);

    if (outcome.kind === 'ok') {
      o.stats.records += batch.length;
      await o.onProgress(batch[batch.length - 1]!);
      continue;
    }
    o.stats.failures++;

    if (outcome.kind === 'partial') {
      const { firstFailed, failed } = outcome;
      if (firstFailed > 0) {
        o.stats.records += firstFailed;
        await o.onProgress(batch[firstFailed - 1]!);
      }
      const rest: Range = { start: range.start + firstFailed, end: range.end, attempts: firstFailed === 0 ? range.attempts + 1 : 1 };
      if (rest.attempts < o.maxAttempts) {
        queue.unshift(rest);
        continue;
      }
      // Out of attempts: the records reported failed go to the DLQ; the others were just processed fine.
      const dead = batch.slice(firstFailed).filter((_, i) => failed.has(firstFailed + i));
      const error = { name: 'BatchItemFailure', message: `reported in batchItemFailures on ${rest.attempts} attempts` };
      await o.deadLetter(dead.map((record) => ({ record, attempts: rest.attempts, error })));
      o.stats.dlq += dead.length;
      o.stats.records += batch.length - firstFailed - dead.length;
      await o.onProgress(batch[batch.length - 1]!);
      continue;
    }

    if (batch.length > 1) {
      const mid = range.start + Math.ceil(batch.length / 2);
      queue.unshift({ start: range.start, end: mid, attempts: 0 }, { start: mid, end: range.end, attempts: 0 });
      continue;
    }
    const attempts = range.attempts + 1;
    if (attempts < o.maxAttempts) {
      queue.unshift({ ...range, attempts });
      continue;
    }
    await o.deadLetter([{ record: batch[0]!, attempts, error: outcome.error }]);
    o.stats.dlq++;
    await o.onProgress(batch[0]!);
  }
}

async function invoke(handler: StreamHandler, batch: DynamoDBRecord[]): Promise<Outcome> {
  let response: DynamoDBBatchResponse | void;
  try {
    // A deep copy per invocation: a handler that mutates its event must not change what a retry sees.
    response = await handler({ Records: structuredClone(batch) });
  } catch (err) {
    return { kind: 'error', error: describeError(err) };
  }
  const failures = response?.batchItemFailures;
  if (!failures || failures.length === 0) return { kind: 'ok' };
  const failed = new Set<number>();
  for (const f of failures) {
    const index = f?.itemIdentifier ? batch.findIndex((r) => r.dynamodb?.SequenceNumber === f.itemIdentifier) : -1;
    // As in Lambda, an identifier that names no record of the batch fails the whole invocation.
    if (index < 0) return { kind: 'error', error: { name: 'InvalidBatchItemFailure', message: `itemIdentifier ${JSON.stringify(f?.itemIdentifier)} is not a sequence number of this batch` } };
    failed.add(index);
  }
  return { kind: 'partial', firstFailed: Math.min(...failed), failed };
}

function describeError(err: unknown): DeadLetter['error'] {
  if (err instanceof Error) return { name: err.name, message: err.message, ...(err.stack ? { stack: err.stack } : {}) };
  return { name: 'Error', message: String(err) };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
