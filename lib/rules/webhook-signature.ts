// Webhook signing, shared by the AWS path (WebhookRequested -> API destination) and local delivery: the receiver
// recomputes hex HMAC-SHA256 over `${timestamp}.${body}` with the shared secret and compares in constant time.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-CRM-Signature';
export const TIMESTAMP_HEADER = 'X-CRM-Timestamp';
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

export function signWebhook(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** For receivers (and tests): the signature matches and the timestamp is within `toleranceSeconds` of `nowSeconds`. */
export function verifyWebhook(secret: string, timestamp: string, body: string, signature: string, nowSeconds = Date.now() / 1000, toleranceSeconds = 300): boolean {
  if (!/^\d+$/.test(timestamp) || Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body), 'hex');
  const given = Buffer.from(signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
