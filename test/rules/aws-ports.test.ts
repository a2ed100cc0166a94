// The AWS adapters of the action ports and the handler's input routing, with SNS, SES and EventBridge mocked
// (no emulator on this machine): the exact calls and the failure paths.
import { afterEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { EventBridgeBus } from '#lib/bus/eventbridge-bus.ts';
import { AwsNotifier, EventBridgeWebhookSender } from '#functions/rules/aws-ports.ts';
import { verifyWebhook } from '#lib/rules/webhook-signature.ts';

const sns = mockClient(SNSClient);
const ses = mockClient(SESv2Client);
const eb = mockClient(EventBridgeClient);
afterEach(() => {
  sns.reset();
  ses.reset();
  eb.reset();
});

const note = { ruleId: 'contract-expiring-30d', idempotencyKey: 'run-x-1', at: '2026-10-31T08:00:00.000Z', subject: 'Contract c1 ends in 30 days', body: 'Body' };

describe('AwsNotifier', () => {
  it('sends e-mail through SES v2 to the person when a sender is configured', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'm1' });
    const n = new AwsNotifier({ sns: new SNSClient({}), ses: new SESv2Client({}), topicArn: 'arn:aws:sns:eu-central-1:1:crm', emailFrom: 'crm@example.com' });
    await n.send({ ...note, channel: 'email', to: { userId: 'rep-01', email: 'rep@example.com', name: 'Rep' } });
    expect(ses).toHaveReceivedCommandWith(SendEmailCommand, { FromEmailAddress: 'crm@example.com', Destination: { ToAddresses: ['rep@example.com'] } });
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
  });

  it('publishes to the topic (ids only, no address) without a sender, and surfaces SNS errors for the retry', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm2' });
    const n = new AwsNotifier({ sns: new SNSClient({}), ses: new SESv2Client({}), topicArn: 'arn:aws:sns:eu-central-1:1:crm' });
    await n.send({ ...note, channel: 'email', to: { userId: 'rep-01', email: 'rep@example.com' } });
    const input = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(input.TopicArn).toBe('arn:aws:sns:eu-central-1:1:crm');
    expect(JSON.parse(input.Message!)).toMatchObject({ ruleId: 'contract-expiring-30d', idempotencyKey: 'run-x-1', userId: 'rep-01' });
    expect(input.Message).not.toContain('rep@example.com');
    sns.on(PublishCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottledException' }));
    await expect(n.send({ ...note, channel: 'topic' })).rejects.toThrow('Rate exceeded');
  });
});

describe('EventBridgeWebhookSender', () => {
  it('publishes WebhookRequested with a signature over `${timestamp}.${JSON body}`', async () => {
    eb.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e1' }] });
    const bus = new EventBridgeBus({ client: new EventBridgeClient({}), busName: 'crm', backoffMs: 0 });
    const sender = new EventBridgeWebhookSender(bus, async () => 'secret', () => 1_700_000_000_000);
    await sender.send({ endpoint: 'erp', ruleId: 'won-deal-onboarding', idempotencyKey: 'run-y-2', body: { opportunityId: 'o1', amount: 1200 }, causation: ['run-y'] });
    const entry = eb.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries![0]!;
    expect(entry).toMatchObject({ EventBusName: 'crm', Source: 'crm.automation', DetailType: 'WebhookRequested' });
    const detail = JSON.parse(entry.Detail!);
    expect(detail).toMatchObject({ endpoint: 'erp', ruleId: 'won-deal-onboarding', idempotencyKey: 'run-y-2', timestamp: '1700000000', causation: ['run-y'] });
    expect(verifyWebhook('secret', detail.timestamp, JSON.stringify(detail.body), detail.signature, 1_700_000_010)).toBe(true);
  });

  it('fails the action when PutEvents keeps failing the entry', async () => {
    eb.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'boom' }] });
    const bus = new EventBridgeBus({ client: new EventBridgeClient({}), busName: 'crm', backoffMs: 0, maxAttempts: 2 });
    const sender = new EventBridgeWebhookSender(bus, async () => 'secret');
    await expect(sender.send({ endpoint: 'erp', ruleId: 'r', idempotencyKey: 'k', body: {}, causation: [] })).rejects.toThrow('InternalFailure');
    expect(eb).toHaveReceivedCommandTimes(PutEventsCommand, 2);
  });
});
