// Erasure in the local event log (`<dir>/events/events.ndjson`, the local counterpart of the
// EventBridge archive): events about an erased person keep their ids and business fields but lose
// every `<field>Hash`, which would link back to the person for anyone holding the pseudonym key.
// (In AWS the archive cannot be edited; its retention bounds how long such hashes remain: see README.)
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function eraseFromEventLog(dir: string, erased: Record<string, string[]>, customerIds: string[]): { eventsRewritten: number } {
  const file = join(dir, 'events', 'events.ndjson');
  if (!existsSync(file)) return { eventsRewritten: 0 };
  const customers = new Set(customerIds);
  const persons = new Set(Object.entries(erased).flatMap(([table, ids]) => ids.map((id) => `${table}\u0000${id}`)));
  let eventsRewritten = 0;
  const lines = readFileSync(file, 'utf8').split('\n').map((line) => {
    if (!line.trim()) return line;
    const event = JSON.parse(line) as { detail?: { table?: string; id?: string; customerId?: string; current?: Record<string, unknown>; previous?: Record<string, unknown> } };
    const d = event.detail;
    if (!d || !(persons.has(`${d.table}\u0000${d.id}`) || (d.customerId !== undefined && customers.has(d.customerId)))) return line;
    let changed = false;
    for (const image of [d.current, d.previous]) {
      for (const key of Object.keys(image ?? {})) {
        if (key.endsWith('Hash')) {
          delete image![key];
          changed = true;
        }
      }
    }
    if (!changed) return line;
    eventsRewritten++;
    return JSON.stringify(event);
  });
  if (eventsRewritten > 0) {
    const temp = `${file}.erasing`;
    writeFileSync(temp, lines.join('\n'), { mode: 0o600 });
    renameSync(temp, file);
  }
  return { eventsRewritten };
}
