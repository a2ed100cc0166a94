// Lambda entry starting bulk imports: EventBridge "Object Created" events of import files above the bulk threshold.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { EventBridgeEvent } from 'aws-lambda';
import { logger } from '#lib/runtime/observability.ts';
import { requireEnv } from '#lib/runtime/env.ts';
import { startImport, type ObjectCreatedDetail } from './start-import.ts';

const sfn = new SFNClient({});
const stateMachineArn = requireEnv('STATE_MACHINE_ARN');

export const handler = middy<EventBridgeEvent<'Object Created', ObjectCreatedDetail>, void>()
  .use(injectLambdaContext(logger))
  .handler(async (event) => {
    const outcome = await startImport(sfn, stateMachineArn, event.detail);
    logger.info('bulk import start', { bucket: event.detail.bucket.name, key: event.detail.object.key, size: event.detail.object.size, ...outcome });
  });
