// The service level targets the service report measures against, by ticket priority (the priority a
// ticket was opened with). First response: 2 hours for high and urgent, as the built-in
// ticket-sla-breach rule's default.
export const TICKET_PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];

export interface ServiceSettings {
  /** Hours from opening to the first response, by priority. */
  firstResponseHours: Record<TicketPriority, number>;
  /** Hours from opening to resolution, by priority. */
  resolutionHours: Record<TicketPriority, number>;
}

export const DEFAULT_SERVICE_SETTINGS: ServiceSettings = {
  firstResponseHours: { urgent: 2, high: 2, normal: 8, low: 24 },
  resolutionHours: { urgent: 24, high: 48, normal: 120, low: 240 },
};

export function checkServiceSettings(s: ServiceSettings): ServiceSettings {
  const problems: string[] = [];
  for (const target of ['firstResponseHours', 'resolutionHours'] as const) {
    for (const p of TICKET_PRIORITIES) {
      const v = s[target]?.[p];
      if (!(typeof v === 'number' && v > 0 && Number.isFinite(v))) problems.push(`${target}.${p}: must be a number of hours > 0, got ${v}`);
    }
  }
  if (problems.length) throw new Error(`service settings: ${problems.join('; ')}`);
  return s;
}
