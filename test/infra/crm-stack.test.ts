// Assertions on the synthesized CRM stack: the security and reliability settings each construct promises.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { glueColumns } from '#schemas/columns.ts';
import { BUS_NAME } from '#schemas/events.ts';
import { entities } from '#schemas/registry.ts';
import { TABLE_DESIGN } from '#lib/table/design.ts';
import { loadAutomationConfig } from '#lib/rules/config.ts';
import { lakeTableName } from '../../infra/constructs/lake-table-input.ts';
import { buildTestApp, logicalId } from './crm-app-fixture.ts';

// One synthesis (with real esbuild bundling) shared by every test in the file.
const { stack } = buildTestApp({ stage: 'test' });
const template = Template.fromStack(stack);
const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, any>; DeletionPolicy?: string; UpdateReplacePolicy?: string }>;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const resource = (construct: Parameters<typeof logicalId>[0]) => resources[logicalId(construct)]!;
const getAtt = (construct: Parameters<typeof logicalId>[0], attribute = 'Arn') => ({ 'Fn::GetAtt': [logicalId(construct), attribute] });
const sslDeny = Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });

describe('DynamoDB table', () => {
  const table = resource(stack.table.table);

  it('uses the single-table keys and the byCustomer and byDueDate indexes from lib/table/design.ts', () => {
    expect(table.Properties.KeySchema).toEqual([
      { AttributeName: TABLE_DESIGN.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE_DESIGN.sortKey, KeyType: 'RANGE' },
    ]);
    expect(table.Properties.GlobalSecondaryIndexes).toEqual([
      {
        IndexName: TABLE_DESIGN.customerIndex.name,
        KeySchema: [
          { AttributeName: TABLE_DESIGN.customerIndex.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE_DESIGN.customerIndex.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
      {
        IndexName: TABLE_DESIGN.dueDateIndex.name,
        KeySchema: [
          { AttributeName: TABLE_DESIGN.dueDateIndex.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE_DESIGN.dueDateIndex.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['table', 'id', 'at'] },
      },
    ]);
    expect(table.Properties.AttributeDefinitions).toEqual(
      ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk'].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    );
  });

  it('is on-demand, recoverable, KMS-encrypted, streamed, protected and retained', () => {
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: getAtt(stack.table.encryptionKey) },
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      DeletionProtectionEnabled: true,
    });
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
  });
});

describe('S3 buckets', () => {
  const lake = resource(stack.lake.bucket);
  const imports = resource(stack.imports.bucket);
  const accessLogsId = lake.Properties.LoggingConfiguration.DestinationBucketName.Ref as string;

  it('block all public access and accept only TLS requests', () => {
    for (const [id, bucket] of ofType('AWS::S3::Bucket')) {
      expect(bucket.Properties.PublicAccessBlockConfiguration, id).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: id },
        PolicyDocument: { Statement: Match.arrayWith([sslDeny]) },
      });
    }
  });

  it('encrypt the data buckets with their customer-managed keys and bucket keys', () => {
    for (const [bucket, key] of [
      [lake, stack.lake.encryptionKey],
      [imports, stack.imports.encryptionKey],
    ] as const) {
      expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
        { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: getAtt(key) } },
      ]);
      expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      expect(bucket.Properties.LoggingConfiguration.DestinationBucketName).toEqual({ Ref: accessLogsId });
    }
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    for (const [id, key] of ofType('AWS::KMS::Key')) expect(key.Properties.EnableKeyRotation, id).toBe(true);
  });

  it('send server access logs to a dedicated bucket that does not log itself', () => {
    const accessLogs = resources[accessLogsId]!;
    expect(accessLogs.Properties.LoggingConfiguration).toBeUndefined();
    expect(accessLogs.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
  });

  it('tier the lake, expire Athena results and clean up versions and uploads', () => {
    const rules = lake.Properties.LifecycleConfiguration.Rules;
    expect(rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Prefix: 'lake/', Transitions: [{ StorageClass: 'INTELLIGENT_TIERING', TransitionInDays: 30 }], Status: 'Enabled' }),
        expect.objectContaining({ Prefix: 'athena-results/', ExpirationInDays: 30 }),
        expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: 30 } }),
        expect.objectContaining({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } }),
      ]),
    );
  });

  it('send import-bucket events to EventBridge and expire processed imports', () => {
    expect(imports.Properties.NotificationConfiguration).toEqual({ EventBridgeConfiguration: { EventBridgeEnabled: true } });
    expect(imports.Properties.LifecycleConfiguration.Rules).toEqual(expect.arrayContaining([expect.objectContaining({ ExpirationInDays: 30, Status: 'Enabled' })]));
    // No notifications custom resource (and its Lambda) is needed for that.
    expect(ofType('Custom::S3BucketNotifications')).toEqual([]);
  });
});

