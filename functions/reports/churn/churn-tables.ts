// The churn report's post-processing: model fits and scores turned into its output tables.
import type { ReportContext, ReportTable, ReportTables } from '../report-definition.ts';
import { probabilityAlive, type BgNbdFit } from '../models/bgnbd.ts';
import { calibrationCheck, type CalibrationCheck } from './calibration.ts';
import { churnSettings, type ChurnSettings } from './churn-settings.ts';
import { contractRetention, type ContractRetention } from './contract-retention.ts';
import { readCustomerStatistics, scorePurchases, type CustomerScore, type PurchaseModels } from './purchase-scores.ts';
import { cents, columns, requireTable } from './table-rows.ts';

type Row = Record<string, unknown>;

export async function churnTables(context: ReportContext, settings: ChurnSettings = churnSettings()): Promise<ReportTables> {
  const statistics = readCustomerStatistics(requireTable(context.tables, 'customer_statistics').rows);
  const purchases = scorePurchases(statistics, settings);
  const calibration = calibrationCheck(requireTable(context.tables, 'calibration_statistics').rows);
  const contracts = contractRetention(requireTable(context.tables, 'contract_cohorts').rows, settings.annualDiscountRate);
  const previouslyAtRisk = await previousAtRisk(context, settings);
  return {
    customer_scores: scoresTable(purchases.scores, settings, previouslyAtRisk),
    at_risk: atRiskTable(purchases.scores, settings),
    p_alive_matrix: pAliveMatrix(purchases.bgnbd, statistics.map((s) => s.T)),
    clv_distribution: clvDistribution(purchases.scores),
    calibration_holdout: calibrationTable(calibration),
    cohort_retention: cohortRetentionTable(contracts),
    cohort_models: cohortModelsTable(contracts),
    model_fits: modelFitsTable(purchases, calibration, contracts),
  };
}

/** Customers (and currency) at or above the threshold in the previous run: they were alerted then. */
async function previousAtRisk(context: ReportContext, settings: ChurnSettings): Promise<Set<string>> {
  const rows = (await context.previous?.table('customer_scores')) ?? [];
  return new Set(rows.filter((r) => typeof r.churn_risk === 'number' && r.churn_risk >= settings.riskThreshold).map((r) => `${r.customer_id}|${r.currency}`));
}

function scoresTable(scores: readonly CustomerScore[], settings: ChurnSettings, previouslyAtRisk: Set<string>): ReportTable {
  return {
    columns: columns(
      ['customer_id', 'string'],
      ['currency', 'string'],
      ['x', 'bigint'],
      ['t_x', 'double'],
      ['t', 'double'],
      ['last_purchase', 'date'],
      ['p_alive', 'double'],
      ['expected_purchases_30d', 'double'],
      ['expected_purchases_90d', 'double'],
      ['expected_purchases_365d', 'double'],
      ['expected_order_value', 'decimal'],
      ['clv_12m', 'decimal'],
      ['churn_risk', 'double'],
      ['value_at_risk', 'decimal'],
      ['newly_at_risk', 'boolean'],
    ),
    rows: scores.map((s) => ({
      customer_id: s.customerId,
      currency: s.currency,
      x: s.x,
      t_x: s.tx,
      t: s.T,
      last_purchase: s.lastPurchase,
      p_alive: s.pAlive,
      expected_purchases_30d: s.expected30,
      expected_purchases_90d: s.expected90,
      expected_purchases_365d: s.expected365,
      expected_order_value: s.expectedValue === null ? null : cents(s.expectedValue),
      clv_12m: s.clv12m === null ? null : cents(s.clv12m),
      churn_risk: s.churnRisk,
      value_at_risk: s.valueAtRisk === null ? null : cents(s.valueAtRisk),
      newly_at_risk: s.churnRisk >= settings.riskThreshold && !previouslyAtRisk.has(`${s.customerId}|${s.currency}`),
    })),
  };
}

/** Per currency, the customers at or above the risk threshold with the most value at risk first. */
function atRiskTable(scores: readonly CustomerScore[], settings: ChurnSettings): ReportTable {
  const rows: Row[] = [];
  for (const currency of [...new Set(scores.map((s) => s.currency))].sort()) {
    const ranked = scores
      .filter((s) => s.currency === currency && s.churnRisk >= settings.riskThreshold && s.valueAtRisk !== null)
      .sort((a, b) => b.valueAtRisk! - a.valueAtRisk! || a.customerId.localeCompare(b.customerId))
      .slice(0, settings.atRiskListSize);
    ranked.forEach((s, i) =>
      rows.push({
        currency,
        rank: i + 1,
        customer_id: s.customerId,
        churn_risk: s.churnRisk,
        value_at_risk: cents(s.valueAtRisk!),
        clv_12m: cents(s.clv12m ?? 0),
        x: s.x,
        last_purchase: s.lastPurchase,
      }),
    );
  }
  return {
    columns: columns(['currency', 'string'], ['rank', 'bigint'], ['customer_id', 'string'], ['churn_risk', 'double'], ['value_at_risk', 'decimal'], ['clv_12m', 'decimal'], ['x', 'bigint'], ['last_purchase', 'date']),
    rows,
  };
}

