// The command line against a deployed stage (`--stage NAME`): the same arguments, output and exit codes
// as the local commands, with the stack's HTTP API, Athena workgroup, state machines and bucket behind them.
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { AthenaClient } from '@aws-sdk/client-athena';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { AnyEntity } from '#schemas/registry.ts';
import type { CustomerProfile, CustomerQuery, LookupResult, ProfileCandidate } from '#lib/profile/customer-profile.ts';
import { AthenaQueryEngine } from '#lib/query/athena-engine.ts';
import { formatResult, type OutputFormat } from '#lib/query/format.ts';
import { readRecords, type InputFormat } from '#functions/ingest/record-reader.ts';
import type { IngestSummary, RowError } from '#functions/ingest/ingest-rows.ts';
import { DASHBOARD_FILE, runPrefix } from '#functions/reports/report-layout.ts';
import { stackOutput, StageError, type DeployedStack } from './deployed-stack.ts';
import { SignedApi } from './signed-api.ts';

/** Records per POST: the API's limit. */
export const API_BATCH_SIZE = 500;
/** Lifetime of `crm report open` links. */
export const DASHBOARD_URL_SECONDS = 300;

export const signedApi = (stack: DeployedStack) => new SignedApi({ baseUrl: stackOutput(stack, 'ApiUrl'), region: stack.region, credentials: stack.credentials });

interface ApiRecordResult {
  index: number;
  id?: string;
  status: 'created' | 'updated' | 'unchanged' | 'stale' | 'rejected' | 'failed';
  errors?: { field: string; message: string }[];
}

/** `crm ingest FILE --entity E --stage S`: the file's records POSTed in batches of 500; the summary as locally. */
export async function ingestToStage(api: SignedApi, file: string, entity: AnyEntity, format: InputFormat): Promise<IngestSummary> {
  let input: Readable = createReadStream(file);
  if (file.endsWith('.gz')) input = input.pipe(createGunzip());
  const summary: IngestSummary = { accepted: 0, rejected: 0, created: 0, updated: 0, unchanged: 0, stale: 0, merged: 0, failed: 0, errors: [] };
  let batch: { line: number; position?: number; value: unknown }[] = [];
  const send = async () => {
    if (!batch.length) return;
    const rows = batch;
    batch = [];
    const response = await api.request('POST', `v1/${entity.table}`, rows.map((r) => r.value));
    const body = response.body as { results?: ApiRecordResult[]; message?: string } | null;
    if (!body?.results || (response.status !== 200 && response.status !== 207 && response.status !== 503)) {
      throw new Error(`POST /v1/${entity.table} answered ${response.status}: ${typeof body === 'object' && body?.message ? body.message : JSON.stringify(body)}`);
    }
    for (const result of body.results) {
      const row = rows[result.index]!;
      const at = { line: row.line, ...(row.position !== undefined ? { position: row.position } : {}), ...(result.id ? { id: result.id } : {}) };
      if (result.status === 'rejected' || result.status === 'failed') {
        summary[result.status] += 1;
        for (const e of result.errors ?? [{ field: '(record)', message: result.status }]) summary.errors.push({ ...at, field: e.field, message: e.message });
      } else {
        summary.accepted += 1;
        summary[result.status] += 1;
      }
    }
  };
  for await (const row of readRecords(input, format, entity)) {
    if ('errors' in row) {
      summary.rejected += 1;
      for (const e of row.errors) summary.errors.push({ line: row.line, ...(row.position !== undefined ? { position: row.position } : {}), field: e.field, message: e.message } as RowError);
      continue;
    }
    if (row.cellErrors?.length) {
      summary.rejected += 1;
      for (const e of row.cellErrors) summary.errors.push({ line: row.line, field: e.field, message: e.message } as RowError);
      continue;
    }
    batch.push({ line: row.line, ...(row.position !== undefined ? { position: row.position } : {}), value: row.value });
    if (batch.length >= API_BATCH_SIZE) await send();
  }
  await send();
  summary.errors.sort((a, b) => a.line - b.line || (a.position ?? 0) - (b.position ?? 0));
  return summary;
}

/** `crm query SQL --stage S`: the statement in the stack's workgroup and database, printed as locally. */
export async function queryStage(stack: DeployedStack, sql: string, format: OutputFormat, client = new AthenaClient({ region: stack.region, credentials: stack.credentials })): Promise<string> {
  const engine = new AthenaQueryEngine({ client, workGroup: stackOutput(stack, 'AthenaWorkGroup'), database: stackOutput(stack, 'GlueDatabase') });
  return formatResult(await engine.query(sql), format);
}

