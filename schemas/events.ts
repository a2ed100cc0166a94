// Domain events put on the `crm` bus. Details carry no personal data: the record fields are the
// lake-safe ones (personal fields hashed or omitted), so rules and archives stay pseudonymous.
import { z } from 'zod';
import { CUSTOMER_TIERS } from './entities.ts';
import { entities } from './registry.ts';

export const BUS_NAME = 'crm';
/** `source` of record-change events. */
export const RECORD_EVENT_SOURCE = 'crm.records';
/** `source` of ingest-side events such as ImportCompleted. */
export const INGEST_EVENT_SOURCE = 'crm.ingest';
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
});
export type ChurnRiskDetectedDetail = z.infer<typeof churnRiskDetectedDetail>;

const labels = Object.values(entities).map((d) => d.label);

/** Every detail type with its source and detail schema: the catalogue rules are written against. */
export const eventCatalogue: Record<string, { source: string; detail: z.ZodObject; description: string }> = {
  ...Object.fromEntries(
    labels.flatMap((label) => [
      [`${label}Created`, { source: RECORD_EVENT_SOURCE, detail: recordChangedDetail, description: `a new ${label} record` }],
      [`${label}Updated`, { source: RECORD_EVENT_SOURCE, detail: recordChangedDetail, description: `a newer version of a ${label}` }],
      [`${label}Deleted`, { source: RECORD_EVENT_SOURCE, detail: recordChangedDetail, description: `a ${label} erased (tombstone)` }],
    ]),
  ),
  OpportunityStageChanged: { source: RECORD_EVENT_SOURCE, detail: stageChangedDetail, description: 'an opportunity moved to another stage' },
  OpportunityWon: { source: RECORD_EVENT_SOURCE, detail: stageChangedDetail, description: 'an opportunity reached closed_won' },
  OpportunityLost: { source: RECORD_EVENT_SOURCE, detail: stageChangedDetail, description: 'an opportunity reached closed_lost' },
  TicketResolved: { source: RECORD_EVENT_SOURCE, detail: statusChangedDetail, description: 'a ticket became resolved or closed' },
  LeadConverted: { source: RECORD_EVENT_SOURCE, detail: statusChangedDetail, description: 'a lead became converted' },
  PaymentReceived: { source: RECORD_EVENT_SOURCE, detail: statusChangedDetail, description: 'a payment became paid' },
  ContractRenewed: { source: RECORD_EVENT_SOURCE, detail: recordChangedDetail, description: 'a contract that renews another was created' },
  ImportCompleted: { source: INGEST_EVENT_SOURCE, detail: importCompletedDetail, description: 'a bulk import file was processed' },
  CustomerSegmentChanged: { source: REPORT_EVENT_SOURCE, detail: customerSegmentChangedDetail, description: "the rfm report moved a customer to another segment" },
  ChurnRiskDetected: { source: REPORT_EVENT_SOURCE, detail: churnRiskDetectedDetail, description: "the churn report found a customer's churn risk above its threshold" },
};

export type DetailType = keyof typeof eventCatalogue;
