// Automation rules as data: the zod schema of a rule and of the team's configuration file
// (`crm.automation.json`). JSON Schema is derived into schemas/generated/ so editors check rule files.
// Event patterns are checked here for their catalogue names (a detail type that does not exist is a type
// error in code and a validation error in a file); lib/rules/config.ts adds EventBridge's own checks.
import { z } from 'zod';
import { CUSTOMER_TIERS, PRIORITIES, TASK_TYPES } from './entities.ts';
import { detailTypes, type DetailType } from './events.ts';
import { entities, entityNames, type EntityName } from './registry.ts';

export const RULE_ID_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** EventBridge Scheduler expressions; Scheduler's own `at(...)` one-offs are not rules. */
export const SCHEDULE_EXPRESSION = /^(?:cron\((?:\S+ ){5}\S+\)|rate\(\d+ (?:minute|minutes|hour|hours|day|days)\))$/;

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone.length > 0;
  } catch {
    return false;
  }
}

const ruleId = z.string().regex(RULE_ID_PATTERN, 'must be kebab-case (a-z, 0-9 and single dashes)').max(64);
const timezone = z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin');
const clockTime = z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24 h)');
const scalar = z.union([z.string(), z.number(), z.boolean()]);
/** Strings may hold `{{path}}` placeholders (`{{detail.current.ownerId}}`, `{{record.id}}`, `{{params.days}}`). */
const template = z.string().max(2000);

/** An EventBridge event pattern whose detail types come from the event catalogue (schemas/events.ts). */
export interface EventPattern {
  source?: string[];
  'detail-type'?: DetailType[];
  detail?: Record<string, unknown>;
  $or?: EventPattern[];
  [field: string]: unknown;
}

const detailTypeList = z
  .array(z.enum(detailTypes as [DetailType, ...DetailType[]], { error: (iss) => `${JSON.stringify(iss.input)} is not a detail type of the event catalogue (schemas/events.ts)` }))
  .min(1);

export const eventPatternSchema: z.ZodType<EventPattern> = z.lazy(() =>
  z
    .object({
      source: z.array(z.string()).min(1).optional(),
      'detail-type': detailTypeList.optional(),
      detail: z.record(z.string(), z.unknown()).optional(),
      $or: z.array(eventPatternSchema).min(1).optional(),
    })
    .catchall(z.unknown()),
);

/** Names every detail type a pattern can match, top level and inside `$or`. */
export function patternDetailTypes(pattern: EventPattern): DetailType[] {
  return [...(pattern['detail-type'] ?? []), ...(pattern.$or ?? []).flatMap(patternDetailTypes)];
}

export const eventTrigger = z.object({
  type: z.literal('event'),
  pattern: eventPatternSchema.refine((p) => patternDetailTypes(p).length > 0, 'must name at least one "detail-type" from the event catalogue'),
});

export const scheduleTrigger = z.object({
  type: z.literal('schedule'),
  /** `cron(min hour day-of-month month day-of-week year)` or `rate(N unit)`, as EventBridge Scheduler takes them. */
  expression: z.string().regex(SCHEDULE_EXPRESSION, 'must be cron(<6 fields>) or rate(<n> minutes|hours|days)'),
  timezone,
});

export const dateTrigger = z
  .object({
    type: z.literal('date'),
    entity: z.enum(entityNames as [EntityName, ...EntityName[]]),
    /** A date field the entity declares in `reminderDates` (schemas/registry.ts), so it is indexed. */
    field: z.string(),
    /** Fire this many days after the field's date (negative: before). */
    offsetDays: z.number().int().min(-366).max(366),
    /** Match month and day every year (birthdays, contract anniversaries). */
    anniversary: z.boolean().optional(),
    timezone,
    /** Local time of day the rule runs. @default 08:00 */
    at: clockTime.optional(),
  })
  .superRefine((t, ctx) => {
    const declared = (entities[t.entity].reminderDates ?? []) as readonly { field: string; anniversary?: boolean }[];
    const match = declared.find((d) => d.field === t.field);
    if (!match) {
      const names = declared.map((d) => d.field).join(', ') || 'none';
      ctx.addIssue({ code: 'custom', path: ['field'], message: `"${t.field}" is not an indexed date of ${t.entity} (declared reminderDates: ${names})` });
    } else if (!!t.anniversary !== !!match.anniversary) {
      ctx.addIssue({ code: 'custom', path: ['anniversary'], message: `${t.entity}.${t.field} is indexed ${match.anniversary ? 'as an anniversary' : 'by its date'}; set anniversary: ${!!match.anniversary}` });
    }
  });

