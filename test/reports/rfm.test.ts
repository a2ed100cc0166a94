// The rfm report on the demo data set written into a lake: every customer who bought is in exactly one
// segment, the scores are quintiles with recency reversed, tiers follow the configured shares, the
// movement matrix compares with the previous run and only moved customers get events.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusEvent, EventBus, PublishFailure } from '#lib/bus/event-bus.ts';
import { openLocalQueryEngine, type LocalQueryEngine } from '#lib/query/duckdb-engine.ts';
import { FsObjectStore } from '#lib/store/fs-object-store.ts';
import { runReport } from '#functions/reports/run-report.ts';
import type { ReportSummary } from '#functions/reports/report-summary.ts';
import type { DemoData } from '#local/demo/generate.ts';
import { DEMO_AS_OF, writeDemoLake } from './demo-lake-fixture.ts';
import { tempDir } from './sales-lake-fixture.ts';

const EARLIER = '2026-07-31';

class RecordingBus implements EventBus {
  readonly events: BusEvent[] = [];
  async publish(events: BusEvent[]): Promise<PublishFailure[]> {
    this.events.push(...events);
    return [];
  }
}

let dir: string;
let data: DemoData;
let engine: LocalQueryEngine;
let store: FsObjectStore;
let first: ReportSummary;
let second: ReportSummary;
const bus = new RecordingBus();
const firstBus = new RecordingBus();

