// The actions a rule takes. Every record an action creates or changes goes through the versioned writer (so it
// lands in the lake and emits events like any change) with the run in its causation chain; ids are derived from
// the run and the action's position, so a retried run rewrites the same records instead of adding new ones.
import type { RecordWriter } from '#functions/ingest/record-writer.ts';
import { validateRecord, type CrmRecord } from '#functions/ingest/validate.ts';
import type { EventBus } from '#lib/bus/event-bus.ts';
import { AUTOMATION_EVENT_SOURCE } from '#schemas/events.ts';
import { entities, entityByTable, type AnyEntity } from '#schemas/registry.ts';
import type { Action } from '#schemas/rules.ts';
import { derivedId } from './invocation.ts';
import { PermanentActionError, type Notifier, type WebhookSender } from './ports.ts';
import type { RunContext } from './run-context.ts';
import type { Rec } from './table-reads.ts';
import { render, renderDeep, renderText } from './templates.ts';

export interface ActionServices {
  writer: RecordWriter;
  bus: EventBus;
  notifier: Notifier;
  webhooks: WebhookSender;
}

export interface ActionResult {
  /** What was done, for automation_runs.actions (`create_task`, `notify:email`, `assign_owner:kept`, ...). */
  label: string;
  /** `table/id` of records created or changed. */
  ids: string[];
}

const DAY = 86_400_000;
const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

/** The field of a task that points at a record of this table. */
const TASK_LINKS: Record<string, string> = { customers: 'customerId', leads: 'leadId', opportunities: 'opportunityId', tickets: 'ticketId', contracts: 'contractId', payments: 'paymentId' };

const causationOf = (ctx: RunContext) => [...ctx.invocation.causation, ctx.runId];

/** A new version must sort after the stored one even when the rule's clock is older than the record. */
function nextUpdatedAt(clock: string, stored: Rec): string {
  const after = Date.parse(String(stored.updatedAt)) + 1;
  return new Date(Math.max(Date.parse(clock), Number.isFinite(after) ? after : 0)).toISOString();
}