export const trigger = z.discriminatedUnion('type', [eventTrigger, scheduleTrigger, dateTrigger]);

/**
 * Conditions a pattern cannot express, evaluated by the rules handler through the table port. (A segment
 * condition is a pattern on CustomerSegmentChanged's `toSegment`; the tier is stored on the customer.)
 */
export const condition = z.discriminatedUnion('type', [
  /** The subject record (lead, customer, opportunity) has had no activity for `days` days. */
  z.object({ type: z.literal('no_activity'), days: z.number().int().min(1).max(3650) }),
  /** The owner the actions would use has fewer than `max` open leads plus open tasks. */
  z.object({ type: z.literal('owner_load_below'), max: z.number().int().min(1) }),
  /** Skip while the rule's clock is inside [from, to) local time (the window may wrap midnight). */
  z.object({ type: z.literal('quiet_hours'), from: clockTime, to: clockTime, timezone }),
  /** The subject's customer has one of these tiers. */
  z.object({ type: z.literal('customer_tier'), in: z.array(z.enum(CUSTOMER_TIERS)).min(1) }),
  /** The subject record as stored now (not as the event saw it): a field is / is not one of the values, or (not) set. */
  z.object({ type: z.literal('record_field'), field: z.string(), in: z.array(scalar).optional(), notIn: z.array(scalar).optional(), exists: z.boolean().optional() }),
  /** `to` (e.g. firstResponseAt) was not set by the rule's clock or came more than `hours` after `from` (e.g. openedAt). */
  z.object({ type: z.literal('response_late'), from: z.string().default('openedAt'), to: z.string().default('firstResponseAt'), hours: z.number().min(0).max(8760) }),
  /** No contract renews the subject contract (a contract whose `renewalOf` is its id), and it is not marked renewed. */
  z.object({ type: z.literal('not_renewed') }),
]);

/** Who gets the task or notification. */
export const ownerChoice = z.discriminatedUnion('from', [
  /** The subject record's owner (`ownerId`, or `assigneeId` of a ticket), else the customer's owner. */
  z.object({ from: z.literal('record') }),
  z.object({ from: z.literal('customer') }),
  /** The team's manager (first active user with role manager). */
  z.object({ from: z.literal('manager'), team: z.string() }),
  /** Assigned within a team like `assign_owner` does. */
  z.object({ from: z.literal('team'), team: z.string(), strategy: z.enum(['round_robin', 'least_loaded']).default('least_loaded') }),
  z.object({ from: z.literal('user'), userId: z.string() }),
]);

export const action = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('create_task'),
    taskType: z.enum(TASK_TYPES),
    title: template,
    dueInDays: z.number().min(0).max(365).default(1),
    priority: z.enum(PRIORITIES).default('normal'),
    owner: ownerChoice.default({ from: 'record' }),
  }),
  z.object({
    type: z.literal('assign_owner'),
    team: z.string(),
    strategy: z.enum(['round_robin', 'least_loaded']).default('least_loaded'),
    /** Leave a record that has an owner alone (new-lead assignment) or move it to someone else (pool return). */
    mode: z.enum(['if_unassigned', 'reassign']).default('if_unassigned'),
  }),
  z.object({
    type: z.literal('update_record'),
    target: z.enum(['record', 'customer']).default('record'),
    /** Field -> value; string values may be templates (`{{detail.tier}}`). */
    set: z.record(z.string(), scalar).refine((s) => Object.keys(s).length > 0, 'must set at least one field'),
  }),
  z.object({
    type: z.literal('notify'),
    /** `topic`: the SNS topic (a local outbox file); `email`: SES e-mail to the person (a local .eml file). */
    channel: z.enum(['topic', 'email']),
    to: ownerChoice.default({ from: 'record' }),
    subject: template,
    body: template,
  }),
  z.object({
    type: z.literal('webhook'),
    /** A key of the configuration's `webhooks`; an endpoint without a URL goes to the outbox. */
    endpoint: z.string(),
    body: z.record(z.string(), z.unknown()).optional(),
  }),
  z.object({
    type: z.literal('emit_event'),
    detailType: z.enum(['TicketSlaBreached', 'AutomationNotice']),
    data: z.record(z.string(), scalar).optional(),
  }),
]);

