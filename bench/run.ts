// `npm run bench`: prints JSON figures. Ingest validation throughput is measured next to a plain
// JSON.parse baseline over the same lines in the same run, so the ratio holds across machines.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { entities } from '#schemas/registry.ts';
import { validateRecord } from '#functions/ingest/validate.ts';
import { readRecords } from '#functions/ingest/record-reader.ts';
import { ingestRows } from '#functions/ingest/ingest-rows.ts';
import { generateDemo } from '#local/demo/generate.ts';
import { withLocalStack } from '#local/stack.ts';
import { benchOrdersAggregate, benchParquetWrite } from './lake.ts';
import { benchLakeHistory } from './lake-history.ts';
import { benchReaders } from './readers.ts';
import { benchForecastAccuracy, benchForecastFit } from './forecast.ts';
import { benchAttribution } from './attribution.ts';
import { benchChurnFit } from './churn-fit.ts';
import { benchReportsSql } from './report-sql.ts';
import { benchRuleEvaluation, demoEventLines } from './rules.ts';
import { benchCustomerLookup } from './customer-lookup.ts';
import { benchDemoGenerator, benchDemoWallTime, benchIngestVsCeiling, benchLargeFileMemory, benchValidateVsParse, largeFileShape } from './ingest-scale.ts';

const round = (n: number, digits = 0) => Math.round(n * 10 ** digits) / 10 ** digits;
const log = (m: string) => process.stderr.write(`${m}\n`);

function time<T>(fn: () => T): { result: T; seconds: number } {
  const t = performance.now();
  const result = fn();
  return { result, seconds: (performance.now() - t) / 1000 };
}

function benchValidation(lines: string[], repeat = 5) {
  const entity = entities.order;
  // Warm up both paths so the JIT has compiled them before timing.
  for (const l of lines.slice(0, 2000)) validateRecord(entity, JSON.parse(l));
  let parseSeconds = 0;
  let validateSeconds = 0;
  let valid = 0;
  for (let r = 0; r < repeat; r++) {
    parseSeconds += time(() => { for (const l of lines) JSON.parse(l); }).seconds;
    const v = time(() => { let ok = 0; for (const l of lines) if (validateRecord(entity, JSON.parse(l)).ok) ok++; return ok; });
    validateSeconds += v.seconds;
    valid = v.result;
  }
  const n = lines.length * repeat;
  return {
    records: n,
    valid: valid * repeat,
    jsonParseRecordsPerSecond: round(n / parseSeconds),
    parseAndValidateRecordsPerSecond: round(n / validateSeconds),
    validationCostVsParse: round(validateSeconds / parseSeconds, 2),
  };
}

