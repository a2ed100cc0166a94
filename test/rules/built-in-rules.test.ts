// Each built-in rule's trigger against events and dates shaped like the stream's, through the same pattern engine
// the local bus and EventBridge use, plus its parameters, conditions and actions as a team would tune them.
import { describe, expect, it } from 'vitest';
import { testEventPattern } from '#lib/event-pattern/event-pattern.ts';
import { resolveAutomationConfig } from '#lib/rules/config.ts';
import type { ResolvedRule } from '#schemas/rules.ts';

const config = resolveAutomationConfig({});
const rule = (id: string): ResolvedRule => {
  const r = config.rules.find((x) => x.id === id);
  if (!r) throw new Error(`no rule ${id}`);
  return r;
};
const event = (detailType: string, detail: Record<string, unknown>, source = 'crm.records') => ({ version: '0', id: 'e1', 'detail-type': detailType, source, account: '1', time: '2026-10-30T10:00:00Z', region: 'eu-central-1', resources: [], detail });
const fires = (id: string, e: unknown) => {
  const t = rule(id).trigger;
  if (t.type !== 'event') throw new Error(`${id} is not an event rule`);
  return testEventPattern(t.pattern, e);
};
const dateTrigger = (id: string) => {
  const t = rule(id).trigger;
  if (t.type !== 'date') throw new Error(`${id} is not a date rule`);
  return t;
};
const record = (current: Record<string, unknown>, changedFields = Object.keys(current)) => ({ entity: 'x', table: 'x', id: 'r1', op: 'insert', version: 'v', updatedAt: '2026-10-30T10:00:00Z', changedFields, current, seq: '1' });

describe('built-in rules', () => {
  it('after-sales survey: a resolved ticket or an order that became delivered, not an order that stayed delivered', () => {
    expect(fires('after-sales-survey', event('TicketResolved', record({ status: 'resolved' })))).toBe('match');
    expect(fires('after-sales-survey', event('OrderCreated', record({ status: 'delivered' })))).toBe('match');
    expect(fires('after-sales-survey', event('OrderUpdated', record({ status: 'delivered', total: 5 }, ['total'])))).toBe('no-match');
    expect(fires('after-sales-survey', event('OrderUpdated', record({ status: 'shipped' }, ['status'])))).toBe('no-match');
    expect(rule('after-sales-survey').actions.map((a) => a.type)).toEqual(['create_task', 'webhook']);
  });

  it('ticket escalation: new high and urgent open tickets only; SLA breach one day after opening without a response', () => {
    expect(fires('ticket-escalation', event('TicketCreated', record({ priority: 'urgent', status: 'open' })))).toBe('match');
    expect(fires('ticket-escalation', event('TicketCreated', record({ priority: 'normal', status: 'open' })))).toBe('no-match');
    expect(fires('ticket-escalation', event('TicketUpdated', record({ priority: 'high', status: 'open' })))).toBe('no-match');
    expect(dateTrigger('ticket-sla-breach')).toMatchObject({ entity: 'ticket', field: 'openedAt', offsetDays: 1 });
    expect(rule('ticket-sla-breach').conditions).toContainEqual({ type: 'response_late', from: 'openedAt', to: 'firstResponseAt', hours: 2 });
    expect(rule('ticket-sla-breach').actions.map((a) => a.type)).toEqual(['emit_event', 'update_record', 'notify']);
  });

  it('lead assignment: a new lead without owner, not one that came with an owner', () => {
    expect(fires('lead-assignment', event('LeadCreated', record({ status: 'new', source: 'web' })))).toBe('match');
    expect(fires('lead-assignment', event('LeadCreated', record({ status: 'new', ownerId: 'rep-01' })))).toBe('no-match');
    expect(rule('lead-assignment').actions[0]).toEqual({ type: 'assign_owner', team: 'sales', strategy: 'least_loaded', mode: 'if_unassigned' });
  });

  it('won deal onboarding: OpportunityWon only', () => {
    expect(fires('won-deal-onboarding', event('OpportunityWon', record({ stage: 'closed_won' })))).toBe('match');
    expect(fires('won-deal-onboarding', event('OpportunityLost', record({ stage: 'closed_lost' })))).toBe('no-match');
  });

  it('churn retention: ChurnRiskDetected at or above the threshold (tunable)', () => {
    const churn = (churnRisk: number) => event('ChurnRiskDetected', { customerId: 'c1', churnRisk, asOf: '2026-10-31' }, 'crm.reports');
    expect(fires('churn-retention', churn(0.7))).toBe('match');
    expect(fires('churn-retention', churn(0.69))).toBe('no-match');
    const tuned = resolveAutomationConfig({ builtIns: { 'churn-retention': { params: { threshold: 0.5 } } } }).rules.find((r) => r.id === 'churn-retention')!;
    expect(tuned.trigger.type === 'event' && testEventPattern(tuned.trigger.pattern, churn(0.55))).toBe('match');
  });

  it('segment tier update: only segment changes that name a tier', () => {
    expect(fires('segment-tier-update', event('CustomerSegmentChanged', { customerId: 'c1', toSegment: 'champions', tier: 'gold', asOf: '2026-10-31' }, 'crm.reports'))).toBe('match');
    expect(fires('segment-tier-update', event('CustomerSegmentChanged', { customerId: 'c1', toSegment: 'champions', asOf: '2026-10-31' }, 'crm.reports'))).toBe('no-match');
    expect(rule('segment-tier-update').actions).toEqual([{ type: 'update_record', target: 'customer', set: { tier: '{{detail.tier}}' } }]);
  });

  it('date rules: contract 30 and 7 days before the end, payment 3 days after due, birthdays yearly, inactivity after N days', () => {
    expect(dateTrigger('contract-expiring-30d')).toMatchObject({ entity: 'contract', field: 'endDate', offsetDays: -30 });
    expect(dateTrigger('contract-expiring-7d')).toMatchObject({ entity: 'contract', field: 'endDate', offsetDays: -7 });
    expect(rule('contract-expiring-7d').conditions).toEqual([{ type: 'record_field', field: 'status', in: ['active'] }, { type: 'not_renewed' }]);
    expect(dateTrigger('payment-overdue')).toMatchObject({ entity: 'payment', field: 'dueDate', offsetDays: 3 });
    expect(dateTrigger('birthday-greeting')).toMatchObject({ entity: 'customer', field: 'birthday', anniversary: true, offsetDays: 0, at: '09:00' });
    expect(dateTrigger('follow-up-overdue-leads')).toMatchObject({ entity: 'lead', field: 'lastActivityAt', offsetDays: 7 });
    expect(dateTrigger('follow-up-overdue-opportunities')).toMatchObject({ entity: 'opportunity', field: 'lastActivityAt', offsetDays: 7 });
    expect(dateTrigger('shared-pool-return-leads')).toMatchObject({ entity: 'lead', offsetDays: 21 });
    expect(dateTrigger('shared-pool-return-customers')).toMatchObject({ entity: 'customer', offsetDays: 60 });
    expect(rule('shared-pool-return-leads').actions[0]).toMatchObject({ type: 'assign_owner', mode: 'reassign', strategy: 'round_robin' });
  });

  it('built-in rules take the configured time zone', () => {
    const tuned = resolveAutomationConfig({ settings: { timezone: 'Europe/Berlin' } });
    expect(tuned.rules.filter((r) => r.trigger.type === 'date').every((r) => r.trigger.type === 'date' && r.trigger.timezone === 'Europe/Berlin')).toBe(true);
  });
});
