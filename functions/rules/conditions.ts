// Conditions an event pattern cannot express, evaluated against the table at the rule's clock. Each returns
// undefined when it holds, or the reason the run is skipped.
import { lastActivityAt } from '#lib/table/automation-index.ts';
import type { Condition } from '#schemas/rules.ts';
import type { RunContext } from './run-context.ts';

const DAY = 86_400_000;

function localMinutes(instant: string, timeZone: string): number {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit' }).formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
  return Number(parts.hour) * 60 + Number(parts.minute);
}

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export async function evaluateCondition(c: Condition, ctx: RunContext): Promise<string | undefined> {
  const clock = ctx.invocation.clock;
  switch (c.type) {
    case 'record_field': {
      const subject = await ctx.subject();
      if (!subject) return `record_field ${c.field}: the record does not exist (any more)`;
      const value = subject.data[c.field];
      const present = value !== undefined && value !== null && value !== '';
      if (c.exists !== undefined && present !== c.exists) return `record_field ${c.field}: ${c.exists ? 'is not set' : `is set (${String(value)})`}`;
      if (c.in && !c.in.some((v) => v === value)) return `record_field ${c.field}: ${String(value)} is not one of ${c.in.join(', ')}`;
      if (c.notIn && c.notIn.some((v) => v === value)) return `record_field ${c.field}: is ${String(value)}`;
      return undefined;
    }
    case 'no_activity': {
      const ref = ctx.invocation.subject;
      if (!ref) return 'no_activity: the trigger names no record';
      const at = await lastActivityAt(ctx.services.client, ctx.services.tableName, ref);
      // Whole days: on day D, "no activity for N days" means none after day D-N (a date rule runs at 08:00 of D).
      const lastQuietDay = new Date(Date.parse(clock) - c.days * DAY).toISOString().slice(0, 10);
      if (at && at.slice(0, 10) > lastQuietDay) return `no_activity: last activity ${at} is within ${c.days} days`;
      return undefined;
    }
    case 'owner_load_below': {
      const owner = await ctx.owner({ from: 'record' });
      if (!owner) return 'owner_load_below: the record has no owner';
      const load = await ctx.openLoad(owner);
      return load < c.max ? undefined : `owner_load_below: ${owner} has ${load} open items (max ${c.max})`;
    }
    case 'quiet_hours': {
      const now = localMinutes(clock, c.timezone);
      const from = minutes(c.from);
      const to = minutes(c.to);
      const inside = from <= to ? now >= from && now < to : now >= from || now < to;
      return inside ? `quiet_hours: ${clock} is inside ${c.from}-${c.to} ${c.timezone}` : undefined;
    }
    case 'customer_tier': {
      const customer = await ctx.customer();
      if (!customer) return 'customer_tier: no customer';
      return c.in.includes(customer.tier as never) ? undefined : `customer_tier: ${String(customer.tier)} is not one of ${c.in.join(', ')}`;
    }
    case 'response_late': {
      // What was known at the rule's clock: a response after the clock had not happened yet.
      const subject = await ctx.subject();
      if (!subject) return 'response_late: the record does not exist (any more)';
      const start = Date.parse(String(subject.data[c.from]));
      const end = Math.min(Date.parse(String(subject.data[c.to] ?? clock)), Date.parse(clock));
      if (!Number.isFinite(start)) return `response_late: ${c.from} is not set`;
      const hours = (end - start) / 3_600_000;
      return hours > c.hours ? undefined : `response_late: ${c.to} came ${hours.toFixed(1)} h after ${c.from} (limit ${c.hours} h)`;
    }
    case 'not_renewed': {
      const subject = await ctx.subject();
      if (!subject) return 'not_renewed: the contract does not exist (any more)';
      if (subject.data.status === 'renewed') return 'not_renewed: the contract is marked renewed';
      const customerId = subject.data.customerId;
      if (typeof customerId === 'string' && (await ctx.services.table.isRenewed(customerId, String(subject.data.id)))) return 'not_renewed: a renewal contract exists';
      return undefined;
    }
  }
}

/** All conditions in order; the first that fails gives the skip reason. */
export async function evaluateConditions(conditions: readonly Condition[], ctx: RunContext): Promise<string | undefined> {
  for (const c of conditions) {
    const reason = await evaluateCondition(c, ctx);
    if (reason) return reason;
  }
  return undefined;
}
