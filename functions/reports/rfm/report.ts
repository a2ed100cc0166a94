// The rfm report: every customer who has bought scored on recency, frequency and monetary value as of
// a date, placed in a named segment and a membership tier, and compared with the previous run. The
// scoring scheme (segment map and tier shares) is configured in scheme.ts.
import type { BusEvent } from '#lib/bus/event-bus.ts';
import { REPORT_EVENT_SOURCE, type CustomerSegmentChangedDetail } from '#schemas/events.ts';
import { CUSTOMER_TIERS } from '#schemas/entities.ts';
import { defineReport, type Headline, type ReportContext, type ReportDefinition } from '../report-definition.ts';
import { modelVersion, scoreRecord, type ScoreInput } from '../report-scores.ts';
import { compileScheme, RFM_SCHEME, type RfmScheme, type Tier } from './scheme.ts';
import { customerSegmentsTable, movementTable, previousSegments, rowsOf, segmentCustomers, segmentSummaryTable, tierSummaryTable } from './segmentation.ts';

/** summary.json `segments`: customers counted once; revenue per currency, never added across currencies. */
export interface SegmentSummary {
  name: string;
  customers: number;
  revenue: Record<string, number>;
}

export function segmentsBlock(context: ReportContext, names: readonly string[]): SegmentSummary[] {
  const customers = rowsOf(context.tables, 'customer_segments');
  const bySegment = rowsOf(context.tables, 'segment_summary');
  return names.map((name) => ({
    name,
    customers: customers.filter((c) => c.segment === name).length,
    revenue: Object.fromEntries(bySegment.filter((r) => r.segment === name).map((r) => [String(r.currency), Number(r.revenue)])),
  }));
}

export function rfmHeadlines({ tables, previous }: ReportContext): Headline[] {
  const customers = rowsOf(tables, 'customer_segments');
  const count = (segments: readonly string[]) => customers.filter((c) => segments.includes(String(c.segment))).length;
  const moved = rowsOf(tables, 'segment_movements').filter((r) => r.moved && r.to_segment !== null).reduce((n, r) => n + Number(r.customers), 0);
  const share = (n: number) => (customers.length ? n / customers.length : null);
  return [
    { key: 'customers_segmented', label: 'Customers with orders', value: customers.length, format: 'count' },
    { key: 'champions_share', label: 'Champions', value: share(count(['Champions'])), format: 'ratio' },
    { key: 'at_risk_customers', label: "At Risk and Can't Lose Them", value: count(['At Risk', "Can't Lose Them"]), format: 'count' },
    { key: 'customers_moved', label: previous ? `Moved segment since ${previous.asOf}` : 'Moved segment (no previous run)', value: previous ? moved : null, format: 'count' },
  ];
}

/** A CustomerSegmentChanged event for each customer whose segment differs from the previous run's. */
export function segmentChangedEvents({ asOf, tables, previous }: ReportContext): BusEvent[] {
  // Without a previous run nobody "moved": the first run sets the baseline.
  if (!previous) return [];
  return rowsOf(tables, 'customer_segments')
    .filter((c) => c.segment !== c.previous_segment)
    .map((c) => {
      const detail: CustomerSegmentChangedDetail = {
        customerId: String(c.customer_id),
        fromSegment: (c.previous_segment as string | null) ?? null,
        toSegment: String(c.segment),
        tier: c.tier as Tier,
        asOf,
      };
      return { source: REPORT_EVENT_SOURCE, detailType: 'CustomerSegmentChanged', detail: { ...detail } };
    });
}

