// Lambda entry for the DynamoDB stream: lake (S3 Parquet), automation index items (DynamoDB) and domain events (EventBridge).
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { logger, metrics } from '#lib/runtime/observability.ts';
import { requireEnv } from '#lib/runtime/env.ts';
import { EventBridgeBus } from '#lib/bus/eventbridge-bus.ts';
import { S3ObjectWriter } from '#lib/store/s3-object-store.ts';
import { keyedHasher } from './pseudonymize.ts';
import { processStreamBatch, type BatchStats, type StreamDeps } from './process-batch.ts';

const secrets = new SecretsManagerClient({});
const s3 = new S3Client({});
let deps: StreamDeps | undefined;

// The HMAC key is read once per execution environment; it never appears in logs or environment variables.
async function init(): Promise<StreamDeps> {
  if (deps) return deps;
  const secret = await secrets.send(new GetSecretValueCommand({ SecretId: requireEnv('PSEUDONYM_SECRET_ARN') }));
  deps = {
    lake: new S3ObjectWriter({ client: s3, bucket: requireEnv('LAKE_BUCKET') }),
    bus: new EventBridgeBus({ client: new EventBridgeClient({}), busName: requireEnv('EVENT_BUS_NAME') }),
    hash: keyedHasher(secret.SecretString ?? ''),
    lakePrefix: process.env.LAKE_PREFIX ?? 'lake/',
    index: { client: new DynamoDBClient({}), tableName: requireEnv('TABLE_NAME') },
  };
  return deps;
}

export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .handler(async (event) => {
    const stats: BatchStats = { changes: 0, files: [], events: 0, failedEvents: 0 };
    const response = await processStreamBatch(await init(), event, stats);
    metrics.addMetric('LakeRowsWritten', MetricUnit.Count, stats.changes);
    metrics.addMetric('EventsPublished', MetricUnit.Count, stats.events - stats.failedEvents);
    metrics.addMetric('EventsFailed', MetricUnit.Count, stats.failedEvents);
    metrics.addMetric('IndexWrites', MetricUnit.Count, stats.indexWrites ?? 0);
    if (response.batchItemFailures.length) logger.warn('events not published; batch will be retried from the first failure', { failures: stats.failedEvents, from: response.batchItemFailures[0] });
    return response;
  });
