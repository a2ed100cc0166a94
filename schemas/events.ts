// Domain events put on the `crm` bus. Details carry no personal data: the record fields are the
// lake-safe ones (personal fields hashed or omitted), so rules and archives stay pseudonymous.
import { z } from 'zod';
import { CUSTOMER_TIERS } from './entities.ts';
import { entities, type EntityLabel } from './registry.ts';

export const BUS_NAME = 'crm';
/** `source` of record-change events. */
export const RECORD_EVENT_SOURCE = 'crm.records';
/** `source` of ingest-side events such as ImportCompleted. */
export const INGEST_EVENT_SOURCE = 'crm.ingest';
/** `source` of events the automation rules emit (`emit_event`, `WebhookRequested`). */
export const AUTOMATION_EVENT_SOURCE = 'crm.automation';
/** `source` of events the scheduled reports derive about customers (segment moves, churn risk). */
export const REPORT_EVENT_SOURCE = 'crm.reports';

const entityName = z.enum(Object.keys(entities) as [string, ...string[]]);
const safeRecord = z.record(z.string(), z.unknown()).describe('the record with personal fields hashed (`<field>Hash`) or omitted');

export const recordChangedDetail = z.object({
  entity: entityName,
  table: z.string(),
  id: z.string(),
  customerId: z.string().optional(),
  op: z.enum(['insert', 'modify', 'remove']),
  version: z.string(),
  updatedAt: z.string(),
  /** camelCase fields whose value differs from the previous version. */
  changedFields: z.array(z.string()),
  current: safeRecord.optional(),
  previous: safeRecord.optional(),
  /** Stream sequence number of the change: deduplicates redelivered events. */
  seq: z.string(),
  /** Ids of the automation runs that led to this change, oldest first (absent when a person or an import made it). */
  causation: z.array(z.string()).optional(),
});
export type RecordChangedDetail = z.infer<typeof recordChangedDetail>;

export const stageChangedDetail = recordChangedDetail.extend({ fromStage: z.string().optional(), toStage: z.string() });
export const statusChangedDetail = recordChangedDetail.extend({ fromStatus: z.string().optional(), toStatus: z.string() });

export const importCompletedDetail = z.object({
  entity: entityName,
  bucket: z.string(),
  key: z.string(),
  accepted: z.number().int(),
  rejected: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  stale: z.number().int(),
  merged: z.number().int(),
  /** Object key of the rejected-rows file, when there were rejections. */
  errorsKey: z.string().optional(),
});
export type ImportCompletedDetail = z.infer<typeof importCompletedDetail>;

const calendarDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a calendar date YYYY-MM-DD');

/** A customer's RFM segment differs from the previous run's (ids and labels only: no personal data). */
export const customerSegmentChangedDetail = z.strictObject({
  customerId: z.string().min(1),
  /** null when the customer had no segment in the previous run (their first orders). */
  fromSegment: z.string().nullable(),
  toSegment: z.string().min(1),
  /** The membership tier derived from value in this run (CUSTOMER_TIERS). */
  tier: z.enum(CUSTOMER_TIERS),
  /** The report run's as-of date. */
  asOf: calendarDate,
  /** Producer-set id of this finding; deduplicates re-published events. */
  eventId: z.string().optional(),
  causation: z.array(z.string()).optional(),
});
export type CustomerSegmentChangedDetail = z.infer<typeof customerSegmentChangedDetail>;

/** A customer's churn risk is above the report's threshold (ids and figures only). */
export const churnRiskDetectedDetail = z.strictObject({
  customerId: z.string().min(1),
  /** 1 - P(alive), between 0 and 1. */
  churnRisk: z.number().min(0).max(1),
  /** Expected value lost if the customer churns, in `currency`. */
  valueAtRisk: z.number(),
  /** ISO-4217 code. */
  currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO-4217 code'),
  asOf: calendarDate,
  /** Producer-set id of this finding; deduplicates re-published events. */
  eventId: z.string().optional(),
  causation: z.array(z.string()).optional(),
});
export type ChurnRiskDetectedDetail = z.infer<typeof churnRiskDetectedDetail>;

/** A scheduled (or on-demand) report run finished and its files are in place: where they are and the headline figures. */
export const reportCompletedDetail = z.strictObject({
  report: z.string().min(1),
  asOf: calendarDate,
  /** The summary's headline figures (money ones per currency), values only: no personal data. */
  headlines: z.array(
    z.strictObject({
      key: z.string(),
      value: z.number().nullable(),
      currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO-4217 code').optional(),
    }),
  ),
  /** s3:// URIs of summary.json, dashboard.html and each output table's folder (by table name). */
  locations: z.strictObject({
    summary: z.string().startsWith('s3://'),
    dashboard: z.string().startsWith('s3://'),
    tables: z.record(z.string(), z.string().startsWith('s3://')),
  }),
  /** Events the run put on the bus, by detail type. */
  events: z.record(z.string(), z.number().int()),
  /** Producer-set id (`<report>#<asOf>`): a rerun of the same day carries the same id. */
  eventId: z.string(),
});
export type ReportCompletedDetail = z.infer<typeof reportCompletedDetail>;

