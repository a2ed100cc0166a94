// The compaction Lambda's exact AWS calls for one table (what the state machine sends it): Athena statements in
// order (drop a leftover CTAS table, CTAS into the snapshot partition, count, drop), the partition cleared on S3
// before the CTAS, the manifest row put last. Glue is reached only through Athena's DDL (the CTAS creates the
// transient table, DROP TABLE deletes it): the function has no Glue client. The SQL itself runs on DuckDB in
// test/lake/compaction.test.ts.
import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decodeParquet } from '#lib/lake/parquet.ts';

const athena = mockClient(AthenaClient);
const s3 = mockClient(S3Client);
const context = { functionName: 'compaction', awsRequestId: 'r-1' };

type Handler = (event: unknown, ctx: unknown) => Promise<{ table: string; snapshotDt: string; rows: number }[]>;
let handler: Handler;

beforeAll(async () => {
  Object.assign(process.env, { LAKE_BUCKET: 'lake-bucket', LAKE_PREFIX: 'lake/', WORKGROUP: 'crm-test', GLUE_DATABASE: 'crm_test', AWS_REGION: 'eu-central-1' });
  ({ handler } = (await import('#functions/compaction/handler.ts')) as unknown as { handler: Handler });
});

afterEach(() => {
  athena.reset();
  s3.reset();
});

/** Athena and S3 calls in the order they were sent (status polls and result reads left out). */
const sent: string[] = [];

/** Athena that runs every statement at once: DDL without rows, the count query with `rows`. */
function athenaRunning(rows: number) {
  const statements: string[] = [];
  sent.length = 0;
  athena.on(StartQueryExecutionCommand).callsFake((input: { QueryString: string }) => {
    sent.push('StartQueryExecution');
    statements.push(input.QueryString);
    return { QueryExecutionId: `q-${statements.length}` };
  });
  athena.on(GetQueryExecutionCommand).callsFake((input: { QueryExecutionId: string }) => {
    const sql = statements[Number(input.QueryExecutionId.slice(2)) - 1]!;
    return { QueryExecution: { QueryExecutionId: input.QueryExecutionId, StatementType: sql.startsWith('SELECT') ? 'DML' : 'DDL', Status: { State: 'SUCCEEDED' } } };
  });
  athena.on(GetQueryResultsCommand).callsFake((input: { QueryExecutionId: string }) => {
    const sql = statements[Number(input.QueryExecutionId.slice(2)) - 1]!;
    if (!sql.startsWith('SELECT count(*)')) return { ResultSet: { Rows: [], ResultSetMetadata: { ColumnInfo: [] } } };
    return {
      ResultSet: {
        ResultSetMetadata: { ColumnInfo: [{ Name: 'row_count', Label: 'row_count', Type: 'bigint' }] },
        Rows: [{ Data: [{ VarCharValue: 'row_count' }] }, { Data: [{ VarCharValue: String(rows) }] }],
      },
    };
  });
  return statements;
}

