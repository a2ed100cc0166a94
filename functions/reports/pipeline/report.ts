// The sales pipeline: open deals weighted by stage-to-win probabilities learned from deal history (by
// stage and age in stage, not the probability the rep typed in), by expected close month and forecast
// category; win rate, deal size and sales cycle per owner, stage conversion, slippage, and a backtest
// of the learned probabilities against the rep-entered ones on deals already closed.
import { defineReport, type ReportDefinition } from '../report-definition.ts';
import { pipelineHeadlines } from './headlines.ts';
import { pipelinePostProcess, pipelineSummary } from './post-process.ts';
import { checkPipelineSettings, DEFAULT_PIPELINE_SETTINGS, type PipelineSettings } from './settings.ts';

export function pipelineReport(overrides: Partial<PipelineSettings> = {}): ReportDefinition {
  const settings = checkPipelineSettings({ ...DEFAULT_PIPELINE_SETTINGS, ...overrides });
  const pct = (p: number) => `${Math.round(p * 100)}%`;
  return defineReport({
    name: 'pipeline',
    title: 'Sales pipeline',
    description:
      'Open opportunities weighted by the win probability learned from closed deals that were in the same stage for as long (shrunk towards the stage rate ' +
      `with ${settings.priorWeight} pseudo-deals), by expected close month; forecast categories commit (≥ ${pct(settings.commitThreshold)}), best case ` +
      `(≥ ${pct(settings.bestCaseThreshold)}) and pipeline. Win rate, deal size and sales cycle per owner, stage conversion, slippage, and a backtest ` +
      `of learned against rep-entered probabilities on the deals closed in the last ${settings.backtestDays} days. Money per currency, never converted.`,
    sqlDir: new URL('.', import.meta.url),
    tables: [
      {
        name: 'pipeline_forecast',
        title: 'Weighted pipeline by expected close month',
        source: 'postProcess',
        description: 'Open deals per currency, expected close month and forecast category: amount, amount weighted by the learned win probability and by the rep-entered one. Deals past their expected close date count in the as-of month.',
        formats: { deals: 'count', amount: 'money', weighted_amount: 'money', rep_weighted_amount: 'money' },
        charts: [{ type: 'bar', title: 'Weighted pipeline by close month and forecast category', x: 'close_month', y: 'weighted_amount', series: 'forecast_category', stacked: true, facet: 'currency', format: 'money' }],
      },
      {
        name: 'stage_conversion',
        title: 'Stage conversion',
        source: 'postProcess',
        description: `Stage entries in the ${settings.conversionDays} days up to the as-of date: how many advanced to a later stage (or were won), were lost there, moved back or are still there; conversion = advanced / (advanced + lost); median days in stage of those that left.`,
        formats: { entered: 'count', advanced: 'count', lost: 'count', moved_back: 'count', still_in_stage: 'count', conversion_rate: 'ratio' },
        charts: [
          { type: 'bar', title: 'Stage funnel: entered, advanced and lost', x: 'stage', y: ['entered', 'advanced', 'lost'], format: 'count' },
          { type: 'line', title: 'Conversion rate by stage', x: 'stage', y: 'conversion_rate', format: 'ratio' },
        ],
      },
      {
        name: 'win_probabilities',
        title: 'Learned win probability by stage and age in stage',
        source: 'postProcess',
        description: 'From every closed deal: the share won among those that were in the stage at least as long as the bucket begins, shrunk towards the stage rate, beside the average probability the reps had entered.',
        formats: { closed_deals: 'count', won: 'count', observed_win_rate: 'ratio', learned_probability: 'ratio', average_rep_probability: 'ratio' },
        charts: [
          { type: 'heatmap', title: 'Learned win probability', x: 'age_bucket', y: 'stage', value: 'learned_probability', aggregate: 'mean', format: 'ratio' },
        ],
      },
      {
        name: 'backtest',
        title: 'Backtest: learned against rep-entered probabilities',
        source: 'postProcess',
        description: `Probabilities learned from the deals closed before the last ${settings.backtestDays} days, and those the reps entered, scored on the deals closed since at every stage and age bucket they reached (Brier score and log loss: lower is better).`,
        formats: { training_deals: 'count', evaluated_deals: 'count', evaluation_points: 'count', mean_probability: 'ratio', observed_win_rate: 'ratio' },
        charts: [{ type: 'bar', title: 'Brier score and log loss (lower is better)', x: 'method', y: ['brier_score', 'log_loss'] }],
      },
      {
        name: 'win_rates',
        title: 'Win rate, deal size and sales cycle by owner',
        description: 'Deals closed in the 12 months up to the as-of date per owner and currency: won, lost, win rate, won amount, average won deal and the average days from created to won.',
        formats: { won: 'count', lost: 'count', win_rate: 'ratio', won_amount: 'money', average_deal_size: 'money' },
        charts: [{ type: 'bar', title: 'Win rate by owner', x: 'owner_id', y: 'win_rate', facet: 'currency', format: 'ratio' }],
      },
      {
        name: 'slippage',
        title: 'Slippage by owner',
        description: 'Deals open at some time in the 12 months up to the as-of date: how many had their expected close date pushed later while open, the pushes, the average days pushed per slipped deal, and the open deals already past it.',
        formats: { deals: 'count', slipped_deals: 'count', slip_rate: 'ratio', pushes: 'count', overdue_open_deals: 'count' },
        charts: [{ type: 'bar', title: 'Share of deals whose close date slipped', x: 'owner_id', y: 'slip_rate', format: 'ratio' }],
      },
      {
        name: 'open_deals',
        title: 'Open deals',
        source: 'postProcess',
        description: 'Each open deal with its stage, days in stage, rep-entered and learned win probability, forecast category and weighted amounts.',
        formats: { amount: 'money', rep_probability: 'ratio', learned_probability: 'ratio', weighted_amount: 'money', rep_weighted_amount: 'money' },
      },
      {
        name: 'stage_history',
        title: 'Stage history',
        description: 'Every stay of a deal in an open stage, from the opportunity versions known by the end of the as-of day: entered, left, next stage, days in stage, the probability the rep entered, and how the deal stands at the as-of date.',
        formats: { amount: 'money', rep_probability: 'ratio', current_rep_probability: 'ratio' },
      },
    ],
    postProcess: pipelinePostProcess(settings),
    headlines: pipelineHeadlines,
    summary: pipelineSummary(settings),
  });
}

export const pipeline = pipelineReport();
