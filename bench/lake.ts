// Lake benchmarks: Parquet encoding speed of the stream Lambda's writer, and one report-style aggregate
// over a million order rows on the local DuckDB engine. Run alone with `npx tsx bench/lake.ts`.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { lakeColumns } from '#schemas/columns.ts';
import { ORDER_CHANNELS } from '#schemas/entities.ts';
import { entities } from '#schemas/registry.ts';
import { encodeParquet, type LakeRow } from '#lib/lake/parquet.ts';
import { openLocalQueryEngine } from '#lib/query/duckdb-engine.ts';
import { mulberry32 } from '#lib/random/mulberry32.ts';

export interface ParquetWriteBench {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  bytes: number;
}

export interface OrdersAggregateBench {
  /** Lake rows written (every tenth one a later version of an earlier order). */
  rows: number;
  files: number;
  bytes: number;
  /** Generating and encoding the files. */
  writeSeconds: number;
  /** Opening DuckDB and creating the views. */
  openSeconds: number;
  /** The aggregate over the `orders` view (current state), first run. */
  seconds: number;
  /** The same query again. */
  warmSeconds: number;
  rowsPerSecond: number;
  /** Orders in the current state and result groups, as a sanity check. */
  currentOrders: number;
  groups: number;
}

const orderColumns = lakeColumns(entities.order);
const STATUSES = ['placed', 'paid', 'shipped', 'delivered', 'cancelled', 'returned'] as const;
const START = Date.UTC(2023, 0, 1);
const SPAN_MS = 2 * 365 * 86_400_000;

/** Deterministic generator so runs are comparable. */
const random = mulberry32;

/** Order lake rows `from` .. `from + count - 1`; every tenth row updates an earlier order. */
export function generateOrderRows(from: number, count: number, seed = 1): LakeRow[] {
  const rand = random(seed + from);
  const rows: LakeRow[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const n = from + i;
    const isUpdate = n % 10 === 9;
    const orderNo = isUpdate ? Math.floor(rand() * n) : n;
    const ordered = START + ((orderNo * 7919) % 1000) * (SPAN_MS / 1000) + Math.floor(rand() * 86_400_000);
    const updated = new Date(ordered + (isUpdate ? 3 : 0) * 86_400_000 + n);
    const items = 1 + Math.floor(rand() * 4);
    const subtotal = Math.round(rand() * 50_000) / 100 + items;
    const tax = Math.round(subtotal * 19) / 100;
    rows[i] = {
      id: `ord-${orderNo}`,
      updated_at: updated,
      customer_id: `cus-${orderNo % 50_000}`,
      ordered_at: new Date(ordered),
      status: isUpdate ? STATUSES[2 + Math.floor(rand() * 4)]! : STATUSES[Math.floor(rand() * 2)]!,
      channel: ORDER_CHANNELS[orderNo % ORDER_CHANNELS.length]!,
      currency: 'EUR',
      line_items: `[{"sku":"SKU-${orderNo % 997}","quantity":${items},"unitPrice":${subtotal / items}}]`,
      item_count: items,
      subtotal,
      discount: 0,
      tax,
      total: Math.round((subtotal + tax) * 100) / 100,
      campaign_id: orderNo % 7 === 0 ? `cmp-${orderNo % 40}` : null,
      op: isUpdate ? 'modify' : 'insert',
      version: `${updated.toISOString()}#${(n % 65_536).toString(16).padStart(4, '0')}`,
      seq: String(1_000_000_000 + n),
      changed_at: updated,
    };
  }
  return rows;
}

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

export async function benchParquetWrite(rows = 200_000): Promise<ParquetWriteBench> {
  const data = generateOrderRows(0, rows);
  const start = process.hrtime.bigint();
  const bytes = encodeParquet(orderColumns, data);
  const elapsed = seconds(start);
  return { rows, seconds: elapsed, rowsPerSecond: Math.round(rows / elapsed), bytes: bytes.byteLength };
}

export const ORDERS_AGGREGATE_SQL = `
SELECT date_trunc('month', ordered_at) AS month, channel, count(*) AS orders, sum(total) AS revenue
FROM orders
WHERE status NOT IN ('cancelled', 'returned')
GROUP BY 1, 2
ORDER BY 1, 2`;

export async function benchOrdersAggregate(rows = 1_000_000, files = 20): Promise<OrdersAggregateBench> {
  const lakeDir = await mkdtemp(path.join(tmpdir(), 'bench-lake-'));
  try {
    // One file per day partition, generated and encoded a file at a time to keep memory flat.
    const perFile = Math.ceil(rows / files);
    let bytes = 0;
    const writeStart = process.hrtime.bigint();
    for (let f = 0; f < files; f++) {
      const from = f * perFile;
      const count = Math.min(perFile, rows - from);
      if (count <= 0) break;
      const dt = new Date(START + f * 86_400_000).toISOString().slice(0, 10);
      const dir = path.join(lakeDir, 'orders', `dt=${dt}`);
      await mkdir(dir, { recursive: true });
      const body = encodeParquet(orderColumns, generateOrderRows(from, count));
      bytes += body.byteLength;
      await writeFile(path.join(dir, `${from}-${from + count - 1}.parquet`), body);
    }
    const writeSeconds = seconds(writeStart);

    const openStart = process.hrtime.bigint();
    const engine = await openLocalQueryEngine({ lakeDir });
    const openSeconds = seconds(openStart);
    try {
      const queryStart = process.hrtime.bigint();
      const result = await engine.query(ORDERS_AGGREGATE_SQL);
      const querySeconds = seconds(queryStart);
      const warmStart = process.hrtime.bigint();
      await engine.query(ORDERS_AGGREGATE_SQL);
      const warmSeconds = seconds(warmStart);
      const current = await engine.query('SELECT count(*) AS n FROM orders');
      return {
        rows,
        files,
        bytes,
        writeSeconds,
        openSeconds,
        seconds: querySeconds,
        warmSeconds,
        rowsPerSecond: Math.round(rows / querySeconds),
        currentOrders: current.rows[0]!.n as number,
        groups: result.rows.length,
      };
    } finally {
      await engine.close();
    }
  } finally {
    await rm(lakeDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const write = await benchParquetWrite();
  const aggregate = await benchOrdersAggregate();
  process.stdout.write(`${JSON.stringify({ parquetWrite: write, ordersAggregate: aggregate }, null, 2)}\n`);
}
