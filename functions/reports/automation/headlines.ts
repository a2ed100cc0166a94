// Headline figures of the automation report, from its finished tables.
import type { Headline, ReportContext, ReportTable } from '../report-definition.ts';

type Row = Record<string, unknown>;

const num = (value: unknown) => (typeof value === 'number' ? value : 0);
const rowsOf = (table: ReportTable | undefined): readonly Row[] => table?.rows ?? [];
const sum = (rows: readonly Row[], column: string) => rows.reduce((total, row) => total + num(row[column]), 0);

export function automationHeadlines({ tables }: ReportContext): Headline[] {
  const runs = rowsOf(tables.runs_by_rule);
  const owners = rowsOf(tables.open_tasks_by_owner);
  const total = sum(runs, 'runs');
  const failed = sum(runs, 'failed');
  // The as-of month is the last row; its median is null when no lead of that month has an owner yet.
  const latestMonth = rowsOf(tables.lead_assignment).at(-1);
  const median = latestMonth?.median_hours_to_first_owner;
  return [
    { key: 'runs_last_30_days', label: 'Automation runs, last 30 days', value: total, format: 'count' },
    { key: 'succeeded_last_30_days', label: 'Succeeded runs, last 30 days', value: sum(runs, 'succeeded'), format: 'count' },
    { key: 'failed_last_30_days', label: 'Failed runs, last 30 days', value: failed, format: 'count' },
    { key: 'failure_rate_last_30_days', label: 'Failure rate, last 30 days', value: total ? failed / total : null, format: 'ratio' },
    { key: 'rules_with_failures', label: 'Rules with failures, last 30 days', value: rowsOf(tables.failures).length, format: 'count' },
    { key: 'open_tasks', label: 'Open tasks', value: sum(owners, 'open_tasks'), format: 'count' },
    { key: 'overdue_tasks', label: 'Overdue tasks', value: sum(owners, 'overdue_tasks'), format: 'count' },
    { key: 'median_hours_to_first_owner', label: 'Median hours from new lead to first owner, this month', value: typeof median === 'number' ? median : null, format: 'number' },
  ];
}
