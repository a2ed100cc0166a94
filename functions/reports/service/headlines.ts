// Headline figures of the service report, over the 12 months up to the as-of date.
import type { Headline, ReportContext } from '../report-definition.ts';

type Row = Record<string, unknown>;

const num = (v: unknown) => (typeof v === 'number' ? v : 0);
const sum = (rows: readonly Row[], column: string) => rows.reduce((t, r) => t + num(r[column]), 0);

export function serviceHeadlines({ tables }: ReportContext): Headline[] {
  const sla = tables.sla_by_priority?.rows ?? [];
  const volume = tables.ticket_volume?.rows ?? [];
  const channels = tables.survey_scores_by_channel?.rows ?? [];
  const rate = (met: number, missed: number) => (met + missed > 0 ? met / (met + missed) : null);
  const reopened = sum(volume, 'reopened');
  const everResolved = sum(volume, 'ever_resolved');
  const csatN = sum(channels, 'csat_responses');
  const csatSatisfied = channels.reduce((t, r) => t + num(r.csat_satisfied_rate) * num(r.csat_responses), 0);
  const npsN = sum(channels, 'nps_responses');
  return [
    { key: 'tickets', label: 'Tickets opened, last 12 months', value: sum(volume, 'opened'), format: 'count' },
    { key: 'backlog', label: 'Open tickets at the as-of date', value: num(volume[volume.length - 1]?.backlog), format: 'count' },
    { key: 'first_response_attainment', label: 'First responses within SLA', value: rate(sum(sla, 'first_response_met'), sum(sla, 'first_response_missed')), format: 'ratio' },
    { key: 'resolution_attainment', label: 'Resolutions within SLA', value: rate(sum(sla, 'resolution_met'), sum(sla, 'resolution_missed')), format: 'ratio' },
    { key: 'reopen_rate', label: 'Resolved tickets reopened', value: everResolved > 0 ? Math.round((reopened / everResolved) * 1e4) / 1e4 : null, format: 'ratio' },
    { key: 'csat', label: 'CSAT (share satisfied, 4-5 of 5)', value: csatN > 0 ? Math.round((csatSatisfied / csatN) * 1e4) / 1e4 : null, format: 'ratio' },
    { key: 'nps', label: 'NPS (promoters − detractors, % of responses)', value: npsN > 0 ? (100 * (sum(channels, 'promoters') - sum(channels, 'detractors'))) / npsN : null, format: 'number' },
  ];
}
