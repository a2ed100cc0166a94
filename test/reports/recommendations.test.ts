// The recommender against hand-computed cases: co-occurrence counts over a recency window, the
// noisy-or score, the reason, the durable and inactive exclusions, the popularity fill and the holdout.
import { describe, expect, it } from 'vitest';
import { learnCoOccurrence, recommend, popularFill, windowStart, type ProductInfo, type Purchase } from '#functions/reports/recommendations/co-occurrence.ts';
import { holdoutEvaluation, monthsBefore } from '#functions/reports/recommendations/holdout.ts';
import { reasonOf } from '#functions/reports/recommendations/recommendation-tables.ts';

const buy = (customerId: string, day: string, ...skus: string[]): Purchase[] => skus.map((sku) => ({ customerId, sku, day }));
const info = (over: Partial<ProductInfo> = {}): ProductInfo => ({ name: 'x', durable: false, active: true, ...over });
const catalogue = (entries: Record<string, Partial<ProductInfo>>) => new Map(Object.entries(entries).map(([sku, o]) => [sku, info(o)]));

// Buyers in the window: A 4 (c1, c2, c3, c5), B 3 (c1, c2, c4), C 2 (c3, c4); both A and B: 2; A and C: 1; B and C: 1.
const purchases: Purchase[] = [
  ...buy('c1', '2024-03-01', 'A', 'B'),
  ...buy('c2', '2024-05-01', 'A'),
  ...buy('c2', '2024-06-01', 'B'),
  ...buy('c3', '2024-07-01', 'A', 'C'),
  ...buy('c4', '2024-08-01', 'B', 'C'),
  ...buy('c5', '2024-09-01', 'A'),
  // Outside the 365-day window ending 2024-12-31: ignored.
  ...buy('c6', '2023-06-01', 'A', 'B'),
];
const AS_OF = '2024-12-31';

describe('learnCoOccurrence', () => {
  it('counts buyers and co-buyers per product in the window only', () => {
    const m = learnCoOccurrence(purchases, AS_OF);
    expect(Object.fromEntries(m.buyers)).toEqual({ A: 4, B: 3, C: 2 });
    expect(Object.fromEntries(m.pairs.get('A')!)).toEqual({ B: 2, C: 1 });
    expect(Object.fromEntries(m.pairs.get('C')!)).toEqual({ A: 1, B: 1 });
    expect(m.customers).toBe(5);
    expect(m.popular).toEqual(['A', 'B', 'C']);
    expect(windowStart(AS_OF, 365)).toBe('2024-01-02');
  });
});

describe('recommend', () => {
  it('scores by shrunk confidence, names the reason, fills with best sellers (score 0)', () => {
    const m = learnCoOccurrence(purchases, AS_OF); // minCoBuyers 2, shrinkage 1
    const recs = recommend(m, new Set(['A']), new Set(['A']), catalogue({}), 3);
    // B: 2 co-buyers of 4 buyers of A → share 0.5, confidence 2 / (4 + 1) = 0.4. A→C has 1 co-buyer < 2: not evidence.
    // Fill: A (4 of 5 customers, not durable, so it may be bought again), then C (2 of 5).
    expect(recs).toEqual([
      { sku: 'B', score: 0.4, because: 'A', share: 0.5 },
      { sku: 'A', score: 0, share: 0.8 },
      { sku: 'C', score: 0, share: 0.4 },
    ]);
    expect(reasonOf(recs[0]!, (s) => `Product ${s}`, 365)).toBe('bought by 50% of customers who bought Product A');
    expect(reasonOf(recs[1]!, (s) => s, 365)).toBe('popular: bought by 80% of customers in the last 365 days');
  });

  it('combines the evidence of several owned products (noisy-or) and keeps the strongest reason', () => {
    const m = learnCoOccurrence(purchases, AS_OF, { windowDays: 365, minCoBuyers: 1, shrinkage: 0 });
    const recs = recommend(m, new Set(['A', 'C']), new Set(['A', 'C']), catalogue({}), 3);
    // B: 1 − (1 − 2/4)(1 − 1/2) = 0.75, both shares 0.5 → the first (A); A from C: 1/2; C from A: 1/4.
    expect(recs).toEqual([
      { sku: 'B', score: 0.75, because: 'A', share: 0.5 },
      { sku: 'A', score: 0.5, because: 'C', share: 0.5 },
      { sku: 'C', score: 0.25, because: 'A', share: 0.25 },
    ]);
  });

  it('never recommends a durable product the customer owns, nor an inactive one', () => {
    const m = learnCoOccurrence(purchases, AS_OF, { windowDays: 365, minCoBuyers: 1, shrinkage: 0 });
    const recs = recommend(m, new Set(['A', 'C']), new Set(['A', 'C']), catalogue({ A: { durable: true }, B: { active: false } }), 3);
    expect(recs.map((r) => r.sku)).toEqual(['C']);
    // A durable product the customer does not own is fine.
    expect(popularFill(m, new Set(['C']), catalogue({ A: { durable: true } }), 2).map((r) => r.sku)).toEqual(['A', 'B']);
  });
});

describe('holdoutEvaluation', () => {
  it('counts a hit when a top-k product is bought after the cutoff, next to the popularity baseline', () => {
    // Cutoff 2024-09-30. Before it: c1, c2 buy A and B; c3 buys A; c4 buys C; c5-c7 buy E (the best seller with A).
    // After it: c3 buys B (A→B: 2 of 3 buyers), c4 buys D (never seen). c1, c2 buy nothing: not evaluated.
    const data = [
      ...buy('c1', '2024-04-01', 'A', 'B'),
      ...buy('c2', '2024-05-01', 'A', 'B'),
      ...buy('c3', '2024-06-01', 'A'),
      ...buy('c4', '2024-06-01', 'C'),
      ...buy('c5', '2024-07-01', 'E'),
      ...buy('c6', '2024-07-01', 'E'),
      ...buy('c7', '2024-07-01', 'E'),
      ...buy('c3', '2024-10-15', 'B'),
      ...buy('c4', '2024-11-15', 'D'),
    ];
    const r = holdoutEvaluation(data, catalogue({ A: { durable: true } }), AS_OF, 3, [1, 2], { windowDays: 365, minCoBuyers: 2, shrinkage: 1 });
    expect(r.cutoff).toBe('2024-09-30');
    expect(r.customers).toBe(2);
    // c3: co-occurrence [B, E] hits at 1; popularity [E, B] (A is durable and owned) hits at 2 only.
    // c4: co-occurrence has no pair for C → fill [A, E]; popularity [A, E]; D is in neither.
    expect(r.hitRate).toEqual({ co_occurrence: { 1: 0.5, 2: 0.5 }, popularity: { 1: 0, 2: 0.5 } });
  });

  it('steps back calendar months, clamping to the month end', () => {
    expect(monthsBefore('2024-05-31', 3)).toBe('2024-02-29');
    expect(monthsBefore('2024-12-31', 3)).toBe('2024-09-30');
    expect(monthsBefore('2025-01-15', 2)).toBe('2024-11-15');
  });
});
