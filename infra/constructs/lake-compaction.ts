// Daily lake compaction in AWS: an EventBridge Scheduler schedule starts the compaction state machine (retries, a
// dead-letter queue), which invokes the compaction function once per lake table (retried, an alarm on failed
// runs); each invocation runs that table's Athena CTAS into `<table>_snapshots` and commits it in `lake_snapshots`
// (functions/compaction/). The CTAS reads the previous snapshot and the changes since, so each run costs
// O(current data), not O(history), and no table's work shares a Lambda's 15 minutes with another's.
import { Duration, Stack, Token } from 'aws-cdk-lib';
import { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Schedule, ScheduleExpression, ScheduleTargetInput, TimeWindow } from 'aws-cdk-lib/aws-scheduler';
import { StepFunctionsStartExecution } from 'aws-cdk-lib/aws-scheduler-targets';
import { DefinitionBody, LogLevel, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { SNAPSHOTS_FOLDER } from '#lib/lake/snapshot-layout.ts';
import { entities } from '#schemas/registry.ts';
import { grantKeyUse } from '../iam/exact-grants.ts';
import { acknowledgeGrantActions, acknowledgeResourceWildcard, nagArn } from '../nag/grant-wildcards.ts';
import { compactionDefinitionBody } from './compaction-state-machine.ts';
import { CrmFunction } from './crm-function.ts';
import { ATHENA_RESULTS_PREFIX, LAKE_PREFIX } from './data-lake-bucket.ts';
import { DeadLetterQueue } from './dead-letter-queue.ts';
import type { LakeCompactionProps } from './lake-compaction-props.ts';
import { stateMachineFailureAlarm } from './failure-alarms.ts';

export class LakeCompaction extends Construct {
  readonly function: CrmFunction;
  readonly stateMachine: StateMachine;
  readonly schedule: Schedule;
  /** Schedule invocations Scheduler could not deliver after its retries: alarmed. */
  readonly deadLetters: DeadLetterQueue;
  /** A run failed, timed out or was aborted (after the per-table retries). */
  readonly failedRunsAlarm: Alarm;

  constructor(scope: Construct, id: string, props: LakeCompactionProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const lakePrefix = props.lakePrefix ?? LAKE_PREFIX;
    const alarmAction = props.alarmAction ? { alarmAction: props.alarmAction } : {};
    this.function = new CrmFunction(this, 'Function', {
      entry: 'functions/compaction/handler.ts',
      description: 'Lake compaction of one table (or the named ones): an Athena CTAS into <table>_snapshots, committed in lake_snapshots',
      serviceName: 'crm-compaction',
      timeout: Duration.minutes(15),
      // One table at a time: a second invocation for the same table would write the same partition.
      reservedConcurrentExecutions: 1,
      environment: { LAKE_BUCKET: props.lakeBucket.bucketName, LAKE_PREFIX: lakePrefix, WORKGROUP: props.workGroupName, GLUE_DATABASE: props.databaseName },
      ...alarmAction,
    });
    this.grantCompaction(props, lakePrefix);

    const logGroup = new LogGroup(this, 'RunLogs', { retention: RetentionDays.THREE_MONTHS });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: `${props.namePrefix}-lake-compaction`.slice(0, 80),
      comment: 'Daily lake compaction, one Lambda invocation per table',
      definitionBody: DefinitionBody.fromString(JSON.stringify(compactionDefinitionBody({ tables: Object.values(entities).map((e) => e.table) }))),
      definitionSubstitutions: { CompactionFunctionArn: this.function.function.functionArn },
      timeout: Duration.hours(12),
      tracingEnabled: true,
      logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: true },
    });
    this.function.function.grantInvoke(this.stateMachine);
    const machineRole = this.stateMachine.role;
    acknowledgeResourceWildcard(machineRole, '*', 'Added by CDK for the state machine\'s execution logs (logs:CreateLogDelivery and the other log-delivery actions) and X-Ray tracing, which do not support resource-level permissions.');
    acknowledgeResourceWildcard(machineRole, `${nagArn(this.function.function)}:*`, "CDK's grantInvoke covers the function's versions and aliases (`<arn>:*`); one function only.");

    this.failedRunsAlarm = stateMachineFailureAlarm(this, 'FailedRunsAlarm', this.stateMachine, `Lake compaction: a run failed, timed out or was aborted after its per-table retries; the tables after the failed one wait for the next run (see ${logGroup.node.path}).`, props.alarmAction);

    this.deadLetters = new DeadLetterQueue(this, 'DeadLetters', {
      purpose: 'daily lake compactions that Scheduler could not start',
      ...(props.messagingKey ? { encryptionKey: props.messagingKey } : {}),
      ...alarmAction,
    });
    const schedulerRole = new Role(this, 'SchedulerRole', {
      description: 'Assumed by EventBridge Scheduler to start the daily lake compaction',
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
    });
    acknowledgeGrantActions(schedulerRole, ['Action::kms:GenerateDataKey*', 'Action::kms:ReEncrypt*']);
    this.schedule = new Schedule(this, 'Schedule', {
      scheduleName: `${props.namePrefix}-lake-compaction`.slice(0, 64),
      description: 'Compacts the lake change log into the snapshots of the last complete day',
      schedule: ScheduleExpression.expression(props.cron ?? 'cron(30 1 * * ? *)'),
      timeWindow: TimeWindow.off(),
      target: new StepFunctionsStartExecution(this.stateMachine, {
        role: schedulerRole,
        input: ScheduleTargetInput.fromObject({}),
        deadLetterQueue: this.deadLetters.queue,
        retryAttempts: 3,
        maxEventAge: Duration.hours(6),
      }),
    });
  }

  /**
   * Exactly what the function sends (Athena queries; S3 list, delete and put of the snapshot partition and its manifest
   * row) and what Athena does with the caller's credentials for its SELECT, CTAS and DROP TABLE: Glue reads of the lake
   * tables, creating and dropping the transient CTAS tables, reading the lake, writing the snapshot and the results.
   */
  private grantCompaction(props: LakeCompactionProps, lakePrefix: string): void {
    const stack = Stack.of(this);
    const role = this.function.role;
    const bucket = props.lakeBucket;
    const snapshotsPrefix = `${lakePrefix}${SNAPSHOTS_FOLDER}/`;
    const allow = (actions: string[], resources: string[], conditions?: Record<string, unknown>) =>
      role.addToPrincipalPolicy(new PolicyStatement({ effect: Effect.ALLOW, actions, resources, ...(conditions ? { conditions } : {}) }));

    const workGroupArn = stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: props.workGroupName });
    allow(['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:StopQueryExecution'], [workGroupArn]);
    const catalog = stack.formatArn({ service: 'glue', resource: 'catalog' });
    const database = stack.formatArn({ service: 'glue', resource: 'database', resourceName: props.databaseName });
    allow(['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartitions'], [catalog, database, stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${props.databaseName}/*` })]);
    // The transient CTAS tables only (compaction_<table>_<day>): created and dropped by each invocation.
    allow(['glue:CreateTable', 'glue:DeleteTable'], [catalog, database, stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${props.databaseName}/compaction_*` })]);

    allow(['s3:GetObject'], [bucket.arnForObjects(`${lakePrefix}*`), bucket.arnForObjects(`${ATHENA_RESULTS_PREFIX}*`)]);
    // Athena writes the snapshot files and the results in multipart uploads, and aborts them when a query fails.
    allow(['s3:PutObject', 's3:AbortMultipartUpload'], [bucket.arnForObjects(`${snapshotsPrefix}*`), bucket.arnForObjects(`${ATHENA_RESULTS_PREFIX}*`)]);
    // A rerun of a day clears that snapshot's partition first: CTAS needs an empty location.
    allow(['s3:DeleteObject'], [bucket.arnForObjects(`${snapshotsPrefix}*`)]);
    allow(['s3:ListBucket'], [bucket.bucketArn], { StringLike: { 's3:prefix': [`${lakePrefix}*`, `${ATHENA_RESULTS_PREFIX}*`] } });
    allow(['s3:GetBucketLocation'], [bucket.bucketArn]);
    grantKeyUse(role, bucket.encryptionKey, 'kms:Decrypt', 'kms:GenerateDataKey');

    acknowledgeResourceWildcard(role, `${nagArn(bucket)}/${lakePrefix}*`, 'The CTAS reads the previous snapshot and the change log of the table, under the lake prefix only.');
    acknowledgeResourceWildcard(role, `${nagArn(bucket)}/${snapshotsPrefix}*`, 'Writes (and, for a rerun, first clears) the snapshot partitions and commit records of every table, under the snapshots prefix only.');
    acknowledgeResourceWildcard(role, `${nagArn(bucket)}/${ATHENA_RESULTS_PREFIX}*`, 'Athena writes and reads the query results under the results prefix only.');
    const nagToken = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<${pseudo}>` : value);
    const glueArn = (resource: string) => `arn:${nagToken(stack.partition, 'AWS::Partition')}:glue:${nagToken(stack.region, 'AWS::Region')}:${nagToken(stack.account, 'AWS::AccountId')}:${resource}`;
    acknowledgeResourceWildcard(role, glueArn(`table/${props.databaseName}/*`), 'Athena resolves the lake tables of this one Glue database the compaction SQL reads.');
    acknowledgeResourceWildcard(role, glueArn(`table/${props.databaseName}/compaction_*`), 'Creates and drops only its transient CTAS tables, named compaction_<table>_<day>.');
  }
}