export function rfmReport(scheme: RfmScheme = RFM_SCHEME): ReportDefinition {
  const compiled = compileScheme(scheme);
  return defineReport({
    name: 'rfm',
    title: 'Customer segments (RFM) and tiers',
    description:
      'Customers who have bought, scored 1-5 on recency, frequency and monetary value (quintiles; monetary among customers of the same currency) as of the date, ' +
      'placed in named segments by recency and the combined frequency-monetary score, and in membership tiers by value. ' +
      'Cancelled orders are left out; money is shown per currency and never converted. Movements compare with the previous run.',
    sqlDir: new URL('.', import.meta.url),
    tables: [
      {
        name: 'segment_summary',
        title: 'Segments: size and revenue',
        description: 'One row per segment and currency: customers of the segment who bought in that currency, their revenue in it, and the shares of the currency total.',
        source: 'postProcess',
        formats: { customers: 'count', customer_share: 'ratio', revenue: 'money', revenue_share: 'ratio' },
        charts: [
          { type: 'bar', title: 'Customers by segment', x: 'segment', y: 'customers', series: 'currency', stacked: true, format: 'count' },
          { type: 'bar', title: 'Revenue by segment', x: 'segment', y: 'revenue', facet: 'currency', format: 'money' },
        ],
      },
      {
        name: 'segment_movements',
        title: 'Movement since the previous run',
        description: 'Customers by their segment in the previous run (empty: no orders then) and in this one. Empty on the first run.',
        source: 'postProcess',
        formats: { customers: 'count' },
        charts: [
          {
            type: 'heatmap',
            title: 'Segment movements (rows: previous run, columns: this run)',
            x: 'to_segment',
            y: 'from_segment',
            value: 'customers',
            format: 'count',
            order: { x: compiled.names, y: [null, ...compiled.names] },
            xLabel: 'Segment now',
            yLabel: 'Segment in the previous run',
          },
        ],
      },
      {
        name: 'customer_segments',
        title: 'Customer segments and tiers',
        description: 'One row per customer: recency score, combined frequency-monetary score, segment, the segment in the previous run, and membership tier by value.',
        source: 'postProcess',
        charts: [
          { type: 'heatmap', title: 'Customers by recency (R) and frequency-monetary (FM) score', x: 'fm_score', y: 'r_score', format: 'count', xLabel: 'FM score', yLabel: 'R score' },
        ],
      },
      {
        name: 'tier_summary',
        title: 'Membership tiers',
        description: "One row per tier and currency: customers whose main currency it is, their revenue, and the lowest value in the tier (the threshold reached on this data). Tiers rank customers by value within their currency.",
        source: 'postProcess',
        formats: { customers: 'count', revenue: 'money', min_value: 'money' },
        charts: [{ type: 'bar', title: 'Customers by membership tier', x: 'tier', y: 'customers', series: 'currency', stacked: true, format: 'count' }],
      },
      {
        name: 'customer_scores',
        title: 'RFM scores',
        description: "One row per customer with an order: first and last order, recency in days, number of orders, revenue in the customer's main currency, and the three quintile scores.",
        formats: { monetary: 'money', frequency: 'count' },
        charts: [{ type: 'histogram', title: 'Orders per customer', x: 'frequency', format: 'count' }],
      },
      {
        name: 'customer_revenue',
        title: 'Revenue per customer and currency',
        description: 'One row per customer and currency they bought in: orders and revenue up to the as-of date.',
        formats: { revenue: 'money', orders: 'count' },
      },
    ],
    postProcess: ({ tables, previous }) => postProcess(tables, previous, compiled),
    headlines: rfmHeadlines,
    summary: (context) => ({
      segments: segmentsBlock(context, compiled.names),
      tiers: CUSTOMER_TIERS.map((name) => ({ name, customers: rowsOf(context.tables, 'customer_segments').filter((c) => c.tier === name).length })),
      previousAsOf: context.previous?.asOf ?? null,
    }),
    events: segmentChangedEvents,
    scores: (context) => rfmScores(context, modelVersion('rfm-quintiles', scheme)),
  });
}

/** Each segmented customer's segment and tier as a `rfm` score record. */
export function rfmScores({ asOf, tables }: ReportContext, version: string): ScoreInput[] {
  return rowsOf(tables, 'customer_segments').map((c) =>
    scoreRecord('rfm', version, asOf, { customerId: String(c.customer_id) }, { segment: String(c.segment), tier: c.tier as Tier }),
  );
}

async function postProcess(tables: ReportContext['tables'], previous: ReportContext['previous'], compiled: ReturnType<typeof compileScheme>) {
  const before = previous ? previousSegments((await previous.table('customer_segments')) ?? []) : undefined;
  const customers = segmentCustomers(rowsOf(tables, 'customer_scores'), compiled, before);
  return {
    customer_segments: customerSegmentsTable(customers),
    segment_summary: segmentSummaryTable(customers, rowsOf(tables, 'customer_revenue'), compiled),
    segment_movements: movementTable(customers, before, compiled),
    tier_summary: tierSummaryTable(customers),
  };
}

export const rfm = rfmReport();
