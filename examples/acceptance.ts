// `npm run acceptance -- [--dir D] [--seed 7] [--customers 1000]`: the foundation's acceptance checks,
// run through the real `crm` command line as a user would, printing a JSON verdict per check.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { dir: { type: 'string' }, seed: { type: 'string', default: '7' }, customers: { type: 'string', default: '1000' } } });
const dir = values.dir ?? mkdtempSync(join(tmpdir(), 'crm-acceptance-'));
const crmBin = join(import.meta.dirname, '..', 'bin', 'crm.mjs');
const log = (m: string) => process.stderr.write(`${m}\n`);

function crm(...args: string[]) {
  const t = performance.now();
  const r = spawnSync(process.execPath, [crmBin, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr, seconds: Math.round((performance.now() - t) / 10) / 100 };
}
const count = (table: string) => Number(JSON.parse(crm('query', `SELECT count(*) AS n FROM ${table}`, '--dir', dir, '--format', 'json').stdout)[0].n);
const checks: { check: string; pass: boolean; detail: unknown }[] = [];
const check = (name: string, pass: boolean, detail: unknown) => {
  checks.push({ check: name, pass, detail });
  log(`${pass ? 'PASS' : 'FAIL'} ${name}`);
};

log(`crm demo --dir ${dir} --seed ${values.seed} --customers ${values.customers}`);
const demo = crm('demo', '--dir', dir, '--seed', values.seed!, '--customers', values.customers!);
check('crm demo exits 0', demo.code === 0, { seconds: demo.seconds });

const tables = readdirSync(join(dir, 'input')).filter((f) => f.endsWith('.ndjson')).map((f) => f.replace(/\.ndjson$/, ''));
const expected: Record<string, { distinctIds: number; count: number }> = {};
for (const table of tables) {
  const ids = new Set(readFileSync(join(dir, 'input', `${table}.ndjson`), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).id));
  expected[table] = { distinctIds: ids.size, count: count(table) };
}
check('count(*) of every table equals the distinct ids of its input file', Object.values(expected).every((e) => e.distinctIds === e.count), expected);

const reingest: Record<string, unknown> = {};
for (const table of tables) {
  const r = crm('ingest', join(dir, 'input', `${table}.ndjson`), '--entity', table, '--dir', dir);
  const s = JSON.parse(r.stdout);
  reingest[table] = { exit: r.code, accepted: s.accepted, created: s.created, updated: s.updated, count: count(table), seconds: r.seconds };
}
check(
  'ingesting every file again changes no count',
  Object.entries(reingest).every(([t, v]) => (v as { exit: number; count: number; created: number; updated: number }).exit === 0 && (v as { count: number }).count === expected[t]!.count && (v as { created: number }).created === 0 && (v as { updated: number }).updated === 0),
  reingest,
);

const order = JSON.parse(readFileSync(join(dir, 'input', 'orders.ndjson'), 'utf8').split('\n')[0]!);
const before = crm('query', `SELECT status, updated_at FROM orders WHERE id = '${order.id}'`, '--dir', dir, '--format', 'json').stdout;
const older = { ...order, status: order.status === 'cancelled' ? 'delivered' : 'cancelled', updatedAt: new Date(Date.parse(order.updatedAt) - 86_400_000).toISOString() };
const olderFile = join(dir, 'older-order.ndjson');
writeFileSync(olderFile, `${JSON.stringify(older)}\n`);
const olderRun = crm('ingest', olderFile, '--entity', 'orders', '--dir', dir);
const after = crm('query', `SELECT status, updated_at FROM orders WHERE id = '${order.id}'`, '--dir', dir, '--format', 'json').stdout;
check('an older version leaves the newer one in place', olderRun.code === 0 && before === after, { summary: JSON.parse(olderRun.stdout), stored: JSON.parse(after) });

const bad = join(dir, 'mixed-orders.ndjson');
const good = [1, 2, 3].map((i) => ({ ...order, id: `acc-good-${i}` }));
writeFileSync(bad, [JSON.stringify(good[0]), '{"id": "acc-bad-1", oops', JSON.stringify({ ...order, id: 'acc-bad-2', total: 'twelve' }), JSON.stringify(good[1]), JSON.stringify({ ...order, id: 'acc-bad-3', currency: 'euros', lineItems: [] }), JSON.stringify(good[2])].join('\n') + '\n');
const mixed = crm('ingest', bad, '--entity', 'orders', '--dir', dir);
const mixedSummary = JSON.parse(mixed.stdout);
const stored = Number(JSON.parse(crm('query', "SELECT count(*) AS n FROM orders WHERE id LIKE 'acc-good-%'", '--dir', dir, '--format', 'json').stdout)[0].n);
const badLines = [...new Set(mixedSummary.errors.map((e: { line: number }) => e.line))].sort();
check('a file with malformed rows exits 2, names each bad line with field and reason, and stores every good row', mixed.code === 2 && stored === 3 && JSON.stringify(badLines) === '[2,3,5]' && mixedSummary.errors.every((e: { field: string; message: string }) => e.field && e.message), { exit: mixed.code, storedGood: stored, errors: mixedSummary.errors });

const synth = spawnSync('npm', ['run', 'synth', '--silent'], { cwd: join(import.meta.dirname, '..'), encoding: 'utf8' });
check('npm run synth succeeds offline with zero unsuppressed cdk-nag findings', synth.status === 0, { exit: synth.status, stderrTail: synth.stderr.split('\n').slice(-3).join('\n') });

process.stdout.write(`${JSON.stringify({ dir, passed: checks.filter((c) => c.pass).length, failed: checks.filter((c) => !c.pass).length, checks }, null, 2)}\n`);
process.exitCode = checks.every((c) => c.pass) ? 0 : 1;

