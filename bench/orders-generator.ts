// A large orders lake for the report SQL benchmarks: N orders of M customers in the lake layout the
// stream handler writes (orders/dt=<day>/<file>.parquet with the order entity's lake columns), a few
// customers buying often and most rarely, over the two years before 2025. Deterministic for a seed.
import { mkdir, stat } from 'node:fs/promises';
import { DuckDBInstance } from '@duckdb/node-api';
import path from 'node:path';
import { ORDER_CHANNELS } from '#schemas/entities.ts';

export interface OrdersLakeOptions {
  /** @default 10_000_000 */
  orders?: number;
  /** @default 1_000_000 */
  customers?: number;
  /** @default 10 */
  files?: number;
  /** @default 1 */
  seed?: number;
}

export interface OrdersLake {
  rows: number;
  customers: number;
  files: number;
  bytes: number;
  seconds: number;
}

/** Orders are placed in the two years before this instant; report as of 2024-12-31. */
export const ORDERS_END = Date.UTC(2025, 0, 1);
export const ORDERS_AS_OF = '2024-12-31';
const SPAN_MS = 2 * 365 * 86_400_000;

/**
 * The same kind of lake written by DuckDB itself (COPY ... TO parquet, the lake's columns and types):
 * ten million rows take seconds instead of the minutes the JavaScript encoder needs, which matters on
 * a shared machine. Uniform draws come from hash(n), so the data is deterministic for a seed.
 */
export async function writeOrdersLake(lakeDir: string, options: OrdersLakeOptions = {}): Promise<OrdersLake> {
  const { orders = 10_000_000, customers = 1_000_000, files = 10, seed = 1 } = options;
  const started = performance.now();
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const perFile = Math.ceil(orders / files);
  let written = 0;
  let bytes = 0;
  try {
    for (let f = 0; f < files; f++) {
      const from = f * perFile;
      const to = Math.min(orders, from + perFile);
      if (to <= from) break;
      const dt = new Date(ORDERS_END + f * 86_400_000).toISOString().slice(0, 10);
      const dir = path.join(lakeDir, 'orders', `dt=${dt}`);
      await mkdir(dir, { recursive: true });
      const file = path.join(dir, `${from}.parquet`);
      const u = (salt: number) => `(CAST(hash(n * 8 + ${salt}, ${seed}) % 1000000007 AS DOUBLE) / 1000000007)`;
      await connection.run(`
        COPY (
          SELECT
            'ord-' || n AS id,
            ordered_at AS updated_at,
            'cus-' || k AS customer_id,
            ordered_at,
            CASE WHEN ${u(3)} < 0.03 THEN 'cancelled' ELSE 'delivered' END AS status,
            ${sqlList(ORDER_CHANNELS)}[1 + CAST(n % ${ORDER_CHANNELS.length} AS INTEGER)] AS channel,
            CASE WHEN k % 10 = 0 THEN 'USD' ELSE 'EUR' END AS currency,
            '[{"sku":"SKU-' || (n % 997) || '","quantity":' || items || ',"unitPrice":' || CAST(unit_cents / 100.0 AS DECIMAL(18,2)) || '}]' AS line_items,
            CAST(items AS BIGINT) AS item_count,
            CAST(items * unit_cents / 100.0 AS DECIMAL(18,2)) AS subtotal,
            CAST(0 AS DECIMAL(18,2)) AS discount,
            CAST(0 AS DECIMAL(18,2)) AS tax,
            CAST(items * unit_cents / 100.0 AS DECIMAL(18,2)) AS total,
            CAST(NULL AS VARCHAR) AS campaign_id,
            'insert' AS op,
            strftime(ordered_at, '%Y-%m-%dT%H:%M:%S.%gZ') || '#' || (n % 65536) AS version,
            CAST(1000000000000 + n AS VARCHAR) AS seq,
            ordered_at AS changed_at
          FROM (
            SELECT
              n,
              CAST(floor(${customers} * pow(${u(1)}, 1.6)) AS BIGINT) AS k,
              TIMESTAMP '${new Date(ORDERS_END).toISOString().slice(0, 19).replace('T', ' ')}' - to_milliseconds(CAST(floor(${u(2)} * ${SPAN_MS}) AS BIGINT)) AS ordered_at,
              1 + CAST(floor(${u(4)} * 4) AS INTEGER) AS items,
              500 + CAST(floor(${u(5)} * 9500) AS INTEGER) AS unit_cents
            FROM range(${from}, ${to}) AS r(n)
          )
        ) TO '${file.replaceAll("'", "''")}' (FORMAT PARQUET, COMPRESSION SNAPPY)`);
      bytes += (await stat(file)).size;
      written++;
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  return { rows: orders, customers, files: written, bytes, seconds: Math.round(performance.now() - started) / 1000 };
}

const sqlList = (values: readonly string[]) => `[${values.map((v) => `'${v}'`).join(', ')}]`;
