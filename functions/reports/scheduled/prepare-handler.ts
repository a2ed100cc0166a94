// Lambda entry of a report state machine's first step: validates the request, fixes the as-of date
// and returns the Athena statements of the report's SQL tables (text bundled, parameters as literals).
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logger } from '#lib/runtime/observability.ts';
import { readBundledReportSql } from '../bundled-report-sql.ts';
import { prepareReportRun, type PreparedReportRun, type ReportRunRequest } from './report-run.ts';

export const handler = middy<ReportRunRequest, PreparedReportRun>()
  .use(injectLambdaContext(logger))
  .handler(async (request) => {
    const run = await prepareReportRun(request, readBundledReportSql);
    logger.info('report run prepared', { report: run.report, asOf: run.asOf, tables: run.queries.map((q) => q.table) });
    return run;
  });