function stateMachineOf(stack: DeployedStack, report: string): string {
  const machines = JSON.parse(stackOutput(stack, 'ReportStateMachines')) as Record<string, string>;
  const arn = machines[report];
  if (!arn) throw new StageError(`stack ${stack.stackName} has no state machine for report ${report} (it has: ${Object.keys(machines).join(', ')})`);
  return arn;
}

export interface StageReportRun {
  report: string;
  asOf: string;
  status: string;
  executionArn: string;
  output?: unknown;
  error?: string;
}

/** `crm report NAME --stage S`: starts the report's state machine (the scheduled run, now) and waits for it. */
export async function runStageReport(
  stack: DeployedStack,
  report: string,
  asOf: string,
  options: { client?: SFNClient; pollMs?: number; sleep?: (ms: number) => Promise<void>; now?: () => number } = {},
): Promise<StageReportRun> {
  const client = options.client ?? new SFNClient({ region: stack.region, credentials: stack.credentials });
  const sleep = options.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const started = await client.send(
    new StartExecutionCommand({ stateMachineArn: stateMachineOf(stack, report), name: `cli-${asOf}-${(options.now ?? Date.now)()}`, input: JSON.stringify({ asOf }) }),
  );
  const executionArn = started.executionArn!;
  for (let wait = options.pollMs ?? 2000; ; wait = Math.min(wait * 2, 15_000)) {
    const execution = await client.send(new DescribeExecutionCommand({ executionArn }));
    if (execution.status !== 'RUNNING' && execution.status !== 'PENDING_REDRIVE') {
      return {
        report,
        asOf,
        status: execution.status ?? 'UNKNOWN',
        executionArn,
        ...(execution.output ? { output: JSON.parse(execution.output) } : {}),
        ...(execution.status !== 'SUCCEEDED' ? { error: [execution.error, execution.cause].filter(Boolean).join(': ') || String(execution.status) } : {}),
      };
    }
    await sleep(wait);
  }
}

/** `crm report open NAME [--as-of D] --stage S`: a pre-signed link to the run's dashboard (latest run without --as-of). */
export async function dashboardUrl(stack: DeployedStack, report: string, asOf: string | undefined, client = new S3Client({ region: stack.region, credentials: stack.credentials })): Promise<string> {
  const bucket = stackOutput(stack, 'LakeBucketName');
  const prefix = new URL(stackOutput(stack, 'ReportsLocation')).pathname.replace(/^\//, '');
  let day = asOf;
  if (!day) {
    const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix}${report}/`, Delimiter: '/' }));
    const days = (listed.CommonPrefixes ?? []).map((p) => /as_of=(\d{4}-\d{2}-\d{2})\/$/.exec(p.Prefix ?? '')?.[1]).filter((d): d is string => !!d).sort();
    day = days.at(-1);
    if (!day) throw new StageError(`report ${report} has no runs in s3://${bucket}/${prefix}${report}/ yet: run crm report ${report} --stage ${stack.stage}`);
  }
  return getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: `${prefix}${runPrefix(report, day)}${DASHBOARD_FILE}` }), { expiresIn: DASHBOARD_URL_SECONDS });
}

/** `crm customer ID --stage S`: GET /v1/customers/{id}; undefined when there is no such customer. */
export async function customerFromStage(api: SignedApi, id: string): Promise<unknown> {
  const response = await api.request('GET', `v1/customers/${encodeURIComponent(id)}`);
  if (response.status === 404) return undefined;
  if (response.status !== 200) throw new Error(`GET /v1/customers/${id} answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body;
}

/**
 * `crm customer ID | --phone P | --email E --stage S`: GET /v1/customers/{id} or ?phone=|?email= through the API,
 * its answers (200, 300 candidates, 400, 404) mapped back to the local look-up's result so the exit codes agree.
 */
export async function customerLookupFromStage(api: SignedApi, query: CustomerQuery): Promise<LookupResult> {
  const path = 'id' in query
    ? `v1/customers/${encodeURIComponent(query.id)}`
    : `v1/customers?${new URLSearchParams('phone' in query ? { phone: query.phone } : { email: query.email }).toString()}`;
  const response = await api.request('GET', path);
  const body = (response.body ?? {}) as { message?: string; candidates?: ProfileCandidate[] };
  switch (response.status) {
    case 200: {
      const profile = response.body as CustomerProfile;
      return { status: 'found', customerId: String(profile.customer?.['id'] ?? ('id' in query ? query.id : '')), profile };
    }
    case 300:
      return { status: 'ambiguous', message: body.message ?? 'several customers match', candidates: body.candidates ?? [] };
    case 400:
      return { status: 'invalid', message: body.message ?? 'the API refused the look-up' };
    case 404:
      return { status: 'not_found', message: body.message ?? 'no such customer' };
    default:
      throw new Error(`GET /${path} answered ${response.status}: ${JSON.stringify(response.body)}`);
  }
}
