// The automation report: what the rules did (runs per rule and day, failures), the work they left for
// people (open and overdue tasks per owner and team) and how fast new leads reach an owner, as of a date.
import { defineReport } from '../report-definition.ts';
import { automationHeadlines } from './headlines.ts';

export const automation = defineReport({
  name: 'automation',
  title: 'Automation',
  description:
    'Automation runs per rule and day over the last 30 days by outcome, the rules that failed with their latest error, ' +
    'open and overdue tasks per owner and per team at the end of the as-of day, and the median time from lead creation to the first owner per month.',
  sqlDir: new URL('.', import.meta.url),
  tables: [
    {
      name: 'runs_by_rule',
      title: 'Runs per rule and day, last 30 days',
      description: 'One row per rule and day a run started: runs by status (succeeded, failed, skipped, suppressed). A run is one rule for one triggering change or scheduled day; retries count once.',
      formats: { runs: 'count', succeeded: 'count', failed: 'count', skipped: 'count', suppressed: 'count' },
      charts: [{ type: 'bar', title: 'Runs per day by outcome', x: 'day', y: ['succeeded', 'skipped', 'suppressed', 'failed'], stacked: true, format: 'count' }],
    },
    {
      name: 'failures',
      title: 'Failing rules, last 30 days',
      description: 'Rules with at least one failed run in the last 30 days: runs, failed runs, failure rate, runs that needed a retry, and the latest failure with its error.',
      formats: { runs: 'count', failed_runs: 'count', failure_rate: 'ratio', retried_runs: 'count' },
    },
    {
      name: 'open_tasks_by_owner',
      title: 'Open tasks per owner',
      description: 'Every user with their team, role and open tasks at the end of the as-of day; overdue ones were due before the day ended. Tasks without an owner are the row with no owner.',
      formats: { open_tasks: 'count', overdue_tasks: 'count' },
    },
    {
      name: 'open_tasks_by_team',
      title: 'Open tasks per team',
      description: "Open and overdue tasks per owner's team, with the team's active members and open tasks per active member. Tasks without a known owner are the row with no team.",
      formats: { active_members: 'count', open_tasks: 'count', overdue_tasks: 'count', open_tasks_per_member: 'number' },
      charts: [{ type: 'bar', title: 'Open and overdue tasks by team', x: 'team', y: ['open_tasks', 'overdue_tasks'], format: 'count' }],
    },
    {
      name: 'lead_assignment',
      title: 'Time from new lead to first owner',
      description: 'Per month of lead creation over the last 12 months: leads created, leads with an owner by the as-of day, and the median hours from creation to the first version with an owner.',
      formats: { leads_created: 'count', leads_assigned: 'count', median_hours_to_first_owner: 'number' },
      charts: [{ type: 'line', title: 'Median hours to first owner', x: 'month', y: 'median_hours_to_first_owner', format: 'number' }],
    },
  ],
  headlines: automationHeadlines,
});
