// Lead scoring: which open leads will probably convert. An L2 logistic regression (lead-model.ts) on
// converted vs disqualified leads, validated on the most recent months, writes a 0-100 `lead_scoring`
// score record to every open lead.
import type { SCORE_MODELS } from '#schemas/entities.ts';
import { defineReport, type Headline, type ReportColumn, type ReportContext, type ReportTables } from '../report-definition.ts';
import { modelVersion, scoreRecord, type ScoreInput } from '../report-scores.ts';
import { FEATURES, LEAD_SCORING_SETTINGS, scoreLeads, type LeadRow, type LeadScoringResult } from './lead-model.ts';

type Row = Record<string, unknown>;
const MODEL: (typeof SCORE_MODELS)[number] = 'lead_scoring';
const cols = (...pairs: [string, ReportColumn['kind']][]): ReportColumn[] => pairs.map(([name, kind]) => ({ name, kind }));
const rows = (context: ReportContext, table: string): Row[] => context.tables[table]?.rows ?? [];

export function readLeads(tables: ReportTables): LeadRow[] {
  const table = tables.lead_features;
  if (!table) throw new Error('lead_scoring: the SQL table lead_features is missing');
  return table.rows.map((r, i) => {
    const num = (c: string) => {
      const v = r[c];
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`lead_scoring: table lead_features, row ${i + 1}: column ${c} must be a number, got ${JSON.stringify(v)}`);
      return v;
    };
    return {
      leadId: String(r.lead_id),
      status: String(r.status),
      source: String(r.source),
      createdOn: String(r.created_on),
      hasCampaign: num('has_campaign'),
      hasCompany: num('has_company'),
      hasPhone: num('has_phone'),
      hasEmail: num('has_email'),
      campaignTouches: num('campaign_touches'),
      activities: num('activities'),
      ageDays: num('age_days'),
      converted: r.converted === null || r.converted === undefined ? null : num('converted') === 1 ? 1 : 0,
    };
  });
}

function resultTables(result: LeadScoringResult): ReportTables {
  const v = result.validation;
  return {
    lead_scores: {
      columns: cols(['lead_id', 'string'], ['status', 'string'], ['score', 'bigint'], ['probability', 'double']),
      rows: [...result.scores].sort((a, b) => b.score - a.score || (a.leadId < b.leadId ? -1 : 1)).map((s) => ({ lead_id: s.leadId, status: s.status, score: s.score, probability: s.probability })),
    },
    calibration: {
      columns: cols(['bin', 'string'], ['from_probability', 'double'], ['to_probability', 'double'], ['leads', 'bigint'], ['mean_predicted', 'double'], ['observed_rate', 'double']),
      rows: v.calibration.filter((b) => b.count > 0).map((b) => ({ bin: `${Math.round(b.from * 100)}-${Math.round(b.to * 100)}%`, from_probability: b.from, to_probability: b.to, leads: b.count, mean_predicted: b.meanPredicted, observed_rate: b.observedRate })),
    },
    coefficients: {
      columns: cols(['feature', 'string'], ['coefficient', 'double'], ['mean', 'double'], ['sd', 'double']),
      rows: result.model
        ? [
            { feature: '(intercept)', coefficient: result.model.fit.intercept, mean: null, sd: null },
            ...FEATURES.map((feature, j) => ({ feature, coefficient: result.model!.fit.coefficients[j]!, mean: result.model!.scale.mean[j]!, sd: result.model!.scale.sd[j]! })),
          ]
        : [],
    },
  };
}

/** The fit's figures for summary.json (recomputed from the SQL table: the fit is deterministic and cheap). */
const resultOf = (context: ReportContext) => scoreLeads(readLeads(context.tables), context.asOf, LEAD_SCORING_SETTINGS);

