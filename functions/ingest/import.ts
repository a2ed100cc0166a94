// Lambda entry for bulk imports: EventBridge "Object Created" events of the import bucket.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import type { EventBridgeEvent } from 'aws-lambda';
import { logger, metrics } from '#lib/runtime/observability.ts';
import { requireEnv } from '#lib/runtime/env.ts';
import { EventBridgeBus } from '#lib/bus/eventbridge-bus.ts';
import { RecordWriter } from './record-writer.ts';
import { importObject } from './s3-import.ts';

type ObjectCreated = EventBridgeEvent<'Object Created', { bucket: { name: string }; object: { key: string; size?: number } }>;

const deps = {
  s3: new S3Client({}),
  writer: new RecordWriter({ client: new DynamoDBClient({ maxAttempts: 8 }), tableName: requireEnv('TABLE_NAME') }),
  bus: new EventBridgeBus({ client: new EventBridgeClient({}), busName: requireEnv('EVENT_BUS_NAME') }),
};

export const handler = middy<ObjectCreated, void>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .handler(async (event) => {
    const bucket = event.detail.bucket.name;
    // EventBridge delivers the key as stored (unlike S3's own notifications, which URL-encode it): decoding it would
    // turn '+' into a space and throw on a '%' that starts no escape.
    const key = event.detail.object.key;
    const outcome = await importObject(deps, bucket, key);
    if (outcome.status === 'completed') {
      metrics.addMetric('ImportRowsAccepted', MetricUnit.Count, outcome.detail.accepted);
      metrics.addMetric('ImportRowsRejected', MetricUnit.Count, outcome.detail.rejected);
      // Valid rows that could not be written are a system failure: fail so EventBridge retries (re-import is idempotent).
      if (outcome.summary.failed > 0) throw new Error(`${outcome.summary.failed} rows of ${key} could not be written; the import will be retried`);
    }
    logger.info('import processed', { bucket, key, ...outcome, summary: undefined });
  });
