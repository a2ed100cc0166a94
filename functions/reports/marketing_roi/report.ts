// Marketing ROI and multi-touch attribution: what each campaign and channel cost and brought in, six
// attribution models side by side, and the lead funnel by channel and month, over a lookback window.
import { defineReport, type ReportDefinition } from '../report-definition.ts';
import { marketingRoiHeadlines } from './headlines.ts';
import { marketingRoiPostProcess } from './post-process.ts';
import { DEFAULT_MARKETING_ROI_SETTINGS, type MarketingRoiSettings } from './settings.ts';

const ROI_FORMATS = {
  spend: 'money',
  attributed_revenue: 'money',
  cac: 'money',
  cost_per_lead: 'money',
  touches: 'count',
  leads: 'count',
  customers_won: 'count',
  roi: 'ratio',
  roas: 'ratio',
  attributed_conversions: 'number',
} as const;

export function marketingRoiReport(overrides: Partial<MarketingRoiSettings> = {}): ReportDefinition {
  const settings = { ...DEFAULT_MARKETING_ROI_SETTINGS, ...overrides };
  const window = `the ${settings.lookbackDays} days up to the as-of date`;
  return defineReport({
    name: 'marketing_roi',
    title: 'Marketing ROI and attribution',
    description:
      `Campaign spend, reach, leads, customers won and attributed revenue over ${window}; revenue attributed to channels by six models ` +
      `(first touch, last touch, linear, time decay with a ${settings.halfLifeDays}-day half-life, position-based 40/20/40, and the data-driven Markov removal effect); ` +
      `a touch counts for an order placed within ${settings.attributionWindowDays} days. Money per currency, never converted.`,
    sqlDir: new URL('.', import.meta.url),
    parameters: {
      lookback_days: { type: 'BIGINT', value: settings.lookbackDays },
      attribution_window_days: { type: 'BIGINT', value: settings.attributionWindowDays },
    },
    tables: [
      {
        name: 'attribution_by_channel',
        title: 'Attribution models side by side',
        description: 'Per currency, attribution model and channel: the conversions and revenue of the orders with campaign touches before them, as each model hands them out. Every model hands out exactly the same total.',
        source: 'postProcess',
        formats: { conversions: 'number', attributed_revenue: 'money', revenue_share: 'ratio' },
        charts: [{ type: 'bar', title: 'Attributed revenue by channel and model', x: 'channel', y: 'attributed_revenue', series: 'model', facet: 'currency', format: 'money' }],
      },
      {
        name: 'channel_roi',
        title: 'ROI by channel',
        description: `Per marketing channel and currency: the spend of its campaigns, their touches, leads and customers won, and revenue attributed by the ${settings.roiModel.replace('_', ' ')} model. ROI = (revenue − spend) / spend; ROAS = revenue / spend; CAC = spend / customers won; cost per lead = spend / leads. Customers won add up over the channel's campaigns.`,
        source: 'postProcess',
        formats: ROI_FORMATS,
        charts: [{ type: 'bar', title: 'Spend and attributed revenue by channel', x: 'channel', y: ['spend', 'attributed_revenue'], facet: 'currency', format: 'money' }],
      },
      {
        name: 'campaign_roi',
        title: 'ROI by campaign',
        description: 'Per campaign and currency, as by channel. Spend and counts sit on the row of the campaign\'s own currency; revenue earned in another currency gets a row of its own.',
        source: 'postProcess',
        formats: ROI_FORMATS,
      },
      {
        name: 'funnel',
        title: 'Lead funnel by channel and month',
        description: 'Leads created per month and channel, how many were qualified, became an opportunity and were won, the step conversion rates and the median days between steps.',
        formats: { leads: 'count', qualified: 'count', opportunities: 'count', won: 'count', qualified_rate: 'ratio', opportunity_rate: 'ratio', win_rate: 'ratio', lead_to_won_rate: 'ratio' },
        charts: [
          { type: 'bar', title: 'Leads by channel', x: 'month', y: 'leads', series: 'channel', stacked: true, format: 'count' },
          { type: 'line', title: 'Lead-to-won rate by channel', x: 'month', y: 'lead_to_won_rate', series: 'channel', format: 'ratio' },
        ],
      },
      {
        name: 'campaign_activity',
        title: 'Campaign activity',
        description: 'Campaigns running in the window with their recorded spend, touches and people reached in the window, leads they brought in and customers whose first order followed one of their touches.',
        formats: { spend: 'money', touches: 'count', people_reached: 'count', leads: 'count', customers_won: 'count' },
      },
      {
        name: 'journeys',
        title: 'Customer journeys',
        description: 'One row per order with campaign touches before it (converted = 1), and per person whose touches led to no order (converted = 0): the channels, campaigns and whole hours before the end (the order, else the last touch), in touch order.',
        formats: { converted: 'count', value: 'money', touches: 'count' },
      },
    ],
    postProcess: marketingRoiPostProcess(settings),
    headlines: marketingRoiHeadlines,
  });
}

export const marketingRoi = marketingRoiReport();
