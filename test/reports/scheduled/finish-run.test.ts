// The post-processing step of a scheduled report run against mocked Athena, S3 and EventBridge: the
// results Athena would return are the real results of the same SQL on DuckDB over a demo lake, so the
// files written to S3 must be the ones a local run writes, byte for byte.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand, type ColumnInfo } from '@aws-sdk/client-athena';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EventBridgeBus } from '#lib/bus/eventbridge-bus.ts';
import { AthenaResultsReader } from '#lib/query/athena-results.ts';
import { openLocalQueryEngine, type LocalQueryEngine } from '#lib/query/duckdb-engine.ts';
import type { QueryResult } from '#lib/query/engine.ts';
import { FsObjectStore } from '#lib/store/fs-object-store.ts';
import { S3ObjectStore } from '#lib/store/s3-object-store.ts';
import { findReport } from '#functions/reports/catalog.ts';
import { readReportSql } from '#functions/reports/report-sql.ts';
import { runReport } from '#functions/reports/run-report.ts';
import { finishReportRun } from '#functions/reports/scheduled/finish-run.ts';
import { prepareReportRun } from '#functions/reports/scheduled/report-run.ts';
import { DEMO_AS_OF, writeDemoLake } from '../demo-lake-fixture.ts';

const athena = mockClient(AthenaClient);
const s3 = mockClient(S3Client);
const events = mockClient(EventBridgeClient);
afterEach(() => {
  athena.reset();
  s3.reset();
  events.reset();
});

let dir: string;
let duck: LocalQueryEngine;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'crm-finish-run-'));
  const { lakeDir } = await writeDemoLake(dir, { seed: 11, customers: 80 });
  duck = await openLocalQueryEngine({ lakeDir });
}, 120_000);
afterAll(async () => {
  await duck?.close();
  await rm(dir, { recursive: true, force: true });
});

/** A DuckDB result as Athena's GetQueryResults returns it: every value as text, types in ColumnInfo, a header row first. */
function asAthenaResults(result: QueryResult) {
  const infos: ColumnInfo[] = result.columns.map((c) => {
    const decimal = /^DECIMAL\((\d+),\s*(\d+)\)$/.exec(c.type);
    if (decimal) return { Name: c.name, Label: c.name, Type: 'decimal', Precision: Number(decimal[1]), Scale: Number(decimal[2]) };
    const type = c.type.startsWith('TIMESTAMP') ? 'timestamp' : c.type === 'VARCHAR' ? 'varchar' : c.type.toLowerCase();
    return { Name: c.name, Label: c.name, Type: type };
  });
  const text = (v: unknown, info: ColumnInfo) => {
    if (v === null || v === undefined) return {};
    if (info.Type === 'timestamp') return { VarCharValue: String(v).replace('T', ' ').replace('Z', '') };
    return { VarCharValue: typeof v === 'object' ? JSON.stringify(v) : String(v) };
  };
  return {
    ResultSet: {
      ResultSetMetadata: { ColumnInfo: infos },
      Rows: [{ Data: infos.map((i) => ({ VarCharValue: i.Name })) }, ...result.rows.map((row) => ({ Data: infos.map((info) => text(row[info.Name!], info)) }))],
    },
  };
}

