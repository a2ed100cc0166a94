// The pure parts of the rules runtime: idempotency keys, templates, schedule days, webhook signatures.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { automationRunId, changeKey, eventInvocation } from '#functions/rules/invocation.ts';
import { cronFiresOn } from '#functions/rules/schedule-days.ts';
import { localInstant, shiftDate } from '#functions/rules/rules-runtime.ts';
import { render, renderDeep, renderText } from '#functions/rules/templates.ts';
import { signWebhook, verifyWebhook } from '#lib/rules/webhook-signature.ts';

const envelope = (id: string, detail: Record<string, unknown>, detailType = 'LeadCreated') => ({ id, 'detail-type': detailType, source: 'crm.records', time: '2026-11-30T05:00:00Z', detail });

describe('idempotency keys', () => {
  it('key record events on detail type and stream sequence, never on the envelope id', () => {
    const detail = { table: 'leads', id: 'l1', seq: '000123', updatedAt: '2026-10-30T09:00:00Z' };
    expect(changeKey(envelope('a', detail))).toBe('LeadCreated#000123');
    expect(changeKey(envelope('b', detail))).toBe(changeKey(envelope('a', detail)));
    expect(changeKey(envelope('a', detail, 'LeadConverted'))).not.toBe(changeKey(envelope('a', detail)));
    expect(automationRunId('r', 'LeadCreated#000123')).toBe(automationRunId('r', 'LeadCreated#000123'));
    expect(automationRunId('r', 'LeadCreated#000123')).not.toBe(automationRunId('s', 'LeadCreated#000123'));
  });

  it('key producer events on their id, else on their content', () => {
    expect(changeKey(envelope('a', { customerId: 'c1', eventId: 'churn-2026-10-31-c1' }, 'ChurnRiskDetected'))).toBe('ChurnRiskDetected#churn-2026-10-31-c1');
    const a = changeKey(envelope('a', { customerId: 'c1', churnRisk: 0.8, asOf: '2026-10-31' }, 'ChurnRiskDetected'));
    expect(changeKey(envelope('b', { asOf: '2026-10-31', churnRisk: 0.8, customerId: 'c1' }, 'ChurnRiskDetected'))).toBe(a);
    expect(changeKey(envelope('a', { customerId: 'c1', churnRisk: 0.9, asOf: '2026-10-31' }, 'ChurnRiskDetected'))).not.toBe(a);
  });

  it("puts the rule's clock on the data's timeline and reads the causation chain", () => {
    const inv = eventInvocation(envelope('a', { table: 'leads', id: 'l1', seq: '1', updatedAt: '2026-10-30T09:00:00Z', causation: ['run-x'] }));
    expect(inv).toMatchObject({ clock: '2026-10-30T09:00:00.000Z', subject: { table: 'leads', id: 'l1' }, causation: ['run-x'] });
    const report = eventInvocation({ ...envelope('a', { customerId: 'c9', churnRisk: 0.9, asOf: '2026-10-31' }, 'ChurnRiskDetected'), source: 'crm.reports' });
    expect(report).toMatchObject({ clock: '2026-10-31T00:00:00.000Z', subject: { table: 'customers', id: 'c9' }, causation: [] });
  });
});

describe('templates', () => {
  const scope = { detail: { id: 'o1', current: { total: 12.5, tags: ['a'] } }, record: { id: 'r1' } };
  it('fill placeholders, keep the type of a whole-value placeholder, leave unknown paths empty', () => {
    expect(renderText('Order {{detail.id}} of {{ record.id }}: {{detail.current.total}}', scope)).toBe('Order o1 of r1: 12.5');
    expect(render('{{detail.current.total}}', scope)).toBe(12.5);
    expect(renderText('x{{detail.nope}}y', scope)).toBe('xy');
    expect(renderDeep({ a: ['{{detail.id}}', 2], b: '{{detail.current.tags}}' }, scope)).toEqual({ a: ['o1', 2], b: ['a'] });
  });
});

describe('schedule days', () => {
  it('match cron day fields and give the first hour and minute', () => {
    expect(cronFiresOn('cron(30 7 ? * MON-FRI *)', '2026-10-30')).toBe('07:30'); // a Friday
    expect(cronFiresOn('cron(30 7 ? * MON-FRI *)', '2026-10-31')).toBeUndefined(); // a Saturday
    expect(cronFiresOn('cron(0 9 1 * ? *)', '2026-11-01')).toBe('09:00');
    expect(cronFiresOn('cron(0 9 1 * ? *)', '2026-11-02')).toBeUndefined();
    expect(cronFiresOn('cron(0 6 ? * 2 *)', '2026-11-02')).toBe('06:00'); // 2 = Monday in EventBridge cron
    expect(cronFiresOn('rate(1 day)', '2026-11-02')).toBe('00:00');
  });

  it('place a local time of day in its zone and step dates', () => {
    expect(localInstant('2026-07-01', 'Europe/Berlin', '08:00')).toBe('2026-07-01T06:00:00.000Z');
    expect(localInstant('2026-12-01', 'Europe/Berlin', '08:00')).toBe('2026-12-01T07:00:00.000Z');
    expect(shiftDate('2026-03-01', -1)).toBe('2026-02-28');
  });
});

describe('webhook signatures', () => {
  it('are hex HMAC-SHA256 of `${timestamp}.${body}`, verified within the tolerance only', () => {
    const body = '{"a":1}';
    expect(signWebhook('k', '1700000000', body)).toBe(createHmac('sha256', 'k').update('1700000000.{"a":1}').digest('hex'));
    const sig = signWebhook('k', '1700000000', body);
    expect(verifyWebhook('k', '1700000000', body, sig, 1700000100)).toBe(true);
    expect(verifyWebhook('k', '1700000000', body, sig, 1700001000)).toBe(false);
    expect(verifyWebhook('other', '1700000000', body, sig, 1700000100)).toBe(false);
    expect(verifyWebhook('k', '1700000000', '{"a":2}', sig, 1700000100)).toBe(false);
  });
});
