// The automation rules as deployed: built from the configuration file through loadAutomationConfig, an
// EventBridge rule per enabled event rule and a schedule per enabled schedule or date rule, every target with
// a retry policy and an alarmed dead-letter queue, webhook API destinations, and least-privilege grants.
// Bundling is skipped here (the stack tests bundle); the expected rules come from the file written below.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { AutomationConfigError, loadAutomationConfig } from '#lib/rules/config.ts';
import { buildTestApp, logicalId } from './crm-app-fixture.ts';

const dir = mkdtempSync(join(tmpdir(), 'crm-automation-infra-'));
const file = join(dir, 'crm.automation.json');
writeFileSync(
  file,
  JSON.stringify({
    settings: { timezone: 'Europe/Berlin' },
    builtIns: { 'birthday-greeting': { enabled: false } },
    rules: [
      {
        id: 'vip-order-call',
        description: 'Call a platinum customer after a large order',
        enabled: true,
        trigger: { type: 'event', pattern: { source: ['crm.records'], 'detail-type': ['OrderCreated'], detail: { current: { total: [{ numeric: ['>=', 5000] }] } } } },
        actions: [{ type: 'create_task', taskType: 'call', title: 'Thank you call' }],
      },
      {
        id: 'weekly-digest',
        description: 'Monday digest to the sales team',
        enabled: true,
        trigger: { type: 'schedule', expression: 'cron(30 7 ? * MON *)', timezone: 'America/New_York' },
        actions: [{ type: 'notify', channel: 'topic', subject: 'Weekly digest', body: 'See the dashboard' }],
      },
      {
        id: 'renewal-call',
        description: 'Call 14 days before a contract ends',
        enabled: true,
        trigger: { type: 'date', entity: 'contract', field: 'endDate', offsetDays: -14, timezone: 'Asia/Tokyo', at: '09:30' },
        actions: [{ type: 'webhook', endpoint: 'erp' }],
      },
      {
        id: 'dormant-rule',
        description: 'Switched off: must not be deployed',
        enabled: false,
        trigger: { type: 'event', pattern: { 'detail-type': ['LeadCreated'] } },
        actions: [{ type: 'create_task', taskType: 'call', title: 'x' }],
      },
    ],
    webhooks: {
      erp: { url: 'https://erp.example.com/hooks/crm', secretName: 'crm/erp-signing', auth: { type: 'api_key', header: 'X-Api-Key', secretName: 'crm/erp-api-key' } },
      // No URL: requests go to the outbox, nothing is deployed for it.
      archive: {},
    },
  }),
);

const config = loadAutomationConfig(file);
const { stack } = buildTestApp({ stage: 'rules', automationConfig: file, emailFrom: 'crm@example.com', 'aws:cdk:bundling-stacks': [] });
const template = Template.fromStack(stack);
type Resource = { Type: string; Properties: Record<string, any> };
const resources = template.toJSON().Resources as Record<string, Resource>;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const automation = stack.automation;
const fnArn = { 'Fn::GetAtt': [logicalId(automation.function.function), 'Arn'] };
const enabled = config.rules.filter((r) => r.enabled);