describe('Glue catalog', () => {
  const tables = ofType('AWS::Glue::Table').map(([, t]) => t.Properties);

  // The report output tables are in the reports' nested stacks (test/infra/scheduled-reports.test.ts).
  it('has one database, per entity a raw change table, a snapshot table and two views, and the snapshot manifest', () => {
    template.hasResourceProperties('AWS::Glue::Database', { DatabaseInput: { Name: 'crm_test' } });
    const external = tables.filter((t) => t.TableInput.TableType === 'EXTERNAL_TABLE');
    const lakeTables = Object.values(entities).flatMap((e) => [lakeTableName(e), `${e.table}_snapshots`]);
    expect(external.map((t) => t.TableInput.Name).sort()).toEqual([...lakeTables, 'lake_snapshots'].sort());
    // <table>_changes, <table>_snapshots, the views <table>_history and <table>; plus lake_snapshots.
    expect(tables.length).toBe(4 * Object.values(entities).length + 1);
    for (const t of tables) expect(t.DatabaseName).toBe('crm_test');
  });

  it.each(Object.values(entities))('$table: raw change table <table>_changes, columns from glueColumns(), dt partition, Parquet, projection', (entity) => {
    expect(lakeTableName(entity)).toBe(`${entity.table}_changes`);
    const input = tables.find((t) => t.TableInput.Name === lakeTableName(entity))!.TableInput;
    expect(input.StorageDescriptor.Columns).toEqual(glueColumns(entity).map((c) => ({ Name: c.name, Type: c.type, Comment: c.comment })));
    expect(input.PartitionKeys).toEqual([expect.objectContaining({ Name: 'dt', Type: 'string' })]);
    expect(input.StorageDescriptor).toMatchObject({
      InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
      OutputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
      SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
      Location: { 'Fn::Join': ['', ['s3://', { Ref: logicalId(stack.lake.bucket) }, `/lake/${entity.table}/`]] },
    });
    expect(input.Parameters).toMatchObject({
      'projection.enabled': 'true',
      'projection.dt.type': 'date',
      'projection.dt.format': 'yyyy-MM-dd',
      'projection.dt.range': '2020-01-01,NOW',
      'projection.dt.interval': '1',
      'projection.dt.interval.unit': 'DAYS',
      'storage.location.template': { 'Fn::Join': ['', ['s3://', { Ref: logicalId(stack.lake.bucket) }, `/lake/${entity.table}/dt=\${dt}/`]] },
    });
  });
});

describe('Athena workgroup', () => {
  it('enforces engine v3, KMS-encrypted results in the lake, a scan cutoff and metrics', () => {
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: 'crm-test',
      WorkGroupConfiguration: {
        EnforceWorkGroupConfiguration: true,
        PublishCloudWatchMetricsEnabled: true,
        BytesScannedCutoffPerQuery: 10 * 1024 ** 3,
        EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
        ResultConfiguration: {
          OutputLocation: { 'Fn::Join': ['', ['s3://', { Ref: logicalId(stack.lake.bucket) }, '/athena-results/']] },
          EncryptionConfiguration: { EncryptionOption: 'SSE_KMS', KmsKey: getAtt(stack.lake.encryptionKey) },
        },
      },
    });
  });
});

