// service on DuckDB over a hand-made lake, as of 2024-06-30: the window is the 12 months 2023-07 to
// 2024-06, the end of the as-of day 2024-07-01T00:00Z. Every figure is worked out by hand in the comments.
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LakeRow } from '#lib/lake/parquet.ts';
import { openLocalQueryEngine, type LocalQueryEngine } from '#lib/query/duckdb-engine.ts';
import { runReportSql } from '#functions/reports/report-sql.ts';
import { service, serviceReport } from '#functions/reports/service/report.ts';
import type { ReportTables } from '#functions/reports/report-definition.ts';
import { orderVersion, tempDir } from './sales-lake-fixture.ts';
import { lakeVersion, writeFixtureLake } from './lake-rows.ts';

const AS_OF = '2024-06-30';

const customer = (id: string, kind: string, tier: string) =>
  lakeVersion('customer', { id, kind, company_name: id, tier, status: 'active', source: 'web', created_at: '2023-01-01T00:00:00Z' }, '2023-01-01T00:00:00Z');

interface TicketState {
  at: string;
  status: string;
  priority: string;
  firstResponseAt?: string;
  resolvedAt?: string;
}
function ticket(id: string, customerId: string, channel: string, openedAt: string, states: TicketState[]): LakeRow[] {
  return states.map((s, i) =>
    lakeVersion(
      'ticket',
      { id, customer_id: customerId, priority: s.priority, status: s.status, category: 'product', channel, opened_at: openedAt, first_response_at: s.firstResponseAt ?? null, resolved_at: s.resolvedAt ?? null },
      s.at,
      i === 0 ? 'insert' : 'modify',
    ),
  );
}
const survey = (id: string, customerId: string, kind: string, score: number, respondedAt: string, about: { ticket?: string; order?: string } = {}) =>
  lakeVersion('survey_response', { id, customer_id: customerId, kind, score, responded_at: respondedAt, ticket_id: about.ticket ?? null, order_id: about.order ?? null }, respondedAt);

