// `crm ingest` settles (drains the stream, works off the queued rule runs) after every slice of rows, each time
// with every row of the slice already written, so a large file never builds a backlog that grows with its size.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { entities } from '#schemas/registry.ts';
import type { CrmRecord } from '#functions/ingest/validate.ts';
import type { WriteResult } from '#functions/ingest/record-writer.ts';
import { ingestFile, SETTLE_EVERY_ROWS } from '#local/cli/ingest-command.ts';
import type { LocalStack } from '#local/stack.ts';
import { generateDemo } from '#local/demo/generate.ts';

describe('crm ingest in settle slices', () => {
  it('settles after every full slice, each time with every row before it written', async () => {
    // Prepare: 2,450 valid orders (ids made unique), and a stack that records what was written when each settle ran.
    const orders = generateDemo({ seed: 5, customers: 120, months: 24 }).orders;
    const rows = Array.from({ length: 2450 }, (_, i) => ({ ...orders[i % orders.length]!, id: `ord-slice-${i}` }));
    const file = join(mkdtempSync(join(tmpdir(), 'crm-slices-')), 'orders.ndjson');
    writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const written: string[] = [];
    const settledAt: number[] = [];
    const stack = {
      writer: { write: async (_entity: unknown, records: CrmRecord[]): Promise<WriteResult[]> => records.map((r) => (written.push(r.id), { status: 'created', id: r.id })) },
      settle: async () => {
        settledAt.push(written.length);
        return { rounds: 1, changes: 0 };
      },
    } as unknown as LocalStack;

    // Act
    const summary = await ingestFile(stack, file, entities.order, 'ndjson', { progress: { quiet: true }, settleEveryRows: 1000 });

    // Assess: settles after rows 1,000 and 2,000, each with exactly those rows written; every row written once, in order.
    expect(settledAt).toEqual([1000, 2000]);
    expect(summary.accepted).toBe(2450);
    expect(written).toEqual(rows.map((r) => r.id));
  });

  it('slices `crm ingest` at a multiple of the writer batch (200), so a slice ends on a written batch', () => {
    expect(SETTLE_EVERY_ROWS % 200).toBe(0);
    expect(SETTLE_EVERY_ROWS).toBeGreaterThanOrEqual(1000);
  });
});
