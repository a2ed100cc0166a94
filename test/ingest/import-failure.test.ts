// An import whose writer fails part-way rejects with that failure, and nothing escapes afterwards: the error spool's
// late open in its removed folder used to surface as an uncaught ENOENT (found by the fault-injection soak).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RecordWriter } from '#functions/ingest/record-writer.ts';
import { importObject } from '#functions/ingest/s3-import.ts';
import { FsObjectStore } from '#lib/store/fs-object-store.ts';
import { FaultPlan, objectStoreS3Client } from '../faults/fault-injection.ts';
import { soakRecords } from '../faults/soak.ts';

const dir = mkdtempSync(join(tmpdir(), 'crm-import-failure-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('importObject when the writer fails', () => {
  it('rejects with the writer error and leaves no uncaught error behind', async () => {
    // Prepare: a valid order file, a writer that dies on its first batch.
    const store = new FsObjectStore(dir);
    const orders = soakRecords(30, 1).filter((r) => r.entity.name === 'order').map((r) => JSON.stringify(r.raw));
    await store.put('imports/orders/a.ndjson', `${orders.join('\n')}\n`);
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    const writer = { write: async () => Promise.reject(new Error('writer crashed')) } as unknown as RecordWriter;
    try {
      // Act
      for (let i = 0; i < 10; i++) {
        await expect(importObject({ s3: objectStoreS3Client(store, new FaultPlan({})), writer, bus: { publish: async () => [] } }, 'bucket', 'imports/orders/a.ndjson')).rejects.toThrow('writer crashed');
      }
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      process.off('uncaughtException', onUncaught);
    }

    // Assess
    expect(uncaught).toEqual([]);
  });
});
