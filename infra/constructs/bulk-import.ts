// Bulk import at any size: S3 `Object Created` under `imports/` at or above the size threshold -> rule -> starter
// Lambda (names the execution after the object version: a redelivered event cannot start a second import) ->
// Step Functions Standard state machine (bulk-import-state-machine.ts): plan byte ranges, a Distributed Map of
// batches with bounded concurrency, finish. Every failure ends in a retry, a recorded failed batch, a DLQ or an alarm.
import { ArnFormat, Duration, Stack, Token } from 'aws-cdk-lib';
import { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { Match, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { Validations } from 'aws-cdk-lib';
import { BULK_RUNS_PREFIX } from '../../functions/ingest/bulk/bulk-contract.ts';
import { acknowledgeResourceWildcard, nagArn } from '../nag/grant-wildcards.ts';
import { grantObjectCalls, grantTableCalls } from '../iam/exact-grants.ts';
import { CrmFunction } from './crm-function.ts';
import { DeadLetterQueue } from './dead-letter-queue.ts';
import { bulkImportDefinitionBody } from './bulk-import-state-machine.ts';
import type { BulkImportProps, TableCapacity } from './bulk-import-props.ts';
import { stateMachineFailureAlarm, defaultBusRuleFailureAlarm } from './failure-alarms.ts';

export const DEFAULT_BULK_THRESHOLD_BYTES = 64 * 1024 * 1024;
/** Write units one batch Lambda uses per second (a conditional PutItem per record, ~1 KB records): sizes the Map. */
export const WRITE_UNITS_PER_BATCH = 500;

/** Batches that may write at once without throttling the table: its write ceiling over one batch's rate. */
export function concurrencyFor(capacity: TableCapacity): number {
  const ceiling = capacity.mode === 'provisioned' ? capacity.writeCapacityUnits : (capacity.maxWriteUnits ?? 4000);
  return Math.max(1, Math.floor(ceiling / WRITE_UNITS_PER_BATCH));
}

export class BulkImport extends Construct {
  readonly startFunction: CrmFunction;
  readonly planFunction: CrmFunction;
  readonly batchFunction: CrmFunction;
  readonly finishFunction: CrmFunction;
  readonly stateMachine: StateMachine;
  readonly rule: Rule;
  readonly deliveryDeadLetterQueue: DeadLetterQueue;
  readonly failedExecutionsAlarm: Alarm;
  readonly failedInvocationsAlarm: Alarm;
  readonly thresholdBytes: number;
  readonly maxConcurrency: number;

  constructor(scope: Construct, id: string, props: BulkImportProps) {
    super(scope, id);
    const alarmAction = props.alarmAction ? { alarmAction: props.alarmAction } : {};
    const messagingKey = props.messagingKey ? { messagingKey: props.messagingKey } : {};
    const { bucket, prefix } = props;
    this.thresholdBytes = props.thresholdBytes ?? DEFAULT_BULK_THRESHOLD_BYTES;
    this.maxConcurrency = props.maxConcurrency ?? concurrencyFor(props.tableCapacity ?? { mode: 'onDemand' });

    const stack = Stack.of(this);
    const stateMachineArn = stack.formatArn({ service: 'states', resource: 'stateMachine', resourceName: props.stateMachineName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });

    this.startFunction = new CrmFunction(this, 'StartFunction', {
      entry: 'functions/ingest/bulk/start.ts',
      description: 'Starts the bulk-import state machine, once per object version',
      serviceName: 'crm-bulk-import',
      timeout: Duration.seconds(30),
      deadLetterQueue: true,
      environment: { STATE_MACHINE_ARN: stateMachineArn },
      ...messagingKey,
      ...alarmAction,
    });
    this.planFunction = new CrmFunction(this, 'PlanFunction', {
      entry: 'functions/ingest/bulk/plan.ts',
      description: 'Bulk import: cuts the file into line-aligned byte ranges (the manifest)',
      serviceName: 'crm-bulk-import',
      memorySize: 1024,
      timeout: Duration.minutes(15),
      environment: {
        ...(props.batchBytes ? { BATCH_BYTES: String(props.batchBytes) } : {}),
        ...(props.batchRecords ? { BATCH_RECORDS: String(props.batchRecords) } : {}),
      },
      ...alarmAction,
    });
    this.batchFunction = new CrmFunction(this, 'BatchFunction', {
      entry: 'functions/ingest/bulk/batch.ts',
      description: 'Bulk import: imports one byte range of the file',
      serviceName: 'crm-bulk-import',
      memorySize: 1024,
      timeout: Duration.minutes(15),
      environment: { TABLE_NAME: props.table.tableName },
      ...alarmAction,
    });
    this.finishFunction = new CrmFunction(this, 'FinishFunction', {
      entry: 'functions/ingest/bulk/finish.ts',
      description: 'Bulk import: joins the errors in line order, publishes ImportCompleted',
      serviceName: 'crm-bulk-import',
      memorySize: 1024,
      timeout: Duration.minutes(15),
      environment: { EVENT_BUS_NAME: props.eventBus.eventBusName },
      ...alarmAction,
    });

    // Exactly the calls each handler sends (test/infra/least-privilege.test.ts), each on its own prefix.
    grantObjectCalls(this.planFunction, bucket, prefix, { get: true, put: true });
    grantObjectCalls(this.planFunction, bucket, BULK_RUNS_PREFIX, { put: true });
    grantObjectCalls(this.batchFunction, bucket, prefix, { get: true });
    grantObjectCalls(this.batchFunction, bucket, BULK_RUNS_PREFIX, { put: true });
    grantTableCalls(this.batchFunction, props.table, ['dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem']);
    grantObjectCalls(this.finishFunction, bucket, prefix, { put: true });
    grantObjectCalls(this.finishFunction, bucket, BULK_RUNS_PREFIX, { get: true, put: true });
    props.eventBus.grantPutEventsTo(this.finishFunction);
    this.startFunction.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['states:StartExecution'], resources: [stateMachineArn] }));

    const imports = `${nagArn(bucket)}/${prefix}*`;
    const runs = `${nagArn(bucket)}/${BULK_RUNS_PREFIX}*`;
    acknowledgeResourceWildcard(this.planFunction.role, imports, 'Reads the dropped file (any name a team chooses) and writes its errors file beside it, under the import prefix only.');
    acknowledgeResourceWildcard(this.planFunction.role, runs, "Writes the run's manifest under the bulk-import run prefix only.");
    acknowledgeResourceWildcard(this.batchFunction.role, imports, 'Reads its byte range of the dropped file, under the import prefix only.');
    acknowledgeResourceWildcard(this.batchFunction.role, runs, "Writes its batch's result under the bulk-import run prefix only.");
    acknowledgeResourceWildcard(this.finishFunction.role, imports, 'Writes the errors file beside the dropped file, under the import prefix only.');
    acknowledgeResourceWildcard(this.finishFunction.role, runs, "Reads the manifest and the batches' results and writes the completion marker, under the bulk-import run prefix only.");

    const logGroup = new LogGroup(this, 'Logs', { retention: RetentionDays.THREE_MONTHS });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: props.stateMachineName,
      stateMachineType: StateMachineType.STANDARD,
      comment: 'Bulk import of one S3 object in parallel byte ranges',
      definitionBody: DefinitionBody.fromString(
        JSON.stringify(
          bulkImportDefinitionBody({
            maxConcurrency: this.maxConcurrency,
            toleratedFailurePercentage: props.toleratedFailurePercentage ?? 10,
            batchAttempts: props.batchAttempts ?? 4,
            timeoutSeconds: (props.timeout ?? Duration.hours(24)).toSeconds(),
          }),
        ),
      ),
      definitionSubstitutions: {
        PlanFunctionArn: this.planFunction.function.functionArn,
        BatchFunctionArn: this.batchFunction.function.functionArn,
        FinishFunctionArn: this.finishFunction.function.functionArn,
      },
      tracingEnabled: true,
      logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: true },
    });
    const role = this.stateMachine.role;
    // Exact invoke grants (CDK's grantInvoke adds each function's `:*` versions and aliases).
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.planFunction, this.batchFunction, this.finishFunction].map((f) => f.function.functionArn) }),
    );
    // The Distributed Map runs its children as executions of this state machine (named, to avoid a cycle).
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['states:StartExecution'], resources: [stateMachineArn] }));
    const executions = stack.formatArn({ service: 'states', resource: 'execution', resourceName: `${props.stateMachineName}/*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['states:DescribeExecution', 'states:StopExecution'], resources: [executions] }));
    // The ItemReader reads the manifest; the Catch records a failed batch: both under the run prefix only.
    grantObjectCalls({ role }, bucket, BULK_RUNS_PREFIX, { get: true, put: true });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: "Added by CDK for the state machine's execution logs (logs:CreateLogDelivery and the other log-delivery actions) and X-Ray tracing, which do not support resource-level permissions.",
    });
    acknowledgeResourceWildcard(role, runs, "The Distributed Map reads the run's manifest and records failed batches under the bulk-import run prefix only.");
    acknowledgeResourceWildcard(
      role,
      `arn:${nagToken(stack.partition, 'AWS::Partition')}:states:${nagToken(stack.region, 'AWS::Region')}:${nagToken(stack.account, 'AWS::AccountId')}:execution:${props.stateMachineName}/*`,
      "The Distributed Map describes and stops its own child executions, which are executions of this one state machine.",
    );

    this.failedExecutionsAlarm = stateMachineFailureAlarm(this, 'FailedExecutionsAlarm', this.stateMachine, `A bulk import failed, timed out or was aborted; see the execution in Step Functions and ${logGroup.node.path}.`, props.alarmAction);

    this.deliveryDeadLetterQueue = new DeadLetterQueue(this, 'DeliveryDeadLetterQueue', {
      purpose: 'bulk-import events EventBridge could not deliver to the starter function',
      ...(props.messagingKey ? { encryptionKey: props.messagingKey } : {}),
      ...alarmAction,
    });
    this.rule = new Rule(this, 'ObjectCreated', {
      description: `New import files of at least ${this.thresholdBytes} bytes: the bulk path`,
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: { bucket: { name: [bucket.bucketName] }, object: { key: Match.prefix(prefix), size: Match.greaterThanOrEqual(this.thresholdBytes) } },
      },
      targets: [new LambdaFunction(this.startFunction.function, { retryAttempts: 8, maxEventAge: Duration.hours(6), deadLetterQueue: this.deliveryDeadLetterQueue.queue })],
    });
    this.failedInvocationsAlarm = defaultBusRuleFailureAlarm(this, 'FailedInvocationsAlarm', this.rule, 'EventBridge failed to invoke the bulk-import starter; the event is in the delivery DLQ.', props.alarmAction);
  }
}

/** How cdk-nag prints a pseudo parameter in a finding: its value when known at synthesis, else `<AWS::...>`. */
const nagToken = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<${pseudo}>` : value);