async function writeRecord(s: ActionServices, ctx: RunContext, entity: AnyEntity, input: Rec): Promise<void> {
  const v = validateRecord(entity, input);
  if (!v.ok) throw new PermanentActionError(`${entity.name} ${String(input.id)}: ${v.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
  const [result] = await s.writer.write(entity, [v.record as CrmRecord], { causation: causationOf(ctx) });
  if (result?.status === 'failed') throw new Error(`writing ${entity.table}/${String(input.id)} failed: ${result.message}`, { cause: { retryable: result.retryable } });
}

async function createTask(a: Extract<Action, { type: 'create_task' }>, index: number, ctx: RunContext, s: ActionServices): Promise<ActionResult> {
  const id = derivedId('tsk', ctx.runId, index);
  const ids = [`tasks/${id}`];
  if (await ctx.services.table.record('tasks', id)) return { label: 'create_task', ids };
  const { clock, subject, eventId } = ctx.invocation;
  const scope = await ctx.scope();
  const ownerId = await ctx.owner(a.owner);
  const customerId = await ctx.customerId();
  const link = subject && TASK_LINKS[subject.table];
  const task: Rec = {
    id,
    updatedAt: clock,
    type: a.taskType,
    title: renderText(a.title, scope).slice(0, 300),
    ...(customerId ? { customerId } : {}),
    ...(link && subject ? { [link]: subject.id } : {}),
    ...(ownerId ? { ownerId } : {}),
    dueAt: new Date(Date.parse(clock) + a.dueInDays * DAY).toISOString(),
    priority: a.priority,
    status: 'open',
    ruleId: ctx.rule.id,
    causeEventId: eventId.slice(0, 256),
    createdAt: clock,
  };
  await writeRecord(s, ctx, entities.task, task);
  if (ownerId) ctx.services.ledger.add(ownerId);
  return { label: 'create_task', ids };
}

async function assignOwner(a: Extract<Action, { type: 'assign_owner' }>, ctx: RunContext, s: ActionServices): Promise<ActionResult> {
  const { ref, entity } = ctx.entityOfSubject();
  const stored = await ctx.subject();
  if (!stored) throw new PermanentActionError(`assign_owner: ${ref.table}/${ref.id} does not exist`);
  const ids = [`${ref.table}/${ref.id}`];
  if (stored.causation.at(-1) === ctx.runId) return { label: 'assign_owner', ids }; // an earlier attempt of this run did it
  const current = str(stored.data.ownerId);
  if (a.mode === 'if_unassigned' && current) return { label: 'assign_owner:kept', ids: [] };
  const pick = await ctx.pickAssignee(a.team, a.strategy, a.mode === 'reassign' ? current : undefined);
  if (!pick) throw new PermanentActionError(`assign_owner: no active member of team "${a.team}" has capacity left`);
  await writeRecord(s, ctx, entity, { ...stored.data, ownerId: pick.id, updatedAt: nextUpdatedAt(ctx.invocation.clock, stored.data) });
  ctx.services.ledger.add(pick.id);
  if (current) ctx.services.ledger.add(current, -1);
  ctx.subjectChanged();
  return { label: 'assign_owner', ids };
}

async function updateRecord(a: Extract<Action, { type: 'update_record' }>, ctx: RunContext, s: ActionServices): Promise<ActionResult> {
  const ref = a.target === 'customer' ? { table: 'customers', id: await ctx.customerId() } : ctx.invocation.subject;
  if (!ref?.id) throw new PermanentActionError(`update_record: the trigger names no ${a.target}`);
  const entity = entityByTable(ref.table);
  const stored = await ctx.services.table.record(ref.table, ref.id);
  if (!entity || !stored) throw new PermanentActionError(`update_record: ${ref.table}/${ref.id} does not exist`);
  const ids = [`${ref.table}/${ref.id}`];
  if (stored.causation.at(-1) === ctx.runId) return { label: 'update_record', ids };
  const scope = await ctx.scope();
  const changes = Object.fromEntries(Object.entries(a.set).map(([field, value]) => [field, typeof value === 'string' ? render(value, scope) : value]));
  if (Object.entries(changes).every(([field, value]) => stored.data[field] === value)) return { label: 'update_record:unchanged', ids: [] };
  await writeRecord(s, ctx, entity, { ...stored.data, ...changes, updatedAt: nextUpdatedAt(ctx.invocation.clock, stored.data) });
  if (a.target === 'record') ctx.subjectChanged();
  return { label: 'update_record', ids };
}

async function notify(a: Extract<Action, { type: 'notify' }>, index: number, ctx: RunContext, s: ActionServices): Promise<ActionResult> {
  const scope = await ctx.scope();
  const userId = await ctx.owner(a.to);
  const user = userId ? await ctx.user(userId) : undefined;
  const email = str(user?.data.email);
  // An e-mail needs an address; without one the notification goes to the team's topic instead.
  const channel = a.channel === 'email' && !email ? 'topic' : a.channel;
  await s.notifier.send({
    channel,
    ruleId: ctx.rule.id,
    idempotencyKey: `${ctx.runId}-${index}`,
    at: ctx.invocation.clock,
    subject: renderText(a.subject, scope).slice(0, 100),
    body: renderText(a.body, scope),
    ...(userId ? { to: { userId, ...(email ? { email } : {}), ...(str(user?.data.name) ? { name: String(user!.data.name) } : {}) } } : {}),
  });
  return { label: `notify:${channel}`, ids: [] };
}

async function webhook(a: Extract<Action, { type: 'webhook' }>, index: number, ctx: RunContext, s: ActionServices): Promise<ActionResult> {
  const scope = await ctx.scope();
  const { invocation } = ctx;
  const body = {
    ruleId: ctx.rule.id,
    eventId: invocation.eventId,
    ...(invocation.detailType ? { detailType: invocation.detailType } : {}),
    ...(invocation.subject ? { table: invocation.subject.table, id: invocation.subject.id } : {}),
    at: invocation.clock,
    ...((renderDeep(a.body ?? {}, scope) as Record<string, unknown>) ?? {}),
  };
  await s.webhooks.send({ endpoint: a.endpoint, ruleId: ctx.rule.id, idempotencyKey: `${ctx.runId}-${index}`, body, causation: causationOf(ctx) });
  return { label: `webhook:${a.endpoint}`, ids: [] };
}

async function emitEvent(a: Extract<Action, { type: 'emit_event' }>, index: number, ctx: RunContext, s: ActionServices): Promise<ActionResult> {
  const { subject } = ctx.invocation;
  const customerId = await ctx.customerId();
  const failures = await s.bus.publish([
    {
      source: AUTOMATION_EVENT_SOURCE,
      detailType: a.detailType,
      time: ctx.invocation.clock,
      detail: {
        ruleId: ctx.rule.id,
        eventId: derivedId('evt', ctx.runId, index),
        ...(subject ? { table: subject.table, id: subject.id } : {}),
        ...(customerId ? { customerId } : {}),
        ...(a.data ? { data: a.data } : {}),
        causation: causationOf(ctx),
      },
    },
  ]);
  if (failures.length) throw new Error(`emit_event ${a.detailType}: ${failures[0]!.errorCode} ${failures[0]!.errorMessage}`);
  return { label: `emit_event:${a.detailType}`, ids: [] };
}

export function runAction(action: Action, index: number, ctx: RunContext, s: ActionServices): Promise<ActionResult> {
  switch (action.type) {
    case 'create_task':
      return createTask(action, index, ctx, s);
    case 'assign_owner':
      return assignOwner(action, ctx, s);
    case 'update_record':
      return updateRecord(action, ctx, s);
    case 'notify':
      return notify(action, index, ctx, s);
    case 'webhook':
      return webhook(action, index, ctx, s);
    case 'emit_event':
      return emitEvent(action, index, ctx, s);
  }
}
