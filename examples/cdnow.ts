// `npm run example:cdnow -- --dir D [--file F] [--as-of 1997-09-30]`: reproduces the published BG/NBD
// and Gamma-Gamma fits of the CDNOW data through the product as a user would run it: the log becomes
// orders, `crm ingest` stores them, `crm report churn` fits the models as of the date, and this prints
// the summary's estimates beside the published ones with the published point checks.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { conditionalExpectedPurchases, expectedPurchases, probabilityAlive, type BgNbdParameters } from '#functions/reports/models/bgnbd.ts';
import { cdnowOrders, parseCdnowLog } from './cdnow-orders.ts';

const repoRoot = resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: { dir: { type: 'string' }, file: { type: 'string' }, 'as-of': { type: 'string', default: '1997-09-30' } },
});
if (!values.dir) fail('--dir D is required (the crm state directory to load the CDNOW orders into)');
const dir = resolve(values.dir);
const file = resolve(values.file ?? join(repoRoot, '..', 'shared', 'datasets', 'cdnow', 'CDNOW_sample.txt'));
const asOf = values['as-of']!;
if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf)) fail(`--as-of must be YYYY-MM-DD, got "${asOf}"`);
if (!existsSync(file)) fail(`no CDNOW log at ${file} (pass --file)`);

const PUBLISHED = {
  bgnbd: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426, logLikelihood: -9582.4 },
  gammaGamma: { p: 6.25, q: 3.74, gamma: 15.44 },
};

function fail(message: string): never {
  process.stderr.write(`example:cdnow: ${message}\n`);
  process.exit(1);
}

function crm(...args: string[]) {
  const started = performance.now();
  const r = spawnSync(process.execPath, [join(repoRoot, 'bin', 'crm.mjs'), ...args, '--dir', dir], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] });
  return { code: r.status ?? 1, stdout: r.stdout, seconds: Math.round(performance.now() - started) / 1000 };
}

const transactions = parseCdnowLog(readFileSync(file, 'utf8'), file);
const orders = cdnowOrders(transactions);
mkdirSync(join(dir, 'input'), { recursive: true });
const ordersFile = join(dir, 'input', 'cdnow-orders.ndjson');
writeFileSync(ordersFile, orders.map((o) => JSON.stringify(o)).join('\n') + '\n');
const customers = new Set(transactions.map((t) => t.customerId)).size;
process.stderr.write(`${file}: ${transactions.length} transactions of ${customers} customers -> ${ordersFile}\n`);

const ingest = crm('ingest', ordersFile, '--entity', 'orders');
if (ingest.code !== 0) fail(`crm ingest exited ${ingest.code}: ${ingest.stdout}`);
const ingested = JSON.parse(ingest.stdout) as { accepted: number; rejected: number };
const report = crm('report', 'churn', '--as-of', asOf);
if (report.code !== 0) fail(`crm report churn exited ${report.code}: ${report.stdout}`);
const summary = JSON.parse(readFileSync(join(dir, 'reports', 'churn', `as_of=${asOf}`, 'summary.json'), 'utf8')) as {
  bgnbd: BgNbdParameters & { logLikelihood: number; timeUnit: string; customers: number; distinctRows: number };
  gammaGamma: { p: number; q: number; gamma: number; currency: string; repeatBuyers: number };
};

const relative = (ours: number, published: number) => Math.round((ours / published - 1) * 1e5) / 1e5;
const compare = (ours: Record<string, number>, published: Record<string, number>) =>
  Object.fromEntries(Object.entries(published).map(([k, p]) => [k, { ours: ours[k], published: p, relativeDifference: relative(ours[k]!, p) }]));

// Customer 1516 of the sample (the published summary's id) is looked up in the scores the report wrote.
const sample1516 = transactions.find((t) => t.sampleId === '1516' || t.sampleId === '01516')?.customerId;
const scoresRow = sample1516
  ? (JSON.parse(crm('query', `SELECT customer_id, x, t_x, t, p_alive FROM churn_customer_scores WHERE as_of = DATE '${asOf}' AND customer_id = '${sample1516}'`, '--format', 'json').stdout)[0] as Record<string, number> | undefined)
  : undefined;

const b = summary.bgnbd;
const check = (name: string, ours: number, published: number) => ({ check: name, ours: Math.round(ours * 1e4) / 1e4, published, relativeDifference: relative(ours, published) });
const pointChecks = [
  check('x=2, t_x=30.43, T=38.86: expected purchases in the next 39 weeks', conditionalExpectedPurchases(b, { x: 2, tx: 30.43, T: 38.86 }, 39), 1.226),
  check('a new customer: expected purchases in 52 weeks', expectedPurchases(b, 52), 1.444),
  check('customer 1516 (x=26, t_x=30.857, T=31): P(alive)', probabilityAlive(b, { x: 26, tx: 30.857, T: 31 }), 0.969),
  check('customer 1516: expected purchases in the next 52 weeks', conditionalExpectedPurchases(b, { x: 26, tx: 30.857, T: 31 }, 52), 25.757),
];

process.stdout.write(
  `${JSON.stringify(
    {
      file,
      asOf,
      // The published figures are those of the 1/10 sample; another file (the master) is other data with its own estimates.
      publishedFor: 'the CDNOW 1/10 sample (2,357 customers, as of 1997-09-30)',
      transactions: transactions.length,
      customers,
      ingest: { accepted: ingested.accepted, rejected: ingested.rejected, seconds: ingest.seconds },
      report: { seconds: report.seconds, summary: join(dir, 'reports', 'churn', `as_of=${asOf}`, 'summary.json') },
      bgnbd: { timeUnit: b.timeUnit, customers: b.customers, distinctRows: b.distinctRows, ...compare(b as unknown as Record<string, number>, PUBLISHED.bgnbd) },
      gammaGamma: { currency: summary.gammaGamma.currency, repeatBuyers: summary.gammaGamma.repeatBuyers, ...compare(summary.gammaGamma as unknown as Record<string, number>, PUBLISHED.gammaGamma) },
      pointChecks,
      ...(scoresRow ? { customer1516InReport: scoresRow } : {}),
    },
    null,
    2,
  )}\n`,
);
