// The pipeline report's model step, from the SQL table `stage_history`: stage-to-win probabilities
// learned from closed deals (by stage and age in stage), the open deals weighted by them and put in a
// forecast category, the weighted pipeline by expected close month, stage conversion, and a backtest of
// the learned probabilities against the ones the reps entered. Money in cents per currency.
import { ageBucketOf, bucketsReached, DEFAULT_AGE_BUCKETS, learnWinProbabilities, winProbability, type StageSpell, type WinProbabilityModel } from '../models/stage-win-probability.ts';
import { brierScore, logLoss, type ScoredForecast } from '../models/probability-scores.ts';
import type { ReportColumn, ReportContext, ReportTable, ReportTables } from '../report-definition.ts';
import type { PipelineSettings } from './settings.ts';

type Row = Record<string, unknown>;

/** Open stages in pipeline order; a deal advances when it moves to a later one or is won. */
export const OPEN_STAGES = ['prospecting', 'qualification', 'proposal', 'negotiation'] as const;
const STAGE_ORDER = [...OPEN_STAGES, 'closed_won'] as readonly string[];
const stageRank = (stage: string) => {
  const i = STAGE_ORDER.indexOf(stage);
  return i < 0 ? STAGE_ORDER.length : i;
};

const col = (name: string, kind: ReportColumn['kind']): ReportColumn => ({ name, kind });
const cents = (v: unknown) => Math.round(Number(v ?? 0) * 100);
const round = (v: number | null, places = 6) => (v === null ? null : Math.round(v * 10 ** places) / 10 ** places);
const DAY_MS = 86_400_000;

export interface SpellRow {
  opportunityId: string;
  ownerId: string;
  currency: string;
  stage: string;
  nextStage: string | null;
  enteredAt: number;
  leftAt: number | null;
  daysInStage: number;
  repProbability: number;
  outcome: 'won' | 'lost' | 'open';
  closedAt: number | null;
  amount: number;
  currentRepProbability: number;
  expectedCloseDate: string;
}

export function spellRows(table: ReportTable | undefined): SpellRow[] {
  const time = (v: unknown) => (v === null || v === undefined ? null : Date.parse(String(v)));
  return (table?.rows ?? []).map((r) => ({
    opportunityId: String(r.opportunity_id),
    ownerId: String(r.owner_id),
    currency: String(r.currency),
    stage: String(r.stage),
    nextStage: r.next_stage === null || r.next_stage === undefined ? null : String(r.next_stage),
    enteredAt: time(r.entered_at)!,
    leftAt: time(r.left_at),
    daysInStage: Number(r.days_in_stage),
    repProbability: Number(r.rep_probability),
    outcome: r.outcome as SpellRow['outcome'],
    closedAt: time(r.closed_at),
    amount: Number(r.amount),
    currentRepProbability: Number(r.current_rep_probability),
    expectedCloseDate: String(r.expected_close_date),
  }));
}

const closedSpells = (rows: readonly SpellRow[], closedBefore = Infinity): StageSpell[] =>
  rows
    .filter((s) => s.outcome !== 'open' && s.closedAt !== null && s.closedAt < closedBefore)
    .map((s) => ({ opportunityId: s.opportunityId, stage: s.stage, daysInStage: s.daysInStage, won: s.outcome === 'won' }));

function winProbabilityTable(model: WinProbabilityModel, spells: readonly SpellRow[]): ReportTable {
  const repSum = new Map<string, { sum: number; n: number }>();
  for (const s of spells) {
    if (s.outcome === 'open') continue;
    for (const b of bucketsReached(s.daysInStage, model.buckets)) {
      const key = `${s.stage}|${b.label}`;
      const acc = repSum.get(key) ?? { sum: 0, n: 0 };
      repSum.set(key, { sum: acc.sum + s.repProbability, n: acc.n + 1 });
    }
  }
  const bucketRank = (label: string) => model.buckets.findIndex((b) => b.label === label);
  const rows = [...model.cells]
    .sort((a, b) => stageRank(a.stage) - stageRank(b.stage) || a.stage.localeCompare(b.stage) || bucketRank(a.bucket) - bucketRank(b.bucket))
    .map((c) => {
      const rep = repSum.get(`${c.stage}|${c.bucket}`);
      return { stage: c.stage, age_bucket: c.bucket, closed_deals: c.deals, won: c.won, observed_win_rate: round(c.won / c.deals), learned_probability: round(c.probability), average_rep_probability: rep ? round(rep.sum / rep.n) : null };
    });
  return {
    columns: [col('stage', 'string'), col('age_bucket', 'string'), col('closed_deals', 'bigint'), col('won', 'bigint'), col('observed_win_rate', 'double'), col('learned_probability', 'double'), col('average_rep_probability', 'double')],
    rows,
  };
}

