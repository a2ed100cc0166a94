import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AutomationConfigError, loadAutomationConfig, resolveAutomationConfig } from '#lib/rules/config.ts';

const issuesOf = (json: unknown) => {
  try {
    resolveAutomationConfig(json);
  } catch (err) {
    if (err instanceof AutomationConfigError) return err.issues;
    throw err;
  }
  throw new Error('expected an AutomationConfigError');
};

const teamRule = {
  id: 'vip-order-call',
  description: 'Call platinum customers after a big order',
  enabled: true,
  trigger: { type: 'event', pattern: { source: ['crm.records'], 'detail-type': ['OrderCreated'], detail: { current: { total: [{ numeric: ['>=', 1000] }] } } } },
  conditions: [{ type: 'customer_tier', in: ['platinum'] }],
  actions: [{ type: 'create_task', taskType: 'call', title: 'Thank {{detail.customerId}}', owner: { from: 'customer' } }],
};

describe('automation configuration', () => {
  it('ships the built-in rule set enabled, with unique kebab-case ids', () => {
    const config = resolveAutomationConfig({});
    const ids = config.rules.map((r) => r.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'follow-up-overdue-leads',
        'follow-up-overdue-opportunities',
        'contract-expiring-30d',
        'contract-expiring-7d',
        'payment-overdue',
        'birthday-greeting',
        'after-sales-survey',
        'ticket-escalation',
        'ticket-sla-breach',
        'lead-assignment',
        'shared-pool-return-leads',
        'shared-pool-return-customers',
        'won-deal-onboarding',
        'churn-retention',
        'segment-tier-update',
      ]),
    );
    expect(new Set(ids).size).toBe(ids.length);
    expect(config.rules.every((r) => r.enabled)).toBe(true);
    expect(config.settings.maxCausationDepth).toBe(4);
  });

  it('lets a team disable and tune built-ins and add rules', () => {
    const config = resolveAutomationConfig({
      builtIns: { 'birthday-greeting': { enabled: false }, 'contract-expiring': { params: { daysBefore: [60, 14] } } },
      rules: [teamRule],
      settings: { maxCausationDepth: 2 },
    });
    expect(config.rules.find((r) => r.id === 'birthday-greeting')?.enabled).toBe(false);
    const expiring = config.rules.filter((r) => r.builtIn === 'contract-expiring');
    expect(expiring.map((r) => r.id)).toEqual(['contract-expiring-60d', 'contract-expiring-14d']);
    expect(expiring.map((r) => (r.trigger.type === 'date' ? r.trigger.offsetDays : undefined))).toEqual([-60, -14]);
    expect(config.rules.find((r) => r.id === 'vip-order-call')?.actions[0]).toMatchObject({ type: 'create_task', dueInDays: 1, priority: 'normal' });
    expect(config.settings.maxCausationDepth).toBe(2);
  });

  it('names rule, field and reason for an unknown detail type', () => {
    const bad = { ...teamRule, trigger: { type: 'event', pattern: { 'detail-type': ['OrderShipped'] } } };
    expect(issuesOf({ rules: [bad] })).toEqual([expect.objectContaining({ rule: 'vip-order-call', field: 'trigger.pattern.detail-type.0' })]);
  });

  it('refuses a pattern EventBridge would refuse, a date field that is not indexed, and bad built-in params', () => {
    const badPattern = { ...teamRule, id: 'bad-pattern', trigger: { type: 'event', pattern: { 'detail-type': ['OrderCreated'], detail: { total: [{ numeric: ['>>', 1] }] } } } };
    const badDate = { ...teamRule, id: 'bad-date', trigger: { type: 'date', entity: 'order', field: 'orderedAt', offsetDays: 1, timezone: 'UTC' } };
    const issues = issuesOf({ rules: [badPattern, badDate], builtIns: { 'payment-overdue': { params: { graceDays: -2 } }, 'no-such-rule': {} } });
    expect(issues.map((i) => `${i.rule} ${i.field}`)).toEqual(
      expect.arrayContaining(['payment-overdue params.graceDays', 'no-such-rule builtIns', 'bad-pattern trigger.pattern', 'bad-date trigger.field']),
    );
    expect(issues.find((i) => i.rule === 'bad-date')?.reason).toContain('not an indexed date of order');
  });

  it('refuses duplicate ids, unknown time zones and webhooks that are not configured', () => {
    const dup = { ...teamRule, id: 'lead-assignment' };
    const zone = { ...teamRule, id: 'zone', trigger: { type: 'schedule', expression: 'rate(1 day)', timezone: 'Mars/Olympus' } };
    const hook = { ...teamRule, id: 'hook', actions: [{ type: 'webhook', endpoint: 'erp' }] };
    const issues = issuesOf({ rules: [dup, zone, hook] });
    expect(issues).toEqual(
      expect.arrayContaining([
        { rule: 'lead-assignment', field: 'id', reason: expect.stringContaining('used by another rule') },
        { rule: 'zone', field: 'trigger.timezone', reason: expect.stringContaining('IANA') },
        { rule: 'hook', field: 'actions.0.endpoint', reason: expect.stringContaining('"erp" is not configured') },
      ]),
    );
  });

  it('reads the file and puts one line per issue in the message', () => {
    const dir = mkdtempSync(join(tmpdir(), 'automation-config-'));
    const file = join(dir, 'crm.automation.json');
    writeFileSync(file, JSON.stringify({ rules: [{ ...teamRule, actions: [{ type: 'create_task', taskType: 'party', title: 'x' }] }] }));
    expect(() => loadAutomationConfig(file)).toThrowError(/^rule vip-order-call: actions\.0\.taskType: /);
    writeFileSync(file, '{ "rules": [');
    expect(() => loadAutomationConfig(file)).toThrowError(/not valid JSON/);
    expect(() => loadAutomationConfig(join(dir, 'missing.json'))).toThrowError(/does not exist/);
  });
});
