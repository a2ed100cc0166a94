// marketing_roi on DuckDB over a hand-made lake (marketing-lake-fixture.ts), as of 2024-06-30 with the
// default 365-day window (2023-07-01 to 2024-06-30) and 30-day attribution window. Every figure is
// worked out by hand from the fixture in the comments.
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocalQueryEngine, type LocalQueryEngine } from '#lib/query/duckdb-engine.ts';
import { runReportSql } from '#functions/reports/report-sql.ts';
import { marketingRoi } from '#functions/reports/marketing_roi/report.ts';
import type { ReportTables } from '#functions/reports/report-definition.ts';
import { tempDir } from './sales-lake-fixture.ts';
import { writeMarketingLake } from './marketing-lake-fixture.ts';

const AS_OF = '2024-06-30';
let dir: string;
let engine: LocalQueryEngine;
let tables: Record<string, ReportTables[string]>;

beforeAll(async () => {
  dir = await tempDir('marketing-roi-');
  engine = await openLocalQueryEngine({ lakeDir: await writeMarketingLake(dir), threads: 1 });
  tables = {};
  for (const name of ['journeys', 'campaign_activity', 'funnel']) tables[name] = await runReportSql(engine, marketingRoi, name, AS_OF);
  Object.assign(tables, await marketingRoi.postProcess!({ asOf: AS_OF, tables }));
});
afterAll(async () => {
  await engine.close();
  await rm(dir, { recursive: true, force: true });
});

const credit = (model: string) =>
  tables.attribution_by_channel!.rows.filter((r) => r.model === model).map((r) => ({ channel: r.channel, conversions: r.conversions, revenue: r.attributed_revenue }));