/** A webhook call the rules asked for; in AWS an API destination delivers it with these headers. */
export const webhookRequestedDetail = z.object({
  endpoint: z.string(),
  ruleId: z.string(),
  idempotencyKey: z.string(),
  /** Unix seconds, as sent in `X-CRM-Timestamp`. */
  timestamp: z.string(),
  /** Hex HMAC-SHA256 of `${timestamp}.${JSON body}`, as sent in `X-CRM-Signature`. */
  signature: z.string(),
  body: z.record(z.string(), z.unknown()),
  causation: z.array(z.string()).optional(),
});
export type WebhookRequestedDetail = z.infer<typeof webhookRequestedDetail>;

/** A follow-on event from an `emit_event` action: which rule, about which record, and why. */
export const automationEventDetail = z.object({
  ruleId: z.string(),
  eventId: z.string().describe('producer-set id: the emitting run and action'),
  table: z.string().optional(),
  id: z.string().optional(),
  customerId: z.string().optional(),
  data: z.record(z.string(), z.unknown()).optional(),
  causation: z.array(z.string()),
});

const RECORD_SUFFIXES = ['Created', 'Updated', 'Deleted'] as const;
type RecordDetailType = `${EntityLabel}${(typeof RECORD_SUFFIXES)[number]}`;
type CatalogueEntry = { source: string; detail: z.ZodObject; description: string };

const namedEvents = {
  OpportunityStageChanged: { source: RECORD_EVENT_SOURCE, detail: stageChangedDetail, description: 'an opportunity moved to another stage' },
  OpportunityWon: { source: RECORD_EVENT_SOURCE, detail: stageChangedDetail, description: 'an opportunity reached closed_won' },
  OpportunityLost: { source: RECORD_EVENT_SOURCE, detail: stageChangedDetail, description: 'an opportunity reached closed_lost' },
  TicketResolved: { source: RECORD_EVENT_SOURCE, detail: statusChangedDetail, description: 'a ticket became resolved or closed' },
  LeadConverted: { source: RECORD_EVENT_SOURCE, detail: statusChangedDetail, description: 'a lead became converted' },
  PaymentReceived: { source: RECORD_EVENT_SOURCE, detail: statusChangedDetail, description: 'a payment became paid' },
  ContractRenewed: { source: RECORD_EVENT_SOURCE, detail: recordChangedDetail, description: 'a contract that renews another was created' },
  ImportCompleted: { source: INGEST_EVENT_SOURCE, detail: importCompletedDetail, description: 'a bulk import file was processed' },
  ChurnRiskDetected: { source: REPORT_EVENT_SOURCE, detail: churnRiskDetectedDetail, description: "a customer's churn risk crossed the high threshold" },
  CustomerSegmentChanged: { source: REPORT_EVENT_SOURCE, detail: customerSegmentChangedDetail, description: 'a customer moved to another segment' },
  ReportCompleted: { source: REPORT_EVENT_SOURCE, detail: reportCompletedDetail, description: 'a report run wrote its tables, summary.json and dashboard.html' },
  WebhookRequested: { source: AUTOMATION_EVENT_SOURCE, detail: webhookRequestedDetail, description: 'an automation asked for a signed webhook call' },
  TicketSlaBreached: { source: AUTOMATION_EVENT_SOURCE, detail: automationEventDetail, description: 'a high-priority ticket passed its response deadline' },
  AutomationNotice: { source: AUTOMATION_EVENT_SOURCE, detail: automationEventDetail, description: 'a follow-on event a team rule emits' },
} as const satisfies Record<string, CatalogueEntry>;

/** Every detail type on the `crm` bus; rules name these, so a misspelt one is a type error. */
export type DetailType = RecordDetailType | keyof typeof namedEvents;

const labels = Object.values(entities).map((d) => d.label);

/** Every detail type with its source and detail schema: the catalogue rules are written against. */
export const eventCatalogue: Record<DetailType, CatalogueEntry> = {
  ...(Object.fromEntries(
    labels.flatMap((label) => [
      [`${label}Created`, { source: RECORD_EVENT_SOURCE, detail: recordChangedDetail, description: `a new ${label} record` }],
      [`${label}Updated`, { source: RECORD_EVENT_SOURCE, detail: recordChangedDetail, description: `a newer version of a ${label}` }],
      [`${label}Deleted`, { source: RECORD_EVENT_SOURCE, detail: recordChangedDetail, description: `a ${label} erased (tombstone)` }],
    ]),
    // One entry per label and suffix: exactly the keys of RecordDetailType.
  ) as unknown as Record<RecordDetailType, CatalogueEntry>),
  ...namedEvents,
};

export const detailTypes = Object.keys(eventCatalogue) as DetailType[];
