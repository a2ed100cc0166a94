// The built-in rule set. Each built-in is a function of its parameters (a zod object with defaults), so a
// team tunes it in `crm.automation.json` without touching code; some yield more than one rule (the 30- and
// 7-day contract reminders, the lead and customer pool returns).
import { z } from 'zod';
import type { Rule } from '#schemas/rules.ts';

export interface BuiltInContext {
  /** Time zone of the built-in rules (settings.timezone). */
  timezone: string;
}

export interface BuiltInRule<P extends z.ZodObject = z.ZodObject> {
  id: string;
  description: string;
  /** @default true */
  enabledByDefault?: boolean;
  params: P;
  rules(params: z.output<P>, ctx: BuiltInContext): Rule[];
}

const builtIn = <P extends z.ZodObject>(b: BuiltInRule<P>) => b;

const days = (min = 1, max = 3650) => z.number().int().min(min).max(max);
const team = z.string().min(1);
const strategy = z.enum(['round_robin', 'least_loaded']);

export const followUpOverdue = builtIn({
  id: 'follow-up-overdue',
  description: 'An open lead or opportunity without activity for N days gets a follow-up task for its owner',
  params: z.object({ days: days().default(7), dueInDays: days(0).default(1) }).strict(),
  rules: (p, { timezone }) =>
    (['lead', 'opportunity'] as const).map((entity) => ({
      id: `follow-up-overdue-${entity === 'lead' ? 'leads' : 'opportunities'}`,
      description: `An open ${entity} without activity for ${p.days} days gets a follow-up task`,
      enabled: true,
      trigger: { type: 'date', entity, field: 'lastActivityAt', offsetDays: p.days, timezone },
      conditions: [
        entity === 'lead'
          ? { type: 'record_field', field: 'status', in: ['new', 'contacted', 'qualified'] }
          : { type: 'record_field', field: 'stage', notIn: ['closed_won', 'closed_lost'] },
        { type: 'record_field', field: 'ownerId', exists: true },
        { type: 'no_activity', days: p.days },
      ],
      actions: [{ type: 'create_task', taskType: 'follow_up', title: `Follow up: no activity on ${entity} {{record.id}} for ${p.days} days`, dueInDays: p.dueInDays, priority: 'normal', owner: { from: 'record' } }],
    })),
});

export const contractExpiring = builtIn({
  id: 'contract-expiring',
  description: 'Active contracts get a renewal task N days before their end date (30 and 7 by default), unless renewed',
  params: z.object({ daysBefore: z.array(days(1, 365)).min(1).max(5).default([30, 7]) }).strict(),
  rules: (p, { timezone }) =>
    p.daysBefore.map((n) => ({
      id: `contract-expiring-${n}d`,
      description: `A contract ending in ${n} days that is not renewed gets a renewal task and an e-mail to its owner`,
      enabled: true,
      trigger: { type: 'date', entity: 'contract', field: 'endDate', offsetDays: -n, timezone },
      conditions: [{ type: 'record_field', field: 'status', in: ['active'] }, { type: 'not_renewed' }],
      actions: [
        { type: 'create_task', taskType: 'renewal', title: `Renewal: contract {{record.id}} ends on {{record.endDate}} (${n} days)`, dueInDays: Math.min(n, 7), priority: n <= 7 ? 'high' : 'normal', owner: { from: 'record' } },
        { type: 'notify', channel: 'email', to: { from: 'record' }, subject: 'Contract {{record.id}} ends in ' + n + ' days', body: 'Contract {{record.id}} of customer {{record.customerId}} ends on {{record.endDate}} and has not been renewed.' },
      ],
    })),
});

export const paymentOverdue = builtIn({
  id: 'payment-overdue',
  description: 'An unpaid payment N days past its due date gets a collection task and a notification',
  params: z.object({ graceDays: days(0, 365).default(3) }).strict(),
  rules: (p, { timezone }) => [
    {
      id: 'payment-overdue',
      description: `A payment still unpaid ${p.graceDays} days after its due date`,
      enabled: true,
      trigger: { type: 'date', entity: 'payment', field: 'dueDate', offsetDays: p.graceDays, timezone },
      conditions: [{ type: 'record_field', field: 'status', in: ['pending', 'overdue', 'failed'] }],
      actions: [
        { type: 'create_task', taskType: 'collection', title: 'Collect overdue invoice {{record.invoiceId}} ({{record.amount}} {{record.currency}}, due {{record.dueDate}})', dueInDays: 2, priority: 'high', owner: { from: 'customer' } },
        { type: 'notify', channel: 'topic', to: { from: 'customer' }, subject: 'Payment {{record.id}} overdue', body: 'Invoice {{record.invoiceId}} of customer {{record.customerId}} was due on {{record.dueDate}}.' },
      ],
    },
  ],
});

