// `--stage`: the command line against a deployed stack, with AWS mocked (exact SDK calls) and a local HTTP
// server on 127.0.0.1 standing in for the IAM-authorised API (signatures, batching, 503 retries).
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { findEntity } from '#schemas/registry.ts';
import { main } from '#local/cli/main.ts';
import { resolveDeployedStack, type DeployedStack } from '#local/stage/deployed-stack.ts';
import { SignedApi } from '#local/stage/signed-api.ts';
import { customerFromStage, dashboardUrl, ingestToStage, queryStage, runStageReport } from '#local/stage/stage-commands.ts';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const cfn = mockClient(CloudFormationClient);
const athena = mockClient(AthenaClient);
const sfn = mockClient(SFNClient);
const s3 = mockClient(S3Client);
afterEach(() => {
  cfn.reset();
  athena.reset();
  sfn.reset();
  s3.reset();
});

const outputs = {
  ApiUrl: 'https://abc.execute-api.eu-central-1.amazonaws.com/',
  AthenaWorkGroup: 'crm-test',
  GlueDatabase: 'crm_test',
  LakeBucketName: 'crm-test-lake',
  ReportsLocation: 's3://crm-test-lake/reports/',
  ReportStateMachines: JSON.stringify({ sales_overview: 'arn:aws:states:eu-central-1:123456789012:stateMachine:crm-test-report-sales_overview' }),
};
const stack = (extra: Partial<DeployedStack> = {}): DeployedStack => ({ stage: 'test', stackName: 'Crm-test', region: 'eu-central-1', credentials, outputs, ...extra });

describe('the deployed stack', () => {
  it('reads the outputs of Crm-<stage> with DescribeStacks', async () => {
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'Crm-test', CreationTime: new Date(), StackStatus: 'CREATE_COMPLETE', Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })) }] });
    const found = await resolveDeployedStack('test', { region: 'eu-central-1', credentials: async () => credentials, cloudFormation: new CloudFormationClient({ region: 'eu-central-1' }) });
    expect(cfn).toHaveReceivedCommandWith(DescribeStacksCommand, { StackName: 'Crm-test' });
    expect(found.outputs).toEqual(outputs);
  });

  it('names what is missing: credentials, region, the stack', async () => {
    await expect(resolveDeployedStack('test', { region: 'eu-central-1', credentials: async () => Promise.reject(new Error('Could not load credentials from any providers')) })).rejects.toThrow(
      /--stage needs AWS credentials and found none \(Could not load credentials from any providers\): set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/,
    );
    vi.stubEnv('AWS_REGION', '');
    vi.stubEnv('AWS_DEFAULT_REGION', '');
    await expect(resolveDeployedStack('test', { credentials: async () => credentials })).rejects.toThrow('--stage needs an AWS region: set AWS_REGION (or AWS_DEFAULT_REGION)');
    vi.unstubAllEnvs();
    cfn.on(DescribeStacksCommand).rejects(Object.assign(new Error('Stack with id Crm-nope does not exist'), { name: 'ValidationError' }));
    await expect(resolveDeployedStack('nope', { region: 'eu-central-1', credentials: async () => credentials, cloudFormation: new CloudFormationClient({ region: 'eu-central-1' }) })).rejects.toThrow(
      'no stack Crm-nope in eu-central-1: deploy it with npx cdk deploy -c stage=nope',
    );
  });

  it('crm query --stage and crm ingest --stage without credentials: exit 1 and a message naming them', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'crm-stage-nocreds-'));
    const file = path.join(dir, 'orders.ndjson');
    await writeFile(file, '{"id":"o-1"}\n');
    for (const [key, value] of Object.entries({ AWS_REGION: 'eu-central-1', AWS_PROFILE: '', AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_SESSION_TOKEN: '', AWS_EC2_METADATA_DISABLED: 'true', AWS_CONTAINER_CREDENTIALS_FULL_URI: '', AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '', AWS_WEB_IDENTITY_TOKEN_FILE: '', AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'none'), AWS_CONFIG_FILE: path.join(dir, 'none') })) vi.stubEnv(key, value);
    const stderr: string[] = [];
    const stdout: string[] = [];
    const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (stderr.push(String(chunk)), true));
    const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (stdout.push(String(chunk)), true));
    try {
      expect(await main(['query', 'SELECT 1', '--stage', 'test'])).toBe(1);
      expect(await main(['ingest', file, '--entity', 'order', '--stage', 'test'])).toBe(1);
    } finally {
      err.mockRestore();
      out.mockRestore();
      vi.unstubAllEnvs();
      await rm(dir, { recursive: true, force: true });
    }
    expect(stdout).toEqual([]);
    expect(stderr.filter((l) => l.includes('--stage needs AWS credentials'))).toHaveLength(2);
    expect(cfn.calls()).toHaveLength(0);
  }, 60_000);
});