describe('EventBridge', () => {
  it('has the crm bus, named for the stage, with a one-year archive encrypted with its customer-managed key', () => {
    template.hasResourceProperties('AWS::Events::EventBus', { Name: `${BUS_NAME}-test` });
    template.hasResourceProperties('AWS::Events::Archive', { SourceArn: getAtt(stack.bus.eventBus), RetentionDays: 365, KmsKeyIdentifier: getAtt(stack.bus.archiveKey) });
    // EventBridge may use the key only for this bus's events.
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'events.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:ReEncrypt*'],
            Condition: { StringEquals: { 'kms:EncryptionContext:aws:events:event-bus:arn': getAtt(stack.bus.eventBus) } },
          }),
        ]),
      },
    });
  });

  it('routes S3 Object Created under imports/ from the default bus to the import function, with retries and a DLQ', () => {
    // The automation rules sit on the crm bus; the two import rules (direct below the bulk threshold, bulk at or
    // above it: test/infra/bulk-import.test.ts) are the rules on the default bus.
    const rules = ofType('AWS::Events::Rule').filter(([, r]) => r.Properties.EventBusName === undefined);
    expect(rules.map(([id]) => id).sort()).toEqual([logicalId(stack.importPipeline.rule), logicalId(stack.importPipeline.bulk.rule)].sort());
    const rule = rules.find(([id]) => id === logicalId(stack.importPipeline.rule))![1];
    expect(rule.Properties.EventPattern).toEqual({
      source: ['aws.s3'],
      'detail-type': ['Object Created'],
      detail: { bucket: { name: [{ Ref: logicalId(stack.imports.bucket) }] }, object: { key: [{ prefix: 'imports/' }], size: [{ numeric: ['<', stack.importPipeline.bulk.thresholdBytes] }] } },
    });
    expect(rule.Properties.Targets).toEqual([
      expect.objectContaining({
        Arn: getAtt(stack.importPipeline.function.function),
        RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 6 * 3600 },
        DeadLetterConfig: { Arn: getAtt(stack.importPipeline.deliveryDeadLetterQueue.queue) },
      }),
    ]);
  });
});

describe('HTTP API', () => {
  it('routes POST /v1/{entity} to the ingest function with IAM authorization', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /v1/{entity}', AuthorizationType: 'AWS_IAM' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', { IntegrationType: 'AWS_PROXY', IntegrationUri: getAtt(stack.ingestApi.function.function) });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'DELETE /v1/customers/{id}', AuthorizationType: 'AWS_IAM' });
    // Plus the customer profile API's two GET routes (/v1/customers and /v1/customers/{id}).
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /v1/customers/{id}', AuthorizationType: 'AWS_IAM' });
    template.resourceCountIs('AWS::ApiGatewayV2::Route', 4);
  });

  it('logs access as JSON and throttles the default stage', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.serializedJson(Match.objectLike({ requestId: '$context.requestId', userArn: '$context.identity.userArn' })) },
      DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
    });
  });
});

describe('Lambda functions', () => {
  const functions = ofType('AWS::Lambda::Function');
  const env = (fn: Parameters<typeof logicalId>[0]) => resource(fn).Properties.Environment.Variables as Record<string, unknown>;

  it('run Node.js 22 on ARM64 with tracing, a retained log group and Powertools settings', () => {
    // ingest, import, bulk import (start, plan, batch, finish), stream, rules, erasure, customer profile, lake
    // compaction, report prepare and report finish
    expect(functions).toHaveLength(13);
    for (const [id, fn] of functions) {
      expect(fn.Properties, id).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: expect.stringMatching(/LogGroup/) } },
        Environment: { Variables: { POWERTOOLS_SERVICE_NAME: expect.stringMatching(/^crm-/), LOG_LEVEL: 'INFO', NODE_OPTIONS: '--enable-source-maps' } },
      });
    }
    for (const [id, group] of ofType('AWS::Logs::LogGroup')) expect(group.Properties.RetentionInDays, id).toBeGreaterThan(0);
  });

  it('get the environment their handlers read', () => {
    const table = { Ref: logicalId(stack.table.table) };
    const bus = { Ref: logicalId(stack.bus.eventBus) };
    expect(env(stack.ingestApi.function.function)).toMatchObject({ TABLE_NAME: table, EVENT_BUS_NAME: bus });
    expect(env(stack.importPipeline.function.function)).toMatchObject({ TABLE_NAME: table, EVENT_BUS_NAME: bus, IMPORT_BUCKET: { Ref: logicalId(stack.imports.bucket) } });
    expect(env(stack.changeStream.function.function)).toMatchObject({
      LAKE_BUCKET: { Ref: logicalId(stack.lake.bucket) },
      LAKE_PREFIX: 'lake/',
      EVENT_BUS_NAME: bus,
      PSEUDONYM_SECRET_ARN: { Ref: logicalId(stack.pseudonymKey.secret) },
      TABLE_NAME: table,
    });
    expect(env(stack.automation.function.function)).toMatchObject({ TABLE_NAME: table, EVENT_BUS_NAME: bus, NOTIFY_TOPIC_ARN: { Ref: logicalId(stack.automation.notifyTopic) } });
  });

  it('carry the resolved automation rules inside the rules bundle, with no file beside it', () => {
    const key = String(resource(stack.automation.function.function).Properties.Code.S3Key);
    const dir = join((stack.node.root as App).outdir, `asset.${key.replace(/\.zip$/, '')}`);
    expect(readdirSync(dir).sort()).toEqual(['index.mjs', 'index.mjs.map']);
    const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
    // Minified code never quotes object keys: `"id":"<rule>"` is the embedded JSON.
    for (const r of loadAutomationConfig().rules) expect(code).toContain(`"id":"${r.id}","description":`);
    expect(code).not.toContain('__CRM_AUTOMATION_CONFIG__');
  });

  it('give the import function a KMS-encrypted dead-letter queue for async failures', () => {
    const fn = resource(stack.importPipeline.function.function);
    expect(fn.Properties.DeadLetterConfig).toEqual({ TargetArn: getAtt(stack.importPipeline.function.deadLetterQueue!.queue) });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { FunctionName: { Ref: logicalId(stack.importPipeline.function.function) }, MaximumRetryAttempts: 2 });
  });

  it('consume the table stream with bisect, partial failures, bounded retries, a DLQ and the RECORD filter', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: getAtt(stack.table.table, 'StreamArn'),
      FunctionName: { Ref: logicalId(stack.changeStream.function.function) },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 1000,
      MaximumBatchingWindowInSeconds: 30,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: 10,
      MaximumRecordAgeInSeconds: 12 * 3600,
      DestinationConfig: { OnFailure: { Destination: getAtt(stack.changeStream.failureQueue.queue) } },
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ dynamodb: { Keys: { sk: { S: ['RECORD'] } } } }) }] },
    });
  });
});