async function benchIngest(lines: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'crm-bench-'));
  try {
    return await withLocalStack(dir, async (stack) => {
      const t = performance.now();
      const s = await ingestRows(stack.writer, entities.order, readRecords(Readable.from(lines.join('\n')), 'ndjson', entities.order));
      const ingestSeconds = (performance.now() - t) / 1000;
      const t2 = performance.now();
      const sync = await stack.sync();
      const streamSeconds = (performance.now() - t2) / 1000;
      return {
        records: lines.length,
        accepted: s.accepted,
        dynamodbLocalRecordsPerSecond: round(s.accepted / ingestSeconds),
        streamToLakeRecordsPerSecond: round(sync.records / streamSeconds),
        lakeFiles: sync.files,
      };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const data = generateDemo({ seed: 1, customers: 4000, months: 24 });
const orderLines = data.orders.map((o) => JSON.stringify(o));
log(`validation: ${orderLines.length} order lines`);
const validation = benchValidation(orderLines);
log(`file readers: ${orderLines.length} orders as NDJSON, CSV and a JSON array; a ~100 MB JSON array streamed`);
const readers = await benchReaders(orderLines);
const eventLines = demoEventLines(data as unknown as Record<string, readonly Record<string, unknown>[]>);
log(`rule evaluation: ${eventLines.length} domain events through every enabled event rule`);
const rules = benchRuleEvaluation(eventLines);
log(`parquet write`);
const parquet = await benchParquetWrite();
log(`1M orders aggregate on DuckDB`);
const aggregate = await benchOrdersAggregate();
log(`ingest into DynamoDB Local + stream to lake (${Math.min(orderLines.length, 10_000)} orders)`);
log('attribution: 100,000 paths, six models');
const attribution = benchAttribution();
log('forecast: automatic ETS on a 144-point monthly series; held-out accuracy against R forecast::ets');
const forecast = { ...benchForecastFit(), accuracy: benchForecastAccuracy() };
const ingest = process.argv.includes('--no-ingest') ? undefined : await benchIngest(orderLines.slice(0, 10_000));
log('customer look-up by phone: 10,000 customers on DynamoDB Local, 3 with 20,000 history items each');
const customerLookup = process.argv.includes('--no-lookup') ? undefined : await benchCustomerLookup(10_000, 3, 20_000);
log(`BG/NBD + Gamma-Gamma fit on 1M simulated customers (Python lifetimes: 16.1 s for the BG/NBD fit alone)`);
const churnFit = benchChurnFit(1_000_000);
log(`report SQL over 10M generated orders of 1M customers on DuckDB`);
const reportSql = process.argv.includes('--no-report-sql') ? undefined : await benchReportsSql(['churn', 'rfm']);
log('sales_overview over three years of daily changes (6.4M rows): files and bytes read before and after compaction into snapshots');
const lakeHistory = process.argv.includes('--no-lake-history') ? undefined : await benchLakeHistory();

// Issue 11: every ratio's two sides are measured in this run, back to back.
log('validation vs JSON.parse: parse + validate + marshal to the stored item, fastest of 7 runs');
const validateVsParse = benchValidateVsParse(orderLines);
log('local ingest vs raw parallel BatchWriteItem into the same DynamoDB Local (5,000 orders)');
const ingestVsCeiling = process.argv.includes('--no-ingest') ? undefined : await benchIngestVsCeiling(orderLines.slice(0, 5000));
const largeFileMb = Number(process.env.CRM_BENCH_LARGE_FILE_MB ?? 64);
const largeShape = largeFileShape(process.env.CRM_BENCH_LARGE_FILE_SHAPE, 'CRM_BENCH_LARGE_FILE_SHAPE');
log(`crm ingest of a ${largeFileMb} MB NDJSON file of ${largeShape}: peak RSS of the CLI process (CRM_BENCH_LARGE_FILE_MB=1024 CRM_BENCH_LARGE_FILE_SHAPE=notes for the 1 GB figure)`);
const largeFile = process.argv.includes('--no-ingest') ? undefined : await benchLargeFileMemory(largeFileMb, largeShape);
log('demo generator: 1000 customers over 24 months');
const demoGenerator = benchDemoGenerator();
log('npm start: `crm demo` with defaults into a fresh directory');
const demo = process.argv.includes('--no-demo') ? undefined : await benchDemoWallTime();
const ratios = {
  validateVsParse: validateVsParse.ratio,
  ...(ingestVsCeiling ? { ingestVsBatchWriteCeiling: ingestVsCeiling.ratio } : {}),
  ...(largeFile ? { largeFileMegabytes: largeFile.fileMegabytes, largeFilePeakRssMb: largeFile.peakRssMb } : {}),
  ...(demo ? { npmStartSeconds: demo.seconds } : {}),
};

process.stdout.write(`${JSON.stringify({ ratios, validateVsParse, ...(ingestVsCeiling ? { ingestVsCeiling } : {}), ...(largeFile ? { largeFile } : {}), demoGenerator, ...(demo ? { demo } : {}), machine: { cpus: (await import('node:os')).cpus().length, node: process.version }, validation, rules, readers, parquet, aggregate, attribution, forecast, ...(ingest ? { ingest } : {}), ...(customerLookup ? { customerLookup } : {}), churnFit, ...(reportSql ? { reportSql } : {}), ...(lakeHistory ? { lakeHistory } : {}) }, null, 2)}\n`);