describe('crm query --stage', () => {
  it('runs the statement in the stack’s workgroup and database and prints it as locally', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'qe-1' });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { QueryExecutionId: 'qe-1', StatementType: 'DML', Status: { State: 'SUCCEEDED' } } });
    athena.on(GetQueryResultsCommand).resolves({ ResultSet: { ResultSetMetadata: { ColumnInfo: [{ Name: '_col0', Label: '_col0', Type: 'integer' }] }, Rows: [{ Data: [{ VarCharValue: '_col0' }] }, { Data: [{ VarCharValue: '1' }] }] } });
    const text = await queryStage(stack(), 'SELECT 1', 'json', new AthenaClient({ region: 'eu-central-1' }));
    expect(athena).toHaveReceivedCommandWith(StartQueryExecutionCommand, { QueryString: 'SELECT 1', WorkGroup: 'crm-test', QueryExecutionContext: { Database: 'crm_test' } });
    expect(JSON.parse(text)).toEqual([{ _col0: 1 }]);
  });
});

describe('crm report --stage', () => {
  it('starts the report’s state machine with the as-of date and waits for it', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec:1', startDate: new Date() });
    sfn.on(DescribeExecutionCommand).resolvesOnce({ executionArn: 'arn:exec:1', stateMachineArn: 'x', status: 'RUNNING', startDate: new Date() })
      .resolves({ executionArn: 'arn:exec:1', stateMachineArn: 'x', status: 'SUCCEEDED', startDate: new Date(), output: JSON.stringify({ report: 'sales_overview', asOf: '2026-10-31' }) });
    const waits: number[] = [];
    const run = await runStageReport(stack(), 'sales_overview', '2026-10-31', { client: new SFNClient({ region: 'eu-central-1' }), pollMs: 1000, sleep: async (ms) => void waits.push(ms), now: () => 42 });
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn: 'arn:aws:states:eu-central-1:123456789012:stateMachine:crm-test-report-sales_overview',
      name: 'cli-2026-10-31-42',
      input: JSON.stringify({ asOf: '2026-10-31' }),
    });
    expect(sfn).toHaveReceivedCommandTimes(DescribeExecutionCommand, 2);
    expect(waits).toEqual([1000]);
    expect(run).toEqual({ report: 'sales_overview', asOf: '2026-10-31', status: 'SUCCEEDED', executionArn: 'arn:exec:1', output: { report: 'sales_overview', asOf: '2026-10-31' } });
  });

  it('reports a failed execution with its error and cause', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec:2', startDate: new Date() });
    sfn.on(DescribeExecutionCommand).resolves({ executionArn: 'arn:exec:2', stateMachineArn: 'x', status: 'FAILED', startDate: new Date(), error: 'States.TaskFailed', cause: 'Athena query failed' });
    const run = await runStageReport(stack(), 'sales_overview', '2026-10-31', { client: new SFNClient({ region: 'eu-central-1' }) });
    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('States.TaskFailed: Athena query failed');
    await expect(runStageReport(stack(), 'rfm', '2026-10-31', { client: new SFNClient({ region: 'eu-central-1' }) })).rejects.toThrow('stack Crm-test has no state machine for report rfm (it has: sales_overview)');
  });

  it('crm report open: a pre-signed link to the latest run’s dashboard, valid five minutes', async () => {
    s3.on(ListObjectsV2Command).resolves({ CommonPrefixes: [{ Prefix: 'reports/sales_overview/as_of=2026-10-30/' }, { Prefix: 'reports/sales_overview/as_of=2026-10-31/' }] });
    const url = new URL(await dashboardUrl(stack(), 'sales_overview', undefined, new S3Client({ region: 'eu-central-1', credentials })));
    expect(s3).toHaveReceivedCommandWith(ListObjectsV2Command, { Bucket: 'crm-test-lake', Prefix: 'reports/sales_overview/', Delimiter: '/' });
    expect(url.hostname).toBe('crm-test-lake.s3.eu-central-1.amazonaws.com');
    expect(url.pathname).toBe('/reports/sales_overview/as_of%3D2026-10-31/dashboard.html');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(url.searchParams.get('X-Amz-Credential')).toMatch(/^AKIDEXAMPLE\/\d{8}\/eu-central-1\/s3\/aws4_request$/);
    const pinned = new URL(await dashboardUrl(stack(), 'sales_overview', '2026-10-30', new S3Client({ region: 'eu-central-1', credentials })));
    expect(pinned.pathname).toBe('/reports/sales_overview/as_of%3D2026-10-30/dashboard.html');
  });
});