beforeAll(async () => {
  dir = await tempDir('rfm-');
  let lakeDir: string;
  ({ lakeDir, data } = await writeDemoLake(dir, { seed: 7, customers: 300 }));
  engine = await openLocalQueryEngine({ lakeDir });
  store = new FsObjectStore(path.join(dir, 'reports'));
  first = await runReport({ engine, store, name: 'rfm', asOf: EARLIER, bus: firstBus });
  second = await runReport({ engine, store, name: 'rfm', asOf: DEMO_AS_OF, bus });
}, 120_000);
afterAll(async () => {
  await engine?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Customers with a non-cancelled order placed by the end of the day, counted from the generated records. */
const buyersBy = (asOf: string) =>
  new Set(data.orders.filter((o) => o.status !== 'cancelled' && new Date(o.orderedAt) < new Date(`${asOf}T24:00:00Z`)).map((o) => o.customerId)).size;

const rowsOf = async (view: string, asOf: string) => {
  const { registerReportViews } = await import('#functions/reports/local-report-views.ts');
  await registerReportViews(engine, store.root);
  return (await engine.query(`SELECT * FROM ${view} WHERE as_of = CAST(? AS DATE) ORDER BY 1, 2`, [asOf])).rows;
};

describe('rfm report', () => {
  it("puts every customer with an order up to the as-of date in exactly one segment (summary.json segments add up)", () => {
    const segments = second.segments as { name: string; customers: number; revenue: Record<string, number> }[];
    const total = segments.reduce((n, s) => n + s.customers, 0);

    expect(buyersBy(DEMO_AS_OF)).toBeGreaterThan(150);
    expect(total).toBe(buyersBy(DEMO_AS_OF));
    expect((first.segments as { customers: number }[]).reduce((n, s) => n + s.customers, 0)).toBe(buyersBy(EARLIER));
    expect(segments.map((s) => s.name)).toEqual(['Champions', 'Loyal', 'Potential Loyalist', 'New', 'Promising', 'Need Attention', 'About to Sleep', 'At Risk', "Can't Lose Them", 'Hibernating', 'Lost']);
  });

  it('keeps revenue per currency, each currency adding up to its non-cancelled order totals', () => {
    const segments = second.segments as { revenue: Record<string, number> }[];
    const expected = new Map<string, number>();
    for (const o of data.orders) {
      if (o.status === 'cancelled' || new Date(o.orderedAt) >= new Date(`${DEMO_AS_OF}T24:00:00Z`)) continue;
      expected.set(o.currency!, (expected.get(o.currency!) ?? 0) + Math.round(Number(o.total) * 100));
    }
    for (const [currency, cents] of expected) {
      expect(Math.round(segments.reduce((sum, s) => sum + (s.revenue[currency] ?? 0) * 100, 0))).toBe(cents);
    }
    expect(Object.keys(segments[0]!.revenue).sort()).toEqual([...expected.keys()].sort());
  });

  it('scores quintiles with recency reversed: the most recent buyers get R 5, and scores split the customers in fifths', async () => {
    const scores = await rowsOf('rfm_customer_scores', DEMO_AS_OF);
    const n = scores.length;
    for (const score of ['r_score', 'f_score']) {
      const sizes = [1, 2, 3, 4, 5].map((q) => scores.filter((s) => s[score] === q).length);
      for (const size of sizes) expect([Math.floor(n / 5), Math.ceil(n / 5)]).toContain(size);
    }
    const recency = (q: number) => scores.filter((s) => s.r_score === q).map((s) => s.recency_days as number);
    expect(Math.max(...recency(5))).toBeLessThanOrEqual(Math.min(...recency(4)));
    expect(Math.max(...recency(2))).toBeLessThanOrEqual(Math.min(...recency(1)));
    const frequency = (q: number) => scores.filter((s) => s.f_score === q).map((s) => s.frequency as number);
    expect(Math.min(...frequency(5))).toBeGreaterThanOrEqual(Math.max(...frequency(4)));
  });

  it('gives membership tiers by value within a currency: the top 5% platinum', async () => {
    const segments = await rowsOf('rfm_customer_segments', DEMO_AS_OF);
    const eur = segments.filter((s) => s.currency === 'EUR').sort((a, b) => (b.value as number) - (a.value as number));
    const platinum = eur.filter((s) => s.tier === 'platinum');
    expect(platinum.length).toBe(Math.round(eur.length * 0.05));
    expect(Math.min(...platinum.map((s) => s.value as number))).toBeGreaterThanOrEqual(Math.max(...eur.filter((s) => s.tier === 'gold').map((s) => s.value as number)));
  });

  it('compares with the previous run: the movement matrix accounts for every customer, and only movers get events', async () => {
    const movements = await rowsOf('rfm_segment_movements', DEMO_AS_OF);
    const segments = await rowsOf('rfm_customer_segments', DEMO_AS_OF);
    const moved = segments.filter((s) => s.segment !== s.previous_segment);

    expect(second.previousAsOf).toBe(EARLIER);
    expect(movements.filter((m) => m.to_segment !== null).reduce((n, m) => n + (m.customers as number), 0)).toBe(segments.length);
    expect(movements.filter((m) => m.from_segment === null).reduce((n, m) => n + (m.customers as number), 0)).toBe(buyersBy(DEMO_AS_OF) - buyersBy(EARLIER));
    expect(moved.length).toBeGreaterThan(0);
    expect(bus.events).toHaveLength(moved.length);
    expect(second.events).toEqual({ CustomerSegmentChanged: moved.length });
    const mover = moved[0]!;
    expect(bus.events.find((e) => e.detail.customerId === mover.customer_id)).toEqual({
      source: 'crm.reports',
      detailType: 'CustomerSegmentChanged',
      detail: { customerId: mover.customer_id, fromSegment: mover.previous_segment, toSegment: mover.segment, tier: mover.tier, asOf: DEMO_AS_OF },
    });
    // The first run has nothing to compare with: no movements, no events.
    expect(first.previousAsOf).toBeNull();
    expect(firstBus.events).toEqual([]);
  });
});

describe('rfm scheme', () => {
  it('maps every (R, FM) cell of the default scheme to one of the eleven segments', async () => {
    const { compileScheme, RFM_SCHEME } = await import('#functions/reports/rfm/scheme.ts');
    const scheme = compileScheme(RFM_SCHEME);
    expect(scheme.segmentOf(5, 5)).toBe('Champions');
    expect(scheme.segmentOf(5, 1)).toBe('New');
    expect(scheme.segmentOf(1, 1)).toBe('Lost');
    expect(scheme.segmentOf(1, 5)).toBe("Can't Lose Them");
    expect(scheme.segmentOf(3, 3)).toBe('Need Attention');
    // FM is the mean of F and M rounded half up.
    expect(RFM_SCHEME.combineFm(4, 5)).toBe(5);
    expect(RFM_SCHEME.combineFm(1, 2)).toBe(2);
  });

  it('refuses a scheme with a gap, an overlap or shares over 100%, naming the cell or field', async () => {
    const { compileScheme, RFM_SCHEME } = await import('#functions/reports/rfm/scheme.ts');
    const without = (name: string) => ({ ...RFM_SCHEME, segments: RFM_SCHEME.segments.filter((s) => s.name !== name) });
    expect(() => compileScheme(without('Lost'))).toThrow(/cell R=1 FM=1 is in no segment/);
    expect(() => compileScheme({ ...RFM_SCHEME, segments: [...RFM_SCHEME.segments, { name: 'VIP', description: '', r: [5, 5], fm: [5, 5] }] })).toThrow(/cell R=5 FM=5 is in both "Champions" and "VIP"/);
    expect(() => compileScheme({ ...RFM_SCHEME, segments: [{ ...RFM_SCHEME.segments[0]!, r: [0, 5] }] })).toThrow(/segment "Champions" field r: \[0, 5\]/);
    expect(() => compileScheme({ ...RFM_SCHEME, tierShares: { platinum: 0.5, gold: 0.5, silver: 0.5 } })).toThrow(/tierShares add up to 1.5/);
  });
});
