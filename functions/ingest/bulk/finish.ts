// Lambda entry of the bulk import's Finish state: one errors file, one ImportCompleted event.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { logger } from '#lib/runtime/observability.ts';
import { requireEnv } from '#lib/runtime/env.ts';
import { EventBridgeBus } from '#lib/bus/eventbridge-bus.ts';
import { finishImport, type FinishOutcome } from './finish-import.ts';
import type { FinishRequest } from './bulk-contract.ts';

const deps = {
  s3: new S3Client({}),
  bus: new EventBridgeBus({ client: new EventBridgeClient({}), busName: requireEnv('EVENT_BUS_NAME') }),
};

export const handler = middy<FinishRequest, Omit<FinishOutcome, 'detail'> & { accepted: number; rejected: number }>()
  .use(injectLambdaContext(logger))
  .handler(async (request) => {
    const outcome = await finishImport(deps, request);
    logger.info('bulk import finished', { ...outcome.detail, failedBatches: outcome.failedBatches.length, alreadyPublished: outcome.alreadyPublished });
    // Small output: the state's result stays far below Step Functions' 256 KiB payload limit.
    return { accepted: outcome.detail.accepted, rejected: outcome.detail.rejected, failedBatches: outcome.failedBatches.slice(0, 100), alreadyPublished: outcome.alreadyPublished };
  });
