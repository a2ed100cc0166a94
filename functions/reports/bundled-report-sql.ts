// The report SQL as text inside a Lambda bundle. esbuild turns the template-literal import into one
// module per `functions/reports/<report>/<table>.sql` (its text loader makes each a string), so every
// report in the catalog is bundled without listing it here. Only Lambda entries import this module:
// Node itself cannot import a `.sql` file, and locally readReportSql reads the files beside report.ts.
import type { ReportDefinition } from './report-definition.ts';

export async function readBundledReportSql(definition: ReportDefinition, table: string): Promise<string> {
  try {
    const module = (await import(`./${definition.name}/${table}.sql`)) as { default: string };
    return module.default;
  } catch (err) {
    throw new Error(`report ${definition.name}: table ${table} has no SQL in this bundle`, { cause: err });
  }
}
