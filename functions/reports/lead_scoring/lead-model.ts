// Lead scoring: an L2 logistic regression of conversion on what was known about a lead when it was
// decided (source, campaign, company, contact details, campaign touches, activities, age), fitted on
// converted vs disqualified leads. Validated on time: fitted on leads created up to a cutoff, judged
// on the decided leads created after it (AUC, calibration); then refitted on every decided lead to
// score the open ones 0-100.
import { SOURCES } from '#schemas/entities.ts';
import { auc, calibrationBins, fitLogisticL2, predictLogistic, type CalibrationBin, type LogisticFit } from '../models/logistic-regression.ts';
import { monthsBefore } from '../recommendations/holdout.ts';

export interface LeadRow {
  leadId: string;
  status: string;
  source: string;
  createdOn: string;
  hasCampaign: number;
  hasCompany: number;
  hasPhone: number;
  hasEmail: number;
  campaignTouches: number;
  activities: number;
  ageDays: number;
  /** 1 converted, 0 disqualified, null open. */
  converted: 0 | 1 | null;
}

export interface LeadScoringSettings {
  /** L2 penalty on the standardised coefficients. @default 1 */
  lambda: number;
  /** Decided leads created in the last months before the as-of date are the validation set. @default 6 */
  validationMonths: number;
  /** Calibration bins of predicted probability. @default 10 */
  calibrationBins: number;
}

export const LEAD_SCORING_SETTINGS: Readonly<LeadScoringSettings> = { lambda: 1, validationMonths: 6, calibrationBins: 10 };

export const FEATURES = [
  ...SOURCES.map((s) => `source_${s}`),
  'has_campaign',
  'has_company',
  'has_phone',
  'has_email',
  'log_campaign_touches',
  'log_activities',
  'log_age_days',
] as const;

/** The raw feature vector of a lead, in FEATURES order. */
export function featureVector(l: LeadRow): number[] {
  return [
    ...SOURCES.map((s) => (l.source === s ? 1 : 0)),
    l.hasCampaign,
    l.hasCompany,
    l.hasPhone,
    l.hasEmail,
    Math.log1p(l.campaignTouches),
    Math.log1p(l.activities),
    Math.log1p(l.ageDays),
  ];
}

export interface Standardiser {
  mean: number[];
  sd: number[];
}

/** Column means and standard deviations (sd 1 for a constant column, which then stays 0). */
export function standardiser(rows: readonly number[][]): Standardiser {
  const d = rows[0]?.length ?? 0;
  const mean = new Array<number>(d).fill(0);
  const sd = new Array<number>(d).fill(0);
  for (const r of rows) r.forEach((v, j) => (mean[j] = mean[j]! + v / rows.length));
  for (const r of rows) r.forEach((v, j) => (sd[j] = sd[j]! + (v - mean[j]!) ** 2 / rows.length));
  return { mean, sd: sd.map((v) => (v > 1e-12 ? Math.sqrt(v) : 1)) };
}

const standardise = (s: Standardiser, x: readonly number[]) => x.map((v, j) => (v - s.mean[j]!) / s.sd[j]!);

export interface LeadModel {
  fit: LogisticFit;
  scale: Standardiser;
  leads: number;
  conversions: number;
}

export function fitLeadModel(decided: readonly LeadRow[], lambda: number): LeadModel | undefined {
  const y = decided.map((l) => l.converted!);
  if (!y.includes(0) || !y.includes(1)) return undefined;
  const raw = decided.map(featureVector);
  const scale = standardiser(raw);
  const fit = fitLogisticL2(raw.map((x) => standardise(scale, x)), y, { lambda });
  return { fit, scale, leads: decided.length, conversions: y.filter((v) => v === 1).length };
}

export const conversionProbability = (model: LeadModel, lead: LeadRow) => predictLogistic(model.fit, standardise(model.scale, featureVector(lead)));

export interface LeadScoringResult {
  model?: LeadModel;
  validation: {
    cutoff: string;
    trainLeads: number;
    validationLeads: number;
    auc: number | null;
    /** Mean squared error of the predicted probabilities. */
    brier: number | null;
    calibration: CalibrationBin[];
  };
  /** Open leads with their probability and 0-100 score, by lead id. */
  scores: { leadId: string; status: string; probability: number; score: number }[];
}

export function scoreLeads(leads: readonly LeadRow[], asOf: string, settings: LeadScoringSettings = LEAD_SCORING_SETTINGS): LeadScoringResult {
  const decided = leads.filter((l) => l.converted !== null);
  const cutoff = monthsBefore(asOf, settings.validationMonths);
  const train = decided.filter((l) => l.createdOn <= cutoff);
  const held = decided.filter((l) => l.createdOn > cutoff);
  const early = fitLeadModel(train, settings.lambda);
  const predicted = early ? held.map((l) => conversionProbability(early, l)) : [];
  const labels = held.map((l) => l.converted!);
  const validation = {
    cutoff,
    trainLeads: train.length,
    validationLeads: held.length,
    auc: early && held.length ? auc(predicted, labels) : null,
    brier: early && held.length ? predicted.reduce((s, p, i) => s + (p - labels[i]!) ** 2, 0) / held.length : null,
    calibration: early ? calibrationBins(predicted, labels, settings.calibrationBins) : [],
  };
  const model = fitLeadModel(decided, settings.lambda);
  const scores = model
    ? leads
        .filter((l) => l.converted === null)
        .map((l) => {
          const probability = conversionProbability(model, l);
          return { leadId: l.leadId, status: l.status, probability, score: Math.round(100 * probability) };
        })
    : [];
  return { ...(model ? { model } : {}), validation, scores };
}
