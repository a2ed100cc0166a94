// The soak at test size (bench/soak.ts runs it at 100,000 records): every fault class injected at least 50 times
// on the real local stack, and afterwards nothing lost, doubled, out of order, or handled twice by the consumer.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FAULT_CLASSES } from './fault-injection.ts';
import { runSoak } from './soak.ts';

const dir = mkdtempSync(join(tmpdir(), 'crm-soak-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fault-injection soak', () => {
  it('loses, doubles and reorders nothing and acts on every event once under at least 50 faults of every class', async () => {
    // Act: 2,000 record versions in files of 20 rows, with high fault rates so each class is drawn often.
    const report = await runSoak({
      dir,
      records: 2000,
      fileRows: 20,
      seed: 7,
      drainEvery: 40,
      rates: { throttle: 0.06, unprocessedKeys: 0.15, lostWriteResponse: 0.5, failedPutEventsEntry: 0.12, s3ServerError: 0.3, crashMidBatch: 0.3, duplicateImportDelivery: 0.6 },
    });

    // Assess: the faults happened, the stream handler republished events, and the outcome is exact.
    for (const fault of FAULT_CLASSES) expect(report.faults[fault], fault).toBeGreaterThanOrEqual(50);
    expect(report.records).toBe(2000);
    expect(report.deliveries).toBeGreaterThan(report.files);
    expect(report.redeliveredEvents).toBeGreaterThan(0);
    expect({ lost: report.lost, doubled: report.doubled, outOfOrder: report.outOfOrder, lostEvents: report.lostEvents, duplicateEvents: report.duplicateEvents, deadLettered: report.deadLettered }).toEqual({
      lost: 0,
      doubled: 0,
      outOfOrder: 0,
      lostEvents: 0,
      duplicateEvents: 0,
      deadLettered: 0,
    });
  }, 900_000);
});
