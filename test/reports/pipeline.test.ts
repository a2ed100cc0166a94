// pipeline on DuckDB over a hand-made opportunity history (pipeline-lake-fixture.ts), as of 2024-06-30:
// the end of the as-of day is 2024-07-01T00:00Z, the backtest cutoff 180 days before (2024-01-03), the
// stage-conversion window 365 days before (2023-07-02). Every figure is worked out by hand in the comments.
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocalQueryEngine, type LocalQueryEngine } from '#lib/query/duckdb-engine.ts';
import { runReportSql } from '#functions/reports/report-sql.ts';
import { pipeline, pipelineReport } from '#functions/reports/pipeline/report.ts';
import type { ReportTables } from '#functions/reports/report-definition.ts';
import { brierScore, logLoss } from '#functions/reports/models/probability-scores.ts';
import { ageBucketOf, learnWinProbabilities, winProbability } from '#functions/reports/models/stage-win-probability.ts';
import { tempDir } from './sales-lake-fixture.ts';
import { writeFixtureLake } from './lake-rows.ts';
import { pipelineLake } from './pipeline-lake-fixture.ts';

const AS_OF = '2024-06-30';
// commit at 55% so the fixture's best cell (qualification, first two weeks: 0.5625) is a commit.
const report = pipelineReport({ commitThreshold: 0.55 });
let dir: string;
let engine: LocalQueryEngine;
let tables: Record<string, ReportTables[string]>;

beforeAll(async () => {
  dir = await tempDir('pipeline-');
  engine = await openLocalQueryEngine({ lakeDir: await writeFixtureLake(dir, { opportunity: pipelineLake }), threads: 1 });
  tables = {};
  for (const name of ['stage_history', 'win_rates', 'slippage']) tables[name] = await runReportSql(engine, report, name, AS_OF);
  Object.assign(tables, await report.postProcess!({ asOf: AS_OF, tables }));
});
afterAll(async () => {
  await engine.close();
  await rm(dir, { recursive: true, force: true });
});

const pick = (rows: readonly Record<string, unknown>[], keys: string[]) => rows.map((r) => Object.fromEntries(keys.map((k) => [k, r[k]])));