export function forecastCategory(probability: number, settings: PipelineSettings): string {
  return probability >= settings.commitThreshold ? 'commit' : probability >= settings.bestCaseThreshold ? 'best_case' : 'pipeline';
}

const CATEGORY_ORDER = ['commit', 'best_case', 'pipeline'];

function openDeals(model: WinProbabilityModel, spells: readonly SpellRow[], settings: PipelineSettings, asOf: string): ReportTable {
  const asOfMonth = `${asOf.slice(0, 7)}-01`;
  const rows = spells
    .filter((s) => s.outcome === 'open' && s.leftAt === null)
    .map((s) => {
      const learned = winProbability(model, s.stage, s.daysInStage);
      // With nothing learnt yet, the rep's probability is all there is.
      const probability = learned ?? s.currentRepProbability;
      const month = `${s.expectedCloseDate.slice(0, 7)}-01`;
      return {
        opportunity_id: s.opportunityId,
        owner_id: s.ownerId,
        currency: s.currency,
        stage: s.stage,
        days_in_stage: s.daysInStage,
        age_bucket: ageBucketOf(s.daysInStage, model.buckets).label,
        amount: s.amount,
        rep_probability: s.currentRepProbability,
        learned_probability: round(learned),
        forecast_category: forecastCategory(probability, settings),
        expected_close_date: s.expectedCloseDate,
        // A deal whose expected close date has passed is still expected: it rolls into the as-of month.
        close_month: month < asOfMonth ? asOfMonth : month,
        weighted_amount: Math.round(cents(s.amount) * probability) / 100,
        rep_weighted_amount: Math.round(cents(s.amount) * s.currentRepProbability) / 100,
      };
    })
    .sort((a, b) => a.close_month.localeCompare(b.close_month) || a.currency.localeCompare(b.currency) || a.opportunity_id.localeCompare(b.opportunity_id));
  return {
    columns: [
      col('opportunity_id', 'string'), col('owner_id', 'string'), col('currency', 'string'), col('stage', 'string'), col('days_in_stage', 'double'), col('age_bucket', 'string'),
      col('amount', 'decimal'), col('rep_probability', 'double'), col('learned_probability', 'double'), col('forecast_category', 'string'),
      col('expected_close_date', 'date'), col('close_month', 'date'), col('weighted_amount', 'decimal'), col('rep_weighted_amount', 'decimal'),
    ],
    rows,
  };
}

function pipelineForecast(open: ReportTable): ReportTable {
  const groups = new Map<string, { currency: string; close_month: string; forecast_category: string; deals: number; amount: number; weighted: number; rep: number }>();
  for (const d of open.rows) {
    const key = `${d.currency}|${d.close_month}|${d.forecast_category}`;
    const g = groups.get(key) ?? { currency: String(d.currency), close_month: String(d.close_month), forecast_category: String(d.forecast_category), deals: 0, amount: 0, weighted: 0, rep: 0 };
    g.deals += 1;
    g.amount += cents(d.amount);
    g.weighted += cents(d.weighted_amount);
    g.rep += cents(d.rep_weighted_amount);
    groups.set(key, g);
  }
  const rows = [...groups.values()]
    .sort((a, b) => a.currency.localeCompare(b.currency) || a.close_month.localeCompare(b.close_month) || CATEGORY_ORDER.indexOf(a.forecast_category) - CATEGORY_ORDER.indexOf(b.forecast_category))
    .map((g) => ({ currency: g.currency, close_month: g.close_month, forecast_category: g.forecast_category, deals: g.deals, amount: g.amount / 100, weighted_amount: g.weighted / 100, rep_weighted_amount: g.rep / 100 }));
  return {
    columns: [col('currency', 'string'), col('close_month', 'date'), col('forecast_category', 'string'), col('deals', 'bigint'), col('amount', 'decimal'), col('weighted_amount', 'decimal'), col('rep_weighted_amount', 'decimal')],
    rows,
  };
}