export const birthdayGreeting = builtIn({
  id: 'birthday-greeting',
  description: "On an active customer's birthday the owner gets a greeting task and an e-mail reminder",
  params: z.object({ daysBefore: days(0, 30).default(0) }).strict(),
  rules: (p, { timezone }) => [
    {
      id: 'birthday-greeting',
      description: 'Birthday greeting for active customers who agreed to marketing',
      enabled: true,
      trigger: { type: 'date', entity: 'customer', field: 'birthday', anniversary: true, offsetDays: 0 - p.daysBefore || 0, timezone, at: '09:00' },
      conditions: [
        { type: 'record_field', field: 'status', in: ['active'] },
        { type: 'record_field', field: 'marketingConsent', in: [true] },
      ],
      actions: [
        { type: 'create_task', taskType: 'greeting', title: 'Send birthday greetings to customer {{record.id}}', dueInDays: 0, priority: 'low', owner: { from: 'record' } },
        { type: 'notify', channel: 'email', to: { from: 'record' }, subject: 'Birthday of customer {{record.id}}', body: 'Customer {{record.id}} has a birthday today. A greeting task is waiting for you.' },
      ],
    },
  ],
});

export const afterSalesSurvey = builtIn({
  id: 'after-sales-survey',
  description: 'N days after an order is delivered or a ticket resolved, the customer gets a satisfaction survey',
  params: z.object({ daysAfter: days(0, 90).default(3) }).strict(),
  rules: (p) => [
    {
      id: 'after-sales-survey',
      description: `Satisfaction survey ${p.daysAfter} days after delivery or ticket resolution`,
      enabled: true,
      trigger: {
        type: 'event',
        pattern: {
          source: ['crm.records'],
          $or: [{ 'detail-type': ['TicketResolved'] }, { 'detail-type': ['OrderCreated', 'OrderUpdated'], detail: { current: { status: ['delivered'] }, changedFields: ['status'] } }],
        },
      },
      actions: [
        { type: 'create_task', taskType: 'survey', title: 'Satisfaction survey for {{detail.table}} {{detail.id}}', dueInDays: p.daysAfter, priority: 'low', owner: { from: 'customer' } },
        { type: 'webhook', endpoint: 'survey', body: { kind: 'csat', customerId: '{{detail.customerId}}', about: '{{detail.table}}/{{detail.id}}', sendInDays: p.daysAfter } },
      ],
    },
  ],
});

export const ticketEscalation = builtIn({
  id: 'ticket-escalation',
  description: 'High-priority tickets are escalated to the service manager; ones not answered within the SLA hours are flagged',
  params: z.object({ team: team.default('service'), responseDays: days(1, 30).default(1), slaHours: z.number().min(1).max(720).default(2) }).strict(),
  rules: (p, { timezone }) => [
    {
      id: 'ticket-escalation',
      description: 'A new high or urgent ticket goes to the service manager',
      enabled: true,
      trigger: { type: 'event', pattern: { source: ['crm.records'], 'detail-type': ['TicketCreated'], detail: { current: { priority: ['high', 'urgent'], status: ['open', 'pending'] } } } },
      actions: [
        { type: 'create_task', taskType: 'escalation', title: '{{detail.current.priority}} ticket {{detail.id}} ({{detail.current.category}})', dueInDays: 0, priority: 'urgent', owner: { from: 'manager', team: p.team } },
        { type: 'notify', channel: 'topic', to: { from: 'manager', team: p.team }, subject: 'Escalated ticket {{detail.id}}', body: '{{detail.current.priority}} ticket {{detail.id}} of customer {{detail.customerId}} opened {{detail.current.openedAt}}.' },
      ],
    },
    {
      id: 'ticket-sla-breach',
      description: `A high or urgent ticket not answered within ${p.slaHours} h (checked ${p.responseDays} day(s) after it opened)`,
      enabled: true,
      trigger: { type: 'date', entity: 'ticket', field: 'openedAt', offsetDays: p.responseDays, timezone },
      conditions: [
        { type: 'record_field', field: 'priority', in: ['high', 'urgent'] },
        { type: 'response_late', from: 'openedAt', to: 'firstResponseAt', hours: p.slaHours },
      ],
      actions: [
        { type: 'emit_event', detailType: 'TicketSlaBreached', data: { responseDays: p.responseDays } },
        { type: 'update_record', set: { priority: 'urgent' } },
        { type: 'notify', channel: 'email', to: { from: 'manager', team: p.team }, subject: 'SLA breached: ticket {{record.id}}', body: 'Ticket {{record.id}} opened {{record.openedAt}} was not answered within ' + p.slaHours + ' h.' },
      ],
    },
  ],
});

export const leadAssignment = builtIn({
  id: 'lead-assignment',
  description: 'A new lead without an owner is assigned within the sales team (round robin or least loaded), honouring capacity and inactive users',
  params: z.object({ team: team.default('sales'), strategy: strategy.default('least_loaded'), firstCallInDays: days(0, 30).default(1) }).strict(),
  rules: (p) => [
    {
      id: 'lead-assignment',
      description: `New leads in the pool go to the ${p.team} team (${p.strategy})`,
      enabled: true,
      trigger: { type: 'event', pattern: { source: ['crm.records'], 'detail-type': ['LeadCreated'], detail: { current: { ownerId: [{ exists: false }], status: ['new'] } } } },
      actions: [
        { type: 'assign_owner', team: p.team, strategy: p.strategy, mode: 'if_unassigned' },
        { type: 'create_task', taskType: 'call', title: 'First call with new lead {{record.id}}', dueInDays: p.firstCallInDays, priority: 'high', owner: { from: 'record' } },
      ],
    },
  ],
});

