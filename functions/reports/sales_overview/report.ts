// The sales overview: how much was sold, through which channels, to how many new and returning
// buyers, what the open pipeline is worth and how often deals are won, as of a date.
import { defineReport } from '../report-definition.ts';
import { salesHeadlines } from './headlines.ts';

export const salesOverview = defineReport({
  name: 'sales_overview',
  title: 'Sales overview',
  description:
    'Revenue, orders and buyers by month and channel over the last 24 months (cancelled orders left out), new versus returning buyers, ' +
    'the open pipeline by stage with its probability-weighted amount, and the win rate over the last 12 months. ' +
    'Money is shown per currency and never converted.',
  sqlDir: new URL('.', import.meta.url),
  tables: [
    {
      name: 'monthly_sales',
      title: 'Monthly sales by channel',
      description: 'One row per calendar month, sales channel and currency: revenue, orders, average order value and distinct buyers. The latest month runs to the as-of date.',
      formats: { revenue: 'money', average_order_value: 'money', orders: 'count', buyers: 'count' },
      charts: [
        { type: 'bar', title: 'Revenue by channel', x: 'month', y: 'revenue', series: 'channel', stacked: true, facet: 'currency', format: 'money' },
        { type: 'bar', title: 'Orders by channel, all currencies', x: 'month', y: 'orders', series: 'channel', stacked: true, format: 'count' },
      ],
    },
    {
      name: 'monthly_buyers',
      title: 'New and returning buyers',
      description: 'Distinct buyers per month. A buyer is new in the month of their first order ever and returning in any later month they buy.',
      formats: { buyers: 'count', new_buyers: 'count', returning_buyers: 'count' },
      charts: [{ type: 'bar', title: 'Buyers per month', x: 'month', y: ['new_buyers', 'returning_buyers'], stacked: true, format: 'count' }],
    },
    {
      name: 'revenue_growth',
      title: 'Revenue: last 12 months against the 12 before',
      description: 'Per currency, trailing 12-month windows ending on the as-of date. Growth is last / previous − 1, empty when there was no earlier revenue.',
      formats: { revenue_last_12_months: 'money', revenue_previous_12_months: 'money', revenue_growth: 'ratio' },
    },
    {
      name: 'open_pipeline',
      title: 'Open pipeline by stage',
      description: 'Opportunities not yet won or lost at the end of the as-of day, with the stage, amount and probability they had then. Weighted amount is amount × probability; overdue ones are past their expected close date.',
      formats: { amount: 'money', weighted_amount: 'money', opportunities: 'count', overdue_opportunities: 'count' },
      charts: [{ type: 'bar', title: 'Pipeline amount and weighted amount by stage', x: 'stage', y: ['amount', 'weighted_amount'], facet: 'currency', format: 'money' }],
    },
    {
      name: 'win_rate',
      title: 'Win rate, last 12 months',
      description: 'Opportunities won or lost in the 12 months up to the as-of date, per currency. Win rate is won / (won + lost), by count and by amount.',
      formats: { won: 'count', lost: 'count', win_rate: 'ratio', won_amount: 'money', lost_amount: 'money', win_rate_by_amount: 'ratio' },
      charts: [{ type: 'bar', title: 'Won and lost opportunities by currency', x: 'currency', y: ['won', 'lost'], stacked: true, format: 'count' }],
    },
  ],
  headlines: salesHeadlines,
});
