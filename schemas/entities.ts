// The CRM data model: one zod schema per entity. This file is the single source of truth;
// types, Glue columns, Parquet schemas and JSON Schema files are derived from it.
import { z } from 'zod';
import {
  calendarDate,
  choice,
  count,
  countryCode,
  currency,
  email,
  flag,
  id,
  instant,
  money,
  name,
  nested,
  personal,
  phone,
  real,
  text,
} from './fields.ts';

const base = {
  id: id(),
  // A version from the future would make every later real update `stale`: refused beyond the clock skew.
  updatedAt: instant('skew'),
};

export const CUSTOMER_TIERS = ['bronze', 'silver', 'gold', 'platinum'] as const;
export const CUSTOMER_STATUSES = ['prospect', 'active', 'inactive', 'churned'] as const;
export const SOURCES = ['web', 'referral', 'event', 'partner', 'outbound', 'inbound', 'campaign', 'import'] as const;
export const OPPORTUNITY_STAGES = ['prospecting', 'qualification', 'proposal', 'negotiation', 'closed_won', 'closed_lost'] as const;
export const ORDER_CHANNELS = ['web', 'store', 'phone', 'partner', 'marketplace'] as const;
export const ACTIVITY_TYPES = ['call', 'email', 'visit', 'meeting', 'chat'] as const;
export const CONTACT_CHANNELS = ['phone', 'email', 'in_person', 'video', 'web_chat', 'messaging'] as const;
export const MARKETING_CHANNELS = ['email', 'social', 'search', 'display', 'events', 'direct_mail', 'referral', 'sms'] as const;

export const customer = z
  .object({
    ...base,
    kind: choice(['person', 'company']),
    firstName: personal(name(100)).optional(),
    lastName: personal(name(100)).optional(),
    companyName: name(200).optional(),
    email: email().optional(),
    phone: phone().optional(),
    street: personal(text(200), 'omit').optional(),
    postalCode: personal(text(20)).optional(),
    city: text(100).optional(),
    country: countryCode().optional(),
    birthday: personal(calendarDate('past')).optional(),
    tier: choice(CUSTOMER_TIERS).default('bronze'),
    ownerId: id().optional(),
    status: choice(CUSTOMER_STATUSES),
    source: choice(SOURCES),
    industry: text(100).optional(),
    marketingConsent: flag().default(false),
    createdAt: instant(),
  })
  .refine((c) => c.kind !== 'company' || !!c.companyName, { path: ['companyName'], message: 'is required for a company' })
  .refine((c) => c.kind !== 'person' || !!(c.firstName || c.lastName), { path: ['lastName'], message: 'a person needs a first or last name' });

export const contact = z.object({
  ...base,
  customerId: id(),
  firstName: personal(name(100)).optional(),
  lastName: personal(name(100)),
  email: email().optional(),
  phone: phone().optional(),
  title: text(100).optional(),
  isPrimary: flag().default(false),
  createdAt: instant(),
});

export const lead = z.object({
  ...base,
  firstName: personal(name(100)).optional(),
  lastName: personal(name(100)).optional(),
  companyName: name(200).optional(),
  email: email().optional(),
  phone: phone().optional(),
  source: choice(SOURCES),
  campaignId: id().optional(),
  status: choice(['new', 'contacted', 'qualified', 'disqualified', 'converted']),
  /** Unset while the lead sits in the shared pool. */
  ownerId: id().optional(),
  score: count(0, 100).optional(),
  createdAt: instant(),
  convertedAt: instant().optional(),
  customerId: id().optional(),
});

export const opportunity = z.object({
  ...base,
  customerId: id(),
  // Free text that often names the buyer ("Müller family kitchen"): kept in the table, left out of the lake.
  name: personal(name(200), 'omit'),
  stage: choice(OPPORTUNITY_STAGES),
  amount: money(),
  currency: currency(),
  probability: real(0, 1),
  expectedCloseDate: calendarDate(),
  ownerId: id(),
  leadId: id().optional(),
  createdAt: instant(),
  closedAt: instant().optional(),
  // Free text ("her husband lost his job") can hold personal data: table only, erased with the customer.
  lossReason: personal(text(200), 'omit').optional(),
});