describe('finishReportRun', () => {
  it('reads each finished execution once, writes the run under reports/ and publishes ReportCompleted with the S3 locations', async () => {
    // Prepare: the statements the state machine hands to Athena, and what Athena (here DuckDB) answers.
    const definition = findReport('sales_overview')!;
    const run = await prepareReportRun({ report: 'sales_overview', asOf: DEMO_AS_OF }, readReportSql);
    const ids = run.queries.map((q, i) => ({ table: q.table, queryExecutionId: `qe-${i}` }));
    for (const [i, q] of run.queries.entries()) {
      const params = q.executionParameters.map((literal) => literal.replace(/^'|'$/g, ''));
      const result = await duck.query(q.queryString, params);
      athena.on(GetQueryExecutionCommand, { QueryExecutionId: `qe-${i}` }).resolves({ QueryExecution: { QueryExecutionId: `qe-${i}`, StatementType: 'DML', Status: { State: 'SUCCEEDED' } } });
      athena.on(GetQueryResultsCommand, { QueryExecutionId: `qe-${i}` }).resolves(asAthenaResults(result));
    }
    const written = new Map<string, string | Uint8Array>();
    s3.on(PutObjectCommand).callsFake((input: { Key: string; Body: string | Uint8Array }) => {
      written.set(input.Key, input.Body);
      return {};
    });
    s3.on(ListObjectsV2Command).callsFake((input: { Prefix: string }) => ({ Contents: [...written.keys()].filter((k) => k.startsWith(input.Prefix)).sort().map((Key) => ({ Key })) }));
    s3.on(GetObjectCommand).rejects(Object.assign(new Error('no such key'), { name: 'NoSuchKey' }));
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });

    // Act
    const store = new S3ObjectStore({ client: new S3Client({ region: 'eu-central-1' }), bucket: 'lake-bucket', prefix: 'reports/' });
    const detail = await finishReportRun(
      {
        athena: new AthenaResultsReader(new AthenaClient({ region: 'eu-central-1' })),
        store,
        bus: new EventBridgeBus({ client: new EventBridgeClient({ region: 'eu-central-1' }), busName: 'crm-test' }),
        readSql: readReportSql,
        bucket: 'lake-bucket',
        prefix: 'reports/',
      },
      { report: 'sales_overview', asOf: DEMO_AS_OF, queries: ids },
    );

    // Assess: Athena only read (the state machine ran the queries), each execution once.
    expect(athena).not.toHaveReceivedCommand(StartQueryExecutionCommand);
    for (const { queryExecutionId } of ids) {
      expect(athena).toHaveReceivedCommandWith(GetQueryResultsCommand, { QueryExecutionId: queryExecutionId, MaxResults: 1000 });
    }
    expect(athena.commandCalls(GetQueryResultsCommand)).toHaveLength(ids.length);

    // The files: the same bytes as a local run of the same report on the same lake.
    const prefix = `reports/sales_overview/as_of=${DEMO_AS_OF}/`;
    const expectedKeys = [...definition.tables.map((t) => `${prefix}${t.name}/${t.name}.parquet`), `${prefix}dashboard.html`, `${prefix}summary.json`].sort();
    expect([...written.keys()].sort()).toEqual(expectedKeys);
    expect(s3.commandCalls(PutObjectCommand).at(-1)!.args[0].input.Key).toBe(`${prefix}summary.json`);
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, { Bucket: 'lake-bucket', Key: `${prefix}dashboard.html`, ContentType: 'text/html; charset=utf-8' });
    expect(s3).not.toHaveReceivedCommand(DeleteObjectCommand);
    const localDir = path.join(dir, 'local-reports');
    await runReport({ engine: duck, store: new FsObjectStore(localDir), name: 'sales_overview', asOf: DEMO_AS_OF });
    const localSummary = await readFile(path.join(localDir, 'sales_overview', `as_of=${DEMO_AS_OF}`, 'summary.json'), 'utf8');
    expect(written.get(`${prefix}summary.json`)).toBe(localSummary);
    for (const t of definition.tables) {
      const local = await readFile(path.join(localDir, 'sales_overview', `as_of=${DEMO_AS_OF}`, t.name, `${t.name}.parquet`));
      expect(Buffer.from(written.get(`${prefix}${t.name}/${t.name}.parquet`) as Uint8Array).equals(local), t.name).toBe(true);
    }

    // ReportCompleted on the bus, with the headlines of the summary and s3:// locations.
    const summary = JSON.parse(localSummary) as { headlines: { key: string; value: number | null; currency?: string }[] };
    expect(events).toHaveReceivedCommandTimes(PutEventsCommand, 1);
    const entry = events.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries![0]!;
    expect(entry).toMatchObject({ EventBusName: 'crm-test', Source: 'crm.reports', DetailType: 'ReportCompleted' });
    expect(JSON.parse(entry.Detail!)).toEqual(detail);
    expect(detail.headlines).toEqual(summary.headlines.map((h) => ({ key: h.key, value: h.value, ...(h.currency ? { currency: h.currency } : {}) })));
    expect(detail.locations.summary).toBe(`s3://lake-bucket/${prefix}summary.json`);
    expect(detail.locations.dashboard).toBe(`s3://lake-bucket/${prefix}dashboard.html`);
    expect(detail.locations.tables.monthly_sales).toBe(`s3://lake-bucket/${prefix}monthly_sales/`);
    expect(detail.eventId).toBe(`sales_overview#${DEMO_AS_OF}`);
  }, 120_000);

  it('fails naming the tables the state machine did not run, before reading anything', async () => {
    const store = new S3ObjectStore({ client: new S3Client({ region: 'eu-central-1' }), bucket: 'b', prefix: 'reports/' });
    const deps = {
      athena: new AthenaResultsReader(new AthenaClient({ region: 'eu-central-1' })),
      store,
      bus: new EventBridgeBus({ client: new EventBridgeClient({ region: 'eu-central-1' }), busName: 'crm-test' }),
      readSql: readReportSql,
      bucket: 'b',
      prefix: 'reports/',
    };
    await expect(finishReportRun(deps, { report: 'sales_overview', asOf: '2026-10-31', queries: [{ table: 'monthly_sales', queryExecutionId: 'qe-1' }] })).rejects.toThrow(
      /no finished Athena query for table\(s\) monthly_buyers, revenue_growth, open_pipeline, win_rate/,
    );
    expect(athena.calls()).toHaveLength(0);
    expect(s3.calls()).toHaveLength(0);
  });

  it('refuses to read an execution that did not succeed', async () => {
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'RUNNING' } } });
    const engine = new AthenaResultsReader(new AthenaClient({ region: 'eu-central-1' }));
    await expect(engine.resultsOf('qe-9')).rejects.toThrow('Athena query qe-9 is running, not succeeded');
    expect(athena).not.toHaveReceivedCommand(GetQueryResultsCommand);
  });
});
