// The side effects of actions, behind ports: SNS/SES and the EventBridge API destination in AWS, an outbox
// folder and a local HTTP client on the machine.

export interface Notification {
  channel: 'topic' | 'email';
  ruleId: string;
  /** Same for every attempt of one action of one run: receivers and the outbox deduplicate on it. */
  idempotencyKey: string;
  /** The rule's clock. */
  at: string;
  subject: string;
  body: string;
  /** The person it is for; e-mail needs their address (read from the users table, never put on the bus). */
  to?: { userId: string; email?: string; name?: string };
}

export interface Notifier {
  send(n: Notification): Promise<void>;
}

export interface WebhookCall {
  endpoint: string;
  ruleId: string;
  idempotencyKey: string;
  body: Record<string, unknown>;
  causation: string[];
}

export interface WebhookSender {
  /** Resolves once delivered (or handed to the AWS API destination); throws a WebhookDeadLettered when given up. */
  send(call: WebhookCall): Promise<void>;
}

/** Raised when retries are spent and the call went to the dead-letter file; the run fails without more retries. */
export class WebhookDeadLettered extends Error {
  override name = 'WebhookDeadLettered';
}

/** An action error that retrying cannot fix (invalid record, unknown user). */
export class PermanentActionError extends Error {
  override name = 'PermanentActionError';
}
