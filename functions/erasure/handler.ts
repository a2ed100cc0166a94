// Lambda entry for erasure: `DELETE /v1/customers/{id}` (HTTP API, operator role) and
// `CustomerErasureRequested` events from the bus. See erasure-request.ts.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import type { APIGatewayProxyEventV2, EventBridgeEvent } from 'aws-lambda';
import { logger } from '#lib/runtime/observability.ts';
import { requireEnv } from '#lib/runtime/env.ts';
import { EventBridgeBus } from '#lib/bus/eventbridge-bus.ts';
import { S3ObjectReadWriter } from '#lib/store/s3-object-store.ts';
import { handleErasureEvent, handleEraseRequest, type ErasureDeps } from './erasure-request.ts';

const deps: ErasureDeps = {
  client: new DynamoDBClient({ maxAttempts: 5 }),
  tableName: requireEnv('TABLE_NAME'),
  lake: new S3ObjectReadWriter({ client: new S3Client({}), bucket: requireEnv('LAKE_BUCKET') }),
  lakePrefix: process.env.LAKE_PREFIX ?? 'lake/',
  bus: new EventBridgeBus({ client: new EventBridgeClient({}), busName: requireEnv('EVENT_BUS_NAME') }),
  operatorRoleArn: requireEnv('OPERATOR_ROLE_ARN'),
};

type Incoming = APIGatewayProxyEventV2 | EventBridgeEvent<string, { customerId?: unknown; requestedBy?: unknown }>;

export const handler = middy<Incoming, unknown>()
  .use(injectLambdaContext(logger))
  .handler(async (event) => {
    if ('detail-type' in event) {
      const result = await handleErasureEvent(deps, event);
      // Ids and counts only: the audit item in the table has the same.
      logger.info('erasure by event', { result });
      return result;
    }
    const response = await handleEraseRequest(deps, event);
    logger.info('erasure request', { status: response.statusCode, customerId: event.pathParameters?.id });
    return response;
  });
