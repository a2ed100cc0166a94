// The churn report's SQL on DuckDB over a hand-made lake (churn-lake-fixture.ts), every figure worked
// out by hand; then its post-processing, summary and events on those tables.
import path from 'node:path';
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocalQueryEngine, type LocalQueryEngine } from '#lib/query/duckdb-engine.ts';
import { churn } from '#functions/reports/churn/report.ts';
import { churnTables } from '#functions/reports/churn/churn-tables.ts';
import { churnEvents } from '#functions/reports/churn/churn-summary.ts';
import { churnSettings, DEFAULT_CHURN_SETTINGS } from '#functions/reports/churn/churn-settings.ts';
import { runReportSql } from '#functions/reports/report-sql.ts';
import type { ReportTable } from '#functions/reports/report-definition.ts';
import { tempDir } from './sales-lake-fixture.ts';
import { CHURN_AS_OF, churnContracts, churnOrders, writeLakeRows } from './churn-lake-fixture.ts';

let dir: string;
let engine: LocalQueryEngine;
const table = (name: string): Promise<ReportTable> => runReportSql(engine, churn, name, CHURN_AS_OF);

beforeAll(async () => {
  dir = await tempDir('churn-report-');
  const lakeDir = path.join(dir, 'lake');
  await writeLakeRows(lakeDir, 'orders', churnOrders);
  await writeLakeRows(lakeDir, 'contracts', churnContracts);
  engine = await openLocalQueryEngine({ lakeDir, threads: 1 });
});
afterAll(async () => {
  await engine.close();
  await rm(dir, { recursive: true, force: true });
});

describe('churn SQL as of 1997-09-30', () => {
  it('customer_statistics: purchase days, x, t_x and t in weeks, mean repeat value per currency', async () => {
    const { columns, rows } = await table('customer_statistics');

    expect(columns.map((c) => `${c.name}:${c.kind}`)).toEqual([
      'customer_id:string',
      'currency:string',
      'first_purchase:date',
      'last_purchase:date',
      'x:bigint',
      't_x:double',
      't:double',
      'monetary:decimal',
    ]);
    // c1: days 1 Jan (10 + 5), 1 Feb (20), 1 Jun (30 + 10); 1 Jan → 1 Jun is 151 days, → 30 Sep 272 days (38.86 weeks).
    expect(rows).toEqual([
      { customer_id: 'c1', currency: 'USD', first_purchase: '1997-01-01', last_purchase: '1997-06-01', x: 2, t_x: 151 / 7, t: 272 / 7, monetary: 30 },
      { customer_id: 'c2', currency: 'EUR', first_purchase: '1997-03-31', last_purchase: '1997-03-31', x: 0, t_x: 0, t: 183 / 7, monetary: null },
      { customer_id: 'c3', currency: 'EUR', first_purchase: '1997-02-10', last_purchase: '1997-04-10', x: 1, t_x: 59 / 7, t: 232 / 7, monetary: 11.11 },
      { customer_id: 'c3', currency: 'GBP', first_purchase: '1997-05-05', last_purchase: '1997-05-05', x: 0, t_x: 0, t: 148 / 7, monetary: null },
      { customer_id: 'c4', currency: 'EUR', first_purchase: '1997-09-30', last_purchase: '1997-09-30', x: 0, t_x: 0, t: 0, monetary: null },
    ]);
    expect((rows[0]!.t as number).toFixed(2)).toBe('38.86');
  });

  it('calibration_statistics: the 26 weeks before the as-of date held out, customers who bought by the cut-off', async () => {
    const { rows } = await table('calibration_statistics');

    // Cut-off 1997-04-01. c1: 1 Jan, 1 Feb in calibration, 1 Jun in the holdout; c2 on 31 Mar; c3 EUR on 10 Feb, 10 Apr held out.
    expect(rows).toEqual([
      { cutoff: '1997-04-01', holdout_weeks: 26, x_calibration: 0, t_x_calibration: 0, t_calibration: 1 / 7, customers: 1, holdout_purchases: 0 },
      { cutoff: '1997-04-01', holdout_weeks: 26, x_calibration: 0, t_x_calibration: 0, t_calibration: 50 / 7, customers: 1, holdout_purchases: 1 },
      { cutoff: '1997-04-01', holdout_weeks: 26, x_calibration: 1, t_x_calibration: 31 / 7, t_calibration: 90 / 7, customers: 1, holdout_purchases: 1 },
    ]);
  });

  it('contract_cohorts: terms as 1 + renewals, still under contract or churned, drafts and later contracts left out', async () => {
    const { rows } = await table('contract_cohorts');

    expect(rows).toEqual([
      { cohort: '1995-01-01', terms: 1, outcome: 'churned', currency: 'USD', customers: 1, active_contract_value: 0 },
      { cohort: '1995-01-01', terms: 2, outcome: 'churned', currency: 'USD', customers: 1, active_contract_value: 0 },
      { cohort: '1995-01-01', terms: 3, outcome: 'active', currency: 'USD', customers: 1, active_contract_value: 300 },
      { cohort: '1996-01-01', terms: 1, outcome: 'active', currency: 'EUR', customers: 1, active_contract_value: 500 },
    ]);
  });
});

