// Helpers that write small lake files for the query engine tests.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { lakeColumns, type LakeColumn } from '#schemas/columns.ts';
import { entities } from '#schemas/registry.ts';
import { encodeParquet, type LakeRow } from '#lib/lake/parquet.ts';

export const orderColumns = lakeColumns(entities.order);

/** An order lake row; `version` defaults to `<updated_at>#<hash>` like the stream handler writes it. */
export function orderRow(overrides: Partial<Record<string, unknown>> & { id: string; seq: string }): LakeRow {
  const updatedAt = (overrides.updated_at as Date | undefined) ?? new Date('2024-01-01T00:00:00Z');
  return {
    updated_at: updatedAt,
    customer_id: 'c1',
    ordered_at: new Date('2024-01-01T09:30:00Z'),
    status: 'paid',
    channel: 'web',
    currency: 'EUR',
    line_items: '[{"sku":"A","quantity":1,"unitPrice":10}]',
    item_count: 1,
    subtotal: 10,
    discount: 0,
    tax: 1.9,
    total: 11.9,
    campaign_id: null,
    op: 'modify',
    version: `${updatedAt.toISOString()}#h`,
    changed_at: updatedAt,
    ...overrides,
  };
}

export async function writeLakeFile(lakeDir: string, table: string, dt: string, name: string, rows: LakeRow[], columns: readonly LakeColumn[] = orderColumns) {
  const dir = path.join(lakeDir, table, `dt=${dt}`);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, name), encodeParquet(columns, rows));
}