describe('least privilege', () => {
  type Statement = { id: string; Action: string | string[]; Resource: unknown };
  const statements: Statement[] = ofType('AWS::IAM::Policy').flatMap(([id, p]) => (p.Properties.PolicyDocument.Statement as Omit<Statement, 'id'>[]).map((s) => ({ id, ...s })));
  const actionsOf = (s: Statement) => [s.Action].flat();

  it('never grants a bare service wildcard', () => {
    for (const s of statements) for (const action of actionsOf(s)) expect(action, s.id).not.toMatch(/(^\*$|:\*$)/);
  });

  it('uses Resource "*" only for X-Ray and dynamodb:ListStreams, which have no resource-level permissions', () => {
    // The state machines' roles (bulk import, compaction) also hold the log-delivery and tracing actions CDK grants
    // for execution logs and X-Ray, which have no resource-level permissions.
    const machineRoles = new Set([logicalId(stack.importPipeline.bulk.stateMachine.role), logicalId(stack.compaction.stateMachine.role)]);
    const machinePolicies = new Set(ofType('AWS::IAM::Policy').filter(([, p]) => p.Properties.Roles.some((r: { Ref: string }) => machineRoles.has(r.Ref))).map(([id]) => id));
    const starActions = statements.filter((s) => s.Resource === '*' && !machinePolicies.has(s.id)).flatMap(actionsOf);
    expect(new Set(starActions)).toEqual(new Set(['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'dynamodb:ListStreams']));
    const machineStar = new Set(statements.filter((s) => s.Resource === '*' && machinePolicies.has(s.id)).flatMap(actionsOf));
    for (const action of machineStar) expect(action).toMatch(/^(logs:(Create|Get|Update|Delete|List)LogDeliver(y|ies)|logs:(PutResourcePolicy|DescribeResourcePolicies|DescribeLogGroups)|xray:(PutTraceSegments|PutTelemetryRecords|GetSamplingRules|GetSamplingTargets))$/);
  });

  it('lets the stream function only put objects under lake/', () => {
    const role = logicalId(stack.changeStream.function.role);
    const policies = new Set(ofType('AWS::IAM::Policy').filter(([, p]) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === role)).map(([id]) => id));
    const s3 = statements.filter((s) => policies.has(s.id) && actionsOf(s).some((a) => a.startsWith('s3:')));
    expect(s3).toHaveLength(1);
    expect(actionsOf(s3[0]!)).toEqual(['s3:PutObject']);
    expect(s3[0]!.Resource).toEqual({ 'Fn::Join': ['', [getAtt(stack.lake.bucket), '/lake/*']] });
  });

  // Which actions each role holds is test/infra/least-privilege.test.ts; here, on which resources.
  const roleStatements = (role: Parameters<typeof logicalId>[0]) => {
    const policies = new Set(ofType('AWS::IAM::Policy').filter(([, p]) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === logicalId(role))).map(([id]) => id));
    return statements.filter((s) => policies.has(s.id)) as (Statement & { Condition?: unknown })[];
  };
  const tableArn = getAtt(stack.table.table);
  const indexArn = (name: string) => ({ 'Fn::Join': ['', [tableArn, `/index/${name}`]] });

  it('gives the ingest and import functions the table itself, no index, no stream', () => {
    for (const fn of [stack.ingestApi.function, stack.importPipeline.function]) {
      const dynamo = roleStatements(fn.role).filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
      expect(dynamo).toEqual([expect.objectContaining({ Action: ['dynamodb:BatchGetItem', 'dynamodb:DeleteItem', 'dynamodb:PutItem'], Resource: tableArn })]);
    }
  });

  it('names the indexes a function queries instead of index/*', () => {
    const queries = (fn: typeof stack.erasure.function) => roleStatements(fn.role).filter((s) => JSON.stringify(s.Resource) !== JSON.stringify(tableArn) && actionsOf(s).includes('dynamodb:Query'));
    expect(queries(stack.erasure.function)).toEqual([expect.objectContaining({ Action: 'dynamodb:Query', Resource: indexArn('byCustomer') })]);
    // The stream function reads a customer's recent orders and activities for the profile index: byCustomer, never the table.
    expect(queries(stack.changeStream.function)).toEqual([expect.objectContaining({ Action: 'dynamodb:Query', Resource: indexArn('byCustomer') })]);
    expect(queries(stack.automation.function)).toEqual([expect.objectContaining({ Action: 'dynamodb:Query', Resource: [indexArn('byCustomer'), indexArn('byDueDate')] })]);
    expect(JSON.stringify(statements)).not.toContain('/index/*');
  });

  it('keeps object access inside its prefix: imports/ for the import function, lake/ (listing included) for erasure', () => {
    const s3 = (fn: typeof stack.erasure.function) => roleStatements(fn.role).filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')));
    expect(s3(stack.importPipeline.function)).toEqual([
      expect.objectContaining({ Action: ['s3:GetObject', 's3:PutObject'], Resource: { 'Fn::Join': ['', [getAtt(stack.imports.bucket), '/imports/*']] } }),
    ]);
    expect(s3(stack.erasure.function)).toEqual([
      expect.objectContaining({ Action: ['s3:GetObject', 's3:PutObject'], Resource: { 'Fn::Join': ['', [getAtt(stack.lake.bucket), '/lake/*']] } }),
      expect.objectContaining({ Action: 's3:ListBucket', Resource: getAtt(stack.lake.bucket), Condition: { StringLike: { 's3:prefix': ['lake/*'] } } }),
    ]);
  });

  it('lets the stream function write automation index items only, never records', () => {
    const role = logicalId(stack.changeStream.function.role);
    const policies = new Set(ofType('AWS::IAM::Policy').filter(([, p]) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === role)).map(([id]) => id));
    const writes = statements.filter((s) => policies.has(s.id) && actionsOf(s).some((a) => /^dynamodb:(Put|Update|Delete|BatchWrite)/.test(a)));
    expect(writes).toEqual([
      expect.objectContaining({
        // BatchGetItem reads back the profile summaries it maintains, under the same key condition.
        Action: ['dynamodb:BatchGetItem', 'dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        Resource: getAtt(stack.table.table),
        // The automation index items, the customer profile index (PROFILE#) and the order-value index (ORDERVALUE#).
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['DUE#*', 'ANNIVERSARY#*', 'ACTIVITY#*', 'OWNER#*', 'TEAM#*', 'PROFILE#*', 'ORDERVALUE#*'] } },
      }),
    ]);
  });
});