const lake: Record<string, LakeRow[]> = {
  customer: [customer('c1', 'company', 'gold'), customer('c2', 'person', 'bronze')],
  ticket: [
    // t1: answered after 1 h, resolved after 24 h: both within the high targets (2 h, 48 h).
    ...ticket('t1', 'c1', 'email', '2024-06-01T08:00:00Z', [
      { at: '2024-06-01T08:00:00Z', status: 'open', priority: 'high' },
      { at: '2024-06-02T08:00:00Z', status: 'closed', priority: 'high', firstResponseAt: '2024-06-01T09:00:00Z', resolvedAt: '2024-06-02T08:00:00Z' },
    ]),
    // t2: opened high, escalated to urgent; answered after 4 h (missed), resolved after 24 h, reopened,
    // resolved again after 120 h in all (missed).
    ...ticket('t2', 'c2', 'web_chat', '2024-06-03T08:00:00Z', [
      { at: '2024-06-03T08:00:00Z', status: 'open', priority: 'high' },
      { at: '2024-06-03T12:00:00Z', status: 'pending', priority: 'urgent', firstResponseAt: '2024-06-03T12:00:00Z' },
      { at: '2024-06-04T08:00:00Z', status: 'resolved', priority: 'urgent', firstResponseAt: '2024-06-03T12:00:00Z', resolvedAt: '2024-06-04T08:00:00Z' },
      { at: '2024-06-05T08:00:00Z', status: 'open', priority: 'urgent', firstResponseAt: '2024-06-03T12:00:00Z' },
      { at: '2024-06-08T08:00:00Z', status: 'resolved', priority: 'urgent', firstResponseAt: '2024-06-03T12:00:00Z', resolvedAt: '2024-06-08T08:00:00Z' },
    ]),
    // t3: opened 4 h before the end of the as-of day, unanswered: too young to count against normal targets.
    ...ticket('t3', 'c1', 'phone', '2024-06-30T20:00:00Z', [{ at: '2024-06-30T20:00:00Z', status: 'open', priority: 'normal' }]),
    // t4: unanswered for 61 days: both low targets (24 h, 240 h) missed.
    ...ticket('t4', 'c2', 'email', '2024-05-01T00:00:00Z', [{ at: '2024-05-01T00:00:00Z', status: 'open', priority: 'low' }]),
    // t5: opened before the window, resolved in it (counts in July's resolved only).
    ...ticket('t5', 'c1', 'email', '2023-03-01T00:00:00Z', [{ at: '2023-07-15T00:00:00Z', status: 'closed', priority: 'normal', firstResponseAt: '2023-03-01T01:00:00Z', resolvedAt: '2023-07-15T00:00:00Z' }]),
    // t6: long gone; t7: after the as-of date.
    ...ticket('t6', 'c1', 'email', '2023-01-01T00:00:00Z', [{ at: '2023-02-01T00:00:00Z', status: 'closed', priority: 'normal', firstResponseAt: '2023-01-01T01:00:00Z', resolvedAt: '2023-02-01T00:00:00Z' }]),
    ...ticket('t7', 'c1', 'email', '2024-07-02T00:00:00Z', [{ at: '2024-07-02T00:00:00Z', status: 'open', priority: 'urgent' }]),
  ],
  order: [
    orderVersion({ id: 'o1', customer: 'c1', orderedAt: '2024-05-01T10:00:00Z', total: 10, channel: 'web' }),
    orderVersion({ id: 'o2', customer: 'c2', orderedAt: '2024-05-01T10:00:00Z', total: 10, channel: 'store' }),
    orderVersion({ id: 'o3', customer: 'c2', orderedAt: '2024-05-02T10:00:00Z', total: 10, channel: 'web' }),
  ],
  survey_response: [
    survey('s1', 'c1', 'csat', 5, '2024-06-03T10:00:00Z', { ticket: 't1' }),
    survey('s2', 'c2', 'csat', 2, '2024-06-09T10:00:00Z', { ticket: 't2' }),
    survey('s3', 'c1', 'nps', 10, '2024-05-10T10:00:00Z', { order: 'o1' }),
    survey('s4', 'c2', 'nps', 6, '2024-05-12T10:00:00Z', { order: 'o2' }),
    survey('s5', 'c2', 'nps', 8, '2024-05-20T10:00:00Z', { order: 'o3' }),
    survey('s6', 'c1', 'nps', 9, '2023-06-01T10:00:00Z', { order: 'o1' }),
    survey('s7', 'c1', 'csat', 4, '2024-06-10T10:00:00Z'),
  ],
};

let dir: string;
let engine: LocalQueryEngine;
let tables: Record<string, ReportTables[string]>;

beforeAll(async () => {
  dir = await tempDir('service-');
  engine = await openLocalQueryEngine({ lakeDir: await writeFixtureLake(dir, lake), threads: 1 });
  tables = {};
  for (const name of ['ticket_facts', 'survey_scores_by_channel', 'survey_scores_by_segment']) tables[name] = await runReportSql(engine, service, name, AS_OF);
  Object.assign(tables, await service.postProcess!({ asOf: AS_OF, tables }));
});
afterAll(async () => {
  await engine.close();
  await rm(dir, { recursive: true, force: true });
});

const pick = (rows: readonly Record<string, unknown>[], keys: string[]) => rows.map((r) => Object.fromEntries(keys.map((k) => [k, r[k]])));

