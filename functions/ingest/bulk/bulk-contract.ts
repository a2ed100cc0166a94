// What the bulk-import state machine passes between its steps, and where each step keeps its files. Everything a
// run writes lives under `bulk-imports/<execution name>/` in the import bucket (outside imports/, so none of it is
// imported again): the manifest the Distributed Map reads, and one result object per batch.
import type { InputFormat } from '../record-reader.ts';
import type { IngestSummary } from '../ingest-rows.ts';
import type { LineRange } from './line-ranges.ts';

export const BULK_RUNS_PREFIX = 'bulk-imports/';

/** The state machine's input, set by the starter from the S3 "Object Created" event. */
export interface BulkImportInput {
  bucket: string;
  key: string;
  size: number;
  /** Every read is pinned to this ETag (If-Match), so a file replaced mid-import fails loudly instead of mixing two versions. */
  etag: string;
  versionId?: string;
}

/** The planner's event: the execution input and the execution's name (its run folder). */
export interface PlanRequest {
  input: BulkImportInput;
  executionName: string;
}

/** What every batch needs besides its range. */
export interface ImportContext extends BulkImportInput {
  entity: string;
  format: Exclude<InputFormat, 'json'>;
  /** CSV: the header's cells (each range after the header is read with them). */
  header?: string[];
  runPrefix: string;
  errorsKey: string;
}

export type PlanResult =
  | { status: 'rejected'; reason: string; errorsKey: string }
  | { status: 'planned'; import: ImportContext; manifestKey: string; batches: number };

/** One item of the manifest: a line-aligned byte range and the name of its result objects. */
export interface BatchItem extends Omit<LineRange, 'batch'> {
  batch: number;
  name: string;
}

/** A Distributed Map item as the batch function receives it (ItemSelector: the range and the import context). */
export interface BatchRequest {
  range: BatchItem;
  import: ImportContext;
}

/** The first line of a batch's result object; its error lines follow, in line order. */
export interface BatchSummaryLine extends Pick<IngestSummary, 'accepted' | 'rejected' | 'created' | 'updated' | 'unchanged' | 'stale' | 'merged'> {
  batch: number;
  firstLine: number;
  lastLine: number;
}

/** The finisher's event: the plan (with the import context) and, when the Map itself failed, its error. */
export interface FinishRequest {
  import: ImportContext;
  manifestKey: string;
  batches: number;
  mapFailure?: { Error?: string; Cause?: string };
}

export const batchName = (batch: number) => String(batch).padStart(6, '0');
export const manifestKeyOf = (runPrefix: string) => `${runPrefix}manifest.json`;
export const batchResultKey = (runPrefix: string, name: string) => `${runPrefix}batches/${name}.ndjson`;
/** Written by the state machine itself (an S3 PutObject task) when a batch failed after its retries. */
export const batchFailureKey = (runPrefix: string, name: string) => `${runPrefix}batches/${name}.failed.json`;
export const completedMarkerKey = (runPrefix: string) => `${runPrefix}completed.json`;
