import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type ColumnInfo,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, describe, expect, it } from 'vitest';
import { AthenaQueryEngine, sqlLiteral, typedValue } from '#lib/query/athena-engine.ts';
import { isoFromSqlTimestamp } from '#lib/query/values.ts';

const athena = mockClient(AthenaClient);

function engine(overrides: { timeoutMs?: number } = {}) {
  const waits: number[] = [];
  const e = new AthenaQueryEngine({
    client: new AthenaClient({ region: 'eu-west-1' }),
    workGroup: 'crm-reports',
    database: 'crm_lake',
    sleep: async (ms) => {
      waits.push(ms);
    },
    ...overrides,
  });
  return { engine: e, waits };
}

const columns: ColumnInfo[] = [
  { Name: 'channel', Label: 'channel', Type: 'varchar' },
  { Name: 'revenue', Label: 'revenue', Type: 'decimal', Precision: 18, Scale: 2 },
  { Name: 'orders', Label: 'orders', Type: 'bigint' },
  { Name: 'month', Label: 'month', Type: 'date' },
  { Name: 'last_at', Label: 'last_at', Type: 'timestamp' },
  { Name: 'share', Label: 'share', Type: 'double' },
  { Name: 'active', Label: 'active', Type: 'boolean' },
];
const row = (...values: (string | undefined)[]) => ({ Data: values.map((v) => (v === undefined ? {} : { VarCharValue: v })) });
const header = row(...columns.map((c) => c.Name!));

const succeeded = { QueryExecution: { QueryExecutionId: 'q-1', StatementType: 'DML' as const, Status: { State: 'SUCCEEDED' as const } } };

describe('AthenaQueryEngine', () => {
  afterEach(() => {
    athena.reset();
  });

  it('starts the query in the workgroup and database with ? values as SQL literals', async () => {
    // Prepare
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena.on(GetQueryExecutionCommand).resolves(succeeded);
    athena.on(GetQueryResultsCommand).resolves({ ResultSet: { ResultSetMetadata: { ColumnInfo: [] }, Rows: [] } });
    const { engine: e } = engine();

    // Act
    await e.query('SELECT * FROM orders WHERE ordered_at < CAST(? AS DATE) AND channel = ? AND total > ?', ['2024-02-01', "o'brien", 10.5]);

    // Assess
    expect(athena).toHaveReceivedCommandWith(StartQueryExecutionCommand, {
      QueryString: 'SELECT * FROM orders WHERE ordered_at < CAST(? AS DATE) AND channel = ? AND total > ?',
      WorkGroup: 'crm-reports',
      QueryExecutionContext: { Database: 'crm_lake' },
      ExecutionParameters: ["'2024-02-01'", "'o''brien'", '10.5'],
    });
  });

  it('sends no ExecutionParameters without parameters', async () => {
    // Prepare
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena.on(GetQueryExecutionCommand).resolves(succeeded);
    athena.on(GetQueryResultsCommand).resolves({ ResultSet: { ResultSetMetadata: { ColumnInfo: [] }, Rows: [] } });

    // Act
    await engine().engine.query('SELECT 1');

    // Assess
    expect(athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input).not.toHaveProperty('ExecutionParameters');
  });

  it('polls with growing waits until the query succeeds, then pages through typed results', async () => {
    // Prepare
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce({ QueryExecution: { Status: { State: 'QUEUED' } } })
      .resolvesOnce({ QueryExecution: { Status: { State: 'RUNNING' } } })
      .resolvesOnce({ QueryExecution: { Status: { State: 'RUNNING' } } })
      .resolves(succeeded);
    athena
      .on(GetQueryResultsCommand)
      .resolvesOnce({
        ResultSet: { ResultSetMetadata: { ColumnInfo: columns }, Rows: [header, row('web', '1234567890123.45', '42', '2024-01-01', '2024-01-31 23:59:59.123', '0.25', 'true')] },
        NextToken: 'page-2',
      })
      .resolvesOnce({
        ResultSet: { ResultSetMetadata: { ColumnInfo: columns }, Rows: [row('store', '0.10', '9223372036854775807', undefined, undefined, 'NaN', 'false')] },
      });
    const { engine: e, waits } = engine();

    // Act
    const result = await e.query('SELECT ...');

    // Assess
    expect(waits).toEqual([250, 500, 1000]);
    expect(athena).toHaveReceivedNthCommandWith(GetQueryResultsCommand, 2, { QueryExecutionId: 'q-1', NextToken: 'page-2' });
    expect(result.columns).toEqual([
      { name: 'channel', type: 'VARCHAR' },
      { name: 'revenue', type: 'DECIMAL(18,2)' },
      { name: 'orders', type: 'BIGINT' },
      { name: 'month', type: 'DATE' },
      { name: 'last_at', type: 'TIMESTAMP' },
      { name: 'share', type: 'DOUBLE' },
      { name: 'active', type: 'BOOLEAN' },
    ]);
    expect(result.rows).toEqual([
      { channel: 'web', revenue: 1234567890123.45, orders: 42, month: '2024-01-01', last_at: '2024-01-31T23:59:59.123Z', share: 0.25, active: true },
      { channel: 'store', revenue: 0.1, orders: '9223372036854775807', month: null, last_at: null, share: Number.NaN, active: false },
    ]);
  });

  it('keeps the first row of a DDL statement, which has no header row', async () => {
    // Prepare
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { StatementType: 'UTILITY', Status: { State: 'SUCCEEDED' } } });
    athena.on(GetQueryResultsCommand).resolves({
      ResultSet: { ResultSetMetadata: { ColumnInfo: [{ Name: 'tab_name', Type: 'string' }] }, Rows: [row('customers'), row('orders')] },
    });

    // Act
    const { rows } = await engine().engine.query('SHOW TABLES');

    // Assess
    expect(rows).toEqual([{ tab_name: 'customers' }, { tab_name: 'orders' }]);
  });

  it("rejects with Athena's reason when the query fails", async () => {
    // Prepare
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-9' });
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: {
        Status: {
          State: 'FAILED',
          StateChangeReason: "COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved",
          AthenaError: { ErrorCategory: 2, ErrorType: 1006, ErrorMessage: "COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved" },
        },
      },
    });

    // Act / Assess
    await expect(engine().engine.query('SELECT nope FROM orders')).rejects.toThrow("Athena query q-9 failed: COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved");
    expect(athena).not.toHaveReceivedCommand(GetQueryResultsCommand);
  });

  it('stops a query that runs past the timeout', async () => {
    // Prepare
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-slow' });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'RUNNING' } } });
    athena.on(StopQueryExecutionCommand).resolves({});

    // Act / Assess
    await expect(engine({ timeoutMs: 0 }).engine.query('SELECT 1')).rejects.toThrow(/did not finish/);
    expect(athena).toHaveReceivedCommandWith(StopQueryExecutionCommand, { QueryExecutionId: 'q-slow' });
  });
});

