// The churn report on the CDNOW sample (test/fixtures, from the lifetimes library): its SQL must give the
// published calibration summary customer by customer, and its fits the published BG/NBD and
// Gamma-Gamma estimates (Fader, Hardie & Lee 2005, 2005b) within 1%.
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocalQueryEngine, type LocalQueryEngine } from '#lib/query/duckdb-engine.ts';
import { churn } from '#functions/reports/churn/report.ts';
import { churnTables } from '#functions/reports/churn/churn-tables.ts';
import { churnSummary } from '#functions/reports/churn/churn-summary.ts';
import { DEFAULT_CHURN_SETTINGS } from '#functions/reports/churn/churn-settings.ts';
import { runReportSql } from '#functions/reports/report-sql.ts';
import type { ReportTables } from '#functions/reports/report-definition.ts';
import { cdnowOrders, parseCdnowLog } from '../../examples/cdnow-orders.ts';
import { readCdnowSummary } from '../models/cdnow-summary.ts';
import { tempDir } from './sales-lake-fixture.ts';
import { orderLakeRows, writeLakeRows } from './churn-lake-fixture.ts';

const AS_OF = '1997-09-30';
const transactions = parseCdnowLog(readFileSync(new URL('../fixtures/CDNOW_sample.txt', import.meta.url), 'utf8'));
const withinPercent = (actual: number, expected: number) => expect(Math.abs(actual / expected - 1)).toBeLessThan(0.01);

let dir: string;
let engine: LocalQueryEngine;
let sqlTables: ReportTables;

beforeAll(async () => {
  dir = await tempDir('churn-cdnow-');
  const lakeDir = path.join(dir, 'lake');
  await writeLakeRows(lakeDir, 'orders', orderLakeRows(cdnowOrders(transactions)));
  await writeLakeRows(lakeDir, 'contracts', []);
  engine = await openLocalQueryEngine({ lakeDir, threads: 1 });
  const names = ['customer_statistics', 'calibration_statistics', 'contract_cohorts'];
  sqlTables = Object.fromEntries(await Promise.all(names.map(async (n) => [n, await runReportSql(engine, churn, n, AS_OF)] as const)));
}, 60_000);
afterAll(async () => {
  await engine.close();
  await rm(dir, { recursive: true, force: true });
});

describe('churn on the CDNOW sample as of 1997-09-30', () => {
  it('customer_statistics gives the published summary (x, t_x, T, zbar) for all 2,357 customers', () => {
    const published = readCdnowSummary();
    const masterIdOf = new Map(transactions.map((t) => [Number(t.sampleId), t.customerId]));
    const byCustomer = new Map(sqlTables.customer_statistics!.rows.map((r) => [r.customer_id, r]));

    expect(byCustomer.size).toBe(2357);
    for (const p of published) {
      const row = byCustomer.get(masterIdOf.get(p.id))!;
      expect({ id: p.id, x: row.x }).toEqual({ id: p.id, x: p.x });
      expect(Math.abs((row.t_x as number) - p.tx)).toBeLessThan(0.006);
      expect(Math.abs((row.t as number) - p.T)).toBeLessThan(0.006);
      if (p.x > 0) expect(Math.abs((row.monetary as number) - p.zbar)).toBeLessThanOrEqual(0.0101);
      else expect(row.monetary).toBeNull();
    }
  });

  it('fits BG/NBD and Gamma-Gamma to the published estimates within 1% and scores customer 1516 as published', async () => {
    const out = await churnTables({ asOf: AS_OF, tables: sqlTables }, DEFAULT_CHURN_SETTINGS);
    const summary = churnSummary({ asOf: AS_OF, tables: { ...sqlTables, ...out } }) as {
      bgnbd: { r: number; alpha: number; a: number; b: number; timeUnit: string; logLikelihood: number };
      gammaGamma: { p: number; q: number; gamma: number; currency: string; repeatBuyers: number };
    };

    expect(summary.bgnbd.timeUnit).toBe('week');
    withinPercent(summary.bgnbd.r, 0.243);
    withinPercent(summary.bgnbd.alpha, 4.414);
    withinPercent(summary.bgnbd.a, 0.793);
    withinPercent(summary.bgnbd.b, 2.426);
    withinPercent(summary.bgnbd.logLikelihood, -9582.4);
    expect(summary.gammaGamma).toMatchObject({ currency: 'USD', repeatBuyers: 946 });
    withinPercent(summary.gammaGamma.p, 6.25);
    withinPercent(summary.gammaGamma.q, 3.74);
    withinPercent(summary.gammaGamma.gamma, 15.44);

    const sample1516 = transactions.find((t) => t.sampleId === '1516')!.customerId;
    const row = out.customer_scores!.rows.find((r) => r.customer_id === sample1516)!;
    expect(row.x).toBe(26);
    withinPercent(row.p_alive as number, 0.969);
    // The at-risk list is ranked by value at risk, largest first.
    const atRisk = out.at_risk!.rows.map((r) => r.value_at_risk as number);
    expect(atRisk.length).toBeGreaterThan(10);
    expect([...atRisk].sort((a, b) => b - a)).toEqual(atRisk);
  });
});
