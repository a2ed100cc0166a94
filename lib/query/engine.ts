// Query engine port: Athena in AWS, DuckDB over the local lake. Report SQL is written once in Athena
// (Trino) dialect; both adapters return values in the same plain-JS shape so callers compare them.

export interface QueryColumn {
  name: string;
  /** SQL type in upper case as the engine reports it, e.g. `VARCHAR`, `DECIMAL(18,2)`, `TIMESTAMP`. */
  type: string;
}

/**
 * Rows keyed by column name. Values: BOOLEAN → boolean; integer, DOUBLE and DECIMAL → number
 * (BIGINT beyond ±2^53 → string); DATE → 'YYYY-MM-DD'; TIMESTAMP → ISO-8601 UTC with `Z`
 * (milliseconds, or microseconds when there are any); arrays and rows → arrays and objects where
 * the engine types them, else text; NULL → null.
 */
export interface QueryResult {
  columns: QueryColumn[];
  rows: Record<string, unknown>[];
}

/** A bound `?` value; write `CAST(? AS DATE)` and the like so both engines read it the same way. */
export type QueryParam = string | number | bigint | boolean | Date | null;

export interface QueryEngine {
  /** Runs one statement; `?` placeholders are bound positionally. SQL errors reject with the engine's message. */
  query(sql: string, params?: readonly unknown[]): Promise<QueryResult>;
  close(): Promise<void>;
}
