// The events a report run emits, checked against the event catalogue before anything is published: a
// detail that does not match its schema (a stray field could carry personal data) fails the run.
import type { BusEvent } from '#lib/bus/event-bus.ts';
import { eventCatalogue } from '#schemas/events.ts';
import type { ReportContext, ReportDefinition } from './report-definition.ts';

export function reportEvents(definition: ReportDefinition, context: ReportContext): BusEvent[] {
  const events = definition.events?.(context) ?? [];
  events.forEach((event, index) => {
    const entry = (eventCatalogue as Record<string, (typeof eventCatalogue)[keyof typeof eventCatalogue] | undefined>)[event.detailType];
    if (!entry) throw new Error(`report ${definition.name}: event ${index} has detail type "${event.detailType}", which schemas/events.ts does not define`);
    if (event.source !== entry.source) throw new Error(`report ${definition.name}: event ${index} (${event.detailType}) has source "${event.source}", expected "${entry.source}"`);
    const parsed = entry.detail.safeParse(event.detail);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new Error(`report ${definition.name}: event ${index} (${event.detailType}) field ${issue.path.join('.') || '(detail)'}: ${issue.message}`);
    }
  });
  return events;
}

/** Events counted by detail type, sorted by type: what summary.json records. */
export function countEvents(events: readonly BusEvent[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of events.map((e) => e.detailType).sort()) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}