export const sharedPoolReturn = builtIn({
  id: 'shared-pool-return',
  description: 'Leads and prospects whose owner had no activity with them for N days go back to the pool and are reassigned fairly',
  params: z.object({ team: team.default('sales'), strategy: strategy.default('round_robin'), leadDays: days().default(21), customerDays: days().default(60) }).strict(),
  rules: (p, { timezone }) => [
    {
      id: 'shared-pool-return-leads',
      description: `Open leads without activity for ${p.leadDays} days are reassigned`,
      enabled: true,
      trigger: { type: 'date', entity: 'lead', field: 'lastActivityAt', offsetDays: p.leadDays, timezone },
      conditions: [{ type: 'record_field', field: 'status', in: ['new', 'contacted', 'qualified'] }, { type: 'no_activity', days: p.leadDays }],
      actions: [{ type: 'assign_owner', team: p.team, strategy: p.strategy, mode: 'reassign' }],
    },
    {
      id: 'shared-pool-return-customers',
      description: `Prospects without activity for ${p.customerDays} days are reassigned`,
      enabled: true,
      trigger: { type: 'date', entity: 'customer', field: 'lastActivityAt', offsetDays: p.customerDays, timezone },
      conditions: [{ type: 'record_field', field: 'status', in: ['prospect'] }, { type: 'no_activity', days: p.customerDays }],
      actions: [{ type: 'assign_owner', team: p.team, strategy: p.strategy, mode: 'reassign' }],
    },
  ],
});

export const wonDealOnboarding = builtIn({
  id: 'won-deal-onboarding',
  description: 'A won opportunity gets onboarding tasks (kick-off, check-in) and a deal-won webhook',
  params: z.object({ kickoffInDays: days(0, 30).default(2), checkInDays: days(1, 180).default(30) }).strict(),
  rules: (p) => [
    {
      id: 'won-deal-onboarding',
      description: 'Onboarding tasks when a deal is won',
      enabled: true,
      trigger: { type: 'event', pattern: { source: ['crm.records'], 'detail-type': ['OpportunityWon'] } },
      actions: [
        { type: 'create_task', taskType: 'onboarding', title: 'Onboarding kick-off for {{detail.current.name}}', dueInDays: p.kickoffInDays, priority: 'high', owner: { from: 'record' } },
        { type: 'create_task', taskType: 'review', title: 'Onboarding check-in for opportunity {{detail.id}}', dueInDays: p.checkInDays, priority: 'normal', owner: { from: 'record' } },
        { type: 'webhook', endpoint: 'deal-won', body: { opportunityId: '{{detail.id}}', customerId: '{{detail.customerId}}', amount: '{{detail.current.amount}}', currency: '{{detail.current.currency}}' } },
      ],
    },
  ],
});

export const churnRetention = builtIn({
  id: 'churn-retention',
  description: 'A customer whose churn risk is high gets a retention task for the owner',
  params: z.object({ threshold: z.number().min(0).max(1).default(0.7), dueInDays: days(0, 30).default(3) }).strict(),
  rules: (p) => [
    {
      id: 'churn-retention',
      description: `Retention task when churn risk >= ${p.threshold}`,
      enabled: true,
      trigger: { type: 'event', pattern: { 'detail-type': ['ChurnRiskDetected'], detail: { churnRisk: [{ numeric: ['>=', p.threshold] }] } } },
      actions: [
        { type: 'create_task', taskType: 'retention', title: 'Retention call: churn risk {{detail.churnRisk}} for customer {{detail.customerId}}', dueInDays: p.dueInDays, priority: 'high', owner: { from: 'customer' } },
        { type: 'notify', channel: 'email', to: { from: 'customer' }, subject: 'Churn risk for customer {{detail.customerId}}', body: 'Customer {{detail.customerId}} has a churn risk of {{detail.churnRisk}} as of {{detail.asOf}}.' },
      ],
    },
  ],
});

export const segmentTierUpdate = builtIn({
  id: 'segment-tier-update',
  description: "A segment change that maps to a membership tier updates the customer's tier",
  params: z.object({}).strict(),
  rules: () => [
    {
      id: 'segment-tier-update',
      description: 'Membership tier follows the customer segment',
      enabled: true,
      trigger: { type: 'event', pattern: { 'detail-type': ['CustomerSegmentChanged'], detail: { tier: [{ exists: true }] } } },
      actions: [{ type: 'update_record', target: 'customer', set: { tier: '{{detail.tier}}' } }],
    },
  ],
});

export const builtInRules: readonly BuiltInRule[] = [
  followUpOverdue,
  contractExpiring,
  paymentOverdue,
  birthdayGreeting,
  afterSalesSurvey,
  ticketEscalation,
  leadAssignment,
  sharedPoolReturn,
  wonDealOnboarding,
  churnRetention,
  segmentTierUpdate,
] as BuiltInRule[];
