// A small hand-made lake for the automation report: runs, tasks, users and lead versions, with retries,
// an erasure and changes after the as-of date; its figures are worked out by hand in automation-report.test.ts.
// Rows are written as the stream handler writes them (missing columns are null).
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { lakeColumns } from '#schemas/columns.ts';
import { entities, type AnyEntity } from '#schemas/registry.ts';
import { encodeParquet, type LakeRow } from '#lib/lake/parquet.ts';

export const AUTOMATION_AS_OF = '2026-03-31';

let seq = 0;
const meta = (updatedAt: string, op: 'insert' | 'modify' | 'remove' = 'insert') => ({
  updated_at: new Date(updatedAt),
  op,
  version: `${new Date(updatedAt).toISOString()}#h${++seq}`,
  seq: String(seq).padStart(40, '0'),
  changed_at: new Date(updatedAt),
});

const run = (id: string, ruleId: string, status: string, startedAt: string, over: { error?: string; attempts?: number; updatedAt?: string } = {}): LakeRow => ({
  id,
  rule_id: ruleId,
  event_id: `e-${id}`,
  trigger: 'event',
  status,
  actions: '["create_task"]',
  created_ids: '[]',
  duration_ms: 12,
  error: over.error ?? null,
  started_at: new Date(startedAt),
  causation_depth: 0,
  attempts: over.attempts ?? 1,
  ...meta(over.updatedAt ?? startedAt, over.updatedAt ? 'modify' : 'insert'),
});

export const runs: LakeRow[] = [
  run('r1', 'lead-assignment', 'succeeded', '2026-03-30T10:00:00Z'),
  run('r2', 'lead-assignment', 'succeeded', '2026-03-30T11:00:00Z'),
  run('r3', 'lead-assignment', 'skipped', '2026-03-31T09:00:00Z'),
  run('r4', 'contract-expiring-30d', 'failed', '2026-03-31T08:00:00Z', { error: 'SES throttled', attempts: 3 }),
  run('r5', 'contract-expiring-30d', 'failed', '2026-03-20T08:00:00Z', { error: 'older error', attempts: 3 }),
  run('r6', 'contract-expiring-30d', 'succeeded', '2026-03-20T08:05:00Z', { attempts: 2 }),
  run('r7', 'churn-retention', 'suppressed', '2026-03-31T12:00:00Z'),
  // Before the 30 days (they start 2026-03-02).
  run('r8', 'lead-assignment', 'succeeded', '2026-03-01T10:00:00Z'),
  // Failed on the as-of day; its retry succeeded the next day, which the report as of the 31st must not see.
  run('r9', 'won-deal-onboarding', 'failed', '2026-03-31T20:00:00Z', { error: 'timeout' }),
  run('r9', 'won-deal-onboarding', 'succeeded', '2026-03-31T20:00:00Z', { attempts: 2, updatedAt: '2026-04-01T01:00:00Z' }),
  run('r10', 'lead-assignment', 'failed', '2026-04-01T00:00:00Z', { error: 'after the as-of date' }),
  // The last instant of the as-of day still counts.
  run('r11', 'lead-assignment', 'succeeded', '2026-03-31T23:59:59.999Z'),
];

const user = (id: string, team: string, role: string, active: boolean, createdAt = '2025-01-01T00:00:00Z'): LakeRow => ({ id, team, role, active, timezone: 'UTC', created_at: new Date(createdAt), ...meta(createdAt) });

export const users: LakeRow[] = [
  user('u1', 'sales', 'rep', true),
  user('u2', 'sales', 'rep', false),
  user('u3', 'service', 'agent', true),
  // Joined after the as-of date.
  user('u4', 'service', 'manager', true, '2026-04-05T00:00:00Z'),
];

const task = (id: string, owner: string | null, status: string, dueAt: string, over: { createdAt?: string; updatedAt?: string; op?: 'insert' | 'modify' | 'remove' } = {}): LakeRow => {
  const createdAt = over.createdAt ?? '2026-03-01T00:00:00Z';
  return { id, type: 'call', title: 'Call', owner_id: owner, status, due_at: new Date(dueAt), priority: 'normal', created_at: new Date(createdAt), ...meta(over.updatedAt ?? createdAt, over.op ?? 'insert') };
};