describe('pipeline as of 2024-06-30', () => {
  it('stage_history: one row per stay in an open stage, versions in one stage merged, nothing after the as-of date', () => {
    expect(pick(tables.stage_history!.rows, ['opportunity_id', 'spell', 'stage', 'next_stage', 'days_in_stage', 'rep_probability', 'outcome', 'currency'])).toEqual([
      { opportunity_id: 'd1', spell: 1, stage: 'prospecting', next_stage: 'qualification', days_in_stage: 10, rep_probability: 0.1, outcome: 'won', currency: 'EUR' },
      { opportunity_id: 'd1', spell: 2, stage: 'qualification', next_stage: 'closed_won', days_in_stage: 10, rep_probability: 0.25, outcome: 'won', currency: 'EUR' },
      { opportunity_id: 'd2', spell: 1, stage: 'prospecting', next_stage: 'closed_lost', days_in_stage: 50, rep_probability: 0.1, outcome: 'lost', currency: 'EUR' },
      { opportunity_id: 'd3', spell: 1, stage: 'prospecting', next_stage: 'qualification', days_in_stage: 5, rep_probability: 0.1, outcome: 'lost', currency: 'EUR' },
      { opportunity_id: 'd3', spell: 2, stage: 'qualification', next_stage: 'closed_lost', days_in_stage: 30, rep_probability: 0.25, outcome: 'lost', currency: 'EUR' },
      { opportunity_id: 'd4', spell: 1, stage: 'prospecting', next_stage: 'qualification', days_in_stage: 20, rep_probability: 0.1, outcome: 'won', currency: 'EUR' },
      { opportunity_id: 'd4', spell: 2, stage: 'qualification', next_stage: 'closed_won', days_in_stage: 10, rep_probability: 0.25, outcome: 'won', currency: 'EUR' },
      { opportunity_id: 'd5', spell: 1, stage: 'prospecting', next_stage: 'closed_lost', days_in_stage: 4, rep_probability: 0.1, outcome: 'lost', currency: 'USD' },
      { opportunity_id: 'd6', spell: 1, stage: 'prospecting', next_stage: 'qualification', days_in_stage: 40, rep_probability: 0.1, outcome: 'open', currency: 'EUR' },
      { opportunity_id: 'd6', spell: 2, stage: 'qualification', next_stage: null, days_in_stage: 21, rep_probability: 0.25, outcome: 'open', currency: 'EUR' },
      { opportunity_id: 'd7', spell: 1, stage: 'prospecting', next_stage: null, days_in_stage: 42, rep_probability: 0.1, outcome: 'open', currency: 'EUR' },
      { opportunity_id: 'd8', spell: 1, stage: 'qualification', next_stage: null, days_in_stage: 6, rep_probability: 0.5, outcome: 'open', currency: 'EUR' },
    ]);
  });

  it('win_probabilities: shrunk rates by stage and age bucket from the five closed deals', () => {
    // Overall 2 won of 5 = 0.4. Prospecting: all five, 2 won → (2 + 5·0.4)/(5 + 5) = 0.4. Qualification:
    // d1 W, d3 L, d4 W → (2 + 5·0.4)/(3 + 5) = 0.5. Cells shrink towards their stage with weight 5:
    // prospecting 15-29 (d2 L, d4 W) (1 + 2)/7; 30-59 (d2) 2/6; qualification 0-14 (d1, d3, d4) (2 + 2.5)/8;
    // 15-29 and 30-59 (d3 L) 2.5/6.
    const r6 = (x: number) => Math.round(x * 1e6) / 1e6;
    expect(tables.win_probabilities!.rows).toEqual([
      { stage: 'prospecting', age_bucket: '0-14 days', closed_deals: 5, won: 2, observed_win_rate: 0.4, learned_probability: 0.4, average_rep_probability: 0.1 },
      { stage: 'prospecting', age_bucket: '15-29 days', closed_deals: 2, won: 1, observed_win_rate: 0.5, learned_probability: r6(3 / 7), average_rep_probability: 0.1 },
      { stage: 'prospecting', age_bucket: '30-59 days', closed_deals: 1, won: 0, observed_win_rate: 0, learned_probability: r6(1 / 3), average_rep_probability: 0.1 },
      { stage: 'qualification', age_bucket: '0-14 days', closed_deals: 3, won: 2, observed_win_rate: r6(2 / 3), learned_probability: 0.5625, average_rep_probability: 0.25 },
      { stage: 'qualification', age_bucket: '15-29 days', closed_deals: 1, won: 0, observed_win_rate: 0, learned_probability: r6(2.5 / 6), average_rep_probability: 0.25 },
      { stage: 'qualification', age_bucket: '30-59 days', closed_deals: 1, won: 0, observed_win_rate: 0, learned_probability: r6(2.5 / 6), average_rep_probability: 0.25 },
    ]);
  });

  it('open_deals and pipeline_forecast: weighted by the learned probability, by close month and category', () => {
    // d6: qualification 21 days → 2.5/6 (best case); d7: prospecting 42 days → 1/3 (pipeline), past its
    // close date so in the as-of month; d8: qualification 6 days → 0.5625 ≥ 0.55 (commit).
    expect(pick(tables.open_deals!.rows, ['opportunity_id', 'age_bucket', 'learned_probability', 'forecast_category', 'close_month', 'weighted_amount', 'rep_weighted_amount'])).toEqual([
      { opportunity_id: 'd7', age_bucket: '30-59 days', learned_probability: 0.333333, forecast_category: 'pipeline', close_month: '2024-06-01', weighted_amount: 166.67, rep_weighted_amount: 50 },
      { opportunity_id: 'd8', age_bucket: '0-14 days', learned_probability: 0.5625, forecast_category: 'commit', close_month: '2024-06-01', weighted_amount: 1125, rep_weighted_amount: 1000 },
      { opportunity_id: 'd6', age_bucket: '15-29 days', learned_probability: 0.416667, forecast_category: 'best_case', close_month: '2024-07-01', weighted_amount: 416.67, rep_weighted_amount: 250 },
    ]);
    expect(tables.pipeline_forecast!.rows).toEqual([
      { currency: 'EUR', close_month: '2024-06-01', forecast_category: 'commit', deals: 1, amount: 2000, weighted_amount: 1125, rep_weighted_amount: 1000 },
      { currency: 'EUR', close_month: '2024-06-01', forecast_category: 'pipeline', deals: 1, amount: 500, weighted_amount: 166.67, rep_weighted_amount: 50 },
      { currency: 'EUR', close_month: '2024-07-01', forecast_category: 'best_case', deals: 1, amount: 1000, weighted_amount: 416.67, rep_weighted_amount: 250 },
    ]);
  });

  it('stage_conversion: entries of the last 365 days, advanced, lost, still there, median days', () => {
    // Prospecting: 7 entries; d1, d3, d4, d6 advanced, d2 and d5 lost, d7 still there; days of those that
    // left 4, 5, 10, 20, 40, 50 → median 15. Qualification: d1, d3, d4, d6, d8; d1 and d4 won, d3 lost.
    expect(tables.stage_conversion!.rows).toEqual([
      { stage: 'prospecting', entered: 7, advanced: 4, lost: 2, moved_back: 0, still_in_stage: 1, conversion_rate: Math.round((4 / 6) * 1e6) / 1e6, median_days_in_stage: 15 },
      { stage: 'qualification', entered: 5, advanced: 2, lost: 1, moved_back: 0, still_in_stage: 2, conversion_rate: Math.round((2 / 3) * 1e6) / 1e6, median_days_in_stage: 10 },
      { stage: 'proposal', entered: 0, advanced: 0, lost: 0, moved_back: 0, still_in_stage: 0, conversion_rate: null, median_days_in_stage: null },
      { stage: 'negotiation', entered: 0, advanced: 0, lost: 0, moved_back: 0, still_in_stage: 0, conversion_rate: null, median_days_in_stage: null },
    ]);
  });

  it('backtest: learned from the 2023 deals, scored with the rep probabilities on the 2024 ones', () => {
    // Training d1 W, d2 L, d3 L: overall 1/3; prospecting 1/3 (cells 0-14: 1/3, 15-29: (0 + 5/3)/6 = 5/18);
    // qualification (1 + 5/3)/7 = 8/21, cell 0-14 (1 + 5·8/21)/7 = 61/147. Points: d4 (won) prospecting
    // 0-14 and 15-29, qualification 0-14; d5 (lost) prospecting 0-14.
    const learned = ((2 / 3) ** 2 + (13 / 18) ** 2 + (86 / 147) ** 2 + (1 / 3) ** 2) / 4;
    const rep = (0.9 ** 2 + 0.9 ** 2 + 0.75 ** 2 + 0.1 ** 2) / 4;
    const learnedLoss = -(Math.log(1 / 3) + Math.log(5 / 18) + Math.log(61 / 147) + Math.log(2 / 3)) / 4;
    const repLoss = -(Math.log(0.1) + Math.log(0.1) + Math.log(0.25) + Math.log(0.9)) / 4;
    const r6 = (x: number) => Math.round(x * 1e6) / 1e6;
    expect(tables.backtest!.rows).toEqual([
      { method: 'learned', training_deals: 3, evaluated_deals: 2, evaluation_points: 4, brier_score: r6(learned), log_loss: r6(learnedLoss), mean_probability: r6((1 / 3 + 5 / 18 + 61 / 147 + 1 / 3) / 4), observed_win_rate: 0.75 },
      { method: 'rep_entered', training_deals: 3, evaluated_deals: 2, evaluation_points: 4, brier_score: r6(rep), log_loss: r6(repLoss), mean_probability: 0.1375, observed_win_rate: 0.75 },
    ]);
    const summary = report.summary!({ asOf: AS_OF, tables }) as { backtest: { learned: { brierScore: number }; repEntered: { brierScore: number }; cutoff: string } };
    expect(summary.backtest.cutoff).toBe('2024-01-03T00:00:00.000Z');
    expect(summary.backtest.learned.brierScore).toBe(r6(learned));
    expect(summary.backtest.repEntered.brierScore).toBe(r6(rep));
  });

  it('win_rates: per owner and currency, deals closed in the last 12 months', () => {
    // u1 EUR: d1 won (120, created 2023-09-01, won 2023-09-21: 20 days), d2 lost; u1 USD: d5 lost;
    // u2 EUR: d3 lost, d4 won (300, 2024-02-01 to 2024-03-02: 30 days in a leap year).
    expect(tables.win_rates!.rows).toEqual([
      { owner_id: 'u1', currency: 'EUR', won: 1, lost: 1, win_rate: 0.5, won_amount: 120, average_deal_size: 120, average_sales_cycle_days: 20 },
      { owner_id: 'u1', currency: 'USD', won: 0, lost: 1, win_rate: 0, won_amount: 0, average_deal_size: null, average_sales_cycle_days: null },
      { owner_id: 'u2', currency: 'EUR', won: 1, lost: 1, win_rate: 0.5, won_amount: 300, average_deal_size: 300, average_sales_cycle_days: 30 },
    ]);
  });

  it('slippage: pushes of the expected close date while open, and open deals past it', () => {
    // u1: d1, d2, d5, d6, d8; d2 pushed 31 days, d6 35 → average 33; d8 past its date. u2: d3, d4, d7;
    // d7 past its date (its later push happened after the as-of date).
    expect(tables.slippage!.rows).toEqual([
      { owner_id: 'u1', deals: 5, slipped_deals: 2, slip_rate: 0.4, pushes: 2, average_days_pushed: 33, overdue_open_deals: 1 },
      { owner_id: 'u2', deals: 3, slipped_deals: 0, slip_rate: 0, pushes: 0, average_days_pushed: null, overdue_open_deals: 1 },
    ]);
  });

  it('headlines: pipeline per currency, win rate and the two Brier scores', () => {
    const h = Object.fromEntries(pipeline.headlines({ asOf: AS_OF, tables }).map((x) => [`${x.key}${x.currency ? `:${x.currency}` : ''}`, x.value]));
    expect(h['open_pipeline:EUR']).toBe(3500);
    expect(h['weighted_pipeline:EUR']).toBe(1708.34);
    expect(h['rep_weighted_pipeline:EUR']).toBe(1300);
    expect(h['commit:EUR']).toBe(1125);
    expect(h['average_deal_size:EUR']).toBe(210);
    expect(h.open_deals).toBe(3);
    expect(h.win_rate).toBe(0.4);
  });
});

