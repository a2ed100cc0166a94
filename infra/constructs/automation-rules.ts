// The automation rules in AWS, built from the resolved configuration (never restated here): the rules function,
// one EventBridge rule per enabled event rule, one Scheduler schedule per enabled schedule or date rule, the
// notification topic, SES permission for the configured sender, and one API destination per webhook endpoint
// with a URL. Every target retries with a bounded policy and ends in its own alarmed dead-letter queue.
import { Duration, SecretValue, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import { Authorization, Connection, ApiDestination, EventField, HttpMethod, Rule, RuleTargetInput, type EventPattern, type IEventBus } from 'aws-cdk-lib/aws-events';
import { ApiDestination as ApiDestinationTarget, LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { ContextAttribute, Schedule, ScheduleExpression, ScheduleTargetInput, TimeWindow } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { ResolvedRule, WebhookEndpoint } from '#schemas/rules.ts';
import { TABLE_DESIGN } from '#lib/table/design.ts';
import { acknowledgeGrantActions, acknowledgeResourceWildcard, nagArn } from '../nag/grant-wildcards.ts';
import { grantKeyUse, grantTableCalls } from '../iam/exact-grants.ts';
import type { AutomationRulesProps } from './automation-rules-props.ts';
import { CrmFunction } from './crm-function.ts';
import { DeadLetterQueue } from './dead-letter-queue.ts';

/** Source and detail type of the webhook requests the rules function publishes (schemas/events.ts). */
const WEBHOOK_SOURCE = 'crm.automation';
const WEBHOOK_DETAIL_TYPE = 'WebhookRequested';

/** Build-time constant holding the resolved configuration in the rules bundle (functions/rules/bundled-config.ts). */
export const AUTOMATION_CONFIG_DEFINE = '__CRM_AUTOMATION_CONFIG__';

/** A date rule runs once a day at its local time: Scheduler cron fields are `min hour dom month dow year`. */
export function dailyCron(at = '08:00'): string {
  const [hour, minute] = at.split(':').map(Number);
  return `cron(${minute} ${hour} * * ? *)`;
}

export class AutomationRules extends Construct {
  readonly function: CrmFunction;
  readonly notifyTopic: Topic;
  /** Per configured rule id: the EventBridge rule or the schedule, and its dead-letter queue. */
  readonly eventRules = new Map<string, { rule: Rule; deadLetters: DeadLetterQueue }>();
  readonly schedules = new Map<string, { schedule: Schedule; deadLetters: DeadLetterQueue }>();
  readonly webhooks = new Map<string, { rule: Rule; destination: ApiDestination; deadLetters: DeadLetterQueue }>();
  private readonly bus: IEventBus;

  constructor(scope: Construct, id: string, props: AutomationRulesProps) {
    super(scope, id);
    const { config, table, eventBus, messagingKey } = props;
    this.bus = eventBus;
    const alarmAction = props.alarmAction ? { alarmAction: props.alarmAction } : {};
    const retry = { retryAttempts: props.retryAttempts ?? 8, maxEventAge: props.maxEventAge ?? Duration.hours(2) };
    const deadLetters = (name: string, purpose: string) => new DeadLetterQueue(this, name, { purpose, encryptionKey: messagingKey, ...alarmAction });

    this.notifyTopic = new Topic(this, 'NotifyTopic', { displayName: 'CRM automation notifications', masterKey: messagingKey, enforceSSL: true });

    this.function = new CrmFunction(this, 'Function', {
      entry: props.entry ?? 'functions/rules/handler.ts',
      description: 'Runs the automation rules: conditions, tasks, assignment, notifications, webhooks, follow-on events',
      serviceName: 'crm-rules',
      timeout: Duration.minutes(5),
      memorySize: 1024,
      // EventBridge and Scheduler invoke asynchronously: a run that still fails after Lambda's retries is dead-lettered.
      deadLetterQueue: true,
      messagingKey,
      environment: {
        TABLE_NAME: table.tableName,
        EVENT_BUS_NAME: eventBus.eventBusName,
        NOTIFY_TOPIC_ARN: this.notifyTopic.topicArn,
        ...(props.emailFrom ? { EMAIL_FROM: props.emailFrom } : {}),
      },
      // The resolved rules travel inside the bundle as data: no file is read beside the module at run time.
      define: { [AUTOMATION_CONFIG_DEFINE]: JSON.stringify(JSON.stringify(config)) },
      ...alarmAction,
    });
    const fn = this.function;

    // The table calls the rules make: reads, queries of both indexes, versioned (conditional) writes, run claims, and
    // the record writer's merge transactions (deletes of twin records and aliases); no scan.
    grantTableCalls(fn, table, ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'], {
      indexes: [TABLE_DESIGN.customerIndex.name, TABLE_DESIGN.dueDateIndex.name],
    });
    eventBus.grantPutEventsTo(fn);
    // Publish only (no topic.grantPublish: its key grant adds GenerateDataKey*); SNS encrypts with the topic's key for the caller.
    fn.role.addToPrincipalPolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: ['sns:Publish'], resources: [this.notifyTopic.topicArn] }));
    grantKeyUse(fn, messagingKey, 'kms:GenerateDataKey', 'kms:Decrypt');
    if (props.emailFrom) this.allowEmailFrom(props.emailFrom);
    this.allowWebhookSigningSecrets(config.webhooks);

    const enabled = config.rules.filter((r) => r.enabled);
    for (const r of enabled.filter((x) => x.trigger.type === 'event')) this.addEventRule(r, deadLetters(`DeadLetters-${r.id}`, `events of rule ${r.id} that could not be delivered to the rules function`), retry);

    // Scheduler assumes one role for every schedule: invoke the rules function, send to the (encrypted) dead-letter queues.
    const schedulerRole = new Role(this, 'SchedulerRole', {
      description: 'Assumed by EventBridge Scheduler to start automation rule runs',
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } } }),
    });
    for (const r of enabled.filter((x) => x.trigger.type !== 'event')) {
      const queue = deadLetters(`DeadLetters-${r.id}`, `runs of rule ${r.id} that Scheduler could not start`);
      queue.queue.grantSendMessages(schedulerRole);
      this.addSchedule(r, queue, schedulerRole, retry);
    }
    acknowledgeGrantActions(schedulerRole, ['Action::kms:GenerateDataKey*', 'Action::kms:ReEncrypt*']);
    acknowledgeResourceWildcard(schedulerRole, `${nagArn(fn.function)}:*`, "CDK's grantInvoke covers the function's versions and aliases (`<arn>:*`); the role can invoke this one function only.");

    for (const [name, endpoint] of Object.entries(config.webhooks)) {
      if (endpoint.url) this.addWebhook(name, endpoint, endpoint.url, deadLetters(`WebhookDeadLetters-${name}`, `webhook requests to ${name} that failed every retry`), retry);
    }
  }

  private addEventRule(r: ResolvedRule, queue: DeadLetterQueue, retry: { retryAttempts: number; maxEventAge: Duration }) {
    if (r.trigger.type !== 'event') return;
    const rule = new Rule(this, `Rule-${r.id}`, {
      eventBus: this.eventBusOf(),
      description: `${r.id}: ${r.description}`.slice(0, 512),
      // The rule's own pattern as it is: CDK renders keys it does not model (`detail-type`, `$or`) unchanged.
      eventPattern: r.trigger.pattern as EventPattern,
      targets: [
        new LambdaFunction(this.function.function, {
          // One AWS rule per configured rule: the function runs that rule only.
          event: RuleTargetInput.fromObject({ ruleId: r.id, event: EventField.fromPath('$') }),
          deadLetterQueue: queue.queue,
          ...retry,
        }),
      ],
    });
    this.eventRules.set(r.id, { rule, deadLetters: queue });
  }

  private addSchedule(r: ResolvedRule, queue: DeadLetterQueue, role: Role, retry: { retryAttempts: number; maxEventAge: Duration }) {
    const t = r.trigger;
    if (t.type === 'event') return;
    const expression = t.type === 'schedule' ? t.expression : dailyCron(t.at);
    const schedule = new Schedule(this, `Schedule-${r.id}`, {
      description: `${r.id}: ${r.description}`.slice(0, 512),
      schedule: ScheduleExpression.expression(expression, TimeZone.of(t.timezone)),
      // Rule runs are keyed by rule and day: they must start on time, not anywhere in a window.
      timeWindow: TimeWindow.off(),
      target: new LambdaInvoke(this.function.function, {
        role,
        input: ScheduleTargetInput.fromObject({ ruleId: r.id, trigger: t.type, scheduledTime: ContextAttribute.scheduledTime }),
        deadLetterQueue: queue.queue,
        ...retry,
      }),
    });
    this.schedules.set(r.id, { schedule, deadLetters: queue });
  }

  private addWebhook(name: string, endpoint: WebhookEndpoint, url: string, queue: DeadLetterQueue, retry: { retryAttempts: number; maxEventAge: Duration }) {
    const auth = endpoint.auth;
    const connection = new Connection(this, `Connection-${name}`, {
      description: `Webhook endpoint ${name}`,
      authorization:
        auth?.type === 'api_key'
          ? Authorization.apiKey(auth.header, SecretValue.secretsManager(auth.secretName))
          : auth?.type === 'basic'
            ? Authorization.basic(auth.username, SecretValue.secretsManager(auth.secretName))
            : // A connection must carry some authorization; without configured auth the receiver relies on the HMAC signature,
              // and this header only names the endpoint (not a secret).
              Authorization.apiKey('X-CRM-Endpoint', SecretValue.unsafePlainText(name)),
    });
    const destination = new ApiDestination(this, `Destination-${name}`, {
      description: `Webhook endpoint ${name}`,
      connection,
      endpoint: url,
      httpMethod: HttpMethod.POST,
      rateLimitPerSecond: endpoint.rateLimitPerSecond ?? 10,
    });
    const rule = new Rule(this, `WebhookRule-${name}`, {
      eventBus: this.eventBusOf(),
      description: `Delivers webhook requests for endpoint ${name}`,
      eventPattern: { source: [WEBHOOK_SOURCE], detailType: [WEBHOOK_DETAIL_TYPE], detail: { endpoint: [name] } },
      targets: [
        new ApiDestinationTarget(destination, {
          event: RuleTargetInput.fromEventPath('$.detail.body'),
          headerParameters: {
            'X-CRM-Signature': '$.detail.signature',
            'X-CRM-Timestamp': '$.detail.timestamp',
            'Idempotency-Key': '$.detail.idempotencyKey',
          },
          deadLetterQueue: queue.queue,
          ...retry,
        }),
      ],
    });
    this.webhooks.set(name, { rule, destination, deadLetters: queue });
  }

  /** SES v2 authorises a send against the address identity or its verified domain: both, for this sender only. */
  private allowEmailFrom(address: string) {
    const stack = Stack.of(this);
    const domain = address.split('@')[1];
    if (!domain) throw new Error(`emailFrom "${address}" must be an e-mail address`);
    this.function.role.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        // SESv2 SendEmail with Simple content (functions/rules/aws-ports.ts) is authorised as ses:SendEmail.
        actions: ['ses:SendEmail'],
        resources: [address, domain].map((identity) => stack.formatArn({ service: 'ses', resource: 'identity', resourceName: identity })),
        conditions: { StringEquals: { 'ses:FromAddress': address } },
      }),
    );
  }

  /** The rules function signs webhook bodies with each endpoint's HMAC key, read from its named secret. */
  private allowWebhookSigningSecrets(webhooks: Record<string, WebhookEndpoint>) {
    for (const [name, endpoint] of Object.entries(webhooks)) {
      if (!endpoint.secretName) continue;
      const secret = Secret.fromSecretNameV2(this, `SigningSecret-${name}`, endpoint.secretName);
      // GetSecretValue only (grantRead adds DescribeSecret, never sent).
      this.function.role.addToPrincipalPolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: ['secretsmanager:GetSecretValue'], resources: [`${secret.secretArn}-??????`] }));
      acknowledgeResourceWildcard(
        this.function.role,
        `arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${endpoint.secretName}-??????`,
        `Secrets Manager appends six random characters to a secret's ARN; "${endpoint.secretName}-??????" matches the one signing secret of webhook ${name}.`,
      );
    }
  }

  private eventBusOf(): IEventBus {
    return this.bus;
  }
}
