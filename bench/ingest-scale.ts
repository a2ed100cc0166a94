// Issue 11's figures: local ingest against DynamoDB Local's own raw BatchWriteItem ceiling, validation
// against bare JSON.parse, the CLI's peak memory on a large file, and the wall time of `npm start`.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { once } from 'node:events';
import { BatchWriteItemCommand, CreateTableCommand, DeleteTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { entities } from '#schemas/registry.ts';
import { validateRecord, type CrmRecord } from '#functions/ingest/validate.ts';
import { readRecords } from '#functions/ingest/record-reader.ts';
import { ingestRows } from '#functions/ingest/ingest-rows.ts';
import { mapPool } from '#functions/ingest/write-order.ts';
import { recordVersion } from '#functions/ingest/version.ts';
import { createTableInput } from '#local/dynamodb/table.ts';
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

/** Raw parallel BatchWriteItem (25 items a call) into a table of the same design in the same emulator. */
async function batchWriteCeiling(client: DynamoDBClient, records: CrmRecord[], concurrency: number): Promise<number> {
  const table = `ceiling${concurrency}`;
  await client.send(new CreateTableCommand({ ...createTableInput(table), TableName: table } as never));
  try {
    const groups: CrmRecord[][] = [];
    for (let i = 0; i < records.length; i += 25) groups.push(records.slice(i, i + 25));
    const t = performance.now();
    await mapPool(groups, concurrency, async (group) => {
      let pending = group.map((r) => ({ PutRequest: { Item: orderItem(r) } }));
      while (pending.length) {
        const res = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: pending } }));
        pending = (res.UnprocessedItems?.[table] ?? []) as typeof pending;
      }
    });
    return records.length / ((performance.now() - t) / 1000);
  } finally {
    await client.send(new DeleteTableCommand({ TableName: table }));
  }
}

/**
 * Ingest of `lines` orders through the CLI's pipeline, and the best raw BatchWriteItem rate over a few
 * concurrencies into the same DynamoDB Local, measured back to back.
 */
export async function benchIngestVsCeiling(lines: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'crm-bench-ceiling-'));
  try {
    return await withLocalStack(dir, async (stack) => {
      const records = lines.map((l) => JSON.parse(l) as CrmRecord);
      const ceilings: Record<string, number> = {};
      for (const c of [4, 16]) ceilings[`concurrency${c}`] = round(await batchWriteCeiling(stack.client, records, c));
      const t = performance.now();
      const s = await ingestRows(stack.writer, entities.order, readRecords(Readable.from(lines.join('\n')), 'ndjson', entities.order));
      const ingestPerSecond = s.accepted / ((performance.now() - t) / 1000);
      const ceiling = Math.max(...Object.values(ceilings));
      return { records: lines.length, accepted: s.accepted, ingestRecordsPerSecond: round(ingestPerSecond), batchWriteItemsPerSecond: ceilings, ratio: round(ingestPerSecond / ceiling, 3) };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the CLI and samples its peak resident set (VmHWM) from /proc until it exits. */
async function runCli(args: string[]): Promise<{ code: number | null; seconds: number; peakRssMb: number | undefined; stdout: string; stderr: string }> {
  const t = performance.now();
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  let peakKb: number | undefined;
  const sample = () => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) peakKb = Math.max(peakKb ?? 0, Number(m[1]));
    } catch {
      // gone already: the last sample stands
    }
  };
  const timer = setInterval(sample, 100);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearInterval(timer);
  return { code, seconds: round((performance.now() - t) / 1000, 1), peakRssMb: peakKb === undefined ? undefined : round(peakKb / 1024), stdout, stderr };
}

/**
 * Peak RSS of `crm ingest` on a generated NDJSON orders file of `megabytes` (distinct ids, all valid).
 * The 1 GB size takes long on DynamoDB Local; CRM_BENCH_LARGE_FILE_MB picks the size.
 */
export async function benchLargeFileMemory(megabytes: number) {
  const dir = mkdtempSync(join(tmpdir(), 'crm-bench-large-'));
  try {
    const file = join(dir, 'orders.ndjson');
    const sample = generateDemo({ seed: 3, customers: 300, months: 24 }).orders;
    const out = createWriteStream(file);
    const target = megabytes * 1024 * 1024;
    let bytes = 0;
    let rows = 0;
    for (let round = 0; bytes < target; round++) {
      for (const o of sample) {
        const line = `${JSON.stringify({ ...o, id: `${o.id}-${round}` })}\n`;
        bytes += Buffer.byteLength(line);
        rows++;
        if (!out.write(line)) await once(out, 'drain');
        if (bytes >= target) break;
      }
    }
    out.end();
    await once(out, 'finish');
    const run = await runCli(['ingest', file, '--entity', 'order', '--dir', join(dir, 'state'), '--quiet']);
    const summary = run.code === 0 ? (JSON.parse(run.stdout) as { accepted: number }) : undefined;
    if (!summary) throw new Error(`crm ingest exited ${run.code}: ${run.stderr}`);
    return { fileMegabytes: round(statSync(file).size / 1024 / 1024), rows, accepted: summary.accepted, seconds: run.seconds, peakRssMb: run.peakRssMb };
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
