// Whole-data-set checks shared by the demo tests: schema validity and the time line of every record.
import { entities } from '#schemas/registry.ts';
import type { DemoData, DemoTable } from '#local/demo/generate.ts';

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The first schema failures, as `table id: path message` lines. */
export function invalidRecords(data: DemoData, limit = 20): string[] {
  const failures: string[] = [];
  for (const def of Object.values(entities)) {
    for (const record of data[def.table as DemoTable] as { id?: string }[]) {
      const result = def.schema.safeParse(record);
      if (!result.success && failures.length < limit) {
        failures.push(`${def.table} ${record.id}: ${result.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
      }
    }
  }
  return failures;
}

/** Records holding any instant later than as-of (dates such as a contract end may lie ahead). */
export function recordsAfter(data: DemoData, asOf: number): string[] {
  const late: string[] = [];
  for (const [table, rows] of Object.entries(data)) {
    for (const r of rows as Record<string, unknown>[]) {
      for (const [field, value] of Object.entries(r)) {
        if (typeof value === 'string' && INSTANT.test(value) && Date.parse(value) > asOf) late.push(`${table} ${r.id} ${field}=${value}`);
      }
    }
  }
  return late;
}

/** Records whose updatedAt is before their own time field (per the registry) or after as-of. */
export function timelineViolations(data: DemoData, asOf: number): string[] {
  const bad: string[] = [];
  for (const def of Object.values(entities)) {
    for (const r of data[def.table as DemoTable] as Record<string, unknown>[]) {
      const updated = Date.parse(String(r.updatedAt));
      const raw = String(r[def.timeField]);
      const time = Date.parse(DATE.test(raw) ? `${raw}T00:00:00Z` : raw);
      if (!(updated >= time) || updated > asOf) bad.push(`${def.table} ${r.id}: updatedAt ${r.updatedAt}, ${def.timeField} ${raw}`);
    }
  }
  return bad;
}
