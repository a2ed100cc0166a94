// The entity catalogue: names, tables, the field that ties a record to a customer, and the
// identity fields used to deduplicate people.
import type { z } from 'zod';
import * as e from './entities.ts';

export interface EntityDef<S extends z.ZodObject = z.ZodObject> {
  /** Singular snake case, e.g. `campaign_touch`. */
  name: string;
  /** Plural snake case, e.g. `campaign_touches`: the DynamoDB entity prefix, the lake folder and the SQL table. */
  table: string;
  /** PascalCase, used in event detail types, e.g. `CampaignTouch`. */
  label: string;
  schema: S;
  /** The field holding the owning customer's id (`id` for customers themselves). */
  customerField?: string;
  /** Fields whose normalised values identify the same person (deduplication). */
  identityFields?: readonly ('email' | 'phone')[];
  /** The instant or date that places a record in time (`orderedAt`, `touchedAt`, ...). */
  timeField: string;
  /**
   * Date fields automations may trigger on (`date` triggers): indexed when a record is written, so a day's
   * matches are one query. `anniversary` indexes the month and day (birthdays, contract starts); instants are
   * indexed by their UTC date. `derived` fields are not in the record: `lastActivityAt` is the latest activity
   * (or the record's creation), kept current from the change stream.
   */
  reminderDates?: readonly { field: string; anniversary?: boolean; derived?: boolean }[];
}

// Keeps each table name as a literal type, so per-table types (e.g. the demo data set) derive from this catalogue.
// The label stays a literal too, so event detail types (`LeadCreated`, ...) are checked at compile time.
const def = <S extends z.ZodObject, const T extends string, const L extends string>(d: EntityDef<S> & { table: T; label: L }) => d;

const LAST_ACTIVITY = { field: 'lastActivityAt', derived: true } as const;

export const entities = {
  customer: def({ name: 'customer', table: 'customers', label: 'Customer', schema: e.customer, customerField: 'id', identityFields: ['email', 'phone'], timeField: 'createdAt', reminderDates: [{ field: 'birthday', anniversary: true }, LAST_ACTIVITY] }),
  contact: def({ name: 'contact', table: 'contacts', label: 'Contact', schema: e.contact, customerField: 'customerId', identityFields: ['email', 'phone'], timeField: 'createdAt' }),
  lead: def({ name: 'lead', table: 'leads', label: 'Lead', schema: e.lead, customerField: 'customerId', identityFields: ['email', 'phone'], timeField: 'createdAt', reminderDates: [LAST_ACTIVITY] }),
  opportunity: def({ name: 'opportunity', table: 'opportunities', label: 'Opportunity', schema: e.opportunity, customerField: 'customerId', timeField: 'createdAt', reminderDates: [LAST_ACTIVITY] }),
  order: def({ name: 'order', table: 'orders', label: 'Order', schema: e.order, customerField: 'customerId', timeField: 'orderedAt' }),
  contract: def({ name: 'contract', table: 'contracts', label: 'Contract', schema: e.contract, customerField: 'customerId', timeField: 'startDate', reminderDates: [{ field: 'endDate' }, { field: 'startDate', anniversary: true }] }),
  payment: def({ name: 'payment', table: 'payments', label: 'Payment', schema: e.payment, customerField: 'customerId', timeField: 'issuedAt', reminderDates: [{ field: 'dueDate' }] }),
  activity: def({ name: 'activity', table: 'activities', label: 'Activity', schema: e.activity, customerField: 'customerId', timeField: 'occurredAt' }),
  ticket: def({ name: 'ticket', table: 'tickets', label: 'Ticket', schema: e.ticket, customerField: 'customerId', timeField: 'openedAt', reminderDates: [{ field: 'openedAt' }] }),
  campaign: def({ name: 'campaign', table: 'campaigns', label: 'Campaign', schema: e.campaign, timeField: 'startDate' }),
  campaign_touch: def({ name: 'campaign_touch', table: 'campaign_touches', label: 'CampaignTouch', schema: e.campaignTouch, customerField: 'customerId', timeField: 'touchedAt' }),
  user: def({ name: 'user', table: 'users', label: 'User', schema: e.user, timeField: 'createdAt' }),
  task: def({ name: 'task', table: 'tasks', label: 'Task', schema: e.task, customerField: 'customerId', timeField: 'createdAt', reminderDates: [{ field: 'dueAt' }] }),
  automation_run: def({ name: 'automation_run', table: 'automation_runs', label: 'AutomationRun', schema: e.automationRun, timeField: 'startedAt' }),
  survey_response: def({ name: 'survey_response', table: 'survey_responses', label: 'SurveyResponse', schema: e.surveyResponse, customerField: 'customerId', timeField: 'respondedAt' }),
  product: def({ name: 'product', table: 'products', label: 'Product', schema: e.product, timeField: 'updatedAt' }),
  score: def({ name: 'score', table: 'scores', label: 'Score', schema: e.score, customerField: 'customerId', timeField: 'asOf' }),
} as const;

export type EntityName = keyof typeof entities;
export type AnyEntity = (typeof entities)[EntityName];
/** PascalCase labels of the entities (`Customer`, `Lead`, ...). */
export type EntityLabel = AnyEntity['label'];

export const entityNames = Object.keys(entities) as EntityName[];

/** Resolves an entity by its singular or plural name (`order` or `orders`), case-insensitively. */
export function findEntity(name: string): AnyEntity | undefined {
  const key = name.trim().toLowerCase().replace(/-/g, '_');
  return Object.values(entities).find((d) => d.name === key || d.table === key);
}

export function entityByTable(table: string): AnyEntity | undefined {
  return Object.values(entities).find((d) => d.table === table);
}
