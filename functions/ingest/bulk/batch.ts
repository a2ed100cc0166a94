// Lambda entry of the bulk import's batch state (one Distributed Map item): imports one byte range of the file.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { logger, metrics } from '#lib/runtime/observability.ts';
import { requireEnv } from '#lib/runtime/env.ts';
import { RecordWriter } from '../record-writer.ts';
import { importBatch } from './import-batch.ts';
import type { BatchRequest, BatchSummaryLine } from './bulk-contract.ts';

const deps = {
  s3: new S3Client({}),
  writer: new RecordWriter({ client: new DynamoDBClient({ maxAttempts: 8 }), tableName: requireEnv('TABLE_NAME') }),
};

export const handler = middy<BatchRequest, BatchSummaryLine>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .handler(async (request) => {
    const summary = await importBatch(deps, request);
    metrics.addMetric('ImportRowsAccepted', MetricUnit.Count, summary.accepted);
    metrics.addMetric('ImportRowsRejected', MetricUnit.Count, summary.rejected);
    logger.info('bulk import batch', { key: request.import.key, ...summary });
    return summary;
  });
