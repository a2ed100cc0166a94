// SLA attainment, volume, reopen rate and backlog from the SQL table ticket_facts. A ticket counts
// against a target once it was met or can no longer be: responded (or resolved) in time counts as met;
// not yet responded but older than the target counts as missed; younger and unanswered is not counted yet.
import type { ReportColumn, ReportContext, ReportTable, ReportTables } from '../report-definition.ts';
import { TICKET_PRIORITIES, type ServiceSettings, type TicketPriority } from './settings.ts';

type Row = Record<string, unknown>;

const col = (name: string, kind: ReportColumn['kind']): ReportColumn => ({ name, kind });
const round = (v: number | null, places = 4) => (v === null ? null : Math.round(v * 10 ** places) / 10 ** places);
const numOrNull = (v: unknown) => (v === null || v === undefined ? null : Number(v));

export interface TicketFact {
  month: string;
  openedAt: number;
  priority: string;
  channel: string;
  status: string;
  resolvedAt: number | null;
  firstResponseHours: number | null;
  resolutionHours: number | null;
  ageHours: number;
  reopens: number;
}

export function ticketFacts(rows: readonly Row[]): TicketFact[] {
  return rows.map((r) => ({
    month: String(r.month),
    openedAt: Date.parse(String(r.opened_at)),
    priority: String(r.priority),
    channel: String(r.channel),
    status: String(r.status),
    resolvedAt: r.resolved_at === null || r.resolved_at === undefined ? null : Date.parse(String(r.resolved_at)),
    firstResponseHours: numOrNull(r.first_response_hours),
    resolutionHours: numOrNull(r.resolution_hours),
    ageHours: Number(r.age_hours),
    reopens: Number(r.reopens ?? 0),
  }));
}

/** Met / (met + missed) of one target over some tickets; `measured` is the hours to the event, null until it happened. */
function attainment(tickets: readonly TicketFact[], measured: (t: TicketFact) => number | null, target: number) {
  let met = 0;
  let missed = 0;
  for (const t of tickets) {
    const hours = measured(t);
    if (hours !== null) hours <= target ? met++ : missed++;
    else if (t.ageHours > target) missed++;
  }
  return { met, missed, rate: met + missed > 0 ? met / (met + missed) : null };
}

const median = (values: number[]): number | null => {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const SLA_COLUMNS: ReportColumn[] = [
  col('tickets', 'bigint'),
  col('first_response_target_hours', 'double'),
  col('first_response_met', 'bigint'),
  col('first_response_missed', 'bigint'),
  col('first_response_attainment', 'double'),
  col('median_first_response_hours', 'double'),
  col('resolution_target_hours', 'double'),
  col('resolution_met', 'bigint'),
  col('resolution_missed', 'bigint'),
  col('resolution_attainment', 'double'),
  col('median_resolution_hours', 'double'),
];

function slaRow(tickets: readonly TicketFact[], priority: TicketPriority, settings: ServiceSettings): Row {
  const response = attainment(tickets, (t) => t.firstResponseHours, settings.firstResponseHours[priority]);
  const resolution = attainment(tickets, (t) => t.resolutionHours, settings.resolutionHours[priority]);
  return {
    tickets: tickets.length,
    first_response_target_hours: settings.firstResponseHours[priority],
    first_response_met: response.met,
    first_response_missed: response.missed,
    first_response_attainment: round(response.rate),
    median_first_response_hours: round(median(tickets.flatMap((t) => (t.firstResponseHours === null ? [] : [t.firstResponseHours]))), 2),
    resolution_target_hours: settings.resolutionHours[priority],
    resolution_met: resolution.met,
    resolution_missed: resolution.missed,
    resolution_attainment: round(resolution.rate),
    median_resolution_hours: round(median(tickets.flatMap((t) => (t.resolutionHours === null ? [] : [t.resolutionHours]))), 2),
  };
}

/** The 12 calendar months up to the as-of month, as 'YYYY-MM-01'. */
export function windowMonths(asOf: string): string[] {
  const [y, m] = asOf.split('-').map(Number) as [number, number];
  return Array.from({ length: 12 }, (_, i) => {
    const d = new Date(Date.UTC(y, m - 12 + i, 1));
    return d.toISOString().slice(0, 10);
  });
}

const monthEnd = (month: string) => {
  const d = new Date(`${month}T00:00:00Z`);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
};

export function servicePostProcess(settings: ServiceSettings) {
  return ({ asOf, tables }: ReportContext): ReportTables => {
    const facts = ticketFacts(tables.ticket_facts?.rows ?? []);
    const months = windowMonths(asOf);
    const inWindow = facts.filter((t) => t.month >= months[0]!);
    const priorities = TICKET_PRIORITIES.filter((p) => inWindow.some((t) => t.priority === p));

    const byPriority = priorities.map((priority) => ({ priority, ...slaRow(inWindow.filter((t) => t.priority === priority), priority, settings) }));
    const monthly = months.flatMap((month) =>
      priorities.flatMap((priority) => {
        const tickets = inWindow.filter((t) => t.month === month && t.priority === priority);
        return tickets.length ? [{ month, priority, ...slaRow(tickets, priority, settings) }] : [];
      }),
    );
    // Volume per month: opened, resolved in the month, reopen rate of the month's tickets and the backlog at its end (or at the as-of date).
    const asOfEnd = Date.parse(`${asOf}T00:00:00Z`) + 86_400_000;
    const volume = months.map((month) => {
      const opened = inWindow.filter((t) => t.month === month);
      const start = Date.parse(`${month}T00:00:00Z`);
      const end = Math.min(monthEnd(month), asOfEnd);
      const everResolved = opened.filter((t) => t.resolvedAt !== null || t.reopens > 0);
      const reopened = opened.filter((t) => t.reopens > 0).length;
      return {
        month,
        opened: opened.length,
        resolved: facts.filter((t) => t.resolvedAt !== null && t.resolvedAt >= start && t.resolvedAt < end).length,
        ever_resolved: everResolved.length,
        reopened,
        reopen_rate: everResolved.length ? round(reopened / everResolved.length) : null,
        backlog: facts.filter((t) => t.openedAt < end && (t.resolvedAt === null || t.resolvedAt >= end)).length,
      };
    });
    const byChannel = [...new Set(inWindow.map((t) => t.channel))].sort().map((channel) => {
      const tickets = inWindow.filter((t) => t.channel === channel);
      const everResolved = tickets.filter((t) => t.resolvedAt !== null || t.reopens > 0);
      const reopened = tickets.filter((t) => t.reopens > 0).length;
      return { channel, tickets: tickets.length, reopened, reopen_rate: everResolved.length ? round(reopened / everResolved.length) : null, open: tickets.filter((t) => t.resolvedAt === null).length };
    });
    return {
      sla_by_priority: { columns: [col('priority', 'string'), ...SLA_COLUMNS], rows: byPriority },
      sla_by_month: { columns: [col('month', 'date'), col('priority', 'string'), ...SLA_COLUMNS], rows: monthly },
      ticket_volume: {
        columns: [col('month', 'date'), col('opened', 'bigint'), col('resolved', 'bigint'), col('ever_resolved', 'bigint'), col('reopened', 'bigint'), col('reopen_rate', 'double'), col('backlog', 'bigint')],
        rows: volume,
      },
      tickets_by_channel: {
        columns: [col('channel', 'string'), col('tickets', 'bigint'), col('reopened', 'bigint'), col('reopen_rate', 'double'), col('open', 'bigint')],
        rows: byChannel,
      } satisfies ReportTable,
    };
  };
}