describe('the signed API (a local server standing in)', () => {
  let server: Server;
  let baseUrl: string;
  const requests: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = [];
  let failFirst = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        requests.push({ method: req.method!, url: req.url!, headers: req.headers, body });
        if (failFirst > 0) {
          failFirst -= 1;
          res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'Throttled', message: 'every write was throttled' }));
          return;
        }
        if (req.method === 'GET') {
          const found = req.url === '/v1/customers/cus-1';
          res.writeHead(found ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(found ? { customer: { id: 'cus-1' }, orders: [] } : { error: 'NotFound', message: 'no customer' }));
          return;
        }
        const records = JSON.parse(body) as { id: string }[];
        const results = records.map((r, index) =>
          r.id === 'o-bad' ? { index, id: r.id, status: 'rejected', errors: [{ field: 'total', message: 'Required' }] } : { index, id: r.id, status: 'created' },
        );
        const rejected = results.filter((r) => r.status === 'rejected').length;
        res.writeHead(rejected ? 207 : 200, { 'content-type': 'application/json' }).end(JSON.stringify({ entity: 'order', accepted: records.length - rejected, rejected, failed: 0, results }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('ingest: batches of 500, SigV4-signed for execute-api, a 503 retried, the summary and errors as locally', async () => {
    // Prepare: 1,201 lines, one of them not JSON (rejected before sending), one the API rejects.
    const dir = await mkdtemp(path.join(tmpdir(), 'crm-stage-ingest-'));
    const file = path.join(dir, 'orders.ndjson');
    const lines = Array.from({ length: 1201 }, (_, i) => (i === 9 ? '{not json' : JSON.stringify({ id: i === 700 ? 'o-bad' : `o-${i}` })));
    await writeFile(file, `${lines.join('\n')}\n`);
    requests.length = 0;
    failFirst = 1;
    const api = new SignedApi({ baseUrl, region: 'eu-central-1', credentials, sleep: async () => undefined });
    try {
      // Act
      const summary = await ingestToStage(api, file, findEntity('order')!, 'ndjson');
      // Assess
      const posts = requests.filter((r) => r.method === 'POST');
      expect(posts.map((r) => JSON.parse(r.body).length)).toEqual([500, 500, 500, 200]);
      expect(posts[0]!.body).toBe(posts[1]!.body); // the throttled batch sent again, whole
      for (const r of posts) {
        expect(r.url).toBe('/v1/orders');
        expect(r.headers['content-type']).toBe('application/json');
        expect(r.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
        // The signed payload hash is the body's (computed here independently of the signer).
        expect(r.headers['x-amz-content-sha256']).toBe(createHash('sha256').update(r.body).digest('hex'));
        expect(r.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-central-1\/execute-api\/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/);
      }
      expect(new Set(posts.map((r) => r.headers.authorization)).size).toBeGreaterThanOrEqual(3);
      expect(summary).toMatchObject({ accepted: 1199, created: 1199, rejected: 2, failed: 0 });
      expect(summary.errors).toHaveLength(2);
      expect(summary.errors[0]).toMatchObject({ line: 10 });
      expect(summary.errors[1]).toEqual({ line: 701, id: 'o-bad', field: 'total', message: 'Required' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('customer: GET /v1/customers/{id}, signed; 404 is no customer', async () => {
    requests.length = 0;
    const api = new SignedApi({ baseUrl, region: 'eu-central-1', credentials, sleep: async () => undefined });
    expect(await customerFromStage(api, 'cus-1')).toEqual({ customer: { id: 'cus-1' }, orders: [] });
    expect(await customerFromStage(api, 'cus-2')).toBeUndefined();
    expect(requests.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /v1/customers/cus-1', 'GET /v1/customers/cus-2']);
    expect(requests[0]!.headers.authorization).toMatch(/execute-api\/aws4_request/);
  });
});