// Strict: a misspelt field inside a line item is an error, as at the top level.
export const lineItem = z.strictObject({
  sku: id(),
  quantity: count(1),
  unitPrice: money(),
});

const cents = (v: number) => Math.round(v * 100);
// Amounts carry 2 decimals, so sums are exact in cents; one cent of slack absorbs per-line rounding in source systems.
const withinRounding = (actual: number, expected: number) => Math.abs(cents(actual) - cents(expected)) <= 1;

export const order = z.object({
  ...base,
  customerId: id(),
  orderedAt: instant(),
  status: choice(['placed', 'paid', 'shipped', 'delivered', 'cancelled', 'returned']),
  channel: choice(ORDER_CHANNELS),
  currency: currency(),
  lineItems: nested(z.array(lineItem).min(1).max(500)),
  itemCount: count(),
  subtotal: money(),
  discount: money().default(0),
  tax: money().default(0),
  total: money(),
  campaignId: id().optional(),
})
  .refine((o) => o.itemCount === o.lineItems.reduce((s, l) => s + l.quantity, 0), { path: ['itemCount'], message: 'must equal the sum of the line items\' quantities' })
  .refine((o) => withinRounding(o.subtotal, o.lineItems.reduce((s, l) => s + cents(l.quantity * l.unitPrice), 0) / 100), {
    path: ['subtotal'],
    message: 'must equal the sum of quantity × unitPrice over the line items (within 0.01)',
  })
  .refine((o) => withinRounding(o.total, (cents(o.subtotal) - cents(o.discount) + cents(o.tax)) / 100), { path: ['total'], message: 'must equal subtotal − discount + tax (within 0.01)' });

export const contract = z
  .object({
    ...base,
    customerId: id(),
    startDate: calendarDate(),
    endDate: calendarDate(),
    value: money(),
    currency: currency(),
    status: choice(['draft', 'active', 'expired', 'terminated', 'renewed']),
    renewalOf: id().optional(),
    autoRenew: flag().default(false),
    ownerId: id().optional(),
    signedAt: instant().optional(),
  })
  .refine((c) => c.endDate >= c.startDate, { path: ['endDate'], message: 'must not be before startDate' });

export const payment = z.object({
  ...base,
  customerId: id(),
  invoiceId: id(),
  orderId: id().optional(),
  contractId: id().optional(),
  // The one signed amount: a credit note (a refund booked as its own payment) is negative.
  amount: money({ signed: true }),
  currency: currency(),
  issuedAt: instant(),
  dueDate: calendarDate(),
  paidAt: instant().optional(),
  status: choice(['pending', 'paid', 'overdue', 'failed', 'refunded']),
  method: choice(['card', 'transfer', 'direct_debit', 'cash', 'paypal', 'other']).optional(),
});

export const activity = z
  .object({
    ...base,
    customerId: id().optional(),
    leadId: id().optional(),
    type: choice(ACTIVITY_TYPES),
    channel: choice(CONTACT_CHANNELS),
    direction: choice(['inbound', 'outbound']),
    occurredAt: instant(),
    durationSeconds: count().optional(),
    ownerId: id().optional(),
    subject: personal(text(300), 'omit').optional(),
    notes: personal(text(5000), 'omit').optional(),
    outcome: choice(['completed', 'no_answer', 'left_message', 'scheduled', 'cancelled']).optional(),
    followUpAt: instant().optional(),
  })
  .refine((a) => !!(a.customerId || a.leadId), { path: ['customerId'], message: 'an activity needs a customerId or a leadId' });

export const ticket = z.object({
  ...base,
  customerId: id(),
  subject: personal(text(300), 'omit').optional(),
  priority: choice(['low', 'normal', 'high', 'urgent']),
  status: choice(['open', 'pending', 'resolved', 'closed']),
  category: choice(['billing', 'delivery', 'product', 'account', 'complaint', 'other']),
  channel: choice(CONTACT_CHANNELS),
  openedAt: instant(),
  firstResponseAt: instant().optional(),
  resolvedAt: instant().optional(),
  assigneeId: id().optional(),
  csat: count(1, 5).optional(),
});