describe('rules from the configuration file', () => {
  it('deploys one EventBridge rule per enabled event rule, with its pattern as written', () => {
    const eventRules = enabled.filter((r) => r.trigger.type === 'event');
    expect(eventRules.map((r) => r.id)).toContain('vip-order-call');
    expect([...automation.eventRules.keys()].sort()).toEqual(eventRules.map((r) => r.id).sort());
    expect(automation.eventRules.has('dormant-rule')).toBe(false);

    const vip = resources[logicalId(automation.eventRules.get('vip-order-call')!.rule)]!;
    expect(vip.Properties.EventPattern).toEqual({ source: ['crm.records'], 'detail-type': ['OrderCreated'], detail: { current: { total: [{ numeric: ['>=', 5000] }] } } });
    expect(vip.Properties.EventBusName).toEqual({ Ref: logicalId(stack.bus.eventBus) });
  });

  it('sends the rules function the rule id with the whole event, retries, then dead-letters per rule', () => {
    for (const [id, { rule, deadLetters }] of automation.eventRules) {
      const [target] = resources[logicalId(rule)]!.Properties.Targets;
      expect(target, id).toEqual({
        Id: 'Target0',
        Arn: fnArn,
        InputTransformer: { InputPathsMap: { f1: '$' }, InputTemplate: `{"ruleId":"${id}","event":<f1>}` },
        RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 7200 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalId(deadLetters.queue), 'Arn'] } },
      });
    }
  });

  it('deploys one schedule per enabled schedule and date rule: its zone, no flexible window, retries and a DLQ', () => {
    const scheduled = enabled.filter((r) => r.trigger.type !== 'event');
    expect(scheduled.map((r) => r.id)).toEqual(expect.arrayContaining(['weekly-digest', 'renewal-call', 'contract-expiring-30d']));
    expect(scheduled.map((r) => r.id)).not.toContain('birthday-greeting');
    expect([...automation.schedules.keys()].sort()).toEqual(scheduled.map((r) => r.id).sort());
    // Plus the lake compaction's daily schedule; the report schedules are in the reports' nested stacks.
    expect(ofType('AWS::Scheduler::Schedule')).toHaveLength(scheduled.length + 1);

    const props = (id: string) => resources[logicalId(automation.schedules.get(id)!.schedule)]!.Properties;
    expect(props('weekly-digest')).toMatchObject({ ScheduleExpression: 'cron(30 7 ? * MON *)', ScheduleExpressionTimezone: 'America/New_York' });
    // A date rule runs daily at its local time.
    expect(props('renewal-call')).toMatchObject({ ScheduleExpression: 'cron(30 9 * * ? *)', ScheduleExpressionTimezone: 'Asia/Tokyo' });
    // Built-ins take the file's time zone and run at 08:00 unless they say otherwise.
    expect(props('contract-expiring-30d')).toMatchObject({ ScheduleExpression: 'cron(0 8 * * ? *)', ScheduleExpressionTimezone: 'Europe/Berlin' });

    for (const [id, { schedule, deadLetters }] of automation.schedules) {
      const p = resources[logicalId(schedule)]!.Properties;
      const trigger = enabled.find((r) => r.id === id)!.trigger.type;
      expect(p.FlexibleTimeWindow, id).toEqual({ Mode: 'OFF' });
      expect(p.State, id).toBe('ENABLED');
      expect(p.Target, id).toEqual({
        Arn: fnArn,
        RoleArn: { 'Fn::GetAtt': [expect.stringMatching(/^AutomationSchedulerRole/), 'Arn'] },
        Input: JSON.stringify({ ruleId: id, trigger, scheduledTime: '<aws.scheduler.scheduled-time>' }),
        RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 7200 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalId(deadLetters.queue), 'Arn'] } },
      });
    }
  });

  it('gives every dead-letter queue of the automation an alarm on its first message', () => {
    const queues = [...automation.eventRules.values(), ...automation.schedules.values(), ...automation.webhooks.values()].map((x) => x.deadLetters);
    queues.push(automation.function.deadLetterQueue!);
    expect(new Set(queues.map((q) => q.queue)).size).toBe(enabled.length + 2);
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    for (const q of queues) {
      const name = { 'Fn::GetAtt': [logicalId(q.queue), 'QueueName'] };
      const alarm = alarms.find((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible' && JSON.stringify(a.Dimensions) === JSON.stringify([{ Name: 'QueueName', Value: name }]));
      expect(alarm, q.node.path).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', AlarmActions: [{ Ref: logicalId(stack.alarmTopic.topic) }] });
    }
  });

  it('lets the function fail into its own dead-letter queue after two async retries', () => {
    const fn = resources[logicalId(automation.function.function)]!;
    expect(fn.Properties.DeadLetterConfig).toEqual({ TargetArn: { 'Fn::GetAtt': [logicalId(automation.function.deadLetterQueue!.queue), 'Arn'] } });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { FunctionName: { Ref: logicalId(automation.function.function) }, MaximumRetryAttempts: 2 });
    expect(fn.Properties.Environment.Variables).toMatchObject({
      TABLE_NAME: { Ref: logicalId(stack.table.table) },
      EVENT_BUS_NAME: { Ref: logicalId(stack.bus.eventBus) },
      NOTIFY_TOPIC_ARN: { Ref: logicalId(automation.notifyTopic) },
      EMAIL_FROM: 'crm@example.com',
    });
  });
});