describe('stage-to-win model and scores', () => {
  it('age buckets begin at 0, 15, 30 and 60 days', () => {
    expect([0, 14.99, 15, 29.9, 30, 59, 60, 400].map((d) => ageBucketOf(d).label)).toEqual(['0-14 days', '0-14 days', '15-29 days', '15-29 days', '30-59 days', '30-59 days', '60+ days', '60+ days']);
  });

  it('falls back to the stage rate, then the overall rate, and learns nothing from nothing', () => {
    const model = learnWinProbabilities([{ opportunityId: 'a', stage: 'proposal', daysInStage: 3, won: true }], { priorWeight: 1 });
    // overall 1; stage (1 + 1)/(1 + 1) = 1; an unseen bucket of proposal takes the stage, an unseen stage the overall rate.
    expect(winProbability(model, 'proposal', 70)).toBe(1);
    expect(winProbability(model, 'negotiation', 1)).toBe(1);
    expect(winProbability(learnWinProbabilities([]), 'proposal', 1)).toBeNull();
  });

  it('Brier score and log loss of a hand-computed set', () => {
    const f = [{ probability: 0.8, outcome: true }, { probability: 0.3, outcome: false }];
    expect(brierScore(f)).toBeCloseTo((0.04 + 0.09) / 2, 12);
    expect(logLoss(f)).toBeCloseTo(-(Math.log(0.8) + Math.log(0.7)) / 2, 12);
    expect(brierScore([])).toBeNull();
  });

  it('refuses settings that make no sense, naming them', () => {
    expect(() => pipelineReport({ commitThreshold: 0.3, bestCaseThreshold: 0.4 })).toThrow(/commitThreshold, bestCaseThreshold/);
    expect(() => pipelineReport({ backtestDays: 0 })).toThrow(/backtestDays/);
  });
});
