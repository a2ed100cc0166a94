// DynamoDB stream -> functions/stream/handler.ts -> Parquet in the lake, automation index items, domain events on the bus.
// Only record items (sk = RECORD) are delivered; identity and alias items never leave DynamoDB.
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { acknowledgeResourceWildcard, nagArn } from '../nag/grant-wildcards.ts';
import { ExactSqsDlq, grantKeyUse, grantObjectCalls, grantTableCalls } from '../iam/exact-grants.ts';
import { INDEX_KEY_PREFIXES, TABLE_DESIGN } from '#lib/table/design.ts';
import type { ChangeStreamProps } from './change-stream-props.ts';
import { CrmFunction } from './crm-function.ts';
import { LAKE_PREFIX } from './data-lake-bucket.ts';
import { DeadLetterQueue } from './dead-letter-queue.ts';

export class ChangeStream extends Construct {
  readonly function: CrmFunction;
  readonly failureQueue: DeadLetterQueue;
  readonly iteratorAgeAlarm: Alarm;

  constructor(scope: Construct, id: string, props: ChangeStreamProps) {
    super(scope, id);
    const lakePrefix = props.lakePrefix ?? LAKE_PREFIX;
    const alarmAction = props.alarmAction ? { alarmAction: props.alarmAction } : {};

    this.function = new CrmFunction(this, 'Function', {
      entry: 'functions/stream/handler.ts',
      description: 'Writes record changes to the lake and publishes domain events',
      serviceName: 'crm-stream',
      memorySize: 1024,
      timeout: Duration.minutes(5),
      environment: {
        LAKE_BUCKET: props.lakeBucket.bucketName,
        LAKE_PREFIX: lakePrefix,
        EVENT_BUS_NAME: props.eventBus.eventBusName,
        PSEUDONYM_SECRET_ARN: props.pseudonymSecret.secretArn,
        TABLE_NAME: props.table.tableName,
      },
      ...alarmAction,
    });
    // Lake files are immutable: put only, under the lake prefix, no read or delete.
    grantObjectCalls(this.function, props.lakeBucket, lakePrefix, { put: true });
    props.eventBus.grantPutEventsTo(this.function);
    // GetSecretValue only (Secret.grantRead adds DescribeSecret, which the handler never sends).
    this.function.role.addToPrincipalPolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: ['secretsmanager:GetSecretValue'], resources: [props.pseudonymSecret.secretArn] }));
    grantKeyUse(this.function, props.pseudonymSecret.encryptionKey, 'kms:Decrypt');
    // Automation index items only (transactions of puts, deletes and conditional updates): the partition key must
    // start with an index prefix, so records stay out of reach.
    // The profile summaries and order values it maintains are index items too: read back in batches (BatchGetItem).
    grantTableCalls(this.function, props.table, ['dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'], { leadingKeyPrefixes: INDEX_KEY_PREFIXES });
    // A profile's recent orders and activities come from the customer's collection: Query on byCustomer only, not the table.
    this.function.role.addToPrincipalPolicy(
      new PolicyStatement({ effect: Effect.ALLOW, actions: ['dynamodb:Query'], resources: [`${props.table.tableArn}/index/${TABLE_DESIGN.customerIndex.name}`] }),
    );
    acknowledgeResourceWildcard(this.function.role, `${nagArn(props.lakeBucket)}/${lakePrefix}*`, 'New Parquet files under the lake prefix only (put, no read or delete): one key per batch, table and day, unknown in advance.');
    acknowledgeResourceWildcard(this.function.role, '*', 'dynamodb:ListStreams (needed by Lambda to poll the table stream) does not support resource-level permissions; every other statement of this role names its resource.');

    this.failureQueue = new DeadLetterQueue(this, 'FailureQueue', {
      purpose: 'stream batches that failed every retry (shard and sequence numbers, to replay from the table)',
      ...(props.messagingKey ? { encryptionKey: props.messagingKey } : {}),
      ...alarmAction,
    });

    // The mapping is built directly (not with DynamoEventSource, whose stream grant adds kms:DescribeKey): Lambda
    // polls the stream with the role, needing exactly these stream actions and the table key's Decrypt.
    const streamArn = props.table.tableStreamArn;
    if (!streamArn) throw new Error('the CRM table must have a stream');
    this.function.role.addToPrincipalPolicy(
      new PolicyStatement({ effect: Effect.ALLOW, actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'], resources: [streamArn] }),
    );
    this.function.role.addToPrincipalPolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: ['dynamodb:ListStreams'], resources: ['*'] }));
    this.function.function.addEventSourceMapping('TableStream', {
        eventSourceArn: streamArn,
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: props.batchSize ?? 1000,
        maxBatchingWindow: props.maxBatchingWindow ?? Duration.seconds(30),
        // Split a failing batch until the poison record is isolated, and retry only what failed.
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        retryAttempts: 10,
        // Well inside the stream's 24 h retention, so a stuck record reaches the failure queue before it is trimmed.
        maxRecordAge: Duration.hours(12),
        onFailure: new ExactSqsDlq(this.failureQueue.queue),
        filters: [FilterCriteria.filter({ dynamodb: { Keys: { [TABLE_DESIGN.sortKey]: { S: FilterRule.isEqual(TABLE_DESIGN.recordSortKey) } } } })],
    });

    this.iteratorAgeAlarm = new Alarm(this, 'IteratorAgeAlarm', {
      alarmDescription: 'The stream function lags behind the table: the lake and automations are late.',
      metric: this.function.function.metric('IteratorAge', { statistic: 'Maximum', period: Duration.minutes(5) }),
      threshold: (props.iteratorAgeAlarmThreshold ?? Duration.minutes(10)).toMilliseconds(),
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 2,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    if (props.alarmAction) this.iteratorAgeAlarm.addAlarmAction(props.alarmAction);
  }
}