describe('queues and alarms', () => {
  // One dead-letter queue per deployed automation rule and webhook endpoint, plus the rules function's own;
  // the erasure function's own and its rule's delivery queue.
  const automationQueues = stack.automation.eventRules.size + stack.automation.schedules.size + stack.automation.webhooks.size + 1;
  const erasureQueues = 2;
  // The lake compaction schedule's. The report schedules' queues are in the reports' nested stacks.
  const compactionQueues = 1;
  // The bulk import's starter: its asynchronous-invocation DLQ and its rule's delivery DLQ.
  const bulkQueues = 2;

  it('encrypt every queue with the messaging key and deny plain HTTP', () => {
    const queues = ofType('AWS::SQS::Queue');
    expect(queues).toHaveLength(3 + automationQueues + erasureQueues + compactionQueues + bulkQueues);
    for (const [id, q] of queues) {
      expect(q.Properties.KmsMasterKeyId, id).toEqual(getAtt(stack.node.findChild('MessagingKey')));
      template.hasResourceProperties('AWS::SQS::QueuePolicy', { Queues: [{ Ref: id }], PolicyDocument: { Statement: Match.arrayWith([sslDeny]) } });
    }
  });

  it('notify a KMS-encrypted, SSL-only SNS topic', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: getAtt(stack.node.findChild('MessagingKey')) });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', { PolicyDocument: { Statement: Match.arrayWith([sslDeny]) } });
    const topic = { Ref: logicalId(stack.alarmTopic.topic) };
    for (const [id, alarm] of ofType('AWS::CloudWatch::Alarm')) expect(alarm.Properties.AlarmActions, id).toEqual([topic]);
  });

  it('watch dead letters, function errors, stream lag and lost events', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    const count = (metric: string) => alarms.filter((a) => a.MetricName === metric).length;
    expect(count('ApproximateNumberOfMessagesVisible')).toBe(3 + automationQueues + erasureQueues + compactionQueues + bulkQueues);
    // One per function: ingest, import, bulk import (4), stream, rules, erasure, customer profile, compaction, report prepare and finish.
    expect(count('Errors')).toBe(13);
    const functionIds = ofType('AWS::Lambda::Function').map(([id]) => id).sort();
    const alarmed = alarms.filter((a) => a.MetricName === 'Errors').map((a) => (a.Dimensions as { Value: { Ref: string } }[])[0]!.Value.Ref).sort();
    expect(alarmed).toEqual(functionIds);
    expect(count('IteratorAge')).toBe(1);
    expect(count('PutEventsFailedEntriesCount')).toBe(1);
    // The direct import rule and the bulk-import rule.
    expect(count('FailedInvocations')).toBe(2);
    for (const dlq of alarms.filter((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible')) {
      expect(dlq).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    }
  });
});

