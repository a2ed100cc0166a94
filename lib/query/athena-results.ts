// Reading the results of an Athena query that has finished: GetQueryExecution and GetQueryResults only, so a
// role that only reads results (the report finish step: Step Functions started the queries) needs no
// StartQueryExecution or StopQueryExecution. The values come back as strings and are typed by the result
// set metadata.
import { GetQueryExecutionCommand, GetQueryResultsCommand, type AthenaClient, type ColumnInfo, type QueryExecution } from '@aws-sdk/client-athena';
import type { QueryColumn, QueryResult } from './engine.ts';
import { isoFromSqlTimestamp, safeInteger } from './values.ts';

const PAGE_SIZE = 1000;

export class AthenaResultsReader {
  constructor(private readonly client: AthenaClient) {}

  /**
   * The results of a query that was started elsewhere (a Step Functions Athena task): fails unless it
   * succeeded, so a caller never reads the partial output of a running or failed query.
   */
  async resultsOf(queryExecutionId: string): Promise<QueryResult> {
    const { QueryExecution: execution } = await this.client.send(new GetQueryExecutionCommand({ QueryExecutionId: queryExecutionId }));
    const state = execution?.Status?.State;
    if (state !== 'SUCCEEDED') {
      const reason = execution?.Status?.AthenaError?.ErrorMessage ?? execution?.Status?.StateChangeReason;
      throw new Error(`Athena query ${queryExecutionId} is ${state?.toLowerCase() ?? 'unknown'}${reason ? `: ${reason}` : ''}, not succeeded`);
    }
    return this.fetchResults(queryExecutionId, execution!);
  }

  /** Every page of the results of the succeeded execution `id`. */
  async fetchResults(id: string, execution: QueryExecution): Promise<QueryResult> {
    let columns: QueryColumn[] = [];
    let infos: ColumnInfo[] = [];
    const rows: Record<string, unknown>[] = [];
    let NextToken: string | undefined;
    let first = true;
    do {
      const page = await this.client.send(
        new GetQueryResultsCommand({ QueryExecutionId: id, MaxResults: PAGE_SIZE, ...(NextToken ? { NextToken } : {}) }),
      );
      if (first) {
        infos = page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
        columns = infos.map((c, i) => ({ name: c.Label ?? c.Name ?? `_col${i}`, type: columnType(c) }));
      }
      let data = page.ResultSet?.Rows ?? [];
      // A SELECT's first row holds the column labels; DDL and utility statements have none.
      if (first && execution.StatementType === 'DML' && data[0]?.Data?.every((d, i) => d.VarCharValue === columns[i]?.name)) data = data.slice(1);
      for (const row of data) {
        const out: Record<string, unknown> = {};
        columns.forEach((column, i) => (out[column.name] = typedValue(row.Data?.[i]?.VarCharValue, infos[i]!)));
        rows.push(out);
      }
      first = false;
      NextToken = page.NextToken;
    } while (NextToken);
    return { columns, rows };
  }
}

/** The column type in the engine-neutral spelling (upper case, decimals with precision and scale). */
function columnType(info: ColumnInfo): string {
  const type = (info.Type ?? 'varchar').toUpperCase();
  return type === 'DECIMAL' && info.Precision !== undefined ? `DECIMAL(${info.Precision},${info.Scale ?? 0})` : type;
}

/** Athena's string value → the QueryResult conventions (see engine.ts). */
export function typedValue(text: string | undefined, info: ColumnInfo): unknown {
  if (text === undefined || text === null) return null;
  switch ((info.Type ?? '').toLowerCase()) {
    case 'boolean':
      return text === 'true';
    case 'tinyint':
    case 'smallint':
    case 'integer':
    case 'int':
    case 'float':
    case 'real':
    case 'double':
    case 'decimal':
      return Number(text);
    case 'bigint':
      return safeInteger(text);
    case 'timestamp':
    case 'timestamp with time zone':
      return isoFromSqlTimestamp(text);
    default:
      // varchar, char, date ('YYYY-MM-DD' already), json, and arrays/maps/rows in Athena's own text form.
      return text;
  }
}

/** A `?` value as the SQL literal text Athena's ExecutionParameters expect. */
export function sqlLiteral(value: unknown, index: number): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return `'${value.replace(/'/g, "''")}'`;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`query parameter ${index + 1}: ${value} has no SQL literal`);
    return String(value);
  }
  if (value instanceof Date) return `TIMESTAMP '${value.toISOString().replace('T', ' ').replace('Z', '')}'`;
  throw new Error(`query parameter ${index + 1}: unsupported value of type ${typeof value}`);
}
