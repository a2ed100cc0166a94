// Lambda entry for the customer look-ups on the HTTP API (IAM-authorised): `GET /v1/customers/{id}` and
// `GET /v1/customers?phone=...|email=...`. Reads only (GetItem, BatchGetItem, Query on the table).
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { logger, metrics } from '#lib/runtime/observability.ts';
import { requireEnv } from '#lib/runtime/env.ts';
import { handleCustomerRequest } from './http-customers.ts';

// Created once per execution environment (and warmed by provisioned concurrency when configured).
const client = new DynamoDBClient({ maxAttempts: 3 });
const tableName = requireEnv('TABLE_NAME');

export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .handler(async (event) => {
    const started = performance.now();
    const response = await handleCustomerRequest(client, tableName, event);
    const ms = performance.now() - started;
    metrics.addMetric('ProfileLookupTime', MetricUnit.Milliseconds, ms);
    // Ids and status only: the phone or e-mail asked for is personal data and stays out of the logs.
    logger.info('customer look-up', { by: event.pathParameters?.id ? 'id' : event.queryStringParameters?.phone ? 'phone' : 'email', status: response.statusCode, ms: Math.round(ms * 10) / 10 });
    return response;
  });
