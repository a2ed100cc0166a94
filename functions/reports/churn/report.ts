// Churn and customer lifetime value as of a date: who is still a customer and what each is worth.
// Non-contractual buying: BG/NBD (P(alive), expected purchases) and Gamma-Gamma (value per purchase)
// fitted on per-customer statistics computed in SQL, a 12-month CLV, an at-risk list and a
// calibration/holdout check. Contracts: cohort retention and the shifted-beta-geometric model.
import { defineReport } from '../report-definition.ts';
import { churnEvents, churnHeadlines, churnScores, churnSummary } from './churn-summary.ts';
import { churnTables } from './churn-tables.ts';

export const churn = defineReport({
  name: 'churn',
  title: 'Churn and customer lifetime value',
  description:
    'Buying customers scored with the BG/NBD model (probability of still being a customer, expected purchases) and the Gamma-Gamma model ' +
    '(value per purchase), fitted by maximum likelihood on each customer’s repeat purchase days up to the as-of date, in weeks; ' +
    'a 12-month customer value discounted monthly, the customers at risk ranked by the value at stake, a check of the model on held-out weeks, ' +
    'and contract retention by cohort with the shifted-beta-geometric model. Money is per currency and never converted.',
  sqlDir: new URL('.', import.meta.url),
  tables: [
    {
      name: 'customer_scores',
      title: 'Customer scores',
      source: 'postProcess',
      description:
        'One row per customer and currency: repeat purchase days x, weeks from the first to the last purchase (t_x) and to the as-of date (t), P(alive), ' +
        'expected purchases over the next 30/90/365 days, the expected value of a purchase, the discounted 12-month CLV, churn risk = 1 − P(alive), ' +
        'and value at risk = churn risk × the 12-month value should the customer still be alive.',
      formats: { p_alive: 'ratio', churn_risk: 'ratio', expected_order_value: 'money', clv_12m: 'money', value_at_risk: 'money', x: 'count' },
    },
    {
      name: 'at_risk',
      title: 'Customers at risk, by value at risk',
      source: 'postProcess',
      description: 'Per currency, the customers whose churn risk is at or above the threshold, the most value at risk first.',
      formats: { churn_risk: 'ratio', value_at_risk: 'money', clv_12m: 'money', x: 'count', rank: 'count' },
    },
    {
      name: 'p_alive_matrix',
      title: 'P(alive) by frequency and recency',
      source: 'postProcess',
      description: 'The probability that a customer as old as the oldest one (t weeks) is still buying, by repeat purchases and the week of the last one: the later and more regular, the likelier.',
      formats: { p_alive: 'ratio', frequency: 'count' },
      charts: [
        {
          type: 'heatmap',
          title: 'P(alive) by repeat purchases and week of the last purchase',
          x: 'recency_weeks',
          y: 'frequency',
          value: 'p_alive',
          aggregate: 'mean',
          format: 'ratio',
          xLabel: 'Week of the last purchase (since the first)',
          yLabel: 'Repeat purchases',
        },
      ],
    },
    {
      name: 'clv_distribution',
      title: 'Customer value distribution (12 months)',
      source: 'postProcess',
      description: 'Customers by band of 12-month customer value, per currency; the last band holds the top 5 % and above.',
      formats: { clv_from: 'money', clv_to: 'money', customers: 'count' },
      charts: [{ type: 'bar', title: 'Customers by 12-month value', x: 'label', y: 'customers', facet: 'currency', format: 'count', xLabel: '12-month value', yLabel: 'Customers' }],
    },
    {
      name: 'calibration_holdout',
      title: 'Model check: predicted against actual purchases in the held-out weeks',
      source: 'postProcess',
      description:
        'The model fitted on data up to 26 weeks before the as-of date predicts each customer’s repeat purchases in those 26 weeks; ' +
        'mean predicted and actual purchases by the number of repeat purchases before the cut-off.',
      formats: { customers: 'count', actual_purchases: 'number', predicted_purchases: 'number' },
      charts: [
        {
          type: 'line',
          title: 'Holdout purchases per customer: actual and predicted',
          x: 'label',
          y: ['actual_purchases', 'predicted_purchases'],
          format: 'number',
          xLabel: 'Repeat purchases before the cut-off',
          yLabel: 'Purchases in the held-out weeks',
        },
      ],
    },
    {
      name: 'cohort_retention',
      title: 'Contract retention by cohort',
      source: 'postProcess',
      description:
        'Customers by the year of their first contract: the share that reached each contract term (observed; recent cohorts have not had the time yet) ' +
        'and the share the shifted-beta-geometric model projects.',
      formats: { customers: 'count', reached: 'count', observed_survival: 'ratio', projected_survival: 'ratio' },
      charts: [
        { type: 'heatmap', title: 'Share of each cohort reaching each contract term (observed)', x: 'term', y: 'cohort', value: 'observed_survival', aggregate: 'mean', format: 'ratio', xLabel: 'Contract term', yLabel: 'Cohort' },
        { type: 'line', title: 'Share reaching each term, projected by the sBG model', x: 'term', y: 'projected_survival', series: 'cohort', format: 'ratio' },
      ],
    },
    {
      name: 'cohort_models',
      title: 'Contract cohorts: sBG fit and residual value',
      source: 'postProcess',
      description:
        'Per cohort and currency: customers, active and churned, the sBG parameters of the cohort, the value of the active contracts’ current terms and ' +
        'the expected discounted value of their future renewals (discounted expected residual lifetime).',
      formats: { customers: 'count', active: 'count', churned: 'count', active_contract_value: 'money', residual_value: 'money' },
    },
    {
      name: 'model_fits',
      title: 'Fitted model parameters',
      source: 'postProcess',
      description: 'Every fitted parameter: BG/NBD (weeks), Gamma-Gamma per currency, the calibration fit and sBG per contract cohort, with log-likelihoods.',
    },
    {
      name: 'customer_statistics',
      title: 'Purchase statistics per customer',
      description: 'The models’ input: per customer and currency, purchase days, x, t_x and t in weeks and the mean value of the repeat purchase days.',
      formats: { x: 'count', monetary: 'money' },
    },
    {
      name: 'calibration_statistics',
      title: 'Calibration statistics',
      description: 'Customers who bought by the cut-off grouped by their calibration statistics, with their purchase days in the held-out weeks.',
      formats: { customers: 'count', holdout_purchases: 'count' },
    },
    {
      name: 'contract_cohorts',
      title: 'Contract customers by cohort, terms and outcome',
      description: 'Customers with contracts by first-contract year, number of terms (1 + renewals), whether still under contract, and the value of their current contract.',
      formats: { customers: 'count', active_contract_value: 'money' },
    },
  ],
  postProcess: (context) => churnTables(context),
  headlines: churnHeadlines,
  summary: churnSummary,
  events: churnEvents,
  scores: churnScores,
});
