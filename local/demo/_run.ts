import { generateDemo } from '#local/demo/generate.ts';
import { entities } from '#schemas/registry.ts';
const t0 = performance.now();
const d = generateDemo({ seed: Number(process.argv[2] ?? 7) });
const ms = performance.now() - t0;
let total = 0;
for (const [k, v] of Object.entries(d)) { console.log(k.padEnd(18), v.length); total += v.length; }
console.log('total', total, 'ms', ms.toFixed(0));
let bad = 0;
for (const def of Object.values(entities)) {
  const rows = (d as any)[def.table] as object[];
  for (const r of rows) { const res = def.schema.safeParse(r); if (!res.success) { if (bad++ < 10) console.log(def.table, JSON.stringify(r).slice(0, 300), res.error.issues.map(i => i.path.join('.') + ': ' + i.message).join('; ')); } }
}
console.log('invalid', bad);
