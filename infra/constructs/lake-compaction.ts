// Daily lake compaction in AWS: an EventBridge Scheduler schedule invokes the compaction function (retries, a
// dead-letter queue, alarms on function errors and dead letters), which runs one Athena CTAS per lake table into
// `<table>_snapshots` and commits it in `lake_snapshots` (functions/compaction/). The CTAS reads the previous
// snapshot and the changes since, so each run costs O(current data), not O(history).
import { Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Schedule, ScheduleExpression, TimeWindow } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { SNAPSHOTS_FOLDER } from '#lib/lake/snapshot-layout.ts';
import { acknowledgeGrantActions, acknowledgeResourceWildcard, nagArn } from '../nag/grant-wildcards.ts';
import { CrmFunction } from './crm-function.ts';
import { ATHENA_RESULTS_PREFIX, LAKE_PREFIX } from './data-lake-bucket.ts';
import { DeadLetterQueue } from './dead-letter-queue.ts';
import type { LakeCompactionProps } from './lake-compaction-props.ts';

export class LakeCompaction extends Construct {
  readonly function: CrmFunction;
  readonly schedule: Schedule;
  /** Invocations Scheduler could not deliver after its retries: alarmed. */
  readonly deadLetters: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: LakeCompactionProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const lakePrefix = props.lakePrefix ?? LAKE_PREFIX;
    const snapshotsPrefix = `${lakePrefix}${SNAPSHOTS_FOLDER}/`;
    const alarmAction = props.alarmAction ? { alarmAction: props.alarmAction } : {};
    this.function = new CrmFunction(this, 'Function', {
      entry: 'functions/compaction/handler.ts',
      description: 'Daily lake compaction: one Athena CTAS per table into <table>_snapshots, committed in lake_snapshots',
      serviceName: 'crm-compaction',
      timeout: Duration.minutes(15),
      // One run a day; a second one at the same time would write the same partitions.
      reservedConcurrentExecutions: 1,
      environment: { LAKE_BUCKET: props.lakeBucket.bucketName, LAKE_PREFIX: lakePrefix, WORKGROUP: props.workGroupName, GLUE_DATABASE: props.databaseName },
      ...alarmAction,
    });
    const role = this.function.role;
    const workGroupArn = stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: props.workGroupName });
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:StopQueryExecution'], resources: [workGroupArn] }));
    const vehicleTables = stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${props.databaseName}/compaction_*` });
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartition', 'glue:GetPartitions'],
        resources: [
          stack.formatArn({ service: 'glue', resource: 'catalog' }),
          stack.formatArn({ service: 'glue', resource: 'database', resourceName: props.databaseName }),
          stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${props.databaseName}/*` }),
        ],
      }),
    );
    // The transient CTAS tables only (compaction_<table>_<day>): created and dropped by each run.
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['glue:CreateTable', 'glue:DeleteTable'],
        resources: [stack.formatArn({ service: 'glue', resource: 'catalog' }), stack.formatArn({ service: 'glue', resource: 'database', resourceName: props.databaseName }), vehicleTables],
      }),
    );
    props.lakeBucket.grantRead(role, `${lakePrefix}*`);
    props.lakeBucket.grantPut(role, `${snapshotsPrefix}*`);
    props.lakeBucket.grantDelete(role, `${snapshotsPrefix}*`);
    props.lakeBucket.grantRead(role, `${ATHENA_RESULTS_PREFIX}*`);
    props.lakeBucket.grantPut(role, `${ATHENA_RESULTS_PREFIX}*`);
    acknowledgeGrantActions(role, ['Action::kms:GenerateDataKey*', 'Action::kms:ReEncrypt*', 'Action::s3:Abort*', 'Action::s3:GetObject*', 'Action::s3:GetBucket*', 'Action::s3:List*']);
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Action::s3:DeleteObject*]',
      reason: "CDK's grantDelete on the snapshots prefix: a rerun of a day clears that snapshot's partition before its CTAS (CTAS needs an empty location); nothing outside lake/snapshots/.",
    });
    acknowledgeResourceWildcard(role, `${nagArn(props.lakeBucket)}/${lakePrefix}*`, 'The CTAS reads the previous snapshot and the change log of each table, under the lake prefix only.');
    acknowledgeResourceWildcard(role, `${nagArn(props.lakeBucket)}/${snapshotsPrefix}*`, 'Writes (and, for a rerun, first clears) the snapshot partitions and commit records of every table, under the snapshots prefix only.');
    acknowledgeResourceWildcard(role, `${nagArn(props.lakeBucket)}/${ATHENA_RESULTS_PREFIX}*`, 'Athena writes the query results under the results prefix only.');
    const nagToken = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<${pseudo}>` : value);
    const glueArn = (resource: string) => `arn:${nagToken(stack.partition, 'AWS::Partition')}:glue:${nagToken(stack.region, 'AWS::Region')}:${nagToken(stack.account, 'AWS::AccountId')}:${resource}`;
    acknowledgeResourceWildcard(role, glueArn(`table/${props.databaseName}/*`), 'Athena resolves the lake tables of this one Glue database the compaction SQL reads.');
    acknowledgeResourceWildcard(role, glueArn(`table/${props.databaseName}/compaction_*`), 'Creates and drops only its transient CTAS tables, named compaction_<table>_<day>.');

    this.deadLetters = new DeadLetterQueue(this, 'DeadLetters', {
      purpose: 'daily lake compactions that Scheduler could not invoke',
      ...(props.messagingKey ? { encryptionKey: props.messagingKey } : {}),
      ...alarmAction,
    });
    const schedulerRole = new Role(this, 'SchedulerRole', {
      description: 'Assumed by EventBridge Scheduler to invoke the daily lake compaction',
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
    });
    acknowledgeGrantActions(schedulerRole, ['Action::kms:GenerateDataKey*', 'Action::kms:ReEncrypt*']);
    acknowledgeResourceWildcard(schedulerRole, `${nagArn(this.function.function)}:*`, "CDK's invoke grant covers the function's versions and aliases (`<arn>:*`); one function only.");
    this.schedule = new Schedule(this, 'Schedule', {
      scheduleName: `${props.namePrefix}-lake-compaction`.slice(0, 64),
      description: 'Compacts the lake change log into the snapshots of the last complete day',
      schedule: ScheduleExpression.expression(props.cron ?? 'cron(30 1 * * ? *)'),
      timeWindow: TimeWindow.off(),
      target: new LambdaInvoke(this.function.function, { role: schedulerRole, deadLetterQueue: this.deadLetters.queue, retryAttempts: 3, maxEventAge: Duration.hours(6) }),
    });
  }
}
