// Local webhook delivery: POST to the endpoint's configured URL with the same headers the AWS API destination
// sends (signature of `${timestamp}.${body}`, timestamp, idempotency key), retried with exponential backoff; a
// call that still fails goes to `<dir>/automation/webhook-dead-letters.ndjson` and the run fails without blocking
// other rules. Endpoints without a URL go to the outbox.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { WebhookDeadLettered, type WebhookCall, type WebhookSender } from '#functions/rules/ports.ts';
import { IDEMPOTENCY_HEADER, SIGNATURE_HEADER, signWebhook, TIMESTAMP_HEADER } from '#lib/rules/webhook-signature.ts';
import type { WebhookEndpoint } from '#schemas/rules.ts';
import type { Outbox } from './outbox.ts';

export interface LocalWebhookOptions {
  dir: string;
  endpoints: Record<string, WebhookEndpoint>;
  outbox: Outbox;
  secretFor: (endpoint: string) => string;
  /** Attempts per call, counting the first. @default 3 */
  maxAttempts?: number;
  /** @default 200 */
  backoffMs?: number;
  /** @default 5000 */
  timeoutMs?: number;
}

export class LocalWebhookSender implements WebhookSender {
  readonly deadLetterFile: string;
  constructor(private readonly o: LocalWebhookOptions) {
    this.deadLetterFile = join(o.dir, 'automation', 'webhook-dead-letters.ndjson');
  }

  async send(call: WebhookCall): Promise<void> {
    const url = this.o.endpoints[call.endpoint]?.url;
    if (!url) {
      this.o.outbox.webhook(call, `endpoint "${call.endpoint}" has no url configured; written to the outbox instead of sent`);
      return;
    }
    const body = JSON.stringify(call.body);
    const maxAttempts = this.o.maxAttempts ?? 3;
    const errors: string[] = [];
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (attempt > 1) await new Promise((r) => setTimeout(r, (this.o.backoffMs ?? 200) * 2 ** (attempt - 2)));
      const timestamp = String(Math.floor(Date.now() / 1000));
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            [SIGNATURE_HEADER]: signWebhook(this.o.secretFor(call.endpoint), timestamp, body),
            [TIMESTAMP_HEADER]: timestamp,
            [IDEMPOTENCY_HEADER]: call.idempotencyKey,
          },
          body,
          signal: AbortSignal.timeout(this.o.timeoutMs ?? 5000),
        });
        if (res.ok) return;
        errors.push(`HTTP ${res.status}`);
        // 4xx other than 408/429 will not get better by sending again.
        if (res.status < 500 && res.status !== 408 && res.status !== 429) break;
      } catch (err) {
        errors.push((err as Error).message);
      }
    }
    mkdirSync(join(this.o.dir, 'automation'), { recursive: true });
    appendFileSync(this.deadLetterFile, `${JSON.stringify({ at: new Date().toISOString(), endpoint: call.endpoint, url, ruleId: call.ruleId, idempotencyKey: call.idempotencyKey, attempts: errors.length, errors, body: call.body })}\n`);
    throw new WebhookDeadLettered(`webhook ${call.endpoint} failed after ${errors.length} attempt(s) (${errors.join(', ')}); dead-lettered to ${this.deadLetterFile}`);
  }
}
