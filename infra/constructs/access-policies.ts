// Managed policies for the people around the pipeline, attached to their own roles or SSO permission sets:
// - analysts run queries in the workgroup and read the lake's views, the report tables and the report files;
//   nothing else (no DynamoDB, no import files, no pseudonymisation secret);
// - operators replay archived events into the bus and inspect, redrive or purge the dead-letter queues.
import { Stack, Token } from 'aws-cdk-lib';
import { Effect, ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { Archive, IEventBus } from 'aws-cdk-lib/aws-events';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeResourceWildcard, nagArn } from '../nag/grant-wildcards.ts';

/** Key prefix of the report outputs (Parquet tables, summary.json, dashboard.html) in the lake bucket. */
export const REPORTS_PREFIX = 'reports/';

export interface AccessPoliciesProps {
  readonly stage: string;
  readonly workGroupName: string;
  readonly databaseName: string;
  readonly lakeBucket: IBucket;
  readonly lakeKey: IKey;
  readonly lakePrefix: string;
  readonly athenaResultsPrefix: string;
  readonly eventBus: IEventBus;
  readonly archive: Archive;
  readonly deadLetterQueues: readonly IQueue[];
  readonly messagingKey: IKey;
  /** Functions whose failed asynchronous events an operator may re-send (redrive from their dead-letter queues). */
  readonly redriveTargets: readonly IFunction[];
}

export class AccessPolicies extends Construct {
  readonly analystPolicy: ManagedPolicy;
  readonly operatorPolicy: ManagedPolicy;

  constructor(scope: Construct, id: string, props: AccessPoliciesProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const arn = (service: string, resource: string, resourceName?: string) => stack.formatArn({ service, resource, ...(resourceName ? { resourceName } : {}) });
    const allow = (actions: string[], resources: string[], conditions?: Record<string, unknown>) =>
      new PolicyStatement({ effect: Effect.ALLOW, actions, resources, ...(conditions ? { conditions } : {}) });
    const readPrefixes = [props.lakePrefix, REPORTS_PREFIX];
    // How cdk-nag spells an ARN in its finding ids: literal where the stack's environment is known.
    const nagToken = (v: string, name: string) => (Token.isUnresolved(v) ? `<AWS::${name}>` : v);
    const nagArnOf = (service: string, resource: string) =>
      `arn:${nagToken(stack.partition, 'Partition')}:${service}:${nagToken(stack.region, 'Region')}:${nagToken(stack.account, 'AccountId')}:${resource}`;

    this.analystPolicy = new ManagedPolicy(this, 'AnalystPolicy', {
      managedPolicyName: `crm-${props.stage}-analyst`,
      description: `CRM ${props.stage}: run Athena queries in the workgroup over the lake views and report tables, read report files`,
      statements: [
        allow(
          ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:StopQueryExecution', 'athena:GetWorkGroup', 'athena:ListQueryExecutions', 'athena:GetNamedQuery', 'athena:ListNamedQueries', 'athena:BatchGetNamedQuery'],
          [arn('athena', 'workgroup', props.workGroupName)],
        ),
        allow(
          ['glue:GetDatabase', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartitions'],
          [arn('glue', 'catalog'), arn('glue', 'database', props.databaseName), arn('glue', 'table', `${props.databaseName}/*`)],
        ),
        // The views read the lake's Parquet files; reports live under reports/; Athena writes results under its prefix.
        allow(['s3:GetObject'], [...readPrefixes, props.athenaResultsPrefix].map((p) => props.lakeBucket.arnForObjects(`${p}*`))),
        allow(['s3:PutObject'], [props.lakeBucket.arnForObjects(`${props.athenaResultsPrefix}*`)]),
        allow(['s3:ListBucket', 's3:GetBucketLocation'], [props.lakeBucket.bucketArn], { StringLike: { 's3:prefix': [...readPrefixes, props.athenaResultsPrefix].map((p) => `${p}*`) } }),
        allow(['kms:Decrypt', 'kms:GenerateDataKey'], [props.lakeKey.keyArn]),
      ],
    });
    for (const resource of [
      nagArnOf('glue', `table/${props.databaseName}/*`),
      ...[...readPrefixes, props.athenaResultsPrefix].map((p) => `${nagArn(props.lakeBucket)}/${p}*`),
    ]) {
      acknowledgeResourceWildcard(this.analystPolicy, resource, `Analysts read every table and view of the ${props.databaseName} database and the lake, report and result files under their prefixes of the lake bucket only; no import bucket, table or secret.`);
    }

    const queues = props.deadLetterQueues.map((q) => q.queueArn);
    this.operatorPolicy = new ManagedPolicy(this, 'OperatorPolicy', {
      managedPolicyName: `crm-${props.stage}-operator`,
      description: `CRM ${props.stage}: replay archived events into the bus; inspect, redrive and purge dead-letter queues`,
      statements: [
        allow(['events:DescribeArchive', 'events:StartReplay'], [props.archive.archiveArn]),
        allow(['events:DescribeReplay', 'events:CancelReplay', 'events:ListReplays'], [arn('events', 'replay', '*')]),
        // StartReplay delivers into the bus it came from.
        allow(['events:PutEvents'], [props.eventBus.eventBusArn]),
        allow(['sqs:GetQueueAttributes', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:PurgeQueue', 'sqs:StartMessageMoveTask', 'sqs:ListMessageMoveTasks', 'sqs:CancelMessageMoveTask'], queues),
        allow(['kms:Decrypt', 'kms:GenerateDataKey'], [props.messagingKey.keyArn]),
        // Redrive of a Lambda dead letter: invoke the function again with the message's event.
        allow(['lambda:InvokeFunction'], props.redriveTargets.map((f) => f.functionArn)),
      ],
    });
    acknowledgeResourceWildcard(
      this.operatorPolicy,
      nagArnOf('events', 'replay/*'),
      'Replay names are chosen when a replay starts; describing, cancelling and listing them cannot be scoped further (StartReplay itself is limited to this archive).',
    );
  }
}
