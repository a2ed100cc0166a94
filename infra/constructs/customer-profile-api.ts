// The customer look-ups in AWS: `GET /v1/customers/{id}` and `GET /v1/customers?phone=...|email=...` on the HTTP API
// (IAM auth), handled by functions/customers/handler.ts. A function of its own with read actions only (GetItem,
// BatchGetItem, Query on the table, not its indexes), limited to the key prefixes the profile reads; optionally
// behind a `live` alias with provisioned concurrency.
import { Duration } from 'aws-cdk-lib';
import { HttpMethod, type HttpRoute } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Effect, PolicyStatement, type Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Alias, type IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { entities } from '#schemas/registry.ts';
import { CrmFunction } from './crm-function.ts';
import type { CustomerProfileApiProps } from './customer-profile-api-props.ts';

export const CUSTOMER_LOOKUP_PATH = '/v1/customers';
export const CUSTOMER_PROFILE_PATH = '/v1/customers/{id}';

/** Partition key prefixes the profile reads: the records it shows, identities and aliases of people, profile partitions. */
export const PROFILE_READ_KEY_PREFIXES = [
  ...(['customer', 'contact', 'order', 'activity', 'opportunity', 'ticket', 'contract', 'task', 'score'] as const).map((e) => `${entities[e].table}#`),
  `IDENTITY#${entities.customer.table}#`,
  `IDENTITY#${entities.contact.table}#`,
  `ALIAS#${entities.customer.table}#`,
  'PROFILE#',
];

export class CustomerProfileApi extends Construct {
  readonly function: CrmFunction;
  /** What the routes invoke: the `live` alias with provisioned concurrency, or the function itself. */
  readonly target: IFunction;
  readonly routes: HttpRoute[];

  constructor(scope: Construct, id: string, props: CustomerProfileApiProps) {
    super(scope, id);
    const provisioned = props.provisionedConcurrency ?? 0;
    if (!Number.isInteger(provisioned) || provisioned < 0) throw new Error(`provisionedConcurrency must be an integer >= 0, got ${provisioned}`);
    this.function = new CrmFunction(this, 'Function', {
      entry: 'functions/customers/handler.ts',
      description: 'Customer 360 look-ups by id, phone or e-mail (read only)',
      serviceName: 'crm-customer-profile',
      memorySize: props.memorySize ?? 512,
      timeout: Duration.seconds(10),
      environment: { TABLE_NAME: props.table.tableName },
      ...(props.alarmAction ? { alarmAction: props.alarmAction } : {}),
    });
    // Exactly the calls lib/profile/customer-profile.ts makes, on the table only (the profile never reads an index).
    this.function.role.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
        resources: [props.table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': PROFILE_READ_KEY_PREFIXES.map((p) => `${p}*`) } },
      }),
    );
    props.table.encryptionKey?.grantDecrypt(this.function);

    this.target =
      provisioned > 0
        ? new Alias(this, 'Live', { aliasName: 'live', version: this.function.function.currentVersion, provisionedConcurrentExecutions: provisioned })
        : this.function.function;
    const integration = new HttpLambdaIntegration('CustomerProfile', this.target);
    this.routes = [CUSTOMER_LOOKUP_PATH, CUSTOMER_PROFILE_PATH].flatMap(
      (path) => props.httpApi.addRoutes({ path, methods: [HttpMethod.GET], integration, authorizer: new HttpIamAuthorizer() }) as HttpRoute[],
    );
  }

  /** Lets a principal (a contact-centre integration's role) call the look-up routes. */
  grantLookup(grantee: IGrantable): Grant[] {
    return this.routes.map((r) => r.grantInvoke(grantee));
  }
}