describe('marketing_roi as of 2024-06-30', () => {
  it('journeys: orders with their touches before them, and the touches that led to no order', () => {
    // o1 (c1): email 7 days before, search at the order. o2 (c2): search 19 days before; c2's later email
    // touch has no order after it. o3 (c3) came 61 days after c3's touch: outside the 30-day window, so
    // o3 has no journey and the touch is a non-converting one. o4: c4 was touched as lead l1, 10 days before.
    // l2's touch: a lead that never bought. o0 is before the window.
    expect(tables.journeys!.rows).toEqual([
      { journey_id: 'none:c2', person_id: 'c2', currency: null, converted: 0, value: 0, touches: 1, channel_path: 'email', campaign_path: 'k1', hours_before_path: '0' },
      { journey_id: 'none:c3', person_id: 'c3', currency: null, converted: 0, value: 0, touches: 1, channel_path: 'email', campaign_path: 'k1', hours_before_path: '0' },
      { journey_id: 'none:lead:l2', person_id: 'lead:l2', currency: null, converted: 0, value: 0, touches: 1, channel_path: 'email', campaign_path: 'k1', hours_before_path: '0' },
      { journey_id: 'o1', person_id: 'c1', currency: 'EUR', converted: 1, value: 100, touches: 2, channel_path: 'email > search', campaign_path: 'k1 > k2', hours_before_path: '168 > 0' },
      { journey_id: 'o2', person_id: 'c2', currency: 'EUR', converted: 1, value: 50, touches: 1, channel_path: 'search', campaign_path: 'k2', hours_before_path: '456' },
      { journey_id: 'o4', person_id: 'c4', currency: 'EUR', converted: 1, value: 200, touches: 1, channel_path: 'search', campaign_path: 'k2', hours_before_path: '240' },
    ]);
  });

  it('campaign_activity: running campaigns with spend, touches, reach, leads and customers won', () => {
    // k3 ended in 2022. k1: touches t1, t4, t5, t7 (4 people), leads l2 and l3, won c1 (first order o1 a week
    // after t1; c3's first order came 61 days after t5). k2: t2, t3, t6 (c1, c2, c4), lead l1, won c1 and
    // c4 (c2's first order o0 was in 2023).
    expect(tables.campaign_activity!.rows).toEqual([
      { campaign_id: 'k1', campaign_name: 'campaign k1', channel: 'email', currency: 'EUR', spend: 100, touches: 4, people_reached: 4, leads: 2, customers_won: 1 },
      { campaign_id: 'k2', campaign_name: 'campaign k2', channel: 'search', currency: 'EUR', spend: 300, touches: 3, people_reached: 3, leads: 1, customers_won: 2 },
    ]);
  });

  it('attribution: the rule-based models on 3 orders worth 350', () => {
    expect(credit('first_touch')).toEqual([
      { channel: 'email', conversions: 1, revenue: 100 },
      { channel: 'search', conversions: 2, revenue: 250 },
    ]);
    expect(credit('last_touch')).toEqual([
      { channel: 'email', conversions: 0, revenue: 0 },
      { channel: 'search', conversions: 3, revenue: 350 },
    ]);
    expect(credit('linear')).toEqual([
      { channel: 'email', conversions: 0.5, revenue: 50 },
      { channel: 'search', conversions: 2.5, revenue: 300 },
    ]);
    expect(credit('position_based')).toEqual(credit('linear'));
    // o1: email 7 days before (one half-life) weighs 1/2 against search's 1 → 1/3 and 2/3 of 100.
    expect(credit('time_decay')).toEqual([
      { channel: 'email', conversions: 0.333333, revenue: 33.33 },
      { channel: 'search', conversions: 2.666667, revenue: 316.67 },
    ]);
  });

  it('attribution: the Markov removal effects, with the three non-converting journeys in the chain', () => {
    // start→email 4 (o1 + 3 non-converting), start→search 2; email→search 1, email→null 3; search→conv 3.
    // x(search) = 1, x(email) = 1/4; P = 4/6·1/4 + 2/6·1 = 1/2. Without email: 2/6 = 1/3, effect 1/3;
    // without search: 0, effect 1. Shares 1/4, 3/4 of 3 conversions worth 350.
    expect(credit('markov')).toEqual([
      { channel: 'email', conversions: 0.75, revenue: 87.5 },
      { channel: 'search', conversions: 2.25, revenue: 262.5 },
    ]);
  });

  it('campaign and channel ROI under the linear model', () => {
    // k1 earns half of o1 (50) on spend 100; k2 the other half of o1 plus o2 and o4 (300) on spend 300.
    const roi = (spend: number, revenue: number, won: number, leads: number) => ({
      spend, attributed_revenue: revenue, roi: (revenue - spend) / spend, roas: revenue / spend, cac: spend / won, cost_per_lead: spend / leads,
    });
    expect(tables.campaign_roi!.rows).toEqual([
      { campaign_id: 'k1', campaign_name: 'campaign k1', channel: 'email', currency: 'EUR', touches: 4, leads: 2, customers_won: 1, attributed_conversions: 0.5, ...roi(100, 50, 1, 2) },
      { campaign_id: 'k2', campaign_name: 'campaign k2', channel: 'search', currency: 'EUR', touches: 3, leads: 1, customers_won: 2, attributed_conversions: 2.5, ...roi(300, 300, 2, 1) },
    ]);
    expect(tables.channel_roi!.rows).toEqual([
      { channel: 'email', currency: 'EUR', touches: 4, leads: 2, customers_won: 1, attributed_conversions: 0.5, ...roi(100, 50, 1, 2) },
      { channel: 'search', currency: 'EUR', touches: 3, leads: 1, customers_won: 2, attributed_conversions: 2.5, ...roi(300, 300, 2, 1) },
    ]);
  });

  it('funnel: steps, rates and exact median days by channel and month', () => {
    // April, search: l1 qualified after 4 days, opportunity p1 a day later, won 6 days after that.
    // June, email: l2 qualified after 5 days, l3 after 3 (median 4); neither reached an opportunity.
    expect(tables.funnel!.rows).toEqual([
      { month: '2024-04-01', channel: 'search', leads: 1, qualified: 1, opportunities: 1, won: 1, qualified_rate: 1, opportunity_rate: 1, win_rate: 1, lead_to_won_rate: 1, median_days_to_qualified: 4, median_days_to_opportunity: 1, median_days_to_won: 6 },
      { month: '2024-06-01', channel: 'email', leads: 2, qualified: 2, opportunities: 0, won: 0, qualified_rate: 1, opportunity_rate: 0, win_rate: null, lead_to_won_rate: 0, median_days_to_qualified: 4, median_days_to_opportunity: null, median_days_to_won: null },
    ]);
  });

  it('headlines: spend, attributed revenue and ROAS per currency, counts', () => {
    expect(marketingRoi.headlines({ asOf: AS_OF, tables })).toEqual([
      { key: 'marketing_spend', label: 'Marketing spend', value: 400, format: 'money', currency: 'EUR' },
      { key: 'attributed_revenue', label: 'Attributed revenue', value: 350, format: 'money', currency: 'EUR' },
      { key: 'roas', label: 'Return on ad spend (revenue / spend)', value: 0.875, format: 'ratio', currency: 'EUR' },
      { key: 'converted_journeys', label: 'Orders with a campaign touch before them', value: 3, format: 'count' },
      { key: 'leads', label: 'Leads in the window', value: 3, format: 'count' },
      { key: 'customers_won', label: 'Customers won after a campaign touch', value: 3, format: 'count' },
      { key: 'lead_to_won_rate', label: 'Leads won as deals', value: 1 / 3, format: 'ratio' },
    ]);
  });
});
