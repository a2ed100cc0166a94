// The CRM pipeline stack: wiring only; every resource's defaults live in its construct.
import { CfnOutput, Stack } from 'aws-cdk-lib';
import type { CfnTable } from 'aws-cdk-lib/aws-glue';
import type { Construct } from 'constructs';
import { AccessLogBucket } from './constructs/access-log-bucket.ts';
import { AccessPolicies } from './constructs/access-policies.ts';
import { DeadLetterQueue } from './constructs/dead-letter-queue.ts';
import { AlarmTopic } from './constructs/alarm-topic.ts';
import { AnalyticsWorkgroup } from './constructs/analytics-workgroup.ts';
import { AutomationRules } from './constructs/automation-rules.ts';
import { ChangeStream } from './constructs/change-stream.ts';
import { CrmEventBus } from './constructs/crm-event-bus.ts';
import { CrmTable } from './constructs/crm-table.ts';
import { ATHENA_RESULTS_PREFIX, DataLakeBucket, LAKE_PREFIX } from './constructs/data-lake-bucket.ts';
import { ImportBucket } from './constructs/import-bucket.ts';
import { ImportPipeline } from './constructs/import-pipeline.ts';
import { IngestApi } from './constructs/ingest-api.ts';
import { CustomerProfileApi } from './constructs/customer-profile-api.ts';
import { Erasure } from './constructs/erasure.ts';
import { LakeCatalog } from './constructs/lake-catalog.ts';
import { LakeCompaction } from './constructs/lake-compaction.ts';
import { MessagingKey } from './constructs/messaging-key.ts';
import { PseudonymKey } from './constructs/pseudonym-key.ts';
import { LakeViewQueries } from './constructs/lake-view-queries.ts';
import { REPORTS_PREFIX, ScheduledReports } from './constructs/scheduled-reports.ts';
import type { CrmStackProps } from './crm-stack-props.ts';
import { resolveAutomationConfig } from '#lib/rules/config.ts';
import { BUS_NAME } from '#schemas/events.ts';

/** Glue and Athena names allow only lowercase letters, digits and underscores. */
const snakeStage = (stage: string) => stage.toLowerCase().replace(/[^a-z0-9]+/g, '_');

export class CrmStack extends Stack {
  readonly table: CrmTable;
  readonly lake: DataLakeBucket;
  readonly imports: ImportBucket;
  readonly bus: CrmEventBus;
  readonly catalog: LakeCatalog;
  readonly workgroup: AnalyticsWorkgroup;
  /** Daily compaction of the lake's change log into snapshots (what keeps the views O(current data)). */
  readonly compaction: LakeCompaction;
  readonly ingestApi: IngestApi;
  readonly erasure: Erasure;
  readonly customerProfile: CustomerProfileApi;
  readonly importPipeline: ImportPipeline;
  readonly changeStream: ChangeStream;
  readonly alarmTopic: AlarmTopic;
  readonly pseudonymKey: PseudonymKey;
  readonly automation: AutomationRules;
  readonly reports: ScheduledReports;
  readonly lakeViewQueries: LakeViewQueries;
  readonly access: AccessPolicies;

