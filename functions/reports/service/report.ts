// Service quality: ticket volume, first-response and resolution times against SLA targets by priority,
// reopen rate, backlog, and CSAT and NPS trends by channel and customer segment.
import { defineReport, type ReportDefinition } from '../report-definition.ts';
import { serviceHeadlines } from './headlines.ts';
import { servicePostProcess } from './post-process.ts';
import { checkServiceSettings, DEFAULT_SERVICE_SETTINGS, TICKET_PRIORITIES, type ServiceSettings } from './settings.ts';

const SLA_FORMATS = {
  tickets: 'count', first_response_met: 'count', first_response_missed: 'count', first_response_attainment: 'ratio',
  resolution_met: 'count', resolution_missed: 'count', resolution_attainment: 'ratio',
} as const;
const SURVEY_FORMATS = { csat_responses: 'count', csat_satisfied_rate: 'ratio', nps_responses: 'count', promoters: 'count', detractors: 'count' } as const;

export function serviceReport(overrides: Partial<ServiceSettings> = {}): ReportDefinition {
  const settings = checkServiceSettings({ ...DEFAULT_SERVICE_SETTINGS, ...overrides });
  const targets = TICKET_PRIORITIES.map((p) => `${p} ${settings.firstResponseHours[p]} h / ${settings.resolutionHours[p]} h`).join(', ');
  return defineReport({
    name: 'service',
    title: 'Service quality',
    description:
      'Tickets over the 12 months up to the as-of date: volume, first response and resolution against the SLA targets of the priority they were opened with ' +
      `(first response / resolution: ${targets}), reopen rate, backlog at each month end, and CSAT and NPS (promoters − detractors) by month, channel and customer segment.`,
    sqlDir: new URL('.', import.meta.url),
    tables: [
      {
        name: 'sla_by_priority',
        title: 'SLA attainment by priority',
        source: 'postProcess',
        description: 'Tickets opened in the 12 months per priority: first responses and resolutions within the target (met), after it or still outstanding past it (missed); attainment = met / (met + missed); median hours.',
        formats: SLA_FORMATS,
        charts: [{ type: 'bar', title: 'SLA attainment by priority', x: 'priority', y: ['first_response_attainment', 'resolution_attainment'], format: 'ratio' }],
      },
      {
        name: 'ticket_volume',
        title: 'Ticket volume, reopens and backlog',
        source: 'postProcess',
        description: 'Per month: tickets opened, resolved in the month, the month\'s tickets resolved at least once and of those reopened (reopen rate), and the tickets open at the month end (the as-of date for its month).',
        formats: { opened: 'count', resolved: 'count', ever_resolved: 'count', reopened: 'count', reopen_rate: 'ratio', backlog: 'count' },
        charts: [
          { type: 'bar', title: 'Tickets opened and resolved', x: 'month', y: ['opened', 'resolved'], format: 'count' },
          { type: 'line', title: 'Backlog at month end', x: 'month', y: 'backlog', format: 'count' },
        ],
      },
      {
        name: 'sla_by_month',
        title: 'SLA attainment by month',
        source: 'postProcess',
        description: 'As by priority, per month the tickets were opened in.',
        formats: SLA_FORMATS,
        charts: [{ type: 'line', title: 'First responses within SLA', x: 'month', y: 'first_response_attainment', series: 'priority', format: 'ratio' }],
      },
      {
        name: 'survey_scores_by_channel',
        title: 'CSAT and NPS by channel',
        description: 'Survey responses per month and channel (ticket/<contact channel> for a survey about a ticket, order/<sales channel> for one about an order): CSAT mean and share satisfied, NPS promoters, detractors and score.',
        formats: SURVEY_FORMATS,
        charts: [
          { type: 'line', title: 'NPS by channel', x: 'month', y: 'nps', series: 'channel', format: 'number' },
          { type: 'line', title: 'CSAT share satisfied by channel', x: 'month', y: 'csat_satisfied_rate', series: 'channel', format: 'ratio' },
        ],
      },
      {
        name: 'survey_scores_by_segment',
        title: 'CSAT and NPS by customer segment',
        description: 'Survey responses per month and customer tier: as by channel.',
        formats: SURVEY_FORMATS,
        charts: [{ type: 'line', title: 'NPS by customer tier', x: 'month', y: 'nps', series: 'customer_tier', format: 'number' }],
      },
      {
        name: 'tickets_by_channel',
        title: 'Tickets by channel',
        source: 'postProcess',
        description: 'Tickets opened in the 12 months per contact channel: reopened ones and the reopen rate, and how many are still open.',
        formats: { tickets: 'count', reopened: 'count', reopen_rate: 'ratio', open: 'count' },
      },
      {
        name: 'ticket_facts',
        title: 'Tickets',
        description: 'Each ticket of the window (and older ones open or resolved in it): opening priority, channel, category, customer tier and kind, hours to first response and resolution, age, reopens and CSAT.',
      },
    ],
    postProcess: servicePostProcess(settings),
    headlines: serviceHeadlines,
  });
}

export const service = serviceReport();
