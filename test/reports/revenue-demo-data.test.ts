// The demo data make the pipeline, sales_performance and service reports meaningful: reps' deals move
// differently and the learned probabilities beat the rep-entered ones in the backtest; payments are paid
// late and left overdue into every ageing bucket; tickets breach their SLA and get reopened; surveys
// give CSAT and NPS. Run on the demo generator's data written straight into a lake (seed 7, 300 customers).
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocalQueryEngine, type LocalQueryEngine } from '#lib/query/duckdb-engine.ts';
import { runReportSql } from '#functions/reports/report-sql.ts';
import { tableSource, type ReportDefinition, type ReportTables } from '#functions/reports/report-definition.ts';
import { pipeline } from '#functions/reports/pipeline/report.ts';
import { salesPerformance } from '#functions/reports/sales_performance/report.ts';
import { service } from '#functions/reports/service/report.ts';
import { DEMO_AS_OF, writeDemoLake } from './demo-lake-fixture.ts';
import { tempDir } from './sales-lake-fixture.ts';

let dir: string;
let engine: LocalQueryEngine;
const results: Record<string, Record<string, ReportTables[string]>> = {};

async function run(report: ReportDefinition) {
  const tables: Record<string, ReportTables[string]> = {};
  for (const spec of report.tables.filter((t) => tableSource(t) === 'sql')) tables[spec.name] = await runReportSql(engine, report, spec.name, DEMO_AS_OF);
  Object.assign(tables, await report.postProcess!({ asOf: DEMO_AS_OF, tables }));
  results[report.name] = tables;
}

beforeAll(async () => {
  dir = await tempDir('revenue-demo-');
  const { lakeDir } = await writeDemoLake(dir, { seed: 7, customers: 300 });
  engine = await openLocalQueryEngine({ lakeDir, threads: 1 });
  for (const report of [pipeline, salesPerformance, service]) await run(report);
}, 120_000);
afterAll(async () => {
  await engine?.close();
  await rm(dir, { recursive: true, force: true });
});

const rows = (report: string, table: string) => results[report]![table]!.rows;

describe('demo data through the revenue reports', () => {
  it('pipeline: learned probabilities beat the rep-entered ones on the deals closed in the last 180 days', () => {
    const [learned, rep] = ['learned', 'rep_entered'].map((m) => rows('pipeline', 'backtest').find((r) => r.method === m)!);
    expect(learned!.evaluated_deals as number).toBeGreaterThan(10);
    expect(learned!.brier_score as number).toBeLessThan(rep!.brier_score as number);
    expect(learned!.log_loss as number).toBeLessThan(rep!.log_loss as number);
  });

  it('pipeline: reps differ in how long their deals sit in a stage and in the probabilities they enter', () => {
    const spells = rows('pipeline', 'stage_history').filter((s) => s.stage === 'qualification' && s.next_stage !== null);
    const byRep = new Map<string, { days: number[]; probability: number[] }>();
    for (const s of spells) {
      const r = byRep.get(String(s.owner_id)) ?? { days: [], probability: [] };
      r.days.push(Number(s.days_in_stage));
      r.probability.push(Number(s.rep_probability));
      byRep.set(String(s.owner_id), r);
    }
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const days = [...byRep.values()].map((r) => mean(r.days));
    const probabilities = new Set([...byRep.values()].flatMap((r) => r.probability));
    expect(Math.max(...days) / Math.min(...days)).toBeGreaterThan(1.5);
    expect(probabilities.size).toBeGreaterThan(3);
  });

  it('sales_performance: late payments, overdue receivables over 90 days and commissions', () => {
    const revenue = rows('sales_performance', 'owner_revenue');
    expect(revenue.reduce((s, r) => s + Number(r.invoices_paid_late), 0)).toBeGreaterThan(0);
    expect(new Set(rows('sales_performance', 'receivables_ageing').map((r) => r.ageing_bucket))).toContain('90+ days');
    expect(rows('sales_performance', 'commissions').some((r) => Number(r.commission) > 0)).toBe(true);
  });

  it('service: SLA breaches, reopened tickets, CSAT and NPS', () => {
    const sla = rows('service', 'sla_by_priority');
    expect(sla.reduce((s, r) => s + Number(r.first_response_missed), 0)).toBeGreaterThan(0);
    expect(sla.reduce((s, r) => s + Number(r.resolution_missed), 0)).toBeGreaterThan(0);
    expect(rows('service', 'ticket_volume').reduce((s, r) => s + Number(r.reopened), 0)).toBeGreaterThan(0);
    const surveys = rows('service', 'survey_scores_by_channel');
    expect(surveys.some((r) => typeof r.nps === 'number')).toBe(true);
    expect(surveys.some((r) => typeof r.csat_average === 'number')).toBe(true);
  });
});
