// `npm run generate:reports`: runs every report of the catalog over a small demo lake (DuckDB) and
// writes the columns of each output table to functions/reports/generated/report-columns.json, which
// the CDK app turns into one Glue table per report output. Rerun after adding or changing a report.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { reportNames } from '#functions/reports/catalog.ts';
import { catalogueJson, columnsOfRuns, REPORT_COLUMNS_FILE } from '#functions/reports/report-columns-catalogue.ts';
import { runReport } from '#functions/reports/run-report.ts';
import { openLocalQueryEngine } from '#lib/query/duckdb-engine.ts';
import { FsObjectStore } from '#lib/store/fs-object-store.ts';
import { DEMO_AS_OF, writeDemoLake } from '../test/reports/demo-lake-fixture.ts';

/** Runs every report over a fresh demo lake and returns the column catalogue (also used by the drift test). */
export async function currentReportColumns(customers = 150) {
  const dir = await mkdtemp(path.join(tmpdir(), 'crm-report-columns-'));
  try {
    const { lakeDir } = await writeDemoLake(dir, { seed: 7, customers });
    const engine = await openLocalQueryEngine({ lakeDir });
    try {
      const store = new FsObjectStore(path.join(dir, 'reports'));
      const summaries = [];
      for (const name of reportNames) summaries.push(await runReport({ engine, store, name, asOf: DEMO_AS_OF }));
      return columnsOfRuns(summaries);
    } finally {
      await engine.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await writeFile(REPORT_COLUMNS_FILE, catalogueJson(await currentReportColumns()));
  process.stderr.write(`wrote ${REPORT_COLUMNS_FILE.pathname}\n`);
}
