// Lambda entry of the daily lake compaction (EventBridge Scheduler): compacts every lake table into the snapshot
// of the last complete day (or `{"date": "YYYY-MM-DD", "tables": [...]}` from the schedule's input or an operator).
// Each table is one CTAS over its previous snapshot and the changes since, so a run reads O(current data).
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
  date?: string;
  tables?: string[];
}

export const handler = middy<CompactionRequest | undefined, TableCompaction[]>()
  .use(injectLambdaContext(logger))
  .handler(async (event) => {
    const day = event?.date ?? lastCompleteDay();
    const done = await compactLake({ writer: new AthenaSnapshotWriter({ engine, lake, bucketName, lakePrefix }), lake, lakePrefix }, day, event?.tables);
    logger.info('lake compacted', { day, tables: done });
    return done;
  });
