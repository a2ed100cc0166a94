// `crm demo` end to end at a small size: every input file's distinct ids are the rows of its table.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { entities } from '#schemas/registry.ts';
import { crm, scalar, tempDir } from './cli-helpers.ts';

/** Tables the automation rules fill while the demo runs; the generator leaves their input files empty. */
// Made while the demo runs: tasks and automation runs by the rules, scores by the reports.
const MADE_BY_RULES = new Set(['tasks', 'automation_runs', 'scores']);

describe('crm demo', () => {
  it('ingests every generated file so that each table holds the distinct ids of its file', async () => {
    const dir = tempDir('crm-demo-');
    const r = await crm('demo', '--dir', dir, '--seed', '7', '--customers', '40', '--months', '12');
    expect(r.code).toBe(0);
    const summary = r.json();
    const files = readdirSync(join(dir, 'input')).filter((f) => f.endsWith('.ndjson'));
    expect(files).toHaveLength(Object.keys(entities).length);
    for (const file of files) {
      const table = file.replace(/\.ndjson$/, '');
      if (MADE_BY_RULES.has(table)) continue;
      const lines = readFileSync(join(dir, 'input', file), 'utf8').split('\n').filter(Boolean);
      const ids = new Set(lines.map((l) => JSON.parse(l).id));
      expect(await scalar(dir, `SELECT count(*) FROM ${table}`), table).toBe(ids.size);
      expect(summary.tables[table]).toMatchObject({ records: lines.length, distinctIds: ids.size, inLake: ids.size, rejected: 0 });
    }
    // Opportunities move through stages: the history keeps every version the file lists.
    expect(Number(await scalar(dir, 'SELECT count(*) FROM opportunities_history'))).toBe(summary.tables.opportunities.records);
    expect(summary.tables.opportunities.records).toBeGreaterThan(summary.tables.opportunities.distinctIds);
    expect(summary.lake.deadLettered).toBe(0);
    // Every report ran as of the generator's fixed date, and its outputs are tables for crm query.
    expect(summary.reports.asOf).toBe('2026-10-31');
    expect(summary.reports.written.map((r: { report: string }) => r.report)).toContain('sales_overview');
    expect(summary.reports.failed).toBeUndefined();
    // The reports wrote their scores back: one per customer scored by rfm, and a score per open lead.
    const scoresOf = (model: string) => scalar(dir, `SELECT count(*) FROM scores WHERE model = '${model}'`);
    expect(await scoresOf('rfm')).toBe(await scalar(dir, "SELECT count(*) FROM rfm_customer_segments WHERE as_of = DATE '2026-10-31'"));
    expect(await scoresOf('recommendations')).toBe(await scoresOf('rfm'));
    expect(Number(await scoresOf('lead_scoring'))).toBeGreaterThan(0);
    const ordersInReport = await scalar(dir, "SELECT sum(orders) FROM sales_overview_monthly_sales WHERE as_of = DATE '2026-10-31'");
    expect(ordersInReport).toBe(await scalar(dir, "SELECT count(*) FROM orders WHERE status <> 'cancelled' AND ordered_at >= TIMESTAMP '2024-11-01 00:00:00'"));
    expect(summary.events.published).toBeGreaterThan(0);
    // The rules ran: every task in the lake was made by a recorded, succeeded automation run.
    const tasks = Number(await scalar(dir, 'SELECT count(*) FROM tasks'));
    expect(tasks).toBe(summary.tables.tasks.inLake);
    expect(Number(await scalar(dir, "SELECT count(*) FROM tasks t WHERE NOT EXISTS (SELECT 1 FROM automation_runs r WHERE r.rule_id = t.rule_id AND r.status = 'succeeded' AND r.event_id = t.cause_event_id)"))).toBe(0);
    expect(Object.values(summary.automation.runs).some((c) => ((c as Record<string, number>).succeeded ?? 0) > 0)).toBe(true);

    // A second run with the same seed generates the same files and changes nothing.
    const before = readFileSync(join(dir, 'input', 'orders.ndjson'), 'utf8');
    const again = await crm('demo', '--dir', dir, '--seed', '7', '--customers', '40', '--months', '12');
    expect(readFileSync(join(dir, 'input', 'orders.ndjson'), 'utf8')).toBe(before);
    expect(again.json().lake.changes).toBe(0);
    // Same data, same as-of date: the reports' scores are unchanged, nothing new written.
    for (const r of again.json().reports.written) if (r.scores) expect(r.scores, r.report).toMatchObject({ created: 0, updated: 0, stale: 0, failed: 0 });
    expect(Number(await scalar(dir, 'SELECT count(*) FROM tasks'))).toBe(tasks);
  }, 300_000);
});
