// The Glue tables over the report outputs are declared from functions/reports/generated/report-columns.json:
// it must match what every report of the catalog really writes (rerun `npm run generate:reports` when not).
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { reports } from '#functions/reports/catalog.ts';
import { REPORT_COLUMNS_FILE } from '#functions/reports/report-columns-catalogue.ts';
import { currentReportColumns } from '../../../scripts/generate-report-columns.ts';

describe('report-columns.json', () => {
  it('holds the columns every report table is written with (npm run generate:reports)', async () => {
    const committed = JSON.parse(await readFile(REPORT_COLUMNS_FILE, 'utf8')) as Record<string, Record<string, unknown>>;
    const current = await currentReportColumns(60);
    expect(Object.keys(current).sort()).toEqual(reports.map((r) => r.name).sort());
    expect(committed).toEqual(current);
  }, 300_000);
});
