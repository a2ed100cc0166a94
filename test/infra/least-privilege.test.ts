// Least privilege, proved per function: each Lambda role holds exactly the actions its deployed bundle's SDK calls
// need (test/infra/sdk-iam-actions.ts) plus what the Lambda platform does with the role for that function (logs,
// X-Ray, the dead-letter queue, the stream event source and its failure queue), nothing more and nothing less.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type App, Stack } from 'aws-cdk-lib';
import { CfnPolicy, type Role } from 'aws-cdk-lib/aws-iam';
import { CfnEventSourceMapping, type CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { builtinModules } from 'node:module';
import { RUNTIME_PROVIDED_MODULES } from '../../infra/constructs/crm-function.ts';
import { describe, expect, it } from 'vitest';
import type { CrmFunction } from '../../infra/constructs/crm-function.ts';
import type { CrmStack } from '../../infra/crm-stack.ts';
import { buildTestApp, logicalId } from './crm-app-fixture.ts';
import { actionsOfBundle, sdkCallsOf } from './sdk-iam-actions.ts';

// Every optional grant switched on (an e-mail sender, a webhook with a signing secret), so each role is compared
// in full; the default configuration grants a subset (checked below).
const configFile = join(mkdtempSync(join(tmpdir(), 'crm-iam-')), 'crm.automation.json');
writeFileSync(configFile, JSON.stringify({ webhooks: { erp: { url: 'https://erp.example.com/hooks/crm', secretName: 'crm/webhooks/erp' } } }));
const { stack } = buildTestApp({ stage: 'iam', emailFrom: 'crm@example.com', automationConfig: configFile });
/** Rules-function actions granted only when configured: e-mail needs a sender, signing a webhook secret. */
const CONFIGURED_ONLY = ['ses:SendEmail', 'secretsmanager:GetSecretValue'];

/** Open least-privilege gaps, recorded exactly: none today; a new one must be listed here with its reason. */
const KNOWN_GAPS: Record<string, { extra?: string[]; missing?: string[] }> = {};

const functionsOf = (s: CrmStack): Record<string, CrmFunction> => ({
  ingest: s.ingestApi.function,
  import: s.importPipeline.function,
  bulkStart: s.importPipeline.bulk.startFunction,
  bulkPlan: s.importPipeline.bulk.planFunction,
  bulkBatch: s.importPipeline.bulk.batchFunction,
  bulkFinish: s.importPipeline.bulk.finishFunction,
  stream: s.changeStream.function,
  rules: s.automation.function,
  erasure: s.erasure.function,
  customerProfile: s.customerProfile.function,
  compaction: s.compaction.function,
  reportPrepare: s.reports.prepareFunction,
  reportFinish: s.reports.finishFunction,
});

/** Every Allow action of the IAM policies attached to `role` (resolved from the construct tree, no synthesis). */
function roleActions(role: Role): string[] {
  const s = Stack.of(role);
  const ref = { Ref: logicalId(role) };
  const actions = s.node
    .findAll()
    .filter((c): c is CfnPolicy => c instanceof CfnPolicy)
    .filter((p) => ((s.resolve(p.roles) ?? []) as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify(ref)))
    .flatMap((p) => (s.resolve(p.policyDocument) as { Statement: { Effect: string; Action: string | string[] }[] }).Statement)
    .filter((st) => st.Effect === 'Allow')
    .flatMap((st) => [st.Action].flat());
  return [...new Set(actions)].sort();
}

/** What Lambda itself does with the execution role of `fn`, read from the function's and its mappings' settings. */
function platformActions(fn: CrmFunction): string[] {
  const s = Stack.of(fn);
  const cfn = fn.function.node.defaultChild as CfnFunction;
  const actions = new Set<string>();
  if (s.resolve(cfn.loggingConfig)?.logGroup) ['logs:CreateLogStream', 'logs:PutLogEvents'].forEach((a) => actions.add(a));
  if (s.resolve(cfn.tracingConfig)?.mode === 'Active') ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'].forEach((a) => actions.add(a));
  // Lambda sends failed async invocations and failed stream batches to SSE-KMS queues with the role.
  const toQueue = ['sqs:SendMessage', 'kms:GenerateDataKey', 'kms:Decrypt'];
  if (s.resolve(cfn.deadLetterConfig)?.targetArn) toQueue.forEach((a) => actions.add(a));
  const ref = JSON.stringify({ Ref: logicalId(fn.function) });
  for (const mapping of s.node.findAll().filter((c): c is CfnEventSourceMapping => c instanceof CfnEventSourceMapping)) {
    if (JSON.stringify(s.resolve(mapping.functionName)) !== ref) continue;
    const source = JSON.stringify(s.resolve(mapping.eventSourceArn));
    if (!source.includes('StreamArn')) throw new Error(`event source ${source} of ${fn.node.path}: only DynamoDB streams are modelled here`);
    // Lambda polls the (KMS-encrypted) stream with the role.
    ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams', 'kms:Decrypt'].forEach((a) => actions.add(a));
    if (s.resolve(mapping.destinationConfig)?.onFailure) toQueue.forEach((a) => actions.add(a));
  }
  return [...actions];
}

/** The deployed code of `fn`: the esbuild output CDK staged as the function's asset. */
function bundleOf(fn: CrmFunction): string {
  const s = Stack.of(fn);
  const code = s.resolve((fn.function.node.defaultChild as CfnFunction).code) as { s3Key: string };
  return readFileSync(join((s.node.root as App).outdir, `asset.${code.s3Key.replace(/\.zip$/, '')}`, 'index.mjs'), 'utf8');
}

const needed = (fn: CrmFunction) => [...new Set([...actionsOfBundle(bundleOf(fn)), ...platformActions(fn)])].sort();

describe('each Lambda role holds exactly the actions its handler and the Lambda platform use', () => {
  const functions = functionsOf(stack);

  it('covers every function in the stack', () => {
    const all = stack.node.findAll().filter((c) => c.node.defaultChild && (c.node.defaultChild as { cfnResourceType?: string }).cfnResourceType === 'AWS::Lambda::Function');
    expect(all.map((c) => c.node.path).sort()).toEqual(Object.values(functions).map((f) => f.function.node.path).sort());
  });

  it.each(Object.keys(functions))('%s: role actions == actions its SDK calls need (apart from its recorded gap)', (name) => {
    const fn = functions[name]!;
    const gap = KNOWN_GAPS[name];
    const role = roleActions(fn.role);
    const need = needed(fn);
    // A recorded gap must stay exactly as recorded: closing it (or widening it) fails here until the list is updated.
    expect({ extra: role.filter((a) => !need.includes(a)), missing: need.filter((a) => !role.includes(a)) }).toEqual({ extra: gap?.extra ?? [], missing: gap?.missing ?? [] });
  });

  it('the handlers send what the issue names: the ingest API writes records, nothing else', () => {
    // An independent statement of the record writer's calls, so a silently shrinking scan cannot pass the test above alone.
    expect(sdkCallsOf(bundleOf(functions.ingest!)).map((c) => c.command)).toEqual(['BatchGetItemCommand', 'PutItemCommand', 'TransactWriteItemsCommand']);
    expect(roleActions(functions.ingest!.role).filter((a) => a.startsWith('dynamodb:'))).toEqual(['dynamodb:BatchGetItem', 'dynamodb:DeleteItem', 'dynamodb:PutItem']);
    expect(roleActions(functions.stream!.role).filter((a) => a.startsWith('s3:'))).toEqual(['s3:PutObject']);
  });

  it('no role holds an action wildcard, an object-lock action or a KMS action beyond Decrypt and GenerateDataKey', () => {
    for (const [name, fn] of Object.entries(functions)) {
      for (const action of roleActions(fn.role).filter((a) => !(KNOWN_GAPS[name]?.extra ?? []).includes(a))) {
        expect(action, fn.node.path).not.toContain('*');
        expect(action, fn.node.path).not.toMatch(/LegalHold|Retention|BypassGovernance/);
        if (action.startsWith('kms:')) expect(['kms:Decrypt', 'kms:GenerateDataKey'], fn.node.path).toContain(action);
      }
    }
  });
});

describe('bundles', () => {
  // The Node.js 22 Lambda runtime provides Node's built-ins and the AWS SDK v3 service clients (@aws-sdk/client-*);
  // any other package a bundle imports at run time would be missing there.
  const provided = (specifier: string) =>
    specifier.startsWith('node:') || builtinModules.includes(specifier) || RUNTIME_PROVIDED_MODULES.some((p) => new RegExp(`^${p.replace('*', '[a-z0-9-]+')}$`).test(specifier));
  // Static imports at statement starts (`import{a as b}from"x"`, `import*as c from"x"`, `import"x"`), dynamic imports and require calls.
  const importsOf = (bundle: string) =>
    [...bundle.matchAll(/(?<=^|[;\n}])\s*import\s*(?:[\w$]+\s*,?\s*)?(?:\{[^}]*\}|\*\s*as\s+[\w$]+)?\s*(?:from\s*)?["']([^"']+)["']|(?<!["'\w$.])import\(\s*["']([^"']+)["']\s*\)|(?<!["'\w$.])require\(\s*["']([^"']+)["']\s*\)/g)]
      .map((m) => (m[1] ?? m[2] ?? m[3])!)
      .filter((spec) => /^[@a-z0-9][\w@/.:-]*$/i.test(spec) && !spec.startsWith('.'));

  it.each(Object.keys(functionsOf(stack)))('%s imports only Node built-ins and the runtime SDK clients; util-dynamodb is bundled', (name) => {
    const bundle = bundleOf(functionsOf(stack)[name]!);
    const imports = [...new Set(importsOf(bundle))];
    expect(imports).toContain('node:module');
    // The handlers that talk to DynamoDB import its runtime client and bundle util-dynamodb (checked below).
    if (!['compaction', 'reportPrepare', 'reportFinish', 'bulkStart', 'bulkPlan', 'bulkFinish'].includes(name)) expect(imports).toContain('@aws-sdk/client-dynamodb');
    expect(imports.filter((i) => !provided(i))).toEqual([]);
    expect(imports).not.toContain('@aws-sdk/util-dynamodb');
  });

  it('the check sees a package the runtime lacks', () => {
    expect(importsOf('import{marshall as m}from"@aws-sdk/util-dynamodb";const z=require("zod")').filter((i) => !provided(i))).toEqual(['@aws-sdk/util-dynamodb', 'zod']);
  });
});

describe('the comparison catches over-granting', () => {
  // A second app without bundling: the grants are in the construct tree, the bundle comes from the app above.
  const { stack: probe } = buildTestApp({ stage: 'probe', 'aws:cdk:bundling-stacks': [] });

  it('fails when grantReadWriteData is given back to the ingest function', () => {
    const fn = functionsOf(probe).ingest!;
    expect(roleActions(fn.role)).toEqual(needed(functionsOf(stack).ingest!));
    probe.table.table.grantReadWriteData(fn);
    const extra = roleActions(fn.role).filter((a) => !needed(functionsOf(stack).ingest!).includes(a));
    expect(extra).toEqual(expect.arrayContaining(['dynamodb:Scan', 'dynamodb:GetRecords', 'dynamodb:ConditionCheckItem', 'kms:ReEncrypt*', 'kms:GenerateDataKey*']));
  });

  it('grants e-mail and webhook secrets only when configured', () => {
    const rules = needed(functionsOf(stack).rules!);
    expect(rules).toEqual(expect.arrayContaining(CONFIGURED_ONLY));
    expect(roleActions(functionsOf(probe).rules!.role)).toEqual(rules.filter((a) => !CONFIGURED_ONLY.includes(a)));
  });

  it('fails when a grant is missing: a role without the bus grant lacks events:PutEvents its bundle sends', () => {
    expect(needed(functionsOf(stack).import!)).toContain('events:PutEvents');
    expect(roleActions(functionsOf(probe).ingest!.role)).not.toContain('events:PutEvents');
  });
});

describe('sdkCallsOf', () => {
  it('counts a command only when the bundle constructs it, and maps transaction entries per item', () => {
    const bundle =
      'import{DynamoDBClient as a,GetItemCommand as b,QueryCommand as c,TransactWriteItemsCommand as d}from"@aws-sdk/client-dynamodb";' +
      'const x=new a({});await x.send(new b({}));await x.send(new d({TransactItems:[{Put:{}},{ConditionCheck:{}}]}));';
    expect(sdkCallsOf(bundle)).toEqual([
      { module: '@aws-sdk/client-dynamodb', command: 'GetItemCommand' },
      { module: '@aws-sdk/client-dynamodb', command: 'TransactWriteItemsCommand' },
    ]);
    expect([...actionsOfBundle(bundle)].sort()).toEqual(['dynamodb:ConditionCheckItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'kms:Decrypt']);
  });

  it('adds what Athena does with the caller\'s credentials, and the CTAS and DROP TABLE catalog writes only when the bundle has such statements', () => {
    const starts = 'import{AthenaClient as a,StartQueryExecutionCommand as b}from"@aws-sdk/client-athena";new a({}).send(new b({QueryString:q}));';
    const select = [...actionsOfBundle(`${starts}const q="SELECT 1";`)].sort();
    expect(select).toEqual(['athena:StartQueryExecution', 'glue:GetDatabase', 'glue:GetPartitions', 'glue:GetTable', 'kms:Decrypt', 'kms:GenerateDataKey', 's3:AbortMultipartUpload', 's3:GetBucketLocation', 's3:GetObject', 's3:ListBucket', 's3:PutObject']);
    const ctas = [...actionsOfBundle(`${starts}const q=\`CREATE TABLE \${t} WITH (format = 'PARQUET', external_location = \${l}) AS\`;const d="DROP TABLE IF EXISTS x";`)];
    expect(ctas.filter((a) => !select.includes(a)).sort()).toEqual(['glue:CreateTable', 'glue:DeleteTable']);
    expect([...actionsOfBundle('import{GetQueryResultsCommand as r}from"@aws-sdk/client-athena";new r({});const q="DROP TABLE x"')]).toEqual(['athena:GetQueryResults']);
  });

  it('rejects what it cannot follow and commands missing from the table', () => {
    expect(() => sdkCallsOf('import*as s from"@aws-sdk/client-s3";new s.PutObjectCommand({})')).toThrow(/cannot follow/);
    expect(() => sdkCallsOf('const s=await import("@aws-sdk/client-s3")')).toThrow(/cannot follow/);
    expect(() => sdkCallsOf('import{paginateQuery as p}from"@aws-sdk/client-dynamodb";')).toThrow(/paginators/);
    expect(() => actionsOfBundle('import{CreateTableCommand as t}from"@aws-sdk/client-dynamodb";new t({})')).toThrow(/not in SDK_COMMAND_ACTIONS/);
  });
});