export const campaign = z.object({
  ...base,
  name: name(200),
  channel: choice(MARKETING_CHANNELS),
  objective: choice(['awareness', 'acquisition', 'retention', 'reactivation', 'upsell']).optional(),
  budget: money(),
  spend: money().default(0),
  currency: currency(),
  startDate: calendarDate(),
  endDate: calendarDate().optional(),
  status: choice(['planned', 'active', 'completed', 'cancelled']),
});

export const campaignTouch = z
  .object({
    ...base,
    campaignId: id(),
    customerId: id().optional(),
    leadId: id().optional(),
    channel: choice(MARKETING_CHANNELS),
    interaction: choice(['impression', 'open', 'click', 'visit', 'reply', 'conversion']),
    touchedAt: instant(),
    cost: money().optional(),
  })
  .refine((t) => !!(t.customerId || t.leadId), { path: ['customerId'], message: 'a touch needs a customerId or a leadId' });

export const surveyResponse = z
  .object({
    ...base,
    customerId: id(),
    kind: choice(['csat', 'nps']),
    score: count(0, 10),
    ticketId: id().optional(),
    orderId: id().optional(),
    respondedAt: instant(),
    comment: personal(text(2000), 'omit').optional(),
  })
  .refine((s) => s.kind !== 'csat' || (s.score >= 1 && s.score <= 5), { path: ['score'], message: 'a CSAT score is 1 to 5' });

export const USER_ROLES = ['rep', 'manager', 'agent', 'admin'] as const;
export const TASK_TYPES = ['call', 'email', 'meeting', 'follow_up', 'review', 'survey', 'onboarding', 'retention', 'renewal', 'collection', 'escalation', 'greeting', 'other'] as const;
export const TASK_STATUSES = ['open', 'done', 'cancelled'] as const;
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const AUTOMATION_RUN_STATUSES = ['succeeded', 'failed', 'skipped', 'suppressed'] as const;

/** The people who own records: sales reps, service agents, their managers. */
export const user = z.object({
  ...base,
  name: personal(text(200)),
  email: email(),
  team: text(100),
  role: choice(USER_ROLES),
  active: flag().default(true),
  /** IANA time zone, e.g. `Europe/Berlin`. */
  timezone: text(64).default('UTC'),
  /** Maximum open leads plus open tasks this person takes on; unset means unlimited. */
  capacity: count(0, 100000).optional(),
  createdAt: instant(),
});

/** Work for a person: created by hand or by an automation (then `ruleId` and `causeEventId` say which). */
export const task = z
  .object({
    ...base,
    type: choice(TASK_TYPES),
    title: text(300),
    customerId: id().optional(),
    leadId: id().optional(),
    opportunityId: id().optional(),
    ticketId: id().optional(),
    contractId: id().optional(),
    paymentId: id().optional(),
    ownerId: id().optional(),
    dueAt: instant(),
    priority: choice(PRIORITIES).default('normal'),
    status: choice(TASK_STATUSES),
    ruleId: id().optional(),
    /** The key of the change that made an automation create the task (see automation_run.eventId). */
    causeEventId: text(256).optional(),
    createdAt: instant(),
    completedAt: instant().optional(),
  })
  .refine((t) => t.status !== 'done' || !!t.completedAt, { path: ['completedAt'], message: 'is required when status is done' });

/**
 * One execution of an automation rule for one triggering change. The id is derived from (ruleId, eventId),
 * so the record doubles as the idempotency record: a redelivered change finds its run and does nothing.
 */
