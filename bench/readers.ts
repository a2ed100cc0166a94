// File readers: throughput of NDJSON, CSV and JSON-array reading (strict UTF-8, per-record recovery)
// next to a plain split + JSON.parse baseline, and the heap a large JSON array needs while streamed.
import { Readable } from 'node:stream';
import { entities } from '#schemas/registry.ts';
import { fieldColumns } from '#schemas/columns.ts';
import { readRecords, type InputFormat } from '#functions/ingest/record-reader.ts';

const CHUNK = 64 * 1024;
const round = (n: number, digits = 0) => Math.round(n * 10 ** digits) / 10 ** digits;

function chunked(text: string): Buffer[] {
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += CHUNK) chunks.push(bytes.subarray(i, i + CHUNK));
  return chunks;
}

async function count(format: InputFormat, chunks: Buffer[] | AsyncIterable<Buffer>, onRow?: (n: number) => void): Promise<number> {
  let n = 0;
  for await (const r of readRecords(Readable.from(chunks), format, entities.order)) {
    if ('value' in r) n++;
    if (onRow && n % 5000 === 0) onRow(n);
  }
  return n;
}

const csvCell = (v: unknown) => {
  if (v === undefined) return '';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export async function benchReaders(lines: string[]) {
  const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  const header = fieldColumns(entities.order.schema).map((c) => c.field);
  const texts: Record<InputFormat, string> = {
    ndjson: lines.join('\n') + '\n',
    csv: [header.join(','), ...records.map((r) => header.map((h) => csvCell(r[h])).join(','))].join('\n') + '\n',
    json: '[\n' + lines.join(',\n') + '\n]\n',
  };
  const baselineStart = performance.now();
  for (const l of texts.ndjson.split('\n')) if (l) JSON.parse(l);
  const baselineSeconds = (performance.now() - baselineStart) / 1000;
  const formats: Record<string, { records: number; recordsPerSecond: number; costVsSplitAndParse: number }> = {};
  for (const format of ['ndjson', 'csv', 'json'] as const) {
    const chunks = chunked(texts[format]);
    await count(format, chunks); // warm-up
    const t = performance.now();
    const n = await count(format, chunks);
    const seconds = (performance.now() - t) / 1000;
    formats[format] = { records: n, recordsPerSecond: round(n / seconds), costVsSplitAndParse: round(seconds / baselineSeconds, 2) };
  }
  return { splitAndParseRecordsPerSecond: round(lines.length / baselineSeconds), ...formats, largeJsonArray: await largeArrayHeap(lines) };
}

/** A JSON array of ~100 MB generated as it is read, so only the reader's own memory shows in the heap. */
async function largeArrayHeap(lines: string[], targetBytes = 100 * 1024 * 1024) {
  let bytes = 0;
  async function* source(): AsyncGenerator<Buffer> {
    yield Buffer.from('[\n');
    let pending: string[] = [];
    let size = 0;
    for (let i = 0; bytes < targetBytes; i++) {
      const line = (i === 0 ? '' : ',\n') + lines[i % lines.length]!;
      pending.push(line);
      size += line.length;
      if (size >= CHUNK) {
        const b = Buffer.from(pending.join(''));
        bytes += b.length;
        pending = [];
        size = 0;
        yield b;
      }
    }
    yield Buffer.from(pending.join('') + '\n]\n');
  }
  globalThis.gc?.();
  const base = process.memoryUsage().heapUsed;
  let peak = base;
  const n = await count('json', source(), () => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  });
  return { megabytes: round(bytes / 1024 / 1024), records: n, peakHeapGrowthMegabytes: round((peak - base) / 1024 / 1024, 1) };
}