  constructor(scope: Construct, id: string, props: CrmStackProps = {}) {
    super(scope, id, props);
    const stage = props.stage ?? 'dev';

    const messagingKey = new MessagingKey(this, 'MessagingKey');
    this.alarmTopic = new AlarmTopic(this, 'Alarms', { masterKey: messagingKey, ...(props.alarmEmails ? { emails: props.alarmEmails } : {}) });
    const alarmAction = this.alarmTopic.action;

    const accessLogs = new AccessLogBucket(this, 'AccessLogs');
    this.lake = new DataLakeBucket(this, 'Lake', { accessLogsBucket: accessLogs.bucket });
    this.imports = new ImportBucket(this, 'Imports', { accessLogsBucket: accessLogs.bucket });
    this.table = new CrmTable(this, 'Records');
    this.bus = new CrmEventBus(this, 'Events', { alarmAction, eventBusName: props.eventBusName ?? `${BUS_NAME}-${stage}` });
    this.pseudonymKey = new PseudonymKey(this, 'PseudonymKey');

    this.catalog = new LakeCatalog(this, 'Catalog', { databaseName: `crm_${snakeStage(stage)}`, bucket: this.lake.bucket, prefix: LAKE_PREFIX });
    this.workgroup = new AnalyticsWorkgroup(this, 'Analytics', { name: `crm-${stage}`, resultsBucket: this.lake.bucket, resultsKey: this.lake.encryptionKey });

    this.ingestApi = new IngestApi(this, 'IngestApi', { apiName: `crm-${stage}`, table: this.table.table, eventBus: this.bus.eventBus, alarmAction });
    this.customerProfile = new CustomerProfileApi(this, 'CustomerProfile', {
      table: this.table.table,
      httpApi: this.ingestApi.api,
      ...(props.profileProvisionedConcurrency !== undefined ? { provisionedConcurrency: props.profileProvisionedConcurrency } : {}),
      alarmAction,
    });
    this.erasure = new Erasure(this, 'Erasure', { table: this.table.table, lakeBucket: this.lake.bucket, lakePrefix: LAKE_PREFIX, eventBus: this.bus.eventBus, httpApi: this.ingestApi.api, messagingKey, alarmAction });
    this.importPipeline = new ImportPipeline(this, 'Import', {
      namePrefix: `crm-${stage}`,
      bucket: this.imports.bucket,
      table: this.table.table,
      eventBus: this.bus.eventBus,
      messagingKey,
      alarmAction,
    });
    this.changeStream = new ChangeStream(this, 'ChangeStream', {
      table: this.table.table,
      lakeBucket: this.lake.bucket,
      lakePrefix: LAKE_PREFIX,
      eventBus: this.bus.eventBus,
      pseudonymSecret: this.pseudonymKey.secret,
      messagingKey,
      alarmAction,
    });

    this.automation = new AutomationRules(this, 'Automation', {
      config: props.automation ?? resolveAutomationConfig({}),
      table: this.table.table,
      eventBus: this.bus.eventBus,
      messagingKey,
      ...(props.emailFrom ? { emailFrom: props.emailFrom } : {}),
      alarmAction,
    });

    const lakeTables = Object.values(this.catalog.byEntity).flatMap((e) => Object.values(e) as CfnTable[]);
    this.lakeViewQueries = new LakeViewQueries(this, 'LakeViewQueries', { tables: lakeTables, databaseName: this.catalog.databaseName, workGroupName: this.workgroup.name });
    for (const query of this.lakeViewQueries.queries.values()) query.node.addDependency(this.workgroup.workGroup);
    this.reports = new ScheduledReports(this, 'Reports', {
      namePrefix: `crm-${stage}`,
      ...(props.reportSchedules ? { schedules: props.reportSchedules } : {}),
      lakeBucket: this.lake.bucket,
      lakeKey: this.lake.encryptionKey,
      workGroupName: this.workgroup.name,
      databaseName: this.catalog.databaseName,
      lakeTables,
      eventBus: this.bus.eventBus,
      messagingKey,
      alarmAction,
    });
    for (const report of this.reports.byReport.values()) for (const query of Object.values(report.namedQueries)) query.node.addDependency(this.workgroup.workGroup);
    this.compaction = new LakeCompaction(this, 'LakeCompaction', {
      namePrefix: `crm-${stage}`,
      lakeBucket: this.lake.bucket,
      lakePrefix: LAKE_PREFIX,
      databaseName: this.catalog.databaseName,
      workGroupName: this.workgroup.name,
      messagingKey,
      alarmAction,
    });
    this.access = new AccessPolicies(this, 'Access', {
      stage,
      workGroupName: this.workgroup.name,
      databaseName: this.catalog.databaseName,
      lakeBucket: this.lake.bucket,
      lakeKey: this.lake.encryptionKey,
      lakePrefix: LAKE_PREFIX,
      athenaResultsPrefix: ATHENA_RESULTS_PREFIX,
      eventBus: this.bus.eventBus,
      archive: this.bus.archive,
      deadLetterQueues: this.node.findAll().filter((c): c is DeadLetterQueue => c instanceof DeadLetterQueue).map((d) => d.queue),
      messagingKey,
      redriveTargets: [this.importPipeline.function, this.erasure.function, this.automation.function].map((f) => f.function),
    });
    // Not attached to the erasure operator role: that role's ARN is in the erasure function's environment, and the
    // policy names the function (redrive), a cycle. Operators attach it to their own role or permission set.

    const outputs: Record<string, [string, string]> = {
      ApiUrl: [this.ingestApi.url, 'Ingest API base URL (SigV4-signed POST /v1/{entity})'],
      OperatorRoleArn: [this.erasure.operatorRole.roleArn, 'Role operators assume to erase a customer (SigV4-signed DELETE /v1/customers/{id})'],
      TableName: [this.table.table.tableName, 'DynamoDB table holding the CRM records'],
      LakeBucketName: [this.lake.bucket.bucketName, 'S3 lake bucket (lake/, athena-results/)'],
      ImportBucketName: [this.imports.bucket.bucketName, 'S3 bucket for bulk imports (drop files under imports/)'],
      AccessLogBucketName: [accessLogs.bucket.bucketName, 'S3 server access logs of the data buckets'],
      EventBusName: [this.bus.eventBus.eventBusName, 'EventBridge bus carrying CRM domain events'],
      AthenaWorkGroup: [this.workgroup.name, 'Athena workgroup for lake queries'],
      GlueDatabase: [this.catalog.databaseName, 'Glue database of the lake tables'],
      AlarmTopicArn: [this.alarmTopic.topic.topicArn, 'SNS topic notified by every alarm'],
      PseudonymSecretArn: [this.pseudonymKey.secret.secretArn, 'Secret holding the pseudonymisation HMAC key'],
      ReportsLocation: [`s3://${this.lake.bucket.bucketName}/${REPORTS_PREFIX}`, 'Report runs: <report>/as_of=<date>/ with summary.json, dashboard.html and one Parquet folder per table'],
      ReportStateMachines: [
        this.toJsonString(Object.fromEntries([...this.reports.byReport].map(([name, r]) => [name, r.stateMachine.stateMachineArn]))),
        'State machine of each report, by report name (JSON): start one to run a report on demand',
      ],
      AnalystPolicyArn: [this.access.analystPolicy.managedPolicyArn, 'Managed policy for analysts: Athena queries in the workgroup, lake views, report tables and files'],
      OperatorPolicyArn: [this.access.operatorPolicy.managedPolicyArn, 'Managed policy for operators: event replay from the archive, dead-letter inspection and redrive'],
      NotifyTopicArn: [this.automation.notifyTopic.topicArn, 'SNS topic of automation notifications (subscribe people or chat tools)'],
    };
    for (const [id, [value, description]] of Object.entries(outputs)) new CfnOutput(this, id, { value, description });
  }
}