describe('outputs', () => {
  it('expose what operators and the CLI need', () => {
    expect(Object.keys(template.toJSON().Outputs)).toEqual(
      expect.arrayContaining(['ApiUrl', 'TableName', 'LakeBucketName', 'ImportBucketName', 'EventBusName', 'AthenaWorkGroup', 'GlueDatabase', 'NotifyTopicArn']),
    );
  });
});

describe('lake compaction', () => {
  const machine = resource(stack.compaction.stateMachine).Properties;
  const asl = JSON.parse(machine.DefinitionString as string);

  it('compacts one table per Lambda invocation, one at a time, each retried', () => {
    expect(machine.DefinitionSubstitutions).toEqual({ CompactionFunctionArn: getAtt(stack.compaction.function.function) });
    const map = asl.States.CompactTables;
    expect(map).toMatchObject({ Type: 'Map', MaxConcurrency: 1, ItemSelector: { tables: '{% [$states.context.Map.Item.Value] %}' } });
    // Without tables in the input: every lake table.
    for (const entity of Object.values(entities)) expect(map.Items).toContain(`'${entity.table}'`);
    const task = map.ItemProcessor.States.CompactTable;
    expect(task).toMatchObject({ Resource: 'arn:aws:states:::lambda:invoke', Arguments: { FunctionName: '${CompactionFunctionArn}' } });
    expect(task.Retry.at(-1)).toMatchObject({ ErrorEquals: ['States.ALL'], MaxAttempts: 2 });
    expect(machine.TracingConfiguration).toEqual({ Enabled: true });
    expect(machine.LoggingConfiguration).toMatchObject({ Level: 'ALL', IncludeExecutionData: true });
  });

  it('is started by its schedule with retries and a dead-letter queue, and alarms on a failed run', () => {
    const schedule = resource(stack.compaction.schedule).Properties;
    expect(schedule.Target).toMatchObject({
      Arn: { Ref: logicalId(stack.compaction.stateMachine) },
      RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 6 * 3600 },
      DeadLetterConfig: { Arn: getAtt(stack.compaction.deadLetters.queue) },
    });
    const alarm = resource(stack.compaction.failedRunsAlarm).Properties;
    expect(alarm).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', AlarmActions: [{ Ref: logicalId(stack.alarmTopic.topic) }] });
    expect(JSON.stringify(alarm.Metrics)).toContain('ExecutionsFailed');
  });
});