describe('compaction handler (one table per invocation)', () => {
  it('drops a leftover CTAS table, clears the partition, writes it with one CTAS, counts, drops and commits the manifest row', async () => {
    // Prepare: a partition left half written by a failed attempt.
    const statements = athenaRunning(1234);
    const stale = ['lake/snapshots/orders/snapshot_dt=2024-01-05/20240106_013000_00001_abc_part-0', 'lake/snapshots/orders/snapshot_dt=2024-01-05/20240106_013000_00001_abc_part-1'];
    s3.on(ListObjectsV2Command).callsFake(() => (sent.push('ListObjectsV2'), { Contents: stale.map((Key) => ({ Key })), IsTruncated: false }));
    s3.on(DeleteObjectCommand).callsFake(() => (sent.push('DeleteObject'), {}));
    s3.on(PutObjectCommand).callsFake(() => (sent.push('PutObject'), {}));

    // Act: the state machine's item for orders, in a run that started on 2024-01-06 (UTC).
    const result = await handler({ tables: ['orders'], date: null, startedAt: '2024-01-06T01:30:04.123Z' }, context);

    // Assess: the last complete day before the run started, for that table only.
    expect(result).toEqual([{ table: 'orders', snapshotDt: '2024-01-05', rows: 1234 }]);
    expect(statements).toHaveLength(4);
    expect(statements[0]).toBe('DROP TABLE IF EXISTS `compaction_orders_20240105`');
    expect(statements[1]).toMatch(
      /^CREATE TABLE "compaction_orders_20240105" WITH \(format = 'PARQUET', write_compression = 'ZSTD', external_location = 's3:\/\/lake-bucket\/lake\/snapshots\/orders\/snapshot_dt=2024-01-05\/'\) AS\nSELECT /,
    );
    // The CTAS reads the previous snapshots and the change partitions up to the day, nothing later.
    expect(statements[1]).toContain('"orders_snapshots"');
    expect(statements[1]).toContain("dt <= '2024-01-05'");
    expect(statements[2]).toBe('SELECT count(*) AS row_count FROM "compaction_orders_20240105"');
    expect(statements[3]).toBe(statements[0]);
    for (const call of athena.commandCalls(StartQueryExecutionCommand)) {
      expect(call.args[0].input).toMatchObject({ WorkGroup: 'crm-test', QueryExecutionContext: { Database: 'crm_test' } });
      expect(call.args[0].input.ExecutionParameters).toBeUndefined();
    }

    expect(s3).toHaveReceivedCommandWith(ListObjectsV2Command, { Bucket: 'lake-bucket', Prefix: 'lake/snapshots/orders/snapshot_dt=2024-01-05/' });
    expect(s3.commandCalls(DeleteObjectCommand).map((c) => c.args[0].input)).toEqual(stale.map((Key) => ({ Bucket: 'lake-bucket', Key })));
    expect(s3).not.toHaveReceivedCommand(GetObjectCommand);
    // The partition is cleared after the leftover table is dropped and before the CTAS starts.
    expect(sent).toEqual(['StartQueryExecution', 'ListObjectsV2', 'DeleteObject', 'DeleteObject', 'StartQueryExecution', 'StartQueryExecution', 'StartQueryExecution', 'PutObject']);

    // The commit: one manifest row naming the snapshot, its first change partition and its row count.
    const put = s3.commandCalls(PutObjectCommand);
    expect(put).toHaveLength(1);
    expect(put[0]!.args[0].input).toMatchObject({ Bucket: 'lake-bucket', Key: 'lake/snapshots/manifest/orders-2024-01-05.parquet', ContentType: 'application/vnd.apache.parquet' });
    const rows = await decodeParquet(put[0]!.args[0].input.Body as Uint8Array);
    expect(rows).toEqual([expect.objectContaining({ table_name: 'orders', snapshot_dt: '2024-01-05', row_count: 1234 })]);
  });

  it('compacts the given date and rejects an unknown table before any call', async () => {
    const statements = athenaRunning(0);
    s3.on(ListObjectsV2Command).resolves({ Contents: [] });
    s3.on(PutObjectCommand).resolves({});

    await expect(handler({ tables: ['nope'] }, context)).rejects.toThrow(/unknown lake table\(s\): nope/);
    expect(athena.calls()).toHaveLength(0);

    const result = await handler({ tables: ['customers'], date: '2024-02-29', startedAt: '2024-03-10T01:30:00.000Z' }, context);
    expect(result).toEqual([{ table: 'customers', snapshotDt: '2024-02-29', rows: 0 }]);
    expect(statements[1]).toContain("external_location = 's3://lake-bucket/lake/snapshots/customers/snapshot_dt=2024-02-29/'");
    expect(s3).not.toHaveReceivedCommand(DeleteObjectCommand);
  });

  it('names a bad startedAt', async () => {
    await expect(handler({ tables: ['orders'], startedAt: 'yesterday' }, context)).rejects.toThrow('compaction request: startedAt "yesterday" is not an ISO 8601 instant');
  });
});
