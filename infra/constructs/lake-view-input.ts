// Glue definitions of the lake's Athena views, `<table>_history` and `<table>`, over the raw `<table>_changes` table.
//
// Athena (engine v3, Trino) keeps its views as Glue tables in the Trino/Presto view format, which is what
// `CREATE VIEW` in Athena writes and what Trino's Hive/Glue connector reads (trinodb/trino, ViewReaderUtil
// `isTrinoView`/`encodeViewData`, ConnectorViewDefinition):
//   TableType          VIRTUAL_VIEW
//   Parameters         presto_view = 'true', comment = 'Presto View' (both checked by isTrinoView)
//   ViewOriginalText   '/* Presto View: ' + base64(JSON ConnectorViewDefinition) + ' */'
//   ViewExpandedText   '/* Presto View */'
//   StorageDescriptor  the columns with Hive types (what the Glue console and other Glue clients list) and an
//                      (empty) SerDe info: Athena fails a view without one with "Table storage descriptor is
//                      missing SerDe info" (hashicorp/terraform-provider-aws#28517).
// The JSON holds originalSql (the SELECT only, no CREATE VIEW), catalog 'awsdatacatalog', schema (the Glue
// database, against which unqualified names in the SQL resolve) and columns [{name, type}] with Trino type names;
// Athena fails a query on the view as stale when the SQL's result columns no longer fit them. No owner is set
// (the account is not known at synthesis): with runAsInvoker false and no owner, Trino runs the view as the
// invoker, which is how Athena runs its views anyway. `path` (the SQL path, empty) is written because newer
// Trino releases carry it in the definition; readers ignore unknown fields (airlift's ObjectMapperProvider).
import type { CfnTable } from 'aws-cdk-lib/aws-glue';
import { glueType, lakeColumns, type LakeColumn } from '#schemas/columns.ts';
import type { AnyEntity } from '#schemas/registry.ts';
import {
  changesRelation,
  changesTableName,
  currentSelectSql,
  currentViewColumns,
  currentViewName,
  historySelectSql,
  historyViewColumns,
  historyViewName,
  PARTITION_COLUMN,
  trinoType,
  type LakeTable,
} from '#lib/query/lake-views.ts';

export const PRESTO_VIEW_PREFIX = '/* Presto View: ';
export const PRESTO_VIEW_SUFFIX = ' */';
export const PRESTO_VIEW_EXPANDED_TEXT = '/* Presto View */';
/** Catalog name of the Glue Data Catalog in Athena. */
export const ATHENA_CATALOG = 'awsdatacatalog';

/** The JSON inside a Presto view's ViewOriginalText (Trino's ConnectorViewDefinition). */
export interface PrestoViewDefinition {
  originalSql: string;
  catalog: string;
  schema: string;
  columns: { name: string; type: string }[];
  owner?: string;
  runAsInvoker: boolean;
  path: unknown[];
}

export const encodePrestoView = (definition: PrestoViewDefinition) =>
  `${PRESTO_VIEW_PREFIX}${Buffer.from(JSON.stringify(definition), 'utf8').toString('base64')}${PRESTO_VIEW_SUFFIX}`;

export function decodePrestoView(viewOriginalText: string): PrestoViewDefinition {
  if (!viewOriginalText.startsWith(PRESTO_VIEW_PREFIX) || !viewOriginalText.endsWith(PRESTO_VIEW_SUFFIX)) throw new Error('not a Presto view text');
  const data = viewOriginalText.slice(PRESTO_VIEW_PREFIX.length, viewOriginalText.length - PRESTO_VIEW_SUFFIX.length);
  return JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as PrestoViewDefinition;
}

interface ViewColumn {
  column: string;
  kind: LakeColumn['kind'];
  description: string;
}

export interface PrestoViewInputProps {
  name: string;
  description: string;
  /** Glue database holding the view and the relations its SQL names unqualified. */
  databaseName: string;
  /** The view's SELECT in Trino dialect. */
  sql: string;
  columns: readonly ViewColumn[];
}

/** Glue TableInput of an Athena (Presto) view. */
export function prestoViewInput(props: PrestoViewInputProps): CfnTable.TableInputProperty {
  const definition: PrestoViewDefinition = {
    originalSql: props.sql,
    catalog: ATHENA_CATALOG,
    schema: props.databaseName,
    columns: props.columns.map((c) => ({ name: c.column, type: trinoType[c.kind] })),
    runAsInvoker: false,
    path: [],
  };
  return {
    name: props.name,
    description: props.description,
    tableType: 'VIRTUAL_VIEW',
    parameters: { presto_view: 'true', comment: 'Presto View' },
    partitionKeys: [],
    viewOriginalText: encodePrestoView(definition),
    viewExpandedText: PRESTO_VIEW_EXPANDED_TEXT,
    storageDescriptor: {
      columns: props.columns.map((c) => ({ name: c.column, type: glueType[c.kind], comment: c.description })),
      serdeInfo: {},
    },
  };
}

const lakeTable = (entity: AnyEntity): LakeTable => ({ table: entity.table, columns: lakeColumns(entity) });

/** Descriptions of the lake columns plus `dt`, for the view's Glue columns. */
function withDescriptions(entity: AnyEntity, columns: readonly Pick<LakeColumn, 'column' | 'kind'>[]): ViewColumn[] {
  const descriptions = new Map(lakeColumns(entity).map((c) => [c.column, c.description]));
  descriptions.set(PARTITION_COLUMN, 'UTC day of the change (yyyy-MM-dd)');
  return columns.map((c) => ({ column: c.column, kind: c.kind, description: descriptions.get(c.column) ?? c.column }));
}

/** `<table>_history`: every version of every record, each change once (replays removed by `seq`). */
export function lakeHistoryViewInput(entity: AnyEntity, databaseName: string): CfnTable.TableInputProperty {
  const table = lakeTable(entity);
  return prestoViewInput({
    name: historyViewName(entity.table),
    description: `Every version of every ${entity.label} record (pseudonymous), each change once: ${changesTableName(entity.table)} without replayed duplicates.`,
    databaseName,
    sql: historySelectSql(table, changesRelation(table)),
    columns: withDescriptions(entity, historyViewColumns(table)),
  });
}

/** `<table>`: the current state, the latest version of each id with removed ids left out. */
export function lakeCurrentViewInput(entity: AnyEntity, databaseName: string): CfnTable.TableInputProperty {
  const table = lakeTable(entity);
  return prestoViewInput({
    name: currentViewName(entity.table),
    description: `Current state of every ${entity.label} record (pseudonymous): the latest version of each id in ${historyViewName(entity.table)}, removed records left out.`,
    databaseName,
    sql: currentSelectSql(table),
    columns: withDescriptions(entity, currentViewColumns(table)),
  });
}
