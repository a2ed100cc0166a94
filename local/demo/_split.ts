import { generateDemo } from '#local/demo/generate.ts';
const d = generateDemo({ seed: Number(process.argv[2] ?? 7) });
const kind = new Map(d.customers.map(c => [c.id, c.kind]));
const agg: Record<string, [number, number]> = {};
for (const o of d.orders) { const k = kind.get(o.customerId)!; agg[k] ??= [0, 0]; agg[k][0]++; agg[k][1] += o.total; }
console.log(agg);
const src: Record<string, number> = {}; for (const c of d.customers) if (c.kind === 'person') src[c.source] = (src[c.source] ?? 0) + 1; console.log(src);
