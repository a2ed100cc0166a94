import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { groupsSharingKeys, mapPool, wavesById } from '#functions/ingest/write-order.ts';

describe('write scheduling', () => {
  it('puts the k-th occurrence of each id into wave k', () => {
    expect(wavesById([{ id: 'a' }, { id: 'b' }, { id: 'a' }, { id: 'a' }, { id: 'c' }, { id: 'b' }])).toEqual([[0, 1, 4], [2, 5], [3]]);
  });

  it('groups items that share a key transitively, in input order', () => {
    // 0 and 2 share e-mail x; 2 and 4 share phone p; 1 and 3 stand alone.
    expect(groupsSharingKeys([['id:0', 'x'], ['id:1'], ['id:2', 'x', 'p'], ['id:3'], ['id:4', 'p']])).toEqual([[0, 2, 4], [1], [3]]);
  });

  it('partitions every index exactly once, and never separates two items with a common key', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), { maxLength: 3 }), { maxLength: 30 }), (keysOf) => {
        const groups = groupsSharingKeys(keysOf);
        expect(groups.flat().sort((x, y) => x - y)).toEqual(keysOf.map((_, i) => i));
        for (const g of groups) expect([...g].sort((x, y) => x - y)).toEqual(g);
        const groupOf = new Map(groups.flatMap((g, gi) => g.map((i) => [i, gi] as const)));
        keysOf.forEach((ki, i) => keysOf.forEach((kj, j) => { if (ki.some((k) => kj.includes(k))) expect(groupOf.get(i)).toBe(groupOf.get(j)); }));
      }),
    );
  });

  it('keeps results in input order with bounded concurrency', async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapPool([30, 10, 20, 0, 5], 2, async (ms, i) => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setTimeout(r, ms));
      inFlight--;
      return i * 10;
    });
    expect(out).toEqual([0, 10, 20, 30, 40]);
    expect(peak).toBe(2);
  });
});
