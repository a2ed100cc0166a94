// The lake's Glue catalog in the synthesized stack: per entity the raw `<table>_changes` table and the Athena
// (Presto-format) views `<table>_history` and `<table>`, whose SQL is the local DuckDB engine's SQL.
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { lakeColumns } from '#schemas/columns.ts';
import type { ColumnKind } from '#schemas/fields.ts';
import { entities } from '#schemas/registry.ts';
import { changesRelation, currentSelectSql, currentViewSql, historySelectSql, historyViewSql, parquetLakeRelation, type LakeTable } from '#lib/query/lake-views.ts';
import { LakeCatalog } from '../../infra/constructs/lake-catalog.ts';
import { decodePrestoView, lakeHistoryViewInput } from '../../infra/constructs/lake-view-input.ts';
import { buildTestApp, logicalId } from './crm-app-fixture.ts';

// Synthesis without Lambda bundling: only the catalog is inspected here.
const { stack } = buildTestApp({ stage: 'test', 'aws:cdk:bundling-stacks': [] });
const resources = Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string; Properties: Record<string, any>; DependsOn?: string[] }>;
const glueTables = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::Glue::Table');
const byName = (name: string) => {
  const found = glueTables.filter(([, r]) => r.Properties.TableInput.Name === name);
  expect(found, name).toHaveLength(1);
  const [id, resource] = found[0]!;
  return { id, input: resource.Properties.TableInput, dependsOn: resource.DependsOn ?? [] };
};
const databaseId = logicalId(stack.catalog.node.findChild('Database'));

/** Trino and Hive names of each column kind, spelled out independently of the code under test. */
const expectedTypes: Record<ColumnKind, { trino: string; hive: string }> = {
  string: { trino: 'varchar', hive: 'string' },
  timestamp: { trino: 'timestamp(3)', hive: 'timestamp' },
  date: { trino: 'date', hive: 'date' },
  decimal: { trino: 'decimal(18,2)', hive: 'decimal(18,2)' },
  bigint: { trino: 'bigint', hive: 'bigint' },
  double: { trino: 'double', hive: 'double' },
  boolean: { trino: 'boolean', hive: 'boolean' },
  json: { trino: 'varchar', hive: 'string' },
};
const dtColumn = { column: 'dt', kind: 'string' as ColumnKind };

const lakeTable = (entity: (typeof entities)[keyof typeof entities]): LakeTable => ({ table: entity.table, columns: lakeColumns(entity) });

