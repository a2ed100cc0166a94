// One stream batch: write the changes to the lake as Parquet (one object per table and day, named by
// the batch's sequence range so a retried batch rewrites the same object), then publish domain events.
// In between, the automation index items are brought up to date, so a rule reacting to an event reads the index
// as of that change. Events that still fail after retries are reported as batch item failures from the earliest
// one, so Lambda retries from there (and finally dead-letters); lake rows carry `seq` so replays deduplicate.
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { lakeColumns } from '#schemas/columns.ts';
import type { EventBus } from '#lib/bus/event-bus.ts';
import type { ObjectStore } from '#lib/store/object-store.ts';
import { encodeParquet } from '#lib/lake/parquet.ts';
import { maintainAutomationIndex, type IndexTarget } from './automation-index-ops.ts';
import { maintainProfileSummaries } from './profile-index.ts';
import { toChange, type Change } from './changes.ts';
import { domainEvents } from './domain-events.ts';
import { toLakeRow } from './lake-rows.ts';
import type { Pseudonymize } from './pseudonymize.ts';

export interface StreamDeps {
  /** Puts only: lake files are immutable, so the stream needs (and in AWS holds) no read or delete. */
  lake: Pick<ObjectStore, 'put'>;
  bus: EventBus;
  hash: Pseudonymize;
  /** Key prefix of the lake inside the store, e.g. `lake/` in S3, '' for a local lake folder. */
  lakePrefix?: string;
  /** The CRM table, where the automation index items live. */
  index: IndexTarget;
}

export interface BatchStats {
  changes: number;
  files: string[];
  events: number;
  failedEvents: number;
  /** Automation index writes (puts, deletes, conditional maxima). */
  indexWrites?: number;
}

export const lakeObjectKey = (prefix: string, table: string, dt: string, changes: Change[]) =>
  `${prefix}${table}/dt=${dt}/${changes[0]!.seq}-${changes[changes.length - 1]!.seq}.parquet`;

export async function processStreamBatch(deps: StreamDeps, event: DynamoDBStreamEvent, stats?: BatchStats): Promise<DynamoDBBatchResponse> {
  const changes = event.Records.map(toChange).filter((c): c is Change => c !== undefined);

  const groups = new Map<string, Change[]>();
  for (const c of changes) {
    const dt = c.changedAt.toISOString().slice(0, 10);
    const key = `${c.entity.table}\u0000${dt}`;
    const list = groups.get(key);
    if (list) list.push(c);
    else groups.set(key, [c]);
  }
  // A lake write failure throws: Lambda bisects and retries the whole batch, which is idempotent.
  const files = await Promise.all(
    [...groups.entries()].map(async ([key, group]) => {
      const [table, dt] = key.split('\u0000') as [string, string];
      const objectKey = lakeObjectKey(deps.lakePrefix ?? '', table, dt, group);
      await deps.lake.put(objectKey, encodeParquet(lakeColumns(group[0]!.entity), group.map((c) => toLakeRow(c, deps.hash))), 'application/vnd.apache.parquet');
      return objectKey;
    }),
  );

  // An index write failure throws too: the writes are idempotent, so the retried batch converges.
  // The profile summaries (value, latest orders and activities) are items of their own: written side by side.
  const [indexWrites, summaryWrites] = await Promise.all([maintainAutomationIndex(deps.index, changes), maintainProfileSummaries(deps.index, changes)]);

  const events = changes.flatMap((c) => domainEvents(c, deps.hash).map((e) => ({ e, seq: c.sequenceNumber, order: c.seq })));
  const failures = events.length ? await deps.bus.publish(events.map((x) => x.e)) : [];
  if (stats) {
    stats.changes += changes.length;
    stats.files.push(...files);
    stats.events += events.length;
    stats.failedEvents += failures.length;
    stats.indexWrites = (stats.indexWrites ?? 0) + indexWrites + summaryWrites;
  }
  if (failures.length === 0) return { batchItemFailures: [] };
  const earliest = failures.map((f) => events[f.index]!).sort((a, b) => (a.order < b.order ? -1 : 1))[0]!;
  return { batchItemFailures: [{ itemIdentifier: earliest.seq }] };
}
