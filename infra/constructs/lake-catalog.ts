// The Glue Data Catalog view of the lake: one database; per entity the raw change log table `<table>_changes`
// and the Athena views `<table>_history` (each change once) and `<table>` (current state), the same three names
// with the same SQL as the local DuckDB engine (lib/query/lake-views.ts). The compacted snapshots the current-state
// view reads are the tables `<table>_snapshots` and `lake_snapshots` (written by the LakeCompaction construct).
import { Stack } from 'aws-cdk-lib';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import { Construct } from 'constructs';
import { entities } from '#schemas/registry.ts';
import { LAKE_PREFIX } from './data-lake-bucket.ts';
import type { LakeCatalogProps } from './lake-catalog-props.ts';
import { lakeTableInput, snapshotManifestTableInput, snapshotTableInput } from './lake-table-input.ts';
import { lakeCurrentViewInput, lakeHistoryViewInput } from './lake-view-input.ts';

export interface LakeEntityCatalog {
  /** `<table>_changes`: the Parquet files as written, replay duplicates included. */
  readonly changes: CfnTable;
  /** `<table>_snapshots`: the compacted state per snapshot day. */
  readonly snapshots: CfnTable;
  /** `<table>_history`: view, every change once. */
  readonly history: CfnTable;
  /** `<table>`: view, the latest version of each id. */
  readonly current: CfnTable;
}

export class LakeCatalog extends Construct {
  readonly databaseName: string;
  /** The raw change log table of each entity, by entity name. */
  readonly tables: Record<string, CfnTable> = {};
  /** The table and both views of each entity, by entity name. */
  readonly byEntity: Record<string, LakeEntityCatalog> = {};
  /** `lake_snapshots`: the commit records of the snapshots. */
  readonly manifest: CfnTable;

  constructor(scope: Construct, id: string, props: LakeCatalogProps) {
    super(scope, id);
    if (!/^[a-z0-9_]{1,255}$/.test(props.databaseName)) throw new Error(`Glue database name "${props.databaseName}" must be lowercase letters, digits and underscores`);
    const catalogId = Stack.of(this).account;

    const database = new CfnDatabase(this, 'Database', {
      catalogId,
      databaseInput: { name: props.databaseName, description: 'CRM lake: pseudonymous change history of every entity' },
    });
    this.databaseName = props.databaseName;
    const prefix = props.prefix ?? LAKE_PREFIX;
    this.manifest = new CfnTable(this, 'SnapshotManifest', { catalogId, databaseName: props.databaseName, tableInput: snapshotManifestTableInput(props.bucket.bucketName, prefix) });
    this.manifest.node.addDependency(database);

    for (const entity of props.entities ?? Object.values(entities)) {
      const glueTable = (kind: string, tableInput: CfnTable.TableInputProperty, ...dependsOn: Construct[]) => {
        const table = new CfnTable(this, `${kind}-${entity.table}`, { catalogId, databaseName: props.databaseName, tableInput });
        for (const dependency of [database, ...dependsOn]) table.node.addDependency(dependency);
        return table;
      };
      const changes = glueTable('Changes', lakeTableInput(entity, props.bucket.bucketName, prefix));
      const snapshots = glueTable('Snapshots', snapshotTableInput(entity, props.bucket.bucketName, prefix));
      // Athena resolves a view's relations when it is queried, but creating them in order keeps the catalog
      // consistent during a deployment (and deletes them in reverse).
      const history = glueTable('History', lakeHistoryViewInput(entity, props.databaseName), changes);
      const current = glueTable('Current', lakeCurrentViewInput(entity, props.databaseName), history, snapshots, this.manifest);
      this.tables[entity.name] = changes;
      this.byEntity[entity.name] = { changes, snapshots, history, current };
    }
  }
}