export const tasks: LakeRow[] = [
  task('t1', 'u1', 'open', '2026-03-30T09:00:00Z'),
  task('t2', 'u1', 'open', '2026-04-02T09:00:00Z'),
  task('t3', 'u1', 'done', '2026-03-15T09:00:00Z'),
  // Due late on the as-of day and still open when it ended: overdue.
  task('t4', 'u3', 'open', '2026-03-31T23:00:00Z'),
  task('t5', null, 'open', '2026-04-10T09:00:00Z'),
  // Owned by someone the users table does not know.
  task('t6', 'u9', 'open', '2026-03-01T09:00:00Z'),
  // Open at the end of the as-of day, done two days later.
  task('t7', 'u2', 'open', '2026-04-05T09:00:00Z'),
  task('t7', 'u2', 'done', '2026-04-05T09:00:00Z', { updatedAt: '2026-04-02T00:00:00Z', op: 'modify' }),
  // Created after the as-of date.
  task('t8', 'u3', 'open', '2026-04-03T09:00:00Z', { createdAt: '2026-04-02T00:00:00Z' }),
  // Erased before the as-of date.
  task('t9', 'u1', 'open', '2026-03-10T09:00:00Z'),
  task('t9', 'u1', 'open', '2026-03-10T09:00:00Z', { updatedAt: '2026-03-11T00:00:00Z', op: 'remove' }),
];

const lead = (id: string, createdAt: string, owner: string | null, updatedAt = createdAt, op: 'insert' | 'modify' | 'remove' = updatedAt === createdAt ? 'insert' : 'modify'): LakeRow => ({
  id,
  source: 'web',
  status: 'new',
  owner_id: owner,
  created_at: new Date(createdAt),
  ...meta(updatedAt, op),
});

export const leads: LakeRow[] = [
  // March 2026: 2 h, 0 h, 24 h (then reassigned; the first owner counts) -> median 2 h; l4 gets its owner only in April.
  lead('l1', '2026-03-01T10:00:00Z', null),
  lead('l1', '2026-03-01T10:00:00Z', 'u1', '2026-03-01T12:00:00Z'),
  lead('l2', '2026-03-02T00:00:00Z', 'u1'),
  lead('l3', '2026-03-05T00:00:00Z', null),
  lead('l3', '2026-03-05T00:00:00Z', 'u1', '2026-03-06T00:00:00Z'),
  lead('l3', '2026-03-05T00:00:00Z', 'u2', '2026-03-07T00:00:00Z'),
  lead('l4', '2026-03-10T00:00:00Z', null),
  lead('l4', '2026-03-10T00:00:00Z', 'u1', '2026-04-02T00:00:00Z'),
  // February 2026: 6 h and 10 h -> median 8 h.
  lead('l5', '2026-02-10T00:00:00Z', null),
  lead('l5', '2026-02-10T00:00:00Z', 'u1', '2026-02-10T06:00:00Z'),
  lead('l6', '2026-02-11T00:00:00Z', null),
  lead('l6', '2026-02-11T00:00:00Z', 'u3', '2026-02-11T10:00:00Z'),
  // Erased before the as-of date: not counted at all.
  lead('l7', '2026-03-20T00:00:00Z', 'u1'),
  lead('l7', '2026-03-20T00:00:00Z', 'u1', '2026-03-25T00:00:00Z', 'remove'),
  // Before the 12 months (they start 2025-04-01), and after the as-of date.
  lead('l8', '2025-03-15T00:00:00Z', 'u1'),
  lead('l9', '2026-04-01T00:00:00Z', 'u1'),
];

async function writeTable(lakeDir: string, entity: AnyEntity, rows: LakeRow[]): Promise<void> {
  const dir = path.join(lakeDir, entity.table, 'dt=2026-04-05');
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'a.parquet'), encodeParquet(lakeColumns(entity), rows));
}

/** Writes the lake under `<dir>/lake` and returns its path. */
export async function writeAutomationLake(dir: string): Promise<string> {
  const lakeDir = path.join(dir, 'lake');
  await writeTable(lakeDir, entities.automation_run, runs);
  await writeTable(lakeDir, entities.user, users);
  await writeTable(lakeDir, entities.task, tasks);
  await writeTable(lakeDir, entities.lead, leads);
  return lakeDir;
}