describe('Athena value conversion', () => {
  it.each([
    [null, 'NULL'],
    ["it's", "'it''s'"],
    [true, 'true'],
    [42, '42'],
    [12345678901234567890n, '12345678901234567890'],
    [new Date('2024-01-31T12:34:56.789Z'), "TIMESTAMP '2024-01-31 12:34:56.789'"],
  ])('writes %s as the literal %s', (value, literal) => {
    expect(sqlLiteral(value, 0)).toBe(literal);
  });

  it('rejects parameters without a SQL literal', () => {
    expect(() => sqlLiteral(Number.POSITIVE_INFINITY, 0)).toThrow(/parameter 1/);
    expect(() => sqlLiteral({ a: 1 }, 1)).toThrow(/parameter 2/);
  });

  it.each([
    ['2024-01-31 23:59:59.123', '2024-01-31T23:59:59.123Z'],
    ['2024-01-31 23:59:59', '2024-01-31T23:59:59.000Z'],
    ['2024-01-31 23:59:59.123456', '2024-01-31T23:59:59.123456Z'],
    ['2024-01-31 23:59:59.120000', '2024-01-31T23:59:59.120Z'],
    ['2024-01-31 23:59:59.123 UTC', '2024-01-31T23:59:59.123Z'],
    ['2024-01-31 23:59:59.123 +02:00', '2024-01-31T21:59:59.123Z'],
    ['2024-01-31 23:59:59.123 Europe/Berlin', '2024-01-31 23:59:59.123 Europe/Berlin'],
  ])('reads the timestamp %s as %s', (text, iso) => {
    expect(isoFromSqlTimestamp(text)).toBe(iso);
  });

  it('types values by the column metadata', () => {
    expect(typedValue('3', { Name: 'n', Type: 'integer' })).toBe(3);
    expect(typedValue('12.50', { Name: 'm', Type: 'decimal' })).toBe(12.5);
    expect(typedValue('[1, 2]', { Name: 'a', Type: 'array' })).toBe('[1, 2]');
    expect(typedValue(undefined, { Name: 'a', Type: 'varchar' })).toBeNull();
    expect(typedValue('', { Name: 'a', Type: 'varchar' })).toBe('');
  });
});
