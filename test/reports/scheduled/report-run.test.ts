// The prepare step of a scheduled run: the as-of date from the schedule's time and zone, and the Athena statements.
import { describe, expect, it } from 'vitest';
import { findReport } from '#functions/reports/catalog.ts';
import { prepareReportSql, readReportSql } from '#functions/reports/report-sql.ts';
import { prepareReportRun, resolveAsOf } from '#functions/reports/scheduled/report-run.ts';

describe('resolveAsOf', () => {
  it('is the day before the local day of the scheduled time', () => {
    // 23:30 UTC on the 28th is already 00:30 on the 29th in Berlin (CET, +1): the last complete local day is the 28th.
    expect(resolveAsOf({ scheduledTime: '2026-03-28T23:30:00Z', timezone: 'Europe/Berlin' })).toBe('2026-03-28');
    expect(resolveAsOf({ scheduledTime: '2026-03-28T23:30:00Z', timezone: 'UTC' })).toBe('2026-03-27');
    expect(resolveAsOf({ scheduledTime: '2026-03-28T23:30:00Z' })).toBe('2026-03-27');
    // 06:00 in Los Angeles on 1 January (PST, -8) is 14:00 UTC; the year before ends on the 31st.
    expect(resolveAsOf({ scheduledTime: '2027-01-01T14:00:00Z', timezone: 'America/Los_Angeles' })).toBe('2026-12-31');
  });

  it('takes an explicit as-of date over the scheduled time and rejects what is not a calendar date', () => {
    expect(resolveAsOf({ asOf: '2026-02-28', scheduledTime: '2026-03-28T23:30:00Z' })).toBe('2026-02-28');
    expect(() => resolveAsOf({ asOf: "2026-02-28' OR 1=1 --" })).toThrow(/as-of date must be a calendar date/);
    expect(() => resolveAsOf({ asOf: '2026-02-30' })).toThrow(/calendar date/);
    expect(() => resolveAsOf({})).toThrow('a report run needs asOf (YYYY-MM-DD) or scheduledTime (ISO instant)');
    expect(() => resolveAsOf({ scheduledTime: 'yesterday' })).toThrow('scheduledTime "yesterday" is not an ISO instant');
    expect(() => resolveAsOf({ scheduledTime: '2026-03-28T23:30:00Z', timezone: 'Mars/Olympus' })).toThrow(RangeError);
  });
});

describe('prepareReportRun', () => {
  it('returns one statement per SQL table with the as-of date as an execution parameter, never in the text', async () => {
    const run = await prepareReportRun({ report: 'sales_overview', asOf: '2026-10-31' }, readReportSql);
    const definition = findReport('sales_overview')!;
    expect(run.report).toBe('sales_overview');
    expect(run.asOf).toBe('2026-10-31');
    expect(run.queries.map((q) => q.table)).toEqual(definition.tables.map((t) => t.name));
    for (const q of run.queries) {
      expect(q.queryString).toBe(prepareReportSql(await readReportSql(definition, q.table), '2026-10-31', definition.parameters).sql);
      expect(q.queryString).not.toContain('2026-10-31');
      expect(q.executionParameters.length).toBeGreaterThan(0);
      expect(q.executionParameters.every((p) => p === "'2026-10-31'")).toBe(true);
    }
  });

  it('leaves out the tables computed by post-processing and names an unknown report', async () => {
    const run = await prepareReportRun({ report: 'rfm', asOf: '2026-10-31' }, readReportSql);
    const rfm = findReport('rfm')!;
    expect(run.queries.map((q) => q.table)).toEqual(rfm.tables.filter((t) => t.source !== 'postProcess').map((t) => t.name));
    await expect(prepareReportRun({ report: 'nosuch', asOf: '2026-10-31' }, readReportSql)).rejects.toThrow(/unknown report "nosuch" \(available: sales_overview, /);
  });
});