describe('webhooks', () => {
  it('routes WebhookRequested per endpoint with a URL to its API destination, signed headers from the event', () => {
    expect([...automation.webhooks.keys()]).toEqual(['erp']);
    const { rule, destination, deadLetters } = automation.webhooks.get('erp')!;
    const r = resources[logicalId(rule)]!.Properties;
    expect(r.EventPattern).toEqual({ source: ['crm.automation'], 'detail-type': ['WebhookRequested'], detail: { endpoint: ['erp'] } });
    expect(r.Targets).toEqual([
      expect.objectContaining({
        // The L2 names its CloudFormation child `ApiDestination`, not `Resource`.
        Arn: { 'Fn::GetAtt': [logicalId(destination.node.findChild('ApiDestination')), 'Arn'] },
        InputPath: '$.detail.body',
        HttpParameters: { HeaderParameters: { 'X-CRM-Signature': '$.detail.signature', 'X-CRM-Timestamp': '$.detail.timestamp', 'Idempotency-Key': '$.detail.idempotencyKey' } },
        RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 7200 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalId(deadLetters.queue), 'Arn'] } },
      }),
    ]);
    template.hasResourceProperties('AWS::Events::ApiDestination', { InvocationEndpoint: 'https://erp.example.com/hooks/crm', HttpMethod: 'POST', InvocationRateLimitPerSecond: 10 });
  });

  it('takes the connection key from Secrets Manager at deploy time, never from the template', () => {
    const [[, connection]] = ofType('AWS::Events::Connection') as [[string, Resource]];
    expect(connection.Properties.AuthorizationType).toBe('API_KEY');
    expect(connection.Properties.AuthParameters.ApiKeyAuthParameters).toEqual({ ApiKeyName: 'X-Api-Key', ApiKeyValue: '{{resolve:secretsmanager:crm/erp-api-key:SecretString:::}}' });
  });
});

describe('least privilege of the rules function', () => {
  const role = logicalId(automation.function.role);
  const statements = ofType('AWS::IAM::Policy')
    .filter(([, p]) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === role))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown; Condition?: unknown }[]);
  const actions = statements.flatMap((s) => [s.Action].flat());

  it('calls only the DynamoDB actions the rules need: no scan, no batch write (deletes are the record writer merging twins)', () => {
    expect([...new Set(actions.filter((a) => a.startsWith('dynamodb:')))].sort()).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
  });

  it('sends e-mail only from the configured sender, and reads only the signing secret of each webhook', () => {
    const ses = statements.find((s) => [s.Action].flat().includes('ses:SendEmail'))!;
    expect(ses.Condition).toEqual({ StringEquals: { 'ses:FromAddress': 'crm@example.com' } });
    expect(JSON.stringify(ses.Resource)).toMatch(/identity\/crm@example\.com.*identity\/example\.com/);
    const secretStatements = statements.filter((s) => [s.Action].flat().includes('secretsmanager:GetSecretValue'));
    expect(secretStatements).toHaveLength(1);
    expect(JSON.stringify(secretStatements[0]!.Resource)).toContain('secret:crm/erp-signing-??????');
  });

  it('publishes to the bus and the notification topic, and sends only to its own dead-letter queue', () => {
    expect(actions).toContain('events:PutEvents');
    expect(actions).toContain('sns:Publish');
    expect(actions.filter((a) => /^(s3|lambda|iam):/.test(a))).toEqual([]);
    const sqs = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('sqs:')));
    expect(sqs.map((s) => s.Resource)).toEqual([{ 'Fn::GetAtt': [logicalId(automation.function.deadLetterQueue!.queue), 'Arn'] }]);
  });
});

describe('an invalid rule file', () => {
  it('fails synthesis with the rule, the field and the reason, as crm rules validate does', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ rules: [{ id: 'bday', description: 'y', enabled: true, trigger: { type: 'date', entity: 'customer', field: 'birthdate', offsetDays: 0, timezone: 'Europe/Berlin' }, actions: [{ type: 'create_task', taskType: 'call', title: 'Call' }] }] }));

    const synth = () => buildTestApp({ stage: 'bad', automationConfig: bad, 'aws:cdk:bundling-stacks': [] });

    expect(synth).toThrow(AutomationConfigError);
    expect(synth).toThrow('rule bday: trigger.field: "birthdate" is not an indexed date of customer');
  });
});
