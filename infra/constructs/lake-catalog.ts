// The Glue Data Catalog view of the lake: one database, one table per entity.
import { Stack } from 'aws-cdk-lib';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import { Construct } from 'constructs';
import { entities } from '#schemas/registry.ts';
import { LAKE_PREFIX } from './data-lake-bucket.ts';
import type { LakeCatalogProps } from './lake-catalog-props.ts';
import { lakeTableInput } from './lake-table-input.ts';

export class LakeCatalog extends Construct {
  readonly databaseName: string;
  readonly tables: Record<string, CfnTable> = {};

  constructor(scope: Construct, id: string, props: LakeCatalogProps) {
    super(scope, id);
    if (!/^[a-z0-9_]{1,255}$/.test(props.databaseName)) throw new Error(`Glue database name "${props.databaseName}" must be lowercase letters, digits and underscores`);
    const catalogId = Stack.of(this).account;

    const database = new CfnDatabase(this, 'Database', {
      catalogId,
      databaseInput: { name: props.databaseName, description: 'CRM lake: pseudonymous change history of every entity' },
    });
    this.databaseName = props.databaseName;

    for (const entity of props.entities ?? Object.values(entities)) {
      const table = new CfnTable(this, `Table-${entity.table}`, {
        catalogId,
        databaseName: props.databaseName,
        tableInput: lakeTableInput(entity, props.bucket.bucketName, props.prefix ?? LAKE_PREFIX),
      });
      table.node.addDependency(database);
      this.tables[entity.name] = table;
    }
  }
}
