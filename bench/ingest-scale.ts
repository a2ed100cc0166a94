// Issue 11's figures: local ingest against DynamoDB Local's own raw BatchWriteItem ceiling, validation
// against bare JSON.parse, the CLI's peak memory on a large file, and the wall time of `npm start`.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { once } from 'node:events';
import { BatchWriteItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { entities } from '#schemas/registry.ts';
import { validateRecord, type CrmRecord } from '#functions/ingest/validate.ts';
import { readRecords } from '#functions/ingest/record-reader.ts';
import { ingestRows } from '#functions/ingest/ingest-rows.ts';
import { mapPool } from '#functions/ingest/write-order.ts';
import { recordVersion } from '#functions/ingest/version.ts';
import { withLocalStack } from '#local/stack.ts';
import { generateDemo } from '#local/demo/generate.ts';
import { jsonAttributes } from '#lib/table/json-attributes.ts';
import { customerCollectionKey, recordKey, TABLE_DESIGN } from '#lib/table/design.ts';

const round = (n: number, digits = 0) => Math.round(n * 10 ** digits) / 10 ** digits;
const CLI = resolve(import.meta.dirname, '../bin/crm.mjs');

/** Fastest of `runs` timings in ms: the least disturbed by other work on a shared machine. */
function fastest(runs: number, fn: () => void): number {
  let best = Infinity;
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    fn();
    best = Math.min(best, performance.now() - t);
  }
  return best;
}

/** Bare JSON.parse against parse + validate + marshal to the stored item, over the same lines. */
export function benchValidateVsParse(lines: string[], runs = 7) {
  const entity = entities.order;
  for (const l of lines.slice(0, 2000)) validateRecord(entity, JSON.parse(l));
  const parseMs = fastest(runs, () => {
    for (const l of lines) JSON.parse(l);
  });
  let valid = 0;
  const validateMs = fastest(runs, () => {
    valid = 0;
    for (const l of lines) {
      const v = validateRecord(entity, JSON.parse(l));
      if (v.ok) {
        jsonAttributes({ data: v.record });
        valid++;
      }
    }
  });
  return {
    records: lines.length,
    valid,
    jsonParseRecordsPerSecond: round((lines.length / parseMs) * 1000),
    validatedAndMarshalledRecordsPerSecond: round((lines.length / validateMs) * 1000),
    ratio: round(parseMs / validateMs, 3),
  };
}

/** The stored item of an order as the writer builds it, for the raw ceiling. */
function orderItem(order: CrmRecord) {
  return jsonAttributes({
    ...recordKey(entities.order.table, order.id),
    entity: 'order',
    id: order.id,
    [TABLE_DESIGN.versionAttribute]: recordVersion(order),
    updatedAt: order.updatedAt,
    [TABLE_DESIGN.dataAttribute]: order,
    gsi1pk: customerCollectionKey(String(order.customerId)),
    gsi1sk: `orders#${String(order.orderedAt)}#${order.id}`,
  });
}

/** Raw parallel BatchWriteItem (25 items a call) of `records` under ids of their own; returns the seconds taken. */
async function rawBatchWrite(client: DynamoDBClient, table: string, records: CrmRecord[], concurrency: number, idPrefix: string): Promise<number> {
  const groups: CrmRecord[][] = [];
  for (let i = 0; i < records.length; i += 25) groups.push(records.slice(i, i + 25));
  const t = performance.now();
  await mapPool(groups, concurrency, async (group) => {
    let pending = group.map((r) => ({ PutRequest: { Item: orderItem({ ...r, id: `${idPrefix}${r.id}` }) } }));
    while (pending.length) {
      const res = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: pending } }));
      pending = (res.UnprocessedItems?.[table] ?? []) as typeof pending;
    }
  });
  return (performance.now() - t) / 1000;
}

/** Rounds of the ingest-vs-ceiling bench: each writes one slice by every method, so all see the table at the same size. */
const CEILING_ROUNDS = 5;
const CEILING_CONCURRENCIES = [4, 16] as const;

