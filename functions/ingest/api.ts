// Lambda entry for the HTTP API (IAM-authorised): `POST /v1/{entity}`.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { logger, metrics } from '#lib/runtime/observability.ts';
import { requireEnv } from '#lib/runtime/env.ts';
import { RecordWriter } from './record-writer.ts';
import { handleIngestRequest } from './http-ingest.ts';

const writer = new RecordWriter({ client: new DynamoDBClient({ maxAttempts: 5 }), tableName: requireEnv('TABLE_NAME') });

export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .handler(async (event) => {
    const response = await handleIngestRequest(writer, event);
    const body = JSON.parse(response.body ?? '{}') as { accepted?: number; rejected?: number; failed?: number };
    metrics.addMetric('RecordsAccepted', MetricUnit.Count, body.accepted ?? 0);
    metrics.addMetric('RecordsRejected', MetricUnit.Count, body.rejected ?? 0);
    metrics.addMetric('RecordsFailed', MetricUnit.Count, body.failed ?? 0);
    logger.info('ingest request', { entity: event.pathParameters?.entity, status: response.statusCode, ...body, results: undefined });
    return response;
  });