const median = (values: number[]): number | null => {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function stageConversion(spells: readonly SpellRow[], since: number): ReportTable {
  const rows = OPEN_STAGES.map((stage) => {
    const entries = spells.filter((s) => s.stage === stage && s.enteredAt >= since);
    const left = entries.filter((s) => s.nextStage !== null);
    const advanced = left.filter((s) => s.nextStage !== 'closed_lost' && stageRank(s.nextStage!) > stageRank(stage)).length;
    const lost = left.filter((s) => s.nextStage === 'closed_lost').length;
    return {
      stage,
      entered: entries.length,
      advanced,
      lost,
      moved_back: left.length - advanced - lost,
      still_in_stage: entries.length - left.length,
      conversion_rate: advanced + lost > 0 ? round(advanced / (advanced + lost)) : null,
      median_days_in_stage: round(median(left.map((s) => s.daysInStage)), 2),
    };
  });
  return {
    columns: [col('stage', 'string'), col('entered', 'bigint'), col('advanced', 'bigint'), col('lost', 'bigint'), col('moved_back', 'bigint'), col('still_in_stage', 'bigint'), col('conversion_rate', 'double'), col('median_days_in_stage', 'double')],
    rows,
  };
}

export interface PipelineBacktest {
  /** Deals closed before this instant train; those closed since are scored. */
  cutoff: string;
  trainingDeals: number;
  evaluatedDeals: number;
  /** One per (deal, stage, age bucket) the scored deals reached. */
  points: number;
  learned: { brierScore: number | null; logLoss: number | null; meanProbability: number | null };
  repEntered: { brierScore: number | null; logLoss: number | null; meanProbability: number | null };
  observedWinRate: number | null;
}

/** Learns from the deals closed before the cutoff and scores both probabilities on the deals closed since, at every stage and age bucket they reached. */
export function pipelineBacktest(spells: readonly SpellRow[], cutoffMs: number, priorWeight: number): PipelineBacktest {
  const model = learnWinProbabilities(closedSpells(spells, cutoffMs), { priorWeight });
  const learned: ScoredForecast[] = [];
  const rep: ScoredForecast[] = [];
  const seen = new Set<string>();
  const deals = new Set<string>();
  for (const s of spells) {
    if (s.outcome === 'open' || s.closedAt === null || s.closedAt < cutoffMs || model.overall === null) continue;
    deals.add(s.opportunityId);
    for (const b of bucketsReached(s.daysInStage, DEFAULT_AGE_BUCKETS)) {
      const key = `${s.opportunityId}|${s.stage}|${b.label}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const outcome = s.outcome === 'won';
      learned.push({ probability: winProbability(model, s.stage, b.from)!, outcome });
      rep.push({ probability: s.repProbability, outcome });
    }
  }
  const mean = (f: readonly ScoredForecast[]) => (f.length ? f.reduce((t, x) => t + x.probability, 0) / f.length : null);
  const scores = (f: readonly ScoredForecast[]) => ({ brierScore: round(brierScore(f)), logLoss: round(logLoss(f)), meanProbability: round(mean(f)) });
  return {
    cutoff: new Date(cutoffMs).toISOString(),
    trainingDeals: model.deals,
    evaluatedDeals: deals.size,
    points: learned.length,
    learned: scores(learned),
    repEntered: scores(rep),
    observedWinRate: learned.length ? round(learned.filter((f) => f.outcome).length / learned.length) : null,
  };
}

function backtestTable(b: PipelineBacktest): ReportTable {
  const row = (method: string, s: PipelineBacktest['learned']) => ({
    method, training_deals: b.trainingDeals, evaluated_deals: b.evaluatedDeals, evaluation_points: b.points, brier_score: s.brierScore, log_loss: s.logLoss, mean_probability: s.meanProbability, observed_win_rate: b.observedWinRate,
  });
  return {
    columns: [col('method', 'string'), col('training_deals', 'bigint'), col('evaluated_deals', 'bigint'), col('evaluation_points', 'bigint'), col('brier_score', 'double'), col('log_loss', 'double'), col('mean_probability', 'double'), col('observed_win_rate', 'double')],
    rows: [row('learned', b.learned), row('rep_entered', b.repEntered)],
  };
}

export const backtestCutoff = (asOf: string, days: number) => Date.parse(`${asOf}T00:00:00Z`) + DAY_MS - days * DAY_MS;

export function pipelinePostProcess(settings: PipelineSettings) {
  return ({ asOf, tables }: ReportContext): ReportTables => {
    const spells = spellRows(tables.stage_history);
    const model = learnWinProbabilities(closedSpells(spells), { priorWeight: settings.priorWeight });
    const open = openDeals(model, spells, settings, asOf);
    return {
      pipeline_forecast: pipelineForecast(open),
      open_deals: open,
      win_probabilities: winProbabilityTable(model, spells),
      stage_conversion: stageConversion(spells, backtestCutoff(asOf, settings.conversionDays)),
      backtest: backtestTable(pipelineBacktest(spells, backtestCutoff(asOf, settings.backtestDays), settings.priorWeight)),
    };
  };
}

/** summary.json's `backtest` and `winProbabilities` blocks. */
export function pipelineSummary(settings: PipelineSettings) {
  return ({ asOf, tables }: ReportContext): Record<string, unknown> => {
    const spells = spellRows(tables.stage_history);
    const model = learnWinProbabilities(closedSpells(spells), { priorWeight: settings.priorWeight });
    return {
      winProbabilities: { closedDeals: model.deals, overallWinRate: round(model.overall), priorWeight: settings.priorWeight, ageBuckets: model.buckets.map((b) => b.label) },
      backtest: pipelineBacktest(spells, backtestCutoff(asOf, settings.backtestDays), settings.priorWeight),
    };
  };
}
