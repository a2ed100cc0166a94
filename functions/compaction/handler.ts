// Lambda entry of the lake compaction: the compaction state machine (infra/constructs/compaction-state-machine.ts)
// invokes it once per table with `{"tables": [table], "date": "YYYY-MM-DD" | null, "startedAt": ISO}`; without a date it
// compacts the last complete day before startedAt (the execution's start, the same for every table of a run). An
// operator may invoke it directly with several tables. Each table is one CTAS over its previous snapshot and the
// changes since, so a run reads O(current data).
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { AthenaClient } from '@aws-sdk/client-athena';
import { S3Client } from '@aws-sdk/client-s3';
import { lastCompleteDay } from '#lib/lake/compaction-sql.ts';
import { AthenaQueryEngine } from '#lib/query/athena-engine.ts';
import { requireEnv } from '#lib/runtime/env.ts';
import { logger } from '#lib/runtime/observability.ts';
import { S3ObjectStore } from '#lib/store/s3-object-store.ts';
import { AthenaSnapshotWriter } from './athena-snapshot-writer.ts';
import { compactLake, type TableCompaction } from './compact-lake.ts';

const bucketName = requireEnv('LAKE_BUCKET');
const lakePrefix = process.env.LAKE_PREFIX ?? 'lake/';
const lake = new S3ObjectStore({ client: new S3Client({}), bucket: bucketName });
// The CTAS of the largest table must finish well inside the function's 15 minutes.
const engine = new AthenaQueryEngine({ client: new AthenaClient({}), workGroup: requireEnv('WORKGROUP'), database: requireEnv('GLUE_DATABASE'), timeoutMs: 12 * 60_000 });

export interface CompactionRequest {
  /** The day to compact; absent or null: the last complete day before startedAt. */
  date?: string | null;
  tables?: string[];
  /** When the run started (ISO 8601): fixes the default day for all of the run's invocations. */
  startedAt?: string;
}

export const handler = middy<CompactionRequest | undefined, TableCompaction[]>()
  .use(injectLambdaContext(logger))
  .handler(async (event) => {
    const startedAt = event?.startedAt ? new Date(event.startedAt) : new Date();
    if (Number.isNaN(startedAt.getTime())) throw new Error(`compaction request: startedAt "${event?.startedAt}" is not an ISO 8601 instant`);
    const day = event?.date ?? lastCompleteDay(startedAt);
    const done = await compactLake({ writer: new AthenaSnapshotWriter({ engine, lake, bucketName, lakePrefix }), lake, lakePrefix }, day, event?.tables);
    logger.info('lake compacted', { day, tables: done });
    return done;
  });