export function leadScoringHeadlines(context: ReportContext): Headline[] {
  const scores = rows(context, 'lead_scores');
  const decided = rows(context, 'lead_features').filter((r) => r.converted !== null);
  const { validation } = resultOf(context);
  return [
    { key: 'open_leads_scored', label: 'Open leads scored', value: scores.length, format: 'count' },
    { key: 'validation_auc', label: `AUC on leads created after ${validation.cutoff}`, value: validation.auc, format: 'number' },
    { key: 'decided_leads', label: 'Decided leads learnt from', value: decided.length, format: 'count' },
    { key: 'conversion_rate', label: 'Conversion rate of decided leads', value: decided.length ? decided.filter((r) => r.converted === 1).length / decided.length : null, format: 'ratio' },
  ];
}

export function leadScoringSummary(context: ReportContext): Record<string, unknown> {
  const { model, validation } = resultOf(context);
  return {
    model: {
      method: 'logistic regression, L2 penalty on standardised features, Newton (IRLS)',
      lambda: LEAD_SCORING_SETTINGS.lambda,
      features: [...FEATURES],
      leads: model?.leads ?? 0,
      conversions: model?.conversions ?? 0,
      iterations: model?.fit.iterations ?? null,
    },
    validation: {
      cutoff: validation.cutoff,
      trainLeads: validation.trainLeads,
      validationLeads: validation.validationLeads,
      auc: validation.auc,
      brier: validation.brier,
      calibration: validation.calibration.filter((b) => b.count > 0).map((b) => ({ from: b.from, to: b.to, leads: b.count, meanPredicted: b.meanPredicted, observedRate: b.observedRate })),
    },
  };
}

export function leadScores(context: ReportContext): ScoreInput[] {
  const version = modelVersion('logistic-l2', { settings: LEAD_SCORING_SETTINGS, features: FEATURES });
  return rows(context, 'lead_scores').map((r) => scoreRecord(MODEL, version, context.asOf, { leadId: String(r.lead_id) }, { score: Number(r.score) }));
}

export const leadScoring = defineReport({
  name: 'lead_scoring',
  title: 'Lead scoring',
  description:
    'The probability that an open lead converts, 0-100, from a logistic regression (L2-regularised) of converted vs disqualified leads on their source, campaign, company and contact details, ' +
    'campaign touches and activities before the decision, and age. Checked on the decided leads of the last 6 months with a model fitted on the earlier ones (AUC, calibration).',
  sqlDir: new URL('.', import.meta.url),
  tables: [
    {
      name: 'calibration',
      title: 'Calibration on the validation leads',
      description: 'Validation leads by predicted probability (bins with leads): the mean prediction next to the share that converted. A calibrated model has them equal.',
      source: 'postProcess',
      formats: { leads: 'count', mean_predicted: 'ratio', observed_rate: 'ratio' },
      charts: [{ type: 'bar', title: 'Predicted vs observed conversion', x: 'bin', y: ['mean_predicted', 'observed_rate'], format: 'ratio' }],
    },
    {
      name: 'lead_scores',
      title: 'Open leads by score',
      description: 'One row per open lead (new, contacted, qualified): the conversion probability and the 0-100 score written back to the lead, highest first.',
      source: 'postProcess',
      formats: { probability: 'ratio', score: 'count' },
      charts: [{ type: 'histogram', title: 'Scores of the open leads', x: 'score', bins: 10, format: 'count' }],
    },
    {
      name: 'coefficients',
      title: 'Model coefficients',
      description: 'Per feature, the fitted coefficient on the standardised feature (log-odds per standard deviation), with the mean and standard deviation used.',
      source: 'postProcess',
      charts: [{ type: 'bar', title: 'Coefficients (log-odds per standard deviation)', x: 'feature', y: 'coefficient' }],
    },
    {
      name: 'lead_features',
      title: 'Leads and their features',
      description: 'One row per lead: what was known when it was decided (or at the as-of date for open leads) and whether it converted.',
      formats: { campaign_touches: 'count', activities: 'count', age_days: 'count' },
    },
  ],
  postProcess: (context) => resultTables(resultOf(context)),
  headlines: leadScoringHeadlines,
  summary: leadScoringSummary,
  scores: leadScores,
});