/**
 * Ingest of `lines` orders through the CLI's pipeline against the raw BatchWriteItem rate over a few concurrencies,
 * into the same table of the same DynamoDB Local (the stack's own table: same keys, indexes and stream).
 *
 * Interleaved, and never into a second table: DynamoDB Local 1.25 slows every write into a stream-enabled table
 * by an order of magnitude once another stream-enabled table (deleted or not) holds stream records (measured:
 * 765 items/s into the first such table, 43/s into the second), and it gets slower as the database fills. A
 * ceiling measured first in tables of its own made the ingest after it look three times slower than it is.
 */
export async function benchIngestVsCeiling(lines: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'crm-bench-ceiling-'));
  try {
    return await withLocalStack(dir, async (stack) => {
      const records = lines.map((l) => JSON.parse(l) as CrmRecord);
      const rawSeconds: Record<string, number> = Object.fromEntries(CEILING_CONCURRENCIES.map((c) => [`concurrency${c}`, 0]));
      let ingestSeconds = 0;
      let accepted = 0;
      const slice = Math.ceil(lines.length / CEILING_ROUNDS);
      for (let from = 0; from < lines.length; from += slice) {
        for (const c of CEILING_CONCURRENCIES) rawSeconds[`concurrency${c}`]! += await rawBatchWrite(stack.client, stack.tableName, records.slice(from, from + slice), c, `raw${c}-`);
        const t = performance.now();
        const s = await ingestRows(stack.writer, entities.order, readRecords(Readable.from(lines.slice(from, from + slice).join('\n')), 'ndjson', entities.order));
        ingestSeconds += (performance.now() - t) / 1000;
        accepted += s.accepted;
      }
      const ingestPerSecond = accepted / ingestSeconds;
      const ceilings = Object.fromEntries(Object.entries(rawSeconds).map(([k, sec]) => [k, round(lines.length / sec)]));
      const ceiling = Math.max(...Object.values(ceilings));
      return { records: lines.length, accepted, rounds: CEILING_ROUNDS, ingestRecordsPerSecond: round(ingestPerSecond), batchWriteItemsPerSecond: ceilings, ratio: round(ingestPerSecond / ceiling, 3) };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs the CLI and samples its peak resident set (VmHWM) from /proc until it exits, with the resident set
 * (VmRSS) every `traceEverySeconds` as `[seconds, MB]` pairs, to show whether memory grows with the input.
 */
async function runCli(args: string[], traceEverySeconds = 30): Promise<{ code: number | null; seconds: number; peakRssMb: number | undefined; rssTrace: [number, number][]; stdout: string; stderr: string }> {
  const t = performance.now();
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  let peakKb: number | undefined;
  const rssTrace: [number, number][] = [];
  let nextTrace = 0;
  const sample = () => {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const m = /VmHWM:\s+(\d+) kB/.exec(status);
      if (m) peakKb = Math.max(peakKb ?? 0, Number(m[1]));
      const elapsed = (performance.now() - t) / 1000;
      const rss = /VmRSS:\s+(\d+) kB/.exec(status);
      if (rss && elapsed >= nextTrace) {
        rssTrace.push([Math.round(elapsed), round(Number(rss[1]) / 1024)]);
        // From now, not from the last due time: after a stall (a paused process) the trace does not catch up in a burst.
        nextTrace = elapsed + traceEverySeconds;
      }
    } catch {
      // gone already: the last sample stands
    }
  };
  const timer = setInterval(sample, 100);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearInterval(timer);
  return { code, seconds: round((performance.now() - t) / 1000, 1), peakRssMb: peakKb === undefined ? undefined : round(peakKb / 1024), rssTrace, stdout, stderr };
}

/** Words for activity notes: e-mail bodies and call notes of a few hundred words. */
const NOTE_WORDS = 'customer asked about the renewal terms and wants a quote for the additional seats before the end of the quarter; follow up with pricing, the onboarding plan, support hours, invoice address, delivery dates and the contact person in purchasing who signs'.split(' ');

/** Deterministic notes of 1,000 to 3,000 characters for the `notes` shape. */
function note(n: number): string {
  const target = 1000 + ((n * 7919) % 2001);
  let text = '';
  for (let w = n; text.length < target; w += 3) text += `${NOTE_WORDS[w % NOTE_WORDS.length]} `;
  return text.slice(0, target).trimEnd();
}

export type LargeFileShape = 'orders' | 'notes';

/** The large-file shape named on the command line or in CRM_BENCH_LARGE_FILE_SHAPE (`orders` when unset). */
export function largeFileShape(value: string | undefined, source: string): LargeFileShape {
  if (value === undefined || value === 'orders' || value === 'notes') return value ?? 'orders';
  throw new Error(`${source} must be orders or notes, got ${value}`);
}

/**
 * Peak RSS of `crm ingest` on a generated NDJSON file of `megabytes` (distinct ids, all valid): `orders` (the
 * demo's orders, about 360 bytes a line) or `notes` (activities with notes of 1,000 to 3,000 characters, about
 * 2.3 kB a line: a gigabyte in a sixth of the rows). DynamoDB Local takes about 3 ms a row here, so a gigabyte of
 * orders runs for hours; CRM_BENCH_LARGE_FILE_MB picks the size.
 */
export async function benchLargeFileMemory(megabytes: number, shape: LargeFileShape = 'orders') {
  const dir = mkdtempSync(join(tmpdir(), 'crm-bench-large-'));
  try {
    const entity = shape === 'orders' ? 'order' : 'activity';
    const file = join(dir, `${entity}.ndjson`);
    const demo = generateDemo({ seed: 3, customers: 300, months: 24 });
    const sample: Record<string, unknown>[] = shape === 'orders' ? demo.orders : demo.activities;
    const out = createWriteStream(file);
    const target = megabytes * 1024 * 1024;
    let bytes = 0;
    let rows = 0;
    for (let round = 0; bytes < target; round++) {
      for (const o of sample) {
        const row = { ...o, id: `${String(o.id)}-${round}`, ...(shape === 'notes' ? { notes: note(rows) } : {}) };
        const line = `${JSON.stringify(row)}\n`;
        bytes += Buffer.byteLength(line);
        rows++;
        if (!out.write(line)) await once(out, 'drain');
        if (bytes >= target) break;
      }
    }
    out.end();
    await once(out, 'finish');
    const run = await runCli(['ingest', file, '--entity', entity, '--dir', join(dir, 'state'), '--quiet']);
    const summary = run.code === 0 ? (JSON.parse(run.stdout) as { accepted: number }) : undefined;
    if (!summary) throw new Error(`crm ingest exited ${run.code}: ${run.stderr}`);
    return { shape, fileMegabytes: round(statSync(file).size / 1024 / 1024), rows, accepted: summary.accepted, seconds: run.seconds, peakRssMb: run.peakRssMb, rssTrace: run.rssTrace };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Wall time of `npm start` (the default `crm demo`) into a fresh directory. */
export async function benchDemoWallTime() {
  const dir = mkdtempSync(join(tmpdir(), 'crm-bench-demo-'));
  try {
    const run = await runCli(['demo', '--dir', dir]);
    if (run.code !== 0) throw new Error(`crm demo exited ${run.code}: ${run.stderr}`);
    const summary = JSON.parse(run.stdout) as { seconds: Record<string, number> };
    return { seconds: run.seconds, peakRssMb: run.peakRssMb, stages: summary.seconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The demo generator alone (was a timed unit test): 1000 customers over 24 months. */
export function benchDemoGenerator() {
  const t = performance.now();
  const data = generateDemo({ seed: 7 });
  return { records: Object.values(data).reduce((n, rows) => n + rows.length, 0), seconds: round((performance.now() - t) / 1000, 2) };
}
