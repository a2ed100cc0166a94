// summary.json blocks, headline figures and events of the churn report, read from its finished tables.
import type { BusEvent } from '#lib/bus/event-bus.ts';
import { REPORT_EVENT_SOURCE } from '#schemas/events.ts';
import type { Headline, ReportContext } from '../report-definition.ts';
import { modelVersion, scoreRecord, type ScoreInput } from '../report-scores.ts';
import { churnSettings } from './churn-settings.ts';

type Row = Record<string, unknown>;

const rowsOf = (context: ReportContext, table: string): Row[] => context.tables[table]?.rows ?? [];

/** The fitted parameters of one model and scope, as {parameter: value}. */
function parameters(context: ReportContext, model: string, scope?: string): Record<string, number> | undefined {
  const rows = rowsOf(context, 'model_fits').filter((r) => r.model === model && (scope === undefined || r.scope === scope));
  return rows.length ? Object.fromEntries(rows.map((r) => [String(r.parameter), Number(r.value)])) : undefined;
}

const scopes = (context: ReportContext, model: string) => [...new Set(rowsOf(context, 'model_fits').filter((r) => r.model === model).map((r) => String(r.scope)))];

/**
 * `bgnbd` {r, alpha, a, b, timeUnit, logLikelihood} (alpha in weeks) and `gammaGamma` {p, q, gamma} of
 * the currency with the most repeat buyers (its code in `currency`; every currency in
 * `gammaGammaByCurrency`), the calibration check's fit and the sBG fit of each contract cohort.
 */
export function churnSummary(context: ReportContext): Record<string, unknown> {
  const b = parameters(context, 'bgnbd');
  const spend = scopes(context, 'gamma_gamma')
    .map((currency) => {
      const g = parameters(context, 'gamma_gamma', currency)!;
      return { p: g.p!, q: g.q!, gamma: g.gamma!, currency, repeatBuyers: g.customers!, logLikelihood: g.log_likelihood! };
    })
    .sort((x, y) => y.repeatBuyers - x.repeatBuyers || x.currency.localeCompare(y.currency));
  const [calibrationScope] = scopes(context, 'bgnbd_calibration');
  const c = calibrationScope ? parameters(context, 'bgnbd_calibration', calibrationScope) : undefined;
  return {
    bgnbd: b ? { r: b.r, alpha: b.alpha, a: b.a, b: b.b, timeUnit: 'week', logLikelihood: b.log_likelihood, customers: b.customers, distinctRows: b.distinct_rows } : null,
    gammaGamma: spend[0] ?? null,
    gammaGammaByCurrency: spend,
    calibration: c ? { cutoff: calibrationScope, holdoutWeeks: c.holdout_weeks, r: c.r, alpha: c.alpha, a: c.a, b: c.b, logLikelihood: c.log_likelihood, customers: c.customers } : null,
    sbg: scopes(context, 'sbg').map((cohort) => {
      const s = parameters(context, 'sbg', cohort)!;
      return { cohort, alpha: s.alpha, beta: s.beta, customers: s.customers, logLikelihood: s.log_likelihood };
    }),
  };
}

const num = (v: unknown) => (typeof v === 'number' ? v : 0);

export function churnHeadlines(context: ReportContext): Headline[] {
  const { riskThreshold } = churnSettings();
  const scores = rowsOf(context, 'customer_scores');
  const currencies = [...new Set(scores.map((r) => String(r.currency)))].sort();
  const perCurrency = (key: string, label: string, column: string, filter: (r: Row) => boolean = () => true): Headline[] =>
    currencies.map((currency) => ({
      key,
      label,
      value: scores.filter((r) => r.currency === currency && filter(r)).reduce((cents, r) => cents + Math.round(num(r[column]) * 100), 0) / 100,
      format: 'money',
      currency,
    }));
  const atRisk = (r: Row) => num(r.churn_risk) >= riskThreshold;
  const repeat = scores.filter((r) => num(r.x) > 0);
  return [
    { key: 'customers_scored', label: 'Customers scored', value: scores.length, format: 'count' },
    { key: 'customers_at_risk', label: `Customers at risk (churn risk ≥ ${riskThreshold})`, value: scores.filter(atRisk).length, format: 'count' },
    { key: 'mean_p_alive_repeat_buyers', label: 'Mean P(alive) of repeat buyers', value: repeat.length ? repeat.reduce((s, r) => s + num(r.p_alive), 0) / repeat.length : null, format: 'ratio' },
    { key: 'expected_purchases_90d', label: 'Expected purchases, next 90 days', value: scores.reduce((s, r) => s + num(r.expected_purchases_90d), 0), format: 'number' },
    ...perCurrency('clv_12m', 'Customer value, next 12 months (discounted)', 'clv_12m'),
    ...perCurrency('value_at_risk', 'Value at risk, customers at risk', 'value_at_risk', atRisk),
  ];
}

/** EventBridge numeric matching reads at most six decimal places: a longer value never matches a rule's range. */
const forNumericMatching = (v: number) => Math.round(v * 1e6) / 1e6;

/** ChurnRiskDetected for customers who crossed the threshold since the previous run (all at risk on the first run). */
export function churnEvents(context: ReportContext): BusEvent[] {
  return rowsOf(context, 'customer_scores')
    .filter((r) => r.newly_at_risk === true)
    .map((r) => ({
      source: REPORT_EVENT_SOURCE,
      detailType: 'ChurnRiskDetected',
      detail: { customerId: String(r.customer_id), churnRisk: forNumericMatching(num(r.churn_risk)), valueAtRisk: forNumericMatching(num(r.value_at_risk)), currency: String(r.currency), asOf: context.asOf },
    }));
}

const round4 = (v: number) => Math.round(v * 1e4) / 1e4;
const mainCurrencyFirst = (a: Row, b: Row) =>
  Number(b.clv_12m) - Number(a.clv_12m) || Number(b.x) - Number(a.x) || (String(a.currency) < String(b.currency) ? -1 : String(a.currency) > String(b.currency) ? 1 : 0);

/**
 * A `churn` score per customer: P(alive), expected purchases in 90 days, the 12-month CLV and churn risk
 * in the customer's main currency (the row with the greatest CLV; then more repeat purchases, then the
 * currency code), since money in two currencies is never added. Figures are rounded to 4 places, so a
 * refit that moves nothing visible writes nothing new.
 */
export function churnScores(context: ReportContext): ScoreInput[] {
  const version = modelVersion('bgnbd-gamma-gamma', churnSettings());
  const main = new Map<string, Row>();
  for (const r of rowsOf(context, 'customer_scores')) {
    const id = String(r.customer_id);
    const best = main.get(id);
    if (!best || mainCurrencyFirst(r, best) < 0) main.set(id, r);
  }
  return [...main.values()].map((r) =>
    scoreRecord('churn', version, context.asOf, { customerId: String(r.customer_id) }, finiteFields({
      pAlive: round4(Number(r.p_alive)),
      expectedPurchases: round4(Number(r.expected_purchases_90d)),
      clv: r.clv_12m === null ? Number.NaN : Number(r.clv_12m),
      currency: String(r.currency),
      churnRisk: round4(Number(r.churn_risk)),
    })),
  );
}

/**
 * A fit on very little data can run to the parameter bounds (BG/NBD a, b → ∞ when no dropout shows), where a figure
 * overflows to NaN: such a figure is left out of the score (absent, not null or NaN), the others are kept.
 */
function finiteFields<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => typeof v !== 'number' || Number.isFinite(v))) as Partial<T>;
}
