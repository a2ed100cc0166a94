// Athena adapter of the query engine: start in the workgroup (which fixes the result location, the
// encryption and the bytes-scanned cutoff), poll with backoff, page through the results and type the
// all-string values by the result set metadata.
import { GetQueryExecutionCommand, StartQueryExecutionCommand, StopQueryExecutionCommand, type AthenaClient, type QueryExecution } from '@aws-sdk/client-athena';
import { AthenaResultsReader, sqlLiteral } from './athena-results.ts';
import type { QueryEngine, QueryResult } from './engine.ts';

export { sqlLiteral, typedValue } from './athena-results.ts';

export interface AthenaQueryEngineProps {
  client: AthenaClient;
  workGroup: string;
  /** Glue database the unqualified table names resolve in. */
  database: string;
  /** @default 'AwsDataCatalog' */
  catalog?: string;
  /** First wait between status polls; doubles up to maxPollMs. @default 250 */
  initialPollMs?: number;
  /** @default 2000 */
  maxPollMs?: number;
  /** After this the query is stopped and the call rejects. @default 600_000 (10 minutes) */
  timeoutMs?: number;
  /** Injected in tests. @default setTimeout-based */
  sleep?: (ms: number) => Promise<void>;
}

export class AthenaQueryEngine implements QueryEngine {
  private readonly props: Required<Omit<AthenaQueryEngineProps, 'catalog'>> & { catalog?: string };
  private readonly results: AthenaResultsReader;

  constructor(props: AthenaQueryEngineProps) {
    this.props = {
      initialPollMs: 250,
      maxPollMs: 2000,
      timeoutMs: 600_000,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      ...props,
    };
    this.results = new AthenaResultsReader(props.client);
  }

  async query(sql: string, params: readonly unknown[] = []): Promise<QueryResult> {
    const { client, workGroup, database, catalog } = this.props;
    const started = await client.send(
      new StartQueryExecutionCommand({
        QueryString: sql,
        WorkGroup: workGroup,
        QueryExecutionContext: { Database: database, ...(catalog ? { Catalog: catalog } : {}) },
        ...(params.length ? { ExecutionParameters: params.map(sqlLiteral) } : {}),
      }),
    );
    const id = started.QueryExecutionId;
    if (!id) throw new Error('Athena StartQueryExecution returned no QueryExecutionId');
    const execution = await this.waitFor(id);
    return this.results.fetchResults(id, execution);
  }

  /** The results of a query started elsewhere, once it succeeded (see AthenaResultsReader). */
  async resultsOf(queryExecutionId: string): Promise<QueryResult> {
    return this.results.resultsOf(queryExecutionId);
  }

  async close(): Promise<void> {
    // The client is injected and shared: its owner destroys it.
  }

  private async waitFor(id: string): Promise<QueryExecution> {
    const { client, sleep, maxPollMs, timeoutMs } = this.props;
    const deadline = Date.now() + timeoutMs;
    for (let wait = this.props.initialPollMs; ; wait = Math.min(wait * 2, maxPollMs)) {
      const { QueryExecution: execution } = await client.send(new GetQueryExecutionCommand({ QueryExecutionId: id }));
      const state = execution?.Status?.State;
      if (state === 'SUCCEEDED') return execution!;
      if (state === 'FAILED' || state === 'CANCELLED') {
        const reason = execution?.Status?.AthenaError?.ErrorMessage ?? execution?.Status?.StateChangeReason ?? state;
        throw new Error(`Athena query ${id} ${state.toLowerCase()}: ${reason}`, {
          cause: { package: '@aws-sdk/client-athena', data: { queryExecutionId: id, status: execution?.Status } },
        });
      }
      if (Date.now() + wait > deadline) {
        await client.send(new StopQueryExecutionCommand({ QueryExecutionId: id })).catch(() => undefined);
        throw new Error(`Athena query ${id} did not finish within ${timeoutMs} ms and was stopped`);
      }
      await sleep(wait);
    }
  }
}
