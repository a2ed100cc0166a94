// One of issue 11's bench cases alone, for quick runs while working on it (`npm run bench` runs them all):
//   npx tsx bench/ingest-scale-only.ts validate-vs-parse
//   npx tsx bench/ingest-scale-only.ts large-file [MEGABYTES] [orders|notes]   (default CRM_BENCH_LARGE_FILE_MB or 64, orders)
//   npx tsx bench/ingest-scale-only.ts ingest-vs-ceiling [ORDERS]   (default 5000, as in `npm run bench`)
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import { generateDemo } from '#local/demo/generate.ts';
import { benchIngestVsCeiling, benchLargeFileMemory, benchValidateVsParse, largeFileShape } from './ingest-scale.ts';

const [which, arg, shape] = process.argv.slice(2);
if (which === 'validate-vs-parse') {
  // The same order lines as `npm run bench`.
  const lines = generateDemo({ seed: 1, customers: 4000, months: 24 }).orders.map((o) => JSON.stringify(o));
  process.stdout.write(`${JSON.stringify(benchValidateVsParse(lines), null, 2)}\n`);
} else if (which === 'large-file') {
  const megabytes = Number(arg ?? process.env.CRM_BENCH_LARGE_FILE_MB ?? 64);
  process.stdout.write(`${JSON.stringify(await benchLargeFileMemory(megabytes, largeFileShape(shape, 'large-file shape')), null, 2)}\n`);
} else if (which === 'ingest-vs-ceiling') {
  const lines = generateDemo({ seed: 1, customers: 4000, months: 24 }).orders.map((o) => JSON.stringify(o));
  process.stdout.write(`${JSON.stringify(await benchIngestVsCeiling(lines.slice(0, Number(arg ?? 5000))), null, 2)}\n`);
} else {
  process.stderr.write('usage: tsx bench/ingest-scale-only.ts validate-vs-parse | large-file [MEGABYTES] [orders|notes] | ingest-vs-ceiling [ORDERS]\n');
  process.exit(1);
}
