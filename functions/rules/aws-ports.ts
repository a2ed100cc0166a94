// The AWS adapters of the action ports: SNS for team notifications, SES (v2) for e-mail to a person, and
// webhooks handed to EventBridge as WebhookRequested events that an API destination delivers with the
// signature headers (the Lambda never calls out itself).
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import type { EventBus } from '#lib/bus/event-bus.ts';
import { signWebhook } from '#lib/rules/webhook-signature.ts';
import { AUTOMATION_EVENT_SOURCE, type WebhookRequestedDetail } from '#schemas/events.ts';
import type { Notification, Notifier, WebhookCall, WebhookSender } from './ports.ts';

export interface AwsNotifierOptions {
  sns: SNSClient;
  ses: SESv2Client;
  topicArn: string;
  /** Verified SES sender; without it e-mails go to the topic. */
  emailFrom?: string;
}

export class AwsNotifier implements Notifier {
  constructor(private readonly o: AwsNotifierOptions) {}

  async send(n: Notification): Promise<void> {
    if (n.channel === 'email' && n.to?.email && this.o.emailFrom) {
      await this.o.ses.send(
        new SendEmailCommand({
          FromEmailAddress: this.o.emailFrom,
          Destination: { ToAddresses: [n.to.email] },
          Content: { Simple: { Subject: { Data: n.subject, Charset: 'UTF-8' }, Body: { Text: { Data: `${n.to.name ? `Hello ${n.to.name},\n\n` : ''}${n.body}\n`, Charset: 'UTF-8' } } } },
          EmailTags: [{ Name: 'rule', Value: n.ruleId.replace(/[^A-Za-z0-9_-]/g, '_') }],
        }),
      );
      return;
    }
    // The topic message carries ids only (subscribers may be outside the account); the idempotency key lets them deduplicate.
    await this.o.sns.send(
      new PublishCommand({
        TopicArn: this.o.topicArn,
        Subject: n.subject.replace(/[^\x20-\x7E]/g, ' ').slice(0, 100),
        Message: JSON.stringify({ ruleId: n.ruleId, idempotencyKey: n.idempotencyKey, at: n.at, subject: n.subject, body: n.body, ...(n.to ? { userId: n.to.userId } : {}) }),
        MessageAttributes: { ruleId: { DataType: 'String', StringValue: n.ruleId }, idempotencyKey: { DataType: 'String', StringValue: n.idempotencyKey } },
      }),
    );
  }
}

/** Publishes a signed WebhookRequested event per call; the secret per endpoint comes from `secretFor`. */
export class EventBridgeWebhookSender implements WebhookSender {
  constructor(
    private readonly bus: EventBus,
    private readonly secretFor: (endpoint: string) => Promise<string>,
    private readonly clock: () => number = Date.now,
  ) {}

  async send(call: WebhookCall): Promise<void> {
    const timestamp = String(Math.floor(this.clock() / 1000));
    const signature = signWebhook(await this.secretFor(call.endpoint), timestamp, JSON.stringify(call.body));
    const detail: WebhookRequestedDetail = { endpoint: call.endpoint, ruleId: call.ruleId, idempotencyKey: call.idempotencyKey, timestamp, signature, body: call.body, causation: call.causation };
    const failures = await this.bus.publish([{ source: AUTOMATION_EVENT_SOURCE, detailType: 'WebhookRequested', detail }]);
    if (failures.length) throw new Error(`WebhookRequested for ${call.endpoint}: ${failures[0]!.errorCode} ${failures[0]!.errorMessage}`);
  }
}
