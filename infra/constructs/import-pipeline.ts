// Bulk import: S3 `Object Created` under `imports/` (default bus) -> rule -> functions/ingest/import.ts.
// Delivery failures go to the rule's DLQ, handler failures (after Lambda's async retries) to the function's DLQ.
import { Duration } from 'aws-cdk-lib';
import { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { Match, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import { acknowledgeResourceWildcard, nagArn } from '../nag/grant-wildcards.ts';
import { grantTableCalls, grantObjectCalls } from '../iam/exact-grants.ts';
import { CrmFunction } from './crm-function.ts';
import { DeadLetterQueue } from './dead-letter-queue.ts';
import { BulkImport } from './bulk-import.ts';
import { IMPORTS_PREFIX } from './import-bucket.ts';
import type { ImportPipelineProps } from './import-pipeline-props.ts';
import { defaultBusRuleFailureAlarm } from './failure-alarms.ts';

export class ImportPipeline extends Construct {
  readonly function: CrmFunction;
  readonly rule: Rule;
  readonly deliveryDeadLetterQueue: DeadLetterQueue;
  readonly failedInvocationsAlarm: Alarm;
  /** Files at or above the bulk threshold: Step Functions with a Distributed Map of batches. */
  readonly bulk: BulkImport;

  constructor(scope: Construct, id: string, props: ImportPipelineProps) {
    super(scope, id);
    const alarmAction = props.alarmAction ? { alarmAction: props.alarmAction } : {};
    const messagingKey = props.messagingKey ? { messagingKey: props.messagingKey } : {};

    this.function = new CrmFunction(this, 'Function', {
      entry: 'functions/ingest/import.ts',
      description: 'Ingests bulk import files dropped under imports/',
      serviceName: 'crm-ingest-import',
      memorySize: 1024,
      timeout: Duration.minutes(15),
      deadLetterQueue: true,
      environment: { TABLE_NAME: props.table.tableName, EVENT_BUS_NAME: props.eventBus.eventBusName, IMPORT_BUCKET: props.bucket.bucketName },
      ...messagingKey,
      ...alarmAction,
    });
    const prefix = props.prefix ?? IMPORTS_PREFIX;
    this.bulk = new BulkImport(this, 'Bulk', {
      ...props.bulk,
      bucket: props.bucket,
      prefix,
      table: props.table,
      eventBus: props.eventBus,
      stateMachineName: `${props.namePrefix ?? 'crm'}-bulk-import`,
      ...messagingKey,
      ...alarmAction,
    });
    // Reads the import and writes the rejected-rows file beside it; never deletes, never leaves the prefix.
    grantObjectCalls(this.function, props.bucket, prefix, { get: true, put: true });
    // The record writer's calls, as for the ingest API.
    grantTableCalls(this.function, props.table, ['dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem']);
    props.eventBus.grantPutEventsTo(this.function);
    acknowledgeResourceWildcard(
      this.function.role,
      `${nagArn(props.bucket)}/${prefix}*`,
      'GetObject and PutObject under the import prefix only: the function reads each dropped file (any name a team chooses) and writes its rejected-rows file beside it.',
    );

    this.deliveryDeadLetterQueue = new DeadLetterQueue(this, 'DeliveryDeadLetterQueue', {
      purpose: 'import events EventBridge could not deliver to the import function',
      ...(props.messagingKey ? { encryptionKey: props.messagingKey } : {}),
      ...alarmAction,
    });

    this.rule = new Rule(this, 'ObjectCreated', {
      description: `New import files under ${this.bulk.thresholdBytes} bytes: the direct path`,
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: { bucket: { name: [props.bucket.bucketName] }, object: { key: Match.prefix(prefix), size: Match.lessThan(this.bulk.thresholdBytes) } },
      },
      targets: [
        new LambdaFunction(this.function.function, {
          retryAttempts: 8,
          maxEventAge: Duration.hours(6),
          deadLetterQueue: this.deliveryDeadLetterQueue.queue,
        }),
      ],
    });

    this.failedInvocationsAlarm = defaultBusRuleFailureAlarm(this, 'FailedInvocationsAlarm', this.rule, 'EventBridge failed to invoke the import function; the event is in the delivery DLQ.', props.alarmAction);
  }
}
