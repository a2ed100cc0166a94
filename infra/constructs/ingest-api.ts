// The authenticated ingest API: `POST /v1/{entity}` signed with SigV4 (IAM), handled by functions/ingest/api.ts.
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, type HttpRoute, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { Grant, IGrantable } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { grantTableCalls } from '../iam/exact-grants.ts';
import { CrmFunction } from './crm-function.ts';
import type { IngestApiProps } from './ingest-api-props.ts';

export const INGEST_ROUTE_PATH = '/v1/{entity}';

// JSON access logs with the HTTP API fields (the default is CLF text with REST-only fields): who called, what, outcome.
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    requestTime: '$context.requestTime',
    sourceIp: '$context.identity.sourceIp',
    caller: '$context.identity.caller',
    userArn: '$context.identity.userArn',
    routeKey: '$context.routeKey',
    status: '$context.status',
    responseLength: '$context.responseLength',
    latencyMs: '$context.responseLatency',
    integrationError: '$context.integrationErrorMessage',
  }),
);

export class IngestApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly route: HttpRoute;
  readonly function: CrmFunction;

  constructor(scope: Construct, id: string, props: IngestApiProps) {
    super(scope, id);
    this.function = new CrmFunction(this, 'Function', {
      entry: 'functions/ingest/api.ts',
      description: 'Validates and upserts CRM records posted to the ingest API',
      serviceName: 'crm-ingest-api',
      environment: { TABLE_NAME: props.table.tableName, EVENT_BUS_NAME: props.eventBus.eventBusName },
      ...(props.alarmAction ? { alarmAction: props.alarmAction } : {}),
    });
    // The record writer's calls: consistent batch reads of current versions, conditional puts, and merge
    // transactions (puts and deletes of twin records and aliases). No index, no scan, no stream.
    grantTableCalls(this.function, props.table, ['dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem']);

    this.api = new HttpApi(this, 'Api', { ...(props.apiName ? { apiName: props.apiName } : {}), description: 'CRM ingest API (SigV4 signed requests only)', createDefaultStage: false });
    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: props.accessLogRetention ?? RetentionDays.THREE_MONTHS });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit ?? 100, burstLimit: props.burstLimit ?? 200 },
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: ACCESS_LOG_FORMAT },
    });

    [this.route] = this.api.addRoutes({
      path: INGEST_ROUTE_PATH,
      methods: [HttpMethod.POST],
      integration: new HttpLambdaIntegration('Ingest', this.function.function),
      authorizer: new HttpIamAuthorizer(),
    }) as [HttpRoute];
  }

  /** Base URL of the API. */
  get url(): string {
    return this.stage.url;
  }

  /** Lets a principal (a CRM connector's role) call the ingest route. */
  grantIngest(grantee: IGrantable): Grant {
    return this.route.grantInvoke(grantee);
  }
}
