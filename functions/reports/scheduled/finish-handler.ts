// Lambda entry of a report state machine's last step (finish-run.ts): Athena results → report files
// on S3 → events on the bus. SQL and the chart library travel inside the bundle as text.
import '../dashboard/bundled-chart-library.ts';
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { AthenaClient } from '@aws-sdk/client-athena';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { EventBridgeBus } from '#lib/bus/eventbridge-bus.ts';
import { AthenaResultsReader } from '#lib/query/athena-results.ts';
import { requireEnv } from '#lib/runtime/env.ts';
import { logger } from '#lib/runtime/observability.ts';
import { S3ObjectStore } from '#lib/store/s3-object-store.ts';
import type { ReportCompletedDetail } from '#schemas/events.ts';
import { readBundledReportSql } from '../bundled-report-sql.ts';
import { finishReportRun, type FinishReportRunDeps, type FinishReportRunInput } from './finish-run.ts';

const bucket = requireEnv('LAKE_BUCKET');
const store = new S3ObjectStore({ client: new S3Client({}), bucket, prefix: requireEnv('REPORTS_PREFIX') });
const deps: FinishReportRunDeps = {
  athena: new AthenaResultsReader(new AthenaClient({})),
  store,
  bus: new EventBridgeBus({ client: new EventBridgeClient({}), busName: requireEnv('EVENT_BUS_NAME') }),
  readSql: readBundledReportSql,
  bucket,
  prefix: store.prefix,
};

export const handler = middy<FinishReportRunInput, ReportCompletedDetail>()
  .use(injectLambdaContext(logger))
  .handler(async (input) => {
    const detail = await finishReportRun(deps, input);
    logger.info('report run completed', { report: detail.report, asOf: detail.asOf, events: detail.events });
    return detail;
  });
