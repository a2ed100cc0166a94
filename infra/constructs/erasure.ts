// Erasure (right to be forgotten) in AWS: one function behind `DELETE /v1/customers/{id}` (IAM auth;
// only the operator role created here may invoke the route) and behind `CustomerErasureRequested`
// events on the bus. It holds only the table actions erase-customer.ts sends and read/write on the
// lake prefix (the rewrite of files that hold the erased person's hashes).
import { CfnElement, Duration, Stack, Token } from 'aws-cdk-lib';
import { HttpMethod, type HttpRoute } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { AccountRootPrincipal, Role } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { TABLE_DESIGN } from '#lib/table/design.ts';
import { ERASURE_REQUESTED, PRIVACY_EVENT_SOURCE } from '#functions/erasure/erasure-request.ts';
import { acknowledgeResourceWildcard, nagArn } from '../nag/grant-wildcards.ts';
import { grantObjectCalls, grantTableCalls } from '../iam/exact-grants.ts';
import { CrmFunction } from './crm-function.ts';
import { DeadLetterQueue } from './dead-letter-queue.ts';
import type { ErasureProps } from './erasure-props.ts';

export const ERASE_ROUTE_PATH = '/v1/customers/{id}';

export class Erasure extends Construct {
  readonly function: CrmFunction;
  readonly route: HttpRoute;
  /** The role operators assume to erase a customer (the only principal granted the route). */
  readonly operatorRole: Role;
  readonly rule: Rule;
  /** Erasure requests EventBridge could not deliver to the function: alarmed, never silent. */
  readonly deliveryDeadLetterQueue: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: ErasureProps) {
    super(scope, id);
    this.operatorRole = new Role(this, 'OperatorRole', {
      assumedBy: new AccountRootPrincipal(),
      description: 'CRM operators: may erase a customer through DELETE /v1/customers/{id}',
    });
    this.function = new CrmFunction(this, 'Function', {
      entry: 'functions/erasure/handler.ts',
      description: 'Erases a customer: table records, identities, aliases; lake hashes; audit record',
      serviceName: 'crm-erasure',
      timeout: Duration.seconds(29),
      environment: {
        TABLE_NAME: props.table.tableName,
        LAKE_BUCKET: props.lakeBucket.bucketName,
        LAKE_PREFIX: props.lakePrefix,
        EVENT_BUS_NAME: props.eventBus.eventBusName,
        OPERATOR_ROLE_ARN: this.operatorRole.roleArn,
      },
      // EventBridge invokes asynchronously: a request that fails every retry lands in the function's alarmed DLQ.
      deadLetterQueue: true,
      ...(props.messagingKey ? { messagingKey: props.messagingKey } : {}),
      ...(props.alarmAction ? { alarmAction: props.alarmAction } : {}),
    });
    // Exactly the calls erase-customer.ts makes (reads, the collection query, puts, deletes, in-place strips).
    grantTableCalls(this.function, props.table, ['dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:UpdateItem'], {
      indexes: [TABLE_DESIGN.customerIndex.name],
    });
    // The lake rewrite lists, reads and puts files of the erased person; it never deletes one.
    grantObjectCalls(this.function, props.lakeBucket, props.lakePrefix, { list: true, get: true, put: true });
    props.eventBus.grantPutEventsTo(this.function);
    acknowledgeResourceWildcard(
      this.function.role,
      `${nagArn(props.lakeBucket)}/${props.lakePrefix}*`,
      'GetObject and PutObject under the lake prefix only: Parquet files of the erased person are read and rewritten in place; their keys (table, day, batch) are not known in advance.',
    );

    [this.route] = props.httpApi.addRoutes({
      path: ERASE_ROUTE_PATH,
      methods: [HttpMethod.DELETE],
      integration: new HttpLambdaIntegration('Erase', this.function.function),
      authorizer: new HttpIamAuthorizer(),
    }) as [HttpRoute];
    this.route.grantInvoke(this.operatorRole);
    const stack = Stack.of(this);
    const nagToken = (v: string, name: string) => (Token.isUnresolved(v) ? `<AWS::${name}>` : v);
    const apiRef = `<${stack.resolve((props.httpApi.node.defaultChild as CfnElement).logicalId)}>`;
    acknowledgeResourceWildcard(
      this.operatorRole,
      `arn:<AWS::Partition>:execute-api:${nagToken(stack.region, 'Region')}:${nagToken(stack.account, 'AccountId')}:${apiRef}/*/DELETE${ERASE_ROUTE_PATH.replace('{id}', '*')}`,
      'Invoke on the one erasure route: any stage of this API, any customer id (the id is the request, not known in advance).',
    );

    this.deliveryDeadLetterQueue = new DeadLetterQueue(this, 'DeliveryDeadLetterQueue', {
      purpose: 'erasure requests EventBridge could not deliver to the erasure function',
      ...(props.messagingKey ? { encryptionKey: props.messagingKey } : {}),
      ...(props.alarmAction ? { alarmAction: props.alarmAction } : {}),
    });
    this.rule = new Rule(this, 'ErasureRequested', {
      eventBus: props.eventBus,
      description: 'Erasure requests from other systems (e.g. consent management)',
      eventPattern: { source: [PRIVACY_EVENT_SOURCE], detailType: [ERASURE_REQUESTED] },
      targets: [new LambdaFunction(this.function.function, { retryAttempts: 4, maxEventAge: Duration.hours(2), deadLetterQueue: this.deliveryDeadLetterQueue.queue })],
    });
  }
}
