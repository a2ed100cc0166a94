// Lambda entry of the bulk import's Plan state: cuts the object into the manifest of line-aligned byte ranges.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { S3Client } from '@aws-sdk/client-s3';
import { logger } from '#lib/runtime/observability.ts';
import { planImport } from './plan-import.ts';
import type { PlanRequest, PlanResult } from './bulk-contract.ts';

const s3 = new S3Client({});
const positive = (name: string) => {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : undefined;
};
const options = {
  ...(positive('BATCH_BYTES') ? { targetBytes: positive('BATCH_BYTES')! } : {}),
  ...(positive('BATCH_RECORDS') ? { targetRecords: positive('BATCH_RECORDS')! } : {}),
};

export const handler = middy<PlanRequest, PlanResult>()
  .use(injectLambdaContext(logger))
  .handler(async (request) => {
    const result = await planImport(s3, request, options);
    logger.info('bulk import planned', { key: request.input.key, size: request.input.size, status: result.status, ...(result.status === 'planned' ? { batches: result.batches } : { reason: result.reason }) });
    return result;
  });
