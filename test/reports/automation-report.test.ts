// The automation report's SQL on DuckDB over a hand-made lake (automation-lake-fixture.ts): every figure
// below is worked out by hand from the fixture; later changes in the lake must not show.
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocalQueryEngine, type LocalQueryEngine } from '#lib/query/duckdb-engine.ts';
import { runReportSql } from '#functions/reports/report-sql.ts';
import { automation } from '#functions/reports/automation/report.ts';
import { automationHeadlines } from '#functions/reports/automation/headlines.ts';
import type { ReportTable } from '#functions/reports/report-definition.ts';
import { AUTOMATION_AS_OF, writeAutomationLake } from './automation-lake-fixture.ts';
import { tempDir } from './sales-lake-fixture.ts';

let dir: string;
let engine: LocalQueryEngine;
const table = (name: string): Promise<ReportTable> => runReportSql(engine, automation, name, AUTOMATION_AS_OF);

beforeAll(async () => {
  dir = await tempDir('automation-report-');
  engine = await openLocalQueryEngine({ lakeDir: await writeAutomationLake(dir), threads: 1 });
});
afterAll(async () => {
  await engine.close();
  await rm(dir, { recursive: true, force: true });
});

describe('automation report as of 2026-03-31', () => {
  it('runs_by_rule: runs per rule and day by outcome over the 30 days, each run once in its status then', async () => {
    const { columns, rows } = await table('runs_by_rule');

    expect(columns.map((c) => `${c.name}:${c.kind}`)).toEqual(['rule_id:string', 'day:date', 'runs:bigint', 'succeeded:bigint', 'failed:bigint', 'skipped:bigint', 'suppressed:bigint']);
    // r8 is before the window, r10 after the as-of date; r9 was still failed at the end of the 31st.
    expect(rows).toEqual([
      { rule_id: 'contract-expiring-30d', day: '2026-03-20', runs: 2, succeeded: 1, failed: 1, skipped: 0, suppressed: 0 },
      { rule_id: 'lead-assignment', day: '2026-03-30', runs: 2, succeeded: 2, failed: 0, skipped: 0, suppressed: 0 },
      { rule_id: 'churn-retention', day: '2026-03-31', runs: 1, succeeded: 0, failed: 0, skipped: 0, suppressed: 1 },
      { rule_id: 'contract-expiring-30d', day: '2026-03-31', runs: 1, succeeded: 0, failed: 1, skipped: 0, suppressed: 0 },
      { rule_id: 'lead-assignment', day: '2026-03-31', runs: 2, succeeded: 1, failed: 0, skipped: 1, suppressed: 0 },
      { rule_id: 'won-deal-onboarding', day: '2026-03-31', runs: 1, succeeded: 0, failed: 1, skipped: 0, suppressed: 0 },
    ]);
  });

  it('failures: failing rules with their rate, retries and latest error', async () => {
    const { rows } = await table('failures');

    expect(rows).toEqual([
      // r4, r5 failed, r6 succeeded on its 2nd attempt: 2 of 3 failed, all 3 needed retries.
      { rule_id: 'contract-expiring-30d', runs: 3, failed_runs: 2, failure_rate: 2 / 3, retried_runs: 3, last_failed_at: '2026-03-31T08:00:00.000Z', last_error: 'SES throttled' },
      { rule_id: 'won-deal-onboarding', runs: 1, failed_runs: 1, failure_rate: 1, retried_runs: 0, last_failed_at: '2026-03-31T20:00:00.000Z', last_error: 'timeout' },
    ]);
  });

  it('open_tasks_by_owner: every known user, unknown owners and unassigned tasks, with overdue ones', async () => {
    const { rows } = await table('open_tasks_by_owner');

    // t3 is done, t8 created later, t9 erased; t7 was still open on the 31st; t4 was due before the day ended.
    expect(rows).toEqual([
      { owner_id: 'u1', team: 'sales', role: 'rep', active: true, open_tasks: 2, overdue_tasks: 1 },
      { owner_id: 'u2', team: 'sales', role: 'rep', active: false, open_tasks: 1, overdue_tasks: 0 },
      { owner_id: 'u3', team: 'service', role: 'agent', active: true, open_tasks: 1, overdue_tasks: 1 },
      { owner_id: 'u9', team: null, role: null, active: null, open_tasks: 1, overdue_tasks: 1 },
      { owner_id: null, team: null, role: null, active: null, open_tasks: 1, overdue_tasks: 0 },
    ]);
  });

  it('open_tasks_by_team: open and overdue tasks next to active members', async () => {
    const { rows } = await table('open_tasks_by_team');

    // u2 is inactive and u4 joined later; t5 (no owner) and t6 (unknown owner) have no team.
    expect(rows).toEqual([
      { team: 'sales', active_members: 1, open_tasks: 3, overdue_tasks: 1, open_tasks_per_member: 3 },
      { team: 'service', active_members: 1, open_tasks: 1, overdue_tasks: 1, open_tasks_per_member: 1 },
      { team: null, active_members: 0, open_tasks: 2, overdue_tasks: 1, open_tasks_per_member: null },
    ]);
  });

  it('lead_assignment: leads per month and the median hours to their first owner', async () => {
    const { columns, rows } = await table('lead_assignment');

    expect(columns.map((c) => `${c.name}:${c.kind}`)).toEqual(['month:date', 'leads_created:bigint', 'leads_assigned:bigint', 'median_hours_to_first_owner:double']);
    expect(rows).toHaveLength(12);
    expect(rows[0]).toEqual({ month: '2025-04-01', leads_created: 0, leads_assigned: 0, median_hours_to_first_owner: null });
    expect(rows.slice(-2)).toEqual([
      { month: '2026-02-01', leads_created: 2, leads_assigned: 2, median_hours_to_first_owner: 8 },
      // l1 2 h, l2 0 h, l3 24 h; l4 got its owner after the as-of date, l7 was erased.
      { month: '2026-03-01', leads_created: 4, leads_assigned: 3, median_hours_to_first_owner: 2 },
    ]);
  });

  it('headlines: totals over the tables', async () => {
    const tables = Object.fromEntries(await Promise.all(automation.tables.map(async (t) => [t.name, await table(t.name)] as const)));
    const figures = Object.fromEntries(automationHeadlines({ asOf: AUTOMATION_AS_OF, tables }).map((h) => [h.key, h.value]));

    expect(figures).toEqual({
      runs_last_30_days: 9,
      succeeded_last_30_days: 4,
      failed_last_30_days: 3,
      failure_rate_last_30_days: 3 / 9,
      rules_with_failures: 2,
      open_tasks: 6,
      overdue_tasks: 3,
      median_hours_to_first_owner: 2,
    });
  });
});