describe('churn post-processing', () => {
  it('scores every customer row, keeps currencies apart and leaves models unfitted where data is too thin', async () => {
    const tables = Object.fromEntries(await Promise.all(['customer_statistics', 'calibration_statistics', 'contract_cohorts'].map(async (n) => [n, await table(n)] as const)));
    const out = await churnTables({ asOf: CHURN_AS_OF, tables }, DEFAULT_CHURN_SETTINGS);

    const scores = out.customer_scores!.rows;
    expect(scores.map((r) => `${r.customer_id}/${r.currency}`)).toEqual(['c1/USD', 'c2/EUR', 'c3/EUR', 'c3/GBP', 'c4/EUR']);
    for (const r of scores) {
      expect(r.p_alive as number).toBeGreaterThan(0);
      expect(r.p_alive as number).toBeLessThanOrEqual(1);
      expect(r.churn_risk).toBeCloseTo(1 - (r.p_alive as number), 12);
      expect(r.expected_purchases_365d as number).toBeGreaterThan(r.expected_purchases_30d as number);
    }
    // No repeat purchase: P(alive) is 1 in the BG/NBD model.
    expect(scores.find((r) => r.customer_id === 'c2')!.p_alive).toBe(1);
    // Too few repeat buyers for Gamma-Gamma: a repeat buyer's value is their own mean, others have none in their currency.
    expect(scores.find((r) => r.customer_id === 'c1')!.expected_order_value).toBe(30);
    expect(scores.find((r) => r.customer_id === 'c3' && r.currency === 'GBP')!.clv_12m).toBeNull();
    expect(out.cohort_models!.rows.every((r) => r.alpha === null)).toBe(true);
    expect(out.cohort_retention!.rows.filter((r) => r.cohort === '1995-01-01').map((r) => [r.term, r.reached])).toEqual([
      [1, 3],
      [2, 2],
      [3, 1],
      [4, 0],
      [5, 0],
      [6, 0],
    ]);
    expect(out.calibration_holdout!.rows.map((r) => [r.label, r.customers, r.actual_purchases])).toEqual([
      ['0', 2, 0.5],
      ['1', 1, 1],
    ]);
  });

  it('raises ChurnRiskDetected only for customers newly at or above the threshold, with ids and figures only', () => {
    const scores = {
      columns: [],
      rows: [
        { customer_id: 'a', currency: 'EUR', churn_risk: 0.9, value_at_risk: 12.5, newly_at_risk: true },
        { customer_id: 'b', currency: 'EUR', churn_risk: 0.95, value_at_risk: 40, newly_at_risk: false },
        { customer_id: 'c', currency: 'USD', churn_risk: 0.1, value_at_risk: 1, newly_at_risk: false },
      ],
    };

    const events = churnEvents({ asOf: '2024-06-30', tables: { customer_scores: scores } });

    expect(events).toEqual([
      { source: 'crm.reports', detailType: 'ChurnRiskDetected', detail: { customerId: 'a', churnRisk: 0.9, valueAtRisk: 12.5, currency: 'EUR', asOf: '2024-06-30' } },
    ]);
  });

  it('settings come from the environment and a bad value names the variable', () => {
    expect(churnSettings({ CHURN_RISK_THRESHOLD: '0.5', CHURN_ANNUAL_DISCOUNT_RATE: '0.08' })).toMatchObject({ riskThreshold: 0.5, annualDiscountRate: 0.08 });
    expect(() => churnSettings({ CHURN_RISK_THRESHOLD: '1.5' })).toThrow(/CHURN_RISK_THRESHOLD must be a number between 0 and 1/);
    expect(() => churnSettings({ CHURN_AT_RISK_LIST_SIZE: 'ten' })).toThrow(/CHURN_AT_RISK_LIST_SIZE/);
  });
});
