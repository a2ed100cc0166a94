// Lambda entry for the automation rules. Inputs:
//   { ruleId, event }                          an EventBridge rule of one automation rule (input transformer)
//   { ruleId, trigger, scheduledTime }         an EventBridge Scheduler schedule (schedule and date rules)
//   a bare EventBridge event                   every matching event rule (archive replays, manual redrives)
// A run that still fails after its in-process retries makes the invocation fail, so Lambda's async retries and
// then the function's dead-letter queue take it; runs that succeeded are not repeated (their claims are done).
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { RecordWriter } from '#functions/ingest/record-writer.ts';
import { EventBridgeBus } from '#lib/bus/eventbridge-bus.ts';
import { requireEnv } from '#lib/runtime/env.ts';
import { logger, metrics } from '#lib/runtime/observability.ts';
import { AwsNotifier, EventBridgeWebhookSender } from './aws-ports.ts';
import { bundledAutomationConfig } from './bundled-config.ts';
import type { BusEnvelope } from './invocation.ts';
import { RulesRuntime, type RunOutcome } from './rules-runtime.ts';

export type ScheduledInput = { ruleId: string; trigger: 'schedule' | 'date'; scheduledTime: string };
export type RuleEventInput = { ruleId: string; event: BusEnvelope };
export type RulesInput = RuleEventInput | ScheduledInput | BusEnvelope;

type Loose = Record<string, unknown>;
const isScheduled = (i: RulesInput): i is ScheduledInput => typeof (i as Loose).ruleId === 'string' && typeof (i as Loose).scheduledTime === 'string';
const isRuleEvent = (i: RulesInput): i is RuleEventInput => typeof (i as Loose).ruleId === 'string' && typeof (i as Loose).event === 'object' && (i as Loose).event !== null;

const config = bundledAutomationConfig();
const secrets = new SecretsManagerClient({});
const secretCache = new Map<string, Promise<string>>();
let runtime: RulesRuntime | undefined;

function webhookSecret(endpoint: string): Promise<string> {
  const name = config.webhooks[endpoint]?.secretName;
  if (!name) return Promise.resolve('');
  let secret = secretCache.get(name);
  if (!secret) {
    secret = secrets.send(new GetSecretValueCommand({ SecretId: name })).then((r) => r.SecretString ?? '');
    secretCache.set(name, secret);
  }
  return secret;
}

function init(): RulesRuntime {
  if (runtime) return runtime;
  const client = new DynamoDBClient({ maxAttempts: 5 });
  const tableName = requireEnv('TABLE_NAME');
  const bus = new EventBridgeBus({ client: new EventBridgeClient({}), busName: requireEnv('EVENT_BUS_NAME') });
  const emailFrom = process.env.EMAIL_FROM;
  runtime = new RulesRuntime({
    client,
    tableName,
    writer: new RecordWriter({ client, tableName }),
    bus,
    notifier: new AwsNotifier({ sns: new SNSClient({}), ses: new SESv2Client({}), topicArn: requireEnv('NOTIFY_TOPIC_ARN'), ...(emailFrom ? { emailFrom } : {}) }),
    webhooks: new EventBridgeWebhookSender(bus, webhookSecret),
    config,
  });
  return runtime;
}

export async function handleRulesInput(rt: RulesRuntime, input: RulesInput): Promise<RunOutcome[]> {
  if (isScheduled(input)) return rt.handleScheduled(input.ruleId, input.scheduledTime);
  if (isRuleEvent(input)) {
    const rule = rt.config.rules.find((r) => r.id === input.ruleId);
    if (!rule) throw new Error(`event for unknown rule "${input.ruleId}"`);
    if (!rule.enabled) return [];
    return [await rt.runEventRule(rule, input.event)];
  }
  if (typeof input['detail-type'] === 'string') return rt.handleEvent(input as BusEnvelope);
  throw new Error('unrecognised input: expected {ruleId, event}, {ruleId, trigger, scheduledTime} or an EventBridge event');
}

export const handler = middy<RulesInput, { runs: number }>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .handler(async (input) => {
    const outcomes = await handleRulesInput(init(), input);
    for (const status of ['succeeded', 'failed', 'skipped', 'suppressed'] as const) metrics.addMetric(`AutomationRuns_${status}`, MetricUnit.Count, outcomes.filter((o) => o.status === status).length);
    const failed = outcomes.filter((o) => o.status === 'failed');
    if (failed.length) {
      logger.error('automation runs failed', { failed: failed.map((f) => ({ ruleId: f.ruleId, eventId: f.eventId, error: f.error })) });
      throw new Error(`${failed.length} automation run(s) failed: ${failed.map((f) => `${f.ruleId} (${f.error})`).join('; ')}`);
    }
    return { runs: outcomes.length };
  });
