// `npm run bench:bulk-plan`: how fast the bulk import's planner cuts a CSV into line-aligned byte ranges (one pass,
// quote parity, no parsing), next to the full CSV reader over the same bytes in the same run. The planner must scan
// a 10 GB object within one Lambda's 15 minutes; the projection below is CPU only (S3 streams at its own rate).
// Optional argument: megabytes of CSV to generate (default 200).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import { Readable } from 'node:stream';
import { entities } from '#schemas/registry.ts';
import { csvRecords } from '#functions/ingest/csv-records.ts';
import { lineRanges } from '#functions/ingest/bulk/line-ranges.ts';

const megabytes = Number(process.argv[2] ?? 200);
const CHUNK = 64 * 1024;
const round = (n: number, digits = 0) => Math.round(n * 10 ** digits) / 10 ** digits;

// Orders with a quoted cell holding a comma, a doubled quote and (every 50th row) a newline.
const header = 'id,updatedAt,customerId,orderedAt,total,currency,status,channel,notes\n';
const row = (i: number) =>
  `o-${i},2026-01-02T00:00:00Z,c-${i % 10_000},2026-01-01T10:00:00Z,${(i % 500) + 0.5},EUR,placed,web,"gift, ""wrapped""${i % 50 === 0 ? '\nsecond line' : ''}"\n`;
function* chunks(): Generator<Buffer> {
  yield Buffer.from(header);
  let bytes = 0;
  let i = 0;
  while (bytes < megabytes * 1024 * 1024) {
    const rows: string[] = [];
    let size = 0;
    while (size < CHUNK) {
      const r = row(i++);
      rows.push(r);
      size += r.length;
    }
    bytes += size;
    yield Buffer.from(rows.join(''));
  }
}
const data = [...chunks()];
const totalBytes = data.reduce((n, b) => n + b.length, 0);

let t = performance.now();
let ranges = 0;
let records = 0;
for await (const r of lineRanges(Readable.from(data), { csv: true, firstRangeRecords: 1 })) {
  ranges++;
  records += r.records;
}
const planSeconds = (performance.now() - t) / 1000;

// The reader a batch uses, over the first 1/10 of the same bytes (it is much slower).
const sample = data.slice(0, Math.max(2, Math.ceil(data.length / 10)));
const sampleBytes = sample.reduce((n, b) => n + b.length, 0);
t = performance.now();
let read = 0;
for await (const r of csvRecords(Readable.from(sample), entities.order)) if ('value' in r || 'errors' in r) read++;
const readSeconds = (performance.now() - t) / 1000;

const planMBps = totalBytes / 1024 / 1024 / planSeconds;
const readMBps = sampleBytes / 1024 / 1024 / readSeconds;
process.stdout.write(
  JSON.stringify(
    {
      bulkPlan: {
        megabytes: round(totalBytes / 1024 / 1024),
        records: records - 1,
        ranges: ranges - 1,
        planMBps: round(planMBps),
        batchReaderMBps: round(readMBps, 1),
        planVsReader: round(planMBps / readMBps, 1),
        projected10GbPlanSeconds: round((10 * 1024) / planMBps),
      },
    },
    null,
    2,
  ) + '\n',
);
