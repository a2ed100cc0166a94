// Glue tables over the report outputs: one per `<report>_<table>`, Parquet under
// `reports/<report>/as_of=<date>/<table>/`, with partition projection on `as_of` so a new run is
// queryable at once (no crawler, no MSCK) and `WHERE as_of = DATE '…'` reads one run's folder.
import type { CfnTable } from 'aws-cdk-lib/aws-glue';
import { glueType } from '#schemas/columns.ts';
import type { ReportColumn, ReportDefinition, ReportTableSpec } from '#functions/reports/report-definition.ts';
import { AS_OF_PARTITION, reportViewName } from '#functions/reports/report-layout.ts';
import { PARQUET_FORMAT, PROJECTION_START } from './lake-table-input.ts';

export function reportTableInput(
  definition: ReportDefinition,
  spec: ReportTableSpec,
  columns: readonly ReportColumn[],
  bucketName: string,
  prefix: string,
): CfnTable.TableInputProperty {
  const location = `s3://${bucketName}/${prefix}${definition.name}/`;
  return {
    name: reportViewName(definition.name, spec.name),
    description: `${definition.title}: ${spec.title}. ${spec.description}`.slice(0, 2048),
    tableType: 'EXTERNAL_TABLE',
    parameters: {
      EXTERNAL: 'TRUE',
      classification: 'parquet',
      'projection.enabled': 'true',
      [`projection.${AS_OF_PARTITION}.type`]: 'date',
      [`projection.${AS_OF_PARTITION}.format`]: 'yyyy-MM-dd',
      [`projection.${AS_OF_PARTITION}.range`]: `${PROJECTION_START},NOW`,
      [`projection.${AS_OF_PARTITION}.interval`]: '1',
      [`projection.${AS_OF_PARTITION}.interval.unit`]: 'DAYS',
      'storage.location.template': `${location}${AS_OF_PARTITION}=\${${AS_OF_PARTITION}}/${spec.name}/`,
    },
    partitionKeys: [{ name: AS_OF_PARTITION, type: 'date', comment: 'as-of date of the report run' }],
    storageDescriptor: {
      location,
      inputFormat: PARQUET_FORMAT.inputFormat,
      outputFormat: PARQUET_FORMAT.outputFormat,
      serdeInfo: { serializationLibrary: PARQUET_FORMAT.serializationLibrary, parameters: { 'serialization.format': '1' } },
      columns: columns.map((c) => ({ name: c.name, type: glueType[c.kind] })),
      compressed: true,
    },
  };
}
