// Scheduling of writes: which records may run in parallel and which must keep their input order.

/** Runs `fn` over the items with at most `limit` in flight; results keep the input order. */
export async function mapPool<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  });
  await Promise.all(workers);
  return out;
}

/** Wave k holds the k-th occurrence of each id, so no wave touches an item twice and waves keep input order. */
export function wavesById(records: { id: string }[]): number[][] {
  const seen = new Map<string, number>();
  const waves: number[][] = [];
  records.forEach((r, i) => {
    const n = seen.get(r.id) ?? 0;
    seen.set(r.id, n + 1);
    (waves[n] ??= []).push(i);
  });
  return waves;
}

/** Groups indexes of items that share any key, transitively (union-find); each group in input order. */
export function groupsSharingKeys(keysOf: string[][]): number[][] {
  const parent = keysOf.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const owner = new Map<string, number>();
  keysOf.forEach((keys, i) => {
    for (const key of keys) {
      const j = owner.get(key);
      if (j === undefined) owner.set(key, i);
      else parent[find(i)] = find(j);
    }
  });
  const groups = new Map<number, number[]>();
  keysOf.forEach((_, i) => {
    const root = find(i);
    const g = groups.get(root);
    if (g) g.push(i);
    else groups.set(root, [i]);
  });
  return [...groups.values()];
}