describe.each(Object.values(entities))('Glue catalog of $table', (entity) => {
  const changes = byName(`${entity.table}_changes`);
  const history = byName(`${entity.table}_history`);
  const current = byName(entity.table);
  const historyColumns = [...lakeColumns(entity), dtColumn];
  const currentColumns = lakeColumns(entity);

  it('has the raw change table and the two views, with the right table types', () => {
    expect(changes.input.TableType).toBe('EXTERNAL_TABLE');
    expect(history.input.TableType).toBe('VIRTUAL_VIEW');
    expect(current.input.TableType).toBe('VIRTUAL_VIEW');
  });

  it('marks both views as Presto views the way Athena writes them', () => {
    for (const view of [history, current]) {
      expect(view.input.Parameters).toEqual({ presto_view: 'true', comment: 'Presto View' });
      expect(view.input.ViewExpandedText).toBe('/* Presto View */');
      expect(view.input.ViewOriginalText).toMatch(/^\/\* Presto View: [A-Za-z0-9+/]+=* \*\/$/);
      expect(view.input.PartitionKeys).toEqual([]);
      expect(view.input.StorageDescriptor.SerdeInfo).toEqual({});
    }
  });

  it('history: deduplicating SQL over <table>_changes, lake columns then dt, Trino types', () => {
    const definition = decodePrestoView(history.input.ViewOriginalText);
    expect(definition).toMatchObject({ catalog: 'awsdatacatalog', schema: 'crm_test', runAsInvoker: false });
    expect(definition.originalSql).toContain(`FROM "${entity.table}_changes"`);
    expect(definition.originalSql).toContain('PARTITION BY seq');
    expect(definition.columns).toEqual(historyColumns.map((c) => ({ name: c.column, type: expectedTypes[c.kind].trino })));
    expect(history.input.StorageDescriptor.Columns.map((c: any) => ({ Name: c.Name, Type: c.Type }))).toEqual(
      historyColumns.map((c) => ({ Name: c.column, Type: expectedTypes[c.kind].hive })),
    );
  });

  it('current: latest version per id over the latest snapshot and the changes since, lake columns, Trino types', () => {
    const definition = decodePrestoView(current.input.ViewOriginalText);
    expect(definition).toMatchObject({ catalog: 'awsdatacatalog', schema: 'crm_test', runAsInvoker: false });
    // Compaction (LakeCompaction) keeps the view O(current data): the latest snapshot named by lake_snapshots, then the change log after it.
    expect(definition.originalSql).toContain(`FROM "${entity.table}_snapshots"`);
    expect(definition.originalSql).toContain(`FROM "lake_snapshots" WHERE table_name = '${entity.table}'`);
    expect(definition.originalSql).toContain(`FROM "${entity.table}_changes"`);
    expect(definition.originalSql).toContain('PARTITION BY id ORDER BY version DESC');
    expect(definition.originalSql).toContain("op IS DISTINCT FROM 'remove'");
    expect(definition.columns).toEqual(currentColumns.map((c) => ({ name: c.column, type: expectedTypes[c.kind].trino })));
    expect(current.input.StorageDescriptor.Columns.map((c: any) => ({ Name: c.Name, Type: c.Type }))).toEqual(
      currentColumns.map((c) => ({ Name: c.column, Type: expectedTypes[c.kind].hive })),
    );
  });

  it('creates the table, then the history view, then the current view', () => {
    expect(changes.dependsOn).toContain(databaseId);
    expect(history.dependsOn).toEqual(expect.arrayContaining([databaseId, changes.id]));
    expect(current.dependsOn).toEqual(expect.arrayContaining([databaseId, history.id]));
  });

  it('stores the SQL the local DuckDB engine runs, differing only in the relation read', () => {
    const table = lakeTable(entity);
    const duckdbRelation = parquetLakeRelation(table, `/lake/${entity.table}/*/*.parquet`);
    const athenaHistory = decodePrestoView(history.input.ViewOriginalText).originalSql;
    const athenaCurrent = decodePrestoView(current.input.ViewOriginalText).originalSql;

    expect(athenaHistory).toBe(historySelectSql(table, changesRelation(table)));
    expect(athenaHistory.split(changesRelation(table))).toHaveLength(2);
    expect(historyViewSql(table, duckdbRelation)).toBe(
      `CREATE OR REPLACE VIEW "${entity.table}_history" AS\n${athenaHistory.replace(changesRelation(table), duckdbRelation)}`,
    );
    expect(athenaCurrent).toBe(currentSelectSql(table));
    expect(currentViewSql(table)).toBe(`CREATE OR REPLACE VIEW "${entity.table}" AS\n${athenaCurrent}`);
  });

  it('uses no DuckDB-only syntax in the view SQL', () => {
    for (const view of [history, current]) {
      const sql = decodePrestoView(view.input.ViewOriginalText).originalSql;
      expect(sql).not.toMatch(/::|\bQUALIFY\b|\bILIKE\b|\bEXCLUDE\b|\bBY NAME\b|\[|read_parquet|;/i);
      expect(sql).not.toMatch(/^\s*CREATE\b/i);
    }
  });
});

describe('LakeCatalog', () => {
  it('synthesizes in an environment-agnostic stack (account unknown at synthesis)', () => {
    const app = new App();
    const agnostic = new Stack(app, 'Agnostic');
    const catalog = new LakeCatalog(agnostic, 'Catalog', { databaseName: 'crm_x', bucket: new Bucket(agnostic, 'Lake'), entities: [entities.order] });
    const template = Template.fromStack(agnostic);
    // The entity's change table, snapshot table and two views, and the snapshot manifest lake_snapshots.
    template.resourceCountIs('AWS::Glue::Table', 5);
    expect(Object.keys(catalog.byEntity)).toEqual(['order']);
    const view = decodePrestoView(lakeHistoryViewInput(entities.order, 'crm_x').viewOriginalText!);
    expect(view.schema).toBe('crm_x');
  });
});