describe('service as of 2024-06-30', () => {
  it('ticket_facts: opening priority, hours to response and resolution, reopens; t6 and t7 left out', () => {
    expect(pick(tables.ticket_facts!.rows, ['ticket_id', 'priority', 'customer_tier', 'status', 'first_response_hours', 'resolution_hours', 'age_hours', 'reopens'])).toEqual([
      { ticket_id: 't1', priority: 'high', customer_tier: 'gold', status: 'closed', first_response_hours: 1, resolution_hours: 24, age_hours: 30 * 24 - 8, reopens: 0 },
      { ticket_id: 't2', priority: 'high', customer_tier: 'bronze', status: 'resolved', first_response_hours: 4, resolution_hours: 120, age_hours: 28 * 24 - 8, reopens: 1 },
      { ticket_id: 't3', priority: 'normal', customer_tier: 'gold', status: 'open', first_response_hours: null, resolution_hours: null, age_hours: 4, reopens: 0 },
      { ticket_id: 't4', priority: 'low', customer_tier: 'bronze', status: 'open', first_response_hours: null, resolution_hours: null, age_hours: 61 * 24, reopens: 0 },
      { ticket_id: 't5', priority: 'normal', customer_tier: 'gold', status: 'closed', first_response_hours: 1, resolution_hours: (31 + 30 + 31 + 30 + 14) * 24, age_hours: (31 + 30 + 31 + 30 + 31 + 31 + 30 + 31 + 30 + 31 + 31 + 29 + 31 + 30 + 31 + 30) * 24, reopens: 0 },
    ]);
  });

  it('sla_by_priority: met, missed (late or outstanding past the target) and not yet due', () => {
    // high: t1 met both; t2 answered after 4 h (> 2) and resolved after 120 h (> 48): missed both.
    // normal: t3 is 4 h old: counts against neither. low: t4 61 days unanswered: missed both.
    expect(pick(tables.sla_by_priority!.rows, ['priority', 'tickets', 'first_response_met', 'first_response_missed', 'first_response_attainment', 'median_first_response_hours', 'resolution_met', 'resolution_missed', 'resolution_attainment', 'median_resolution_hours'])).toEqual([
      { priority: 'high', tickets: 2, first_response_met: 1, first_response_missed: 1, first_response_attainment: 0.5, median_first_response_hours: 2.5, resolution_met: 1, resolution_missed: 1, resolution_attainment: 0.5, median_resolution_hours: 72 },
      { priority: 'normal', tickets: 1, first_response_met: 0, first_response_missed: 0, first_response_attainment: null, median_first_response_hours: null, resolution_met: 0, resolution_missed: 0, resolution_attainment: null, median_resolution_hours: null },
      { priority: 'low', tickets: 1, first_response_met: 0, first_response_missed: 1, first_response_attainment: 0, median_first_response_hours: null, resolution_met: 0, resolution_missed: 1, resolution_attainment: 0, median_resolution_hours: null },
    ]);
    expect(pick(tables.sla_by_month!.rows, ['month', 'priority', 'tickets'])).toEqual([
      { month: '2024-05-01', priority: 'low', tickets: 1 },
      { month: '2024-06-01', priority: 'high', tickets: 2 },
      { month: '2024-06-01', priority: 'normal', tickets: 1 },
    ]);
  });

  it('ticket_volume: opened, resolved, reopen rate and backlog at each month end', () => {
    const quiet = (month: string) => ({ month, opened: 0, resolved: 0, ever_resolved: 0, reopened: 0, reopen_rate: null, backlog: 0 });
    expect(tables.ticket_volume!.rows).toEqual([
      // t5 resolved in July 2023.
      { ...quiet('2023-07-01'), resolved: 1 },
      ...['2023-08-01', '2023-09-01', '2023-10-01', '2023-11-01', '2023-12-01', '2024-01-01', '2024-02-01', '2024-03-01', '2024-04-01'].map(quiet),
      { month: '2024-05-01', opened: 1, resolved: 0, ever_resolved: 0, reopened: 0, reopen_rate: null, backlog: 1 },
      // t1 and t2 resolved (t2 reopened once); t3 and t4 open at the as-of date.
      { month: '2024-06-01', opened: 3, resolved: 2, ever_resolved: 2, reopened: 1, reopen_rate: 0.5, backlog: 2 },
    ]);
    expect(tables.tickets_by_channel!.rows).toEqual([
      { channel: 'email', tickets: 2, reopened: 0, reopen_rate: 0, open: 1 },
      { channel: 'phone', tickets: 1, reopened: 0, reopen_rate: null, open: 1 },
      { channel: 'web_chat', tickets: 1, reopened: 1, reopen_rate: 1, open: 0 },
    ]);
  });

  it('survey scores by channel: CSAT share satisfied and NPS = promoters − detractors', () => {
    // May: store s4 (6, detractor) → −100; web s3 (10) and s5 (8, passive) → 50. June: CSAT 4 without a
    // touchpoint, 5 by e-mail ticket, 2 by chat ticket. s6 is before the window.
    const none = { csat_responses: 0, csat_average: null, csat_satisfied_rate: null };
    const noNps = { nps_responses: 0, promoters: 0, detractors: 0, nps: null };
    expect(tables.survey_scores_by_channel!.rows).toEqual([
      { month: '2024-05-01', touchpoint: 'order', channel: 'order/store', ...none, nps_responses: 1, promoters: 0, detractors: 1, nps: -100 },
      { month: '2024-05-01', touchpoint: 'order', channel: 'order/web', ...none, nps_responses: 2, promoters: 1, detractors: 0, nps: 50 },
      { month: '2024-06-01', touchpoint: 'none', channel: 'none', csat_responses: 1, csat_average: 4, csat_satisfied_rate: 1, ...noNps },
      { month: '2024-06-01', touchpoint: 'ticket', channel: 'ticket/email', csat_responses: 1, csat_average: 5, csat_satisfied_rate: 1, ...noNps },
      { month: '2024-06-01', touchpoint: 'ticket', channel: 'ticket/web_chat', csat_responses: 1, csat_average: 2, csat_satisfied_rate: 0, ...noNps },
    ]);
  });

  it('survey scores by segment: customer tier', () => {
    const none = { csat_responses: 0, csat_average: null, csat_satisfied_rate: null };
    const noNps = { nps_responses: 0, promoters: 0, detractors: 0, nps: null };
    expect(tables.survey_scores_by_segment!.rows).toEqual([
      { month: '2024-05-01', customer_tier: 'bronze', ...none, nps_responses: 2, promoters: 0, detractors: 1, nps: -50 },
      { month: '2024-05-01', customer_tier: 'gold', ...none, nps_responses: 1, promoters: 1, detractors: 0, nps: 100 },
      { month: '2024-06-01', customer_tier: 'bronze', csat_responses: 1, csat_average: 2, csat_satisfied_rate: 0, ...noNps },
      { month: '2024-06-01', customer_tier: 'gold', csat_responses: 2, csat_average: 4.5, csat_satisfied_rate: 1, ...noNps },
    ]);
  });

  it('headlines', () => {
    expect(service.headlines({ asOf: AS_OF, tables })).toEqual([
      { key: 'tickets', label: 'Tickets opened, last 12 months', value: 4, format: 'count' },
      { key: 'backlog', label: 'Open tickets at the as-of date', value: 2, format: 'count' },
      // met 1; missed t2 and t4.
      { key: 'first_response_attainment', label: 'First responses within SLA', value: 1 / 3, format: 'ratio' },
      { key: 'resolution_attainment', label: 'Resolutions within SLA', value: 1 / 3, format: 'ratio' },
      { key: 'reopen_rate', label: 'Resolved tickets reopened', value: 0.5, format: 'ratio' },
      // 2 of 3 CSAT responses satisfied; NPS 1 promoter − 1 detractor of 3.
      { key: 'csat', label: 'CSAT (share satisfied, 4-5 of 5)', value: 0.6667, format: 'ratio' },
      { key: 'nps', label: 'NPS (promoters − detractors, % of responses)', value: 0, format: 'number' },
    ]);
  });

  it('other SLA targets change what is met, and bad targets are refused by name', async () => {
    const lenient = serviceReport({ firstResponseHours: { urgent: 1, high: 5, normal: 8, low: 24 } });
    const out = await lenient.postProcess!({ asOf: AS_OF, tables });
    expect(out.sla_by_priority!.rows[0]).toMatchObject({ priority: 'high', first_response_met: 2, first_response_missed: 0, first_response_attainment: 1 });
    expect(() => serviceReport({ resolutionHours: { urgent: 0, high: 48, normal: 120, low: 240 } })).toThrow('resolutionHours.urgent: must be a number of hours > 0, got 0');
  });
});
