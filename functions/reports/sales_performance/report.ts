// Sales performance per owner and team: revenue won, deals, win rate, activities, pipeline coverage,
// payments collected and paid late, overdue receivables by age, and commissions from a tiered plan.
import type { CommissionPlan } from '#schemas/commission-plan.ts';
import { defineReport, type ReportDefinition } from '../report-definition.ts';
import { commissionPlanFromEnvironment, parseCommissionPlan } from './commission-plan.ts';
import { salesPerformanceHeadlines } from './headlines.ts';
import { salesPerformancePostProcess } from './post-process.ts';

const pct = (r: number) => `${Math.round(r * 10000) / 100}%`;

export function salesPerformanceReport(planInput: CommissionPlan = commissionPlanFromEnvironment()): ReportDefinition {
  const plan = parseCommissionPlan(planInput);
  const tiers = plan.tiers.map((t) => `${pct(t.rate)} from ${t.from.toLocaleString('en-US')}`).join(', ');
  return defineReport({
    name: 'sales_performance',
    title: 'Sales performance',
    description:
      'Per owner and team over the 12 months up to the as-of date: deals won and lost, revenue won, activities, open pipeline and its coverage of a quarter, ' +
      'payments collected from the owner\'s customers and how many came late, receivables overdue at the as-of date by age (0-30, 31-60, 61-90, 90+ days), ' +
      `and commissions on collected payments with marginal tiers (${tiers}${plan.currencies || plan.teams ? '; own tiers for some currencies or teams' : ''}). Money per currency, never converted.`,
    sqlDir: new URL('.', import.meta.url),
    tables: [
      {
        name: 'owner_revenue',
        title: 'Revenue, pipeline and collections by owner',
        description: 'Per owner and currency: revenue and deals won, average deal, open pipeline and the part expected within 90 days, coverage = that pipeline / a quarter of the won revenue, payments collected, invoices paid late, overdue receivables.',
        formats: {
          won_revenue: 'money', won_deals: 'count', average_deal_size: 'money', open_pipeline: 'money', next_90_days_pipeline: 'money', pipeline_coverage: 'number',
          payments_collected: 'money', invoices_paid: 'count', invoices_paid_late: 'count', overdue_receivables: 'money', overdue_invoices: 'count',
        },
        charts: [{ type: 'bar', title: 'Revenue won and payments collected by owner', x: 'owner_id', y: ['won_revenue', 'payments_collected'], facet: 'currency', format: 'money' }],
      },
      {
        name: 'receivables_ageing',
        title: 'Overdue receivables by age',
        description: 'Invoices of the owner\'s customers past their due date and unpaid at the end of the as-of day, by days overdue.',
        formats: { invoices: 'count', amount: 'money' },
        charts: [
          { type: 'bar', title: 'Overdue receivables by owner and age', x: 'owner_id', y: 'amount', series: 'ageing_bucket', stacked: true, facet: 'currency', format: 'money' },
        ],
      },
      {
        name: 'owner_summary',
        title: 'Deals and activities by owner',
        description: 'Per owner: deals won and lost in the 12 months, win rate, activities logged (calls, meetings and visits, customers contacted), open deals and customers owned.',
        formats: { won_deals: 'count', lost_deals: 'count', win_rate: 'ratio', activities: 'count', calls: 'count', meetings: 'count', customers_contacted: 'count', open_deals: 'count', customers_owned: 'count' },
        charts: [
          { type: 'bar', title: 'Win rate by owner', x: 'owner_id', y: 'win_rate', format: 'ratio' },
          { type: 'bar', title: 'Activities by owner', x: 'owner_id', y: ['calls', 'meetings'], stacked: true, format: 'count' },
        ],
      },
      {
        name: 'commissions',
        title: 'Commissions',
        source: 'postProcess',
        description: 'Per owner and currency: payments collected, the commission under the plan\'s marginal tiers, the effective rate and the highest tier reached.',
        formats: { payments_collected: 'money', commission: 'money', effective_rate: 'ratio', tier_reached: 'count' },
        charts: [{ type: 'bar', title: 'Commission by owner', x: 'owner_id', y: 'commission', facet: 'currency', format: 'money' }],
      },
      {
        name: 'team_revenue',
        title: 'Revenue, collections and commissions by team',
        source: 'postProcess',
        description: 'The owner figures summed per team and currency; coverage recomputed from the sums.',
        formats: { won_deals: 'count', won_revenue: 'money', open_pipeline: 'money', next_90_days_pipeline: 'money', payments_collected: 'money', overdue_receivables: 'money', commission: 'money' },
      },
      {
        name: 'team_summary',
        title: 'Deals and activities by team',
        source: 'postProcess',
        description: 'The owner counts summed per team; win rate recomputed from the sums.',
        formats: { owners: 'count', won_deals: 'count', lost_deals: 'count', win_rate: 'ratio', activities: 'count', open_deals: 'count', customers_owned: 'count' },
      },
    ],
    postProcess: salesPerformancePostProcess(plan),
    headlines: salesPerformanceHeadlines,
    summary: () => ({ commissionPlan: plan }),
  });
}

export const salesPerformance = salesPerformanceReport();
