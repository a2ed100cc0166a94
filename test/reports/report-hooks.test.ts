// The framework hooks reports build on: the previous run (found through the ObjectStore), extra
// summary.json blocks, and events validated against the catalogue and published on the bus after
// the run is written.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rm } from 'node:fs/promises';
import type { BusEvent, EventBus, PublishFailure } from '#lib/bus/event-bus.ts';
import { openLocalQueryEngine } from '#lib/query/duckdb-engine.ts';
import { FsObjectStore } from '#lib/store/fs-object-store.ts';
import { defineReport, type ReportContext } from '#functions/reports/report-definition.ts';
import { runReportDefinition } from '#functions/reports/run-report.ts';
import { REPORT_EVENT_SOURCE } from '#schemas/events.ts';
import { tempDir, writeSalesLake } from './sales-lake-fixture.ts';

class RecordingBus implements EventBus {
  readonly published: BusEvent[] = [];
  constructor(private readonly store?: FsObjectStore) {}
  seenSummary?: boolean;
  async publish(events: BusEvent[]): Promise<PublishFailure[]> {
    if (this.store) this.seenSummary = (await this.store.get('hooked/as_of=2024-06-30/summary.json')) !== undefined;
    this.published.push(...events);
    return [];
  }
}

let dir: string;
let lakeDir: string;
beforeAll(async () => {
  dir = await tempDir('report-hooks-');
  lakeDir = await writeSalesLake(path.join(dir, 'lake-root'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const seen: { asOf: string; previousAsOf?: string; previousTotals?: Record<string, unknown>[] }[] = [];

const hooked = defineReport({
  name: 'hooked',
  title: 'Hooked',
  description: 'a test report using every hook',
  sqlDir: new URL('./fixtures/scored/', import.meta.url),
  tables: [{ name: 'totals', title: 'Totals', description: 'revenue per currency' }],
  postProcess: async ({ asOf, previous }: ReportContext) => {
    seen.push({ asOf, previousAsOf: previous?.asOf, previousTotals: await previous?.table('totals') });
    return {};
  },
  headlines: () => [],
  summary: ({ tables, previous }) => ({ currencies: tables.totals!.rows.map((r) => r.currency), previousAsOf: previous?.asOf ?? null }),
  events: ({ asOf }) => [
    { source: REPORT_EVENT_SOURCE, detailType: 'CustomerSegmentChanged', detail: { customerId: 'c-1', fromSegment: null, toSegment: 'New', tier: 'bronze', asOf } },
  ],
});

async function run(asOf: string, bus?: EventBus, definition = hooked, root = path.join(dir, 'reports')) {
  const engine = await openLocalQueryEngine({ lakeDir });
  try {
    return await runReportDefinition({ engine, store: new FsObjectStore(root), definition, asOf, ...(bus ? { bus } : {}) });
  } finally {
    await engine.close();
  }
}

describe('report hooks', () => {
  it('gives postProcess the latest earlier run and its tables, and writes summary blocks and event counts', async () => {
    // Prepare: runs on the 30th and on the 10th (out of order), then the 31st.
    const store = new FsObjectStore(path.join(dir, 'reports'));
    const bus = new RecordingBus(store);

    // Act
    const first = await run('2024-06-30', bus);
    await run('2024-06-10');
    const later = await run('2024-07-31');

    // Assess
    expect(first).toMatchObject({ previousAsOf: null, currencies: ['EUR', 'USD'], events: { CustomerSegmentChanged: 1 } });
    expect(later.previousAsOf).toBe('2024-06-30');
    expect(seen.map((s) => [s.asOf, s.previousAsOf])).toEqual([
      ['2024-06-30', undefined],
      ['2024-06-10', undefined],
      ['2024-07-31', '2024-06-30'],
    ]);
    // Decoded from the earlier run's Parquet: DECIMAL as numbers.
    expect(seen[2]!.previousTotals?.map((r) => r.currency)).toEqual(['EUR', 'USD']);
    expect(typeof seen[2]!.previousTotals?.[0]?.revenue).toBe('number');
    expect(bus.published).toEqual([expect.objectContaining({ detailType: 'CustomerSegmentChanged', detail: expect.objectContaining({ customerId: 'c-1', asOf: '2024-06-30' }) })]);
    expect(bus.seenSummary).toBe(true);
  });

  it('refuses an event whose detail does not match its schema, naming the field, and publishes nothing', async () => {
    // Prepare
    const bus = new RecordingBus();
    const leaky = defineReport({
      ...hooked,
      name: 'leaky',
      events: ({ asOf }) => [
        { source: REPORT_EVENT_SOURCE, detailType: 'CustomerSegmentChanged', detail: { customerId: 'c-1', fromSegment: null, toSegment: 'New', tier: 'bronze', asOf, email: 'a@b.c' } },
      ],
    });

    // Act / Assess
    await expect(run('2024-06-30', bus, leaky)).rejects.toThrow(/leaky: event 0 \(CustomerSegmentChanged\) field .*email|Unrecognized key.*email/);
    expect(bus.published).toEqual([]);
  });

  it('refuses a summary block named like a framework key', async () => {
    const clash = defineReport({ ...hooked, name: 'clash', summary: () => ({ tables: [] }) });
    await expect(run('2024-06-30', undefined, clash)).rejects.toThrow(/summary blocks may not be named tables/);
  });
});