export const automationRun = z.object({
  ...base,
  ruleId: id(),
  /** What identifies the triggering change: `<detail-type>#<seq>` for record events, a producer id, or `<trigger>:<date>[:<record>]`. */
  eventId: text(256),
  trigger: choice(['event', 'schedule', 'date']),
  status: choice(AUTOMATION_RUN_STATUSES),
  /** Action types executed, in order (`create_task`, `notify:email`, ...). */
  actions: nested(z.array(z.string().max(100)).max(100)),
  /** Ids of the records the actions created or changed (`tasks/tsk-...`). */
  createdIds: nested(z.array(z.string().max(300)).max(1000)),
  durationMs: count(),
  error: text(2000).optional(),
  startedAt: instant(),
  /** How many automation runs caused the triggering event (0 for a change made by a person or an import). */
  causationDepth: count(),
  attempts: count(1, 1000).default(1),
  customerId: id().optional(),
});

/** A product of the catalogue; order line items refer to it by `sku`. */
export const product = z.object({
  ...base,
  sku: id(),
  name: name(200),
  category: text(100),
  /** Net of tax, in `currency`. */
  listPrice: money(),
  currency: currency(),
  active: flag().default(true),
  /** Bought once and kept (headphones, a monitor): not recommended again to a customer who owns it. */
  durable: flag().default(false),
});

export const SCORE_MODELS = ['rfm', 'churn', 'recommendations', 'lead_scoring'] as const;

/** One recommended product of a `recommendations` score, best first. */
export const recommendedProduct = z.strictObject({
  sku: id(),
  name: text(200),
  score: real(0, 1),
  /** Why, for the agent: "bought by 31% of customers who bought X". */
  reason: text(300),
});

/**
 * The latest output of an analytics model for one customer or lead, written back by the reports so the
 * profile, the rules and the events see it. One record per subject and model (`<model>:<subject id>`),
 * replaced by each run; `updatedAt` is the start of the as-of day, so a rerun of the same date and data
 * is a no-op and an older as-of date never overwrites a newer one. Ids and figures only, no personal data.
 */
export const score = z
  .object({
    ...base,
    customerId: id().optional(),
    leadId: id().optional(),
    model: choice(SCORE_MODELS),
    /** The model's definition version (scheme, settings, method): a change of it is a new score. */
    modelVersion: text(100),
    asOf: calendarDate(),
    // rfm
    segment: text(100).optional(),
    tier: choice(CUSTOMER_TIERS).optional(),
    // churn (the customer's main currency)
    pAlive: real(0, 1).optional(),
    /** Expected purchases in the next 90 days. */
    expectedPurchases: real(0).optional(),
    /** Customer lifetime value over 12 months, in `currency`. */
    clv: money().optional(),
    currency: currency().optional(),
    churnRisk: real(0, 1).optional(),
    // recommendations
    recommendations: nested(z.array(recommendedProduct).max(10)).optional(),
    // lead_scoring: the probability of conversion, 0-100
    score: count(0, 100).optional(),
  })
  .refine((s) => !!s.customerId !== !!s.leadId, { path: ['customerId'], message: 'a score needs exactly one of customerId and leadId' })
  .refine((s) => s.id === `${s.model}:${s.customerId ?? s.leadId}`, { path: ['id'], message: 'must be `<model>:<customerId or leadId>`' });

export type Customer = z.infer<typeof customer>;
export type Contact = z.infer<typeof contact>;
export type Lead = z.infer<typeof lead>;
export type Opportunity = z.infer<typeof opportunity>;
export type Order = z.infer<typeof order>;
export type LineItem = z.infer<typeof lineItem>;
export type Contract = z.infer<typeof contract>;
export type Payment = z.infer<typeof payment>;
export type Activity = z.infer<typeof activity>;
export type Ticket = z.infer<typeof ticket>;
export type Campaign = z.infer<typeof campaign>;
export type CampaignTouch = z.infer<typeof campaignTouch>;
export type SurveyResponse = z.infer<typeof surveyResponse>;
export type User = z.infer<typeof user>;
export type Task = z.infer<typeof task>;
export type AutomationRun = z.infer<typeof automationRun>;
export type Product = z.infer<typeof product>;
export type Score = z.infer<typeof score>;
export type RecommendedProduct = z.infer<typeof recommendedProduct>;