/** P(alive) of a customer aged the oldest customer's T, by repeat purchases and weeks since the first purchase of the last one. */
function pAliveMatrix(fit: BgNbdFit | undefined, ages: readonly number[]): ReportTable {
  const table = { columns: columns(['frequency', 'bigint'], ['recency_weeks', 'double'], ['t', 'double'], ['p_alive', 'double']), rows: [] as Row[] };
  if (!fit || !ages.length) return table;
  const T = ages.reduce((m, t) => Math.max(m, t), 0);
  const steps = 12;
  for (let frequency = 1; frequency <= 20; frequency++) {
    for (let k = 0; k <= steps; k++) {
      const recency = Math.round(((T * k) / steps) * 10) / 10;
      table.rows.push({ frequency, recency_weeks: recency, t: T, p_alive: probabilityAlive(fit, { x: frequency, tx: Math.min(recency, T), T }) });
    }
  }
  return table;
}

/** Customers by 12-month CLV band, per currency: ten equal bands up to the 95th percentile, then the rest. */
function clvDistribution(scores: readonly CustomerScore[]): ReportTable {
  const rows: Row[] = [];
  for (const currency of [...new Set(scores.map((s) => s.currency))].sort()) {
    const values = scores.filter((s) => s.currency === currency && s.clv12m !== null).map((s) => s.clv12m!).sort((a, b) => a - b);
    if (!values.length) continue;
    const top = values[Math.min(values.length - 1, Math.floor(values.length * 0.95))]!;
    const width = niceStep(top / 10);
    const bands = Math.max(1, Math.ceil(top / width));
    const counts = Array.from({ length: bands + 1 }, () => 0);
    for (const v of values) counts[Math.min(bands, Math.floor(v / width))]!++;
    counts.forEach((customers, i) => {
      if (i === bands && customers === 0) return;
      const from = i * width;
      rows.push({ currency, band: i + 1, label: i === bands ? `≥ ${formatBound(from)}` : `${formatBound(from)}–${formatBound(from + width)}`, clv_from: cents(from), clv_to: i === bands ? null : cents(from + width), customers });
    });
  }
  return { columns: columns(['currency', 'string'], ['band', 'bigint'], ['label', 'string'], ['clv_from', 'decimal'], ['clv_to', 'decimal'], ['customers', 'bigint']), rows };
}

/** 1, 2 or 5 times a power of ten, at least the given step (and at least one cent). */
function niceStep(raw: number): number {
  if (!(raw > 0.01)) return 0.01;
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
}

const formatBound = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(2));

function calibrationTable(check: CalibrationCheck | undefined): ReportTable {
  return {
    columns: columns(['frequency', 'bigint'], ['label', 'string'], ['customers', 'bigint'], ['actual_purchases', 'double'], ['predicted_purchases', 'double']),
    rows: (check?.groups ?? []).map((g) => ({ frequency: g.frequency, label: g.label, customers: g.customers, actual_purchases: g.actual, predicted_purchases: g.predicted })),
  };
}

function cohortRetentionTable({ survival }: ContractRetention): ReportTable {
  return {
    columns: columns(['cohort', 'date'], ['term', 'bigint'], ['customers', 'bigint'], ['reached', 'bigint'], ['observed_survival', 'double'], ['projected_survival', 'double']),
    rows: survival.map((s) => ({ cohort: s.cohort, term: s.term, customers: s.customers, reached: s.reached, observed_survival: s.observed, projected_survival: s.projected })),
  };
}

function cohortModelsTable({ models }: ContractRetention): ReportTable {
  return {
    columns: columns(
      ['cohort', 'date'],
      ['currency', 'string'],
      ['customers', 'bigint'],
      ['active', 'bigint'],
      ['churned', 'bigint'],
      ['alpha', 'double'],
      ['beta', 'double'],
      ['active_contract_value', 'decimal'],
      ['residual_value', 'decimal'],
    ),
    rows: models.map((m) => ({
      cohort: m.cohort,
      currency: m.currency,
      customers: m.customers,
      active: m.active,
      churned: m.churned,
      alpha: m.fit?.alpha ?? null,
      beta: m.fit?.beta ?? null,
      active_contract_value: cents(m.activeValue),
      residual_value: m.residualValue === null ? null : cents(m.residualValue),
    })),
  };
}

/** Every fitted parameter, long format: what summary.json and the dashboard report. */
function modelFitsTable(purchases: PurchaseModels, calibration: CalibrationCheck | undefined, contracts: ContractRetention): ReportTable {
  const rows: Row[] = [];
  const add = (model: string, scope: string, values: Record<string, number>) => {
    for (const [parameter, value] of Object.entries(values)) rows.push({ model, scope, parameter, value });
  };
  const b = purchases.bgnbd;
  if (b) add('bgnbd', 'all', { r: b.r, alpha: b.alpha, a: b.a, b: b.b, log_likelihood: b.logLikelihood, customers: b.customers, distinct_rows: b.distinctRows });
  for (const s of purchases.spend) if (s.fit) add('gamma_gamma', s.currency, { p: s.fit.p, q: s.fit.q, gamma: s.fit.gamma, log_likelihood: s.fit.logLikelihood, customers: s.fit.customers });
  if (calibration) {
    const c = calibration.fit;
    add('bgnbd_calibration', calibration.cutoff, { r: c.r, alpha: c.alpha, a: c.a, b: c.b, log_likelihood: c.logLikelihood, customers: c.customers, holdout_weeks: calibration.holdoutWeeks });
  }
  const fitted = new Map(contracts.models.filter((m) => m.fit).map((m) => [m.cohort, m.fit!]));
  for (const [cohort, fit] of [...fitted.entries()].sort(([a], [b2]) => a.localeCompare(b2))) add('sbg', cohort, { alpha: fit.alpha, beta: fit.beta, log_likelihood: fit.logLikelihood, customers: fit.customers });
  return { columns: columns(['model', 'string'], ['scope', 'string'], ['parameter', 'string'], ['value', 'double']), rows };
}
