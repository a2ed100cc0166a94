// Next best offer: what each customer will probably buy next, learnt from order line items by
// item-to-item co-occurrence over a recency window (co-occurrence.ts), with a reason an agent can read
// out, a time-based holdout against a popularity baseline, and a `recommendations` score record per
// customer (the top 3) for the profile.
import { defineReport, type Headline, type ReportContext } from '../report-definition.ts';
import { modelVersion, scoreRecord, type ScoreInput } from '../report-scores.ts';
import { recommendationTables } from './recommendation-tables.ts';
import { RECOMMENDATION_SETTINGS } from './settings.ts';

type Row = Record<string, unknown>;
const rows = (context: ReportContext, table: string): Row[] => context.tables[table]?.rows ?? [];

function hitRate(context: ReportContext, method: string, k: number): number | null {
  const row = rows(context, 'evaluation').find((r) => r.method === method && r.at === k);
  return typeof row?.hit_rate === 'number' ? row.hit_rate : null;
}

export function recommendationHeadlines(context: ReportContext): Headline[] {
  return [
    { key: 'customers_with_recommendations', label: 'Customers with recommendations', value: new Set(rows(context, 'recommendations').map((r) => r.customer_id)).size, format: 'count' },
    { key: 'hit_rate_at_3', label: 'Hit rate at 3 (holdout)', value: hitRate(context, 'co_occurrence', 3), format: 'ratio' },
    { key: 'baseline_hit_rate_at_3', label: 'Popularity baseline at 3', value: hitRate(context, 'popularity', 3), format: 'ratio' },
    { key: 'hit_rate_at_10', label: 'Hit rate at 10 (holdout)', value: hitRate(context, 'co_occurrence', 10), format: 'ratio' },
    { key: 'baseline_hit_rate_at_10', label: 'Popularity baseline at 10', value: hitRate(context, 'popularity', 10), format: 'ratio' },
  ];
}

export function recommendationSummary(context: ReportContext): Record<string, unknown> {
  const first = rows(context, 'evaluation')[0];
  const rates = (method: string) => Object.fromEntries(RECOMMENDATION_SETTINGS.evaluateAt.map((k) => [`at${k}`, hitRate(context, method, k)]));
  return {
    evaluation: {
      method: 'item-to-item co-occurrence, noisy-or over the customer’s products in the window',
      windowDays: RECOMMENDATION_SETTINGS.coOccurrence.windowDays,
      holdoutMonths: RECOMMENDATION_SETTINGS.holdoutMonths,
      cutoff: first?.cutoff ?? null,
      customers: first?.customers ?? 0,
      hitRate: { coOccurrence: rates('co_occurrence'), popularity: rates('popularity') },
    },
  };
}

/** One `recommendations` score per customer: the top products with score and reason, best first. */
export function recommendationScores(context: ReportContext): ScoreInput[] {
  const version = modelVersion('co-occurrence', RECOMMENDATION_SETTINGS);
  const byCustomer = new Map<string, Row[]>();
  for (const r of rows(context, 'recommendations')) {
    const id = String(r.customer_id);
    byCustomer.set(id, [...(byCustomer.get(id) ?? []), r]);
  }
  return [...byCustomer].map(([customerId, recs]) =>
    scoreRecord('recommendations', version, context.asOf, { customerId }, {
      recommendations: recs.map((r) => ({ sku: String(r.sku), name: String(r.name), score: Number(r.score), reason: String(r.reason) })),
    }),
  );
}

export const recommendations = defineReport({
  name: 'recommendations',
  title: 'Next best offer',
  description:
    'What each customer will probably buy next: products bought by the customers who bought the same products in the last 12 months (item-to-item co-occurrence), ' +
    'never a durable product the customer already owns, with the reason an agent can read out. Checked on the last 3 months held out, against the best sellers.',
  sqlDir: new URL('.', import.meta.url),
  tables: [
    {
      name: 'evaluation',
      title: 'Holdout: hit rate against the popularity baseline',
      description:
        'Learnt on purchases up to the cutoff (3 months before the as-of date), recommended to every customer who bought in the window before it; a hit is a recommended product the customer bought after the cutoff.',
      source: 'postProcess',
      formats: { hit_rate: 'ratio', customers: 'count' },
      charts: [{ type: 'bar', title: 'Hit rate on the holdout', x: 'k', y: 'hit_rate', series: 'method', format: 'ratio' }],
    },
    {
      name: 'recommendations',
      title: 'Recommendations per customer',
      description: 'One row per customer and rank: the product, its score (0-1) and why. Rank-filling best sellers have score 0.',
      source: 'postProcess',
      formats: { score: 'ratio' },
      charts: [{ type: 'histogram', title: 'Scores of the first recommendation', x: 'score', format: 'ratio' }],
    },
    {
      name: 'product_associations',
      title: 'Products bought together',
      description: 'Per product, the products most often bought by its buyers in the window: buyers of the product, how many also bought the other, and the share.',
      source: 'postProcess',
      formats: { buyers: 'count', co_buyers: 'count', share: 'ratio' },
      charts: [{ type: 'heatmap', title: 'Share of buyers of a product (rows) who also bought another (columns)', x: 'related_sku', y: 'sku', value: 'share', aggregate: 'mean', format: 'ratio' }],
    },
    {
      name: 'customer_purchases',
      title: 'Purchases per customer, product and day',
      description: 'From the line items of non-cancelled orders up to the as-of date.',
      formats: { lines: 'count', quantity: 'count' },
    },
    {
      name: 'catalogue',
      title: 'Product catalogue',
      description: 'Products as of the date: name, category, whether still sold and whether durable.',
    },
  ],
  postProcess: (context) => recommendationTables(context),
  headlines: recommendationHeadlines,
  summary: recommendationSummary,
  scores: recommendationScores,
});