export const rule = z
  .object({
    id: ruleId,
    description: z.string().min(1).max(500),
    enabled: z.boolean(),
    trigger,
    conditions: z.array(condition).optional(),
    actions: z.array(action).min(1).max(20),
    /** The parameters a built-in rule was resolved with (informational; set by the loader). */
    params: z.record(z.string(), z.unknown()).optional(),
    builtIn: z.string().optional(),
  })
  .strict();

export const webhookEndpoint = z
  .object({
    /** http(s) URL; unset: requests go to the outbox. */
    url: z.url({ protocol: /^https?$/ }).optional(),
    /** Secret holding the HMAC signing key (AWS Secrets Manager name; locally `<dir>/secrets/webhook-<endpoint>.key`). */
    secretName: z.string().optional(),
    /** Connection auth of the API destination in AWS. @default none */
    auth: z
      .discriminatedUnion('type', [
        z.object({ type: z.literal('api_key'), header: z.string(), secretName: z.string() }),
        z.object({ type: z.literal('basic'), username: z.string(), secretName: z.string() }),
      ])
      .optional(),
    /** Requests per second the API destination may send. @default 10 */
    rateLimitPerSecond: z.number().int().min(1).max(300).optional(),
  })
  .strict();

export const automationSettings = z
  .object({
    /** Runs caused by more than this many automation runs in a chain are suppressed (loop protection). @default 4 */
    maxCausationDepth: z.number().int().min(1).max(20).default(4),
    /** Attempts per rule and change before it is dead-lettered. @default 3 */
    maxAttempts: z.number().int().min(1).max(10).default(3),
    /** Backoff base between attempts (doubled each time). @default 200 */
    backoffMs: z.number().int().min(0).max(60000).default(200),
    /** Record events about changes older than this (relative to the rule's clock) are not acted on, so importing history sends no surveys for last year's orders. @default 30 */
    historyCutoffDays: z.number().int().min(0).max(3650).default(30),
    /** Time zone of the built-in rules. @default UTC */
    timezone: timezone.default('UTC'),
  })
  .strict();

/** A built-in rule switched on or off and tuned by the team. */
export const builtInOverride = z
  .object({
    enabled: z.boolean().optional(),
    params: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

/** The team's configuration file (`crm.automation.json`). */
export const automationConfigFile = z
  .object({
    $schema: z.string().optional(),
    settings: automationSettings.partial().optional(),
    builtIns: z.record(z.string(), builtInOverride).optional(),
    rules: z.array(rule).optional(),
    webhooks: z.record(z.string(), webhookEndpoint).optional(),
  })
  .strict();

export type Rule = z.input<typeof rule>;
export type ResolvedRule = z.output<typeof rule>;
export type Trigger = z.output<typeof trigger>;
export type DateTrigger = z.output<typeof dateTrigger>;
export type ScheduleTrigger = z.output<typeof scheduleTrigger>;
export type Condition = z.output<typeof condition>;
export type Action = z.output<typeof action>;
export type OwnerChoice = z.output<typeof ownerChoice>;
export type WebhookEndpoint = z.output<typeof webhookEndpoint>;
export type AutomationSettings = z.output<typeof automationSettings>;
export type AutomationConfigFile = z.input<typeof automationConfigFile>;

/** The resolved configuration every runtime uses: built-ins merged with the team's file. */
export interface AutomationConfig {
  rules: ResolvedRule[];
  webhooks: Record<string, WebhookEndpoint>;
  settings: AutomationSettings;
}
