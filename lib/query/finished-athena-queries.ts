// A query engine over Athena queries that have already run: a Step Functions state machine executes the
// report SQL (Athena StartQueryExecution .sync, no Lambda waiting on it), and the post-processing Lambda
// then calls the report framework unchanged. Each statement it asks for is looked up by its exact text
// and parameter literals among the finished executions, and only their results are read.
import { sqlLiteral, type AthenaResultsReader } from './athena-results.ts';
import type { QueryEngine, QueryResult } from './engine.ts';

export interface FinishedQuery {
  /** The statement as sent to Athena. */
  queryString: string;
  /** Its ExecutionParameters (SQL literal text), in order. */
  executionParameters: readonly string[];
  queryExecutionId: string;
}

const keyOf = (sql: string, literals: readonly string[]) => JSON.stringify([sql, ...literals]);

export class FinishedAthenaQueries implements QueryEngine {
  private readonly executions = new Map<string, string>();

  constructor(
    private readonly athena: Pick<AthenaResultsReader, 'resultsOf'>,
    finished: readonly FinishedQuery[],
  ) {
    for (const q of finished) this.executions.set(keyOf(q.queryString, q.executionParameters), q.queryExecutionId);
  }

  async query(sql: string, params: readonly unknown[] = []): Promise<QueryResult> {
    const id = this.executions.get(keyOf(sql, params.map(sqlLiteral)));
    // A different text means the state machine and this bundle disagree about the SQL: never run it here.
    if (!id) throw new Error(`no finished Athena query matches this statement (the state machine ran ${this.executions.size}): ${sql.slice(0, 120)}`);
    return this.athena.resultsOf(id);
  }

  async close(): Promise<void> {}
}
