// Locally nothing leaves the machine by default: e-mails, topic notifications and webhooks without a URL are
// written to `<dir>/outbox/` as files a person can open (.eml opens in any mail client). File names are the
// action's idempotency key, so a redelivered change rewrites the same file instead of adding one.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Notification, Notifier, WebhookCall } from '#functions/rules/ports.ts';

const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_');

export class Outbox implements Notifier {
  constructor(readonly dir: string) {}

  private write(folder: string, name: string, content: string): string {
    const path = join(this.dir, 'outbox', folder);
    mkdirSync(path, { recursive: true });
    const file = join(path, safe(name));
    writeFileSync(file, content);
    return file;
  }

  async send(n: Notification): Promise<void> {
    const day = n.at.slice(0, 10);
    if (n.channel === 'email') {
      const to = n.to?.email ? `${n.to.name ? `"${n.to.name}" ` : ''}<${n.to.email}>` : `<${n.to?.userId ?? 'unknown'}@localhost>`;
      const eml = [
        'From: "CRM automations" <automations@crm.localhost>',
        `To: ${to}`,
        `Subject: ${n.subject}`,
        `Date: ${new Date(n.at).toUTCString()}`,
        `Message-ID: <${safe(n.idempotencyKey)}@crm.localhost>`,
        `X-CRM-Rule: ${n.ruleId}`,
        'Content-Type: text/plain; charset=utf-8',
        '',
        `${n.to?.name ? `Hello ${n.to.name},\n\n` : ''}${n.body}`,
        '',
      ].join('\r\n');
      this.write(join('email', day), `${n.idempotencyKey}.eml`, eml);
      return;
    }
    const text = [`Rule: ${n.ruleId}`, `At: ${n.at}`, ...(n.to ? [`For: ${n.to.userId}`] : []), `Subject: ${n.subject}`, '', n.body, ''].join('\n');
    this.write(join('notifications', day), `${n.idempotencyKey}.txt`, text);
  }

  webhook(call: WebhookCall, reason: string): string {
    return this.write(join('webhooks', call.endpoint), `${call.idempotencyKey}.json`, `${JSON.stringify({ endpoint: call.endpoint, ruleId: call.ruleId, idempotencyKey: call.idempotencyKey, note: reason, body: call.body }, null, 2)}\n`);
  }
}
