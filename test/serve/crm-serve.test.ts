// `crm serve` as a user runs it: the real CLI in a child process, driven over real HTTP (POST records, look a customer
// up by a phone written differently), a busy port refused, the index and a dashboard opened in a real browser
// (Debian's chromium via playwright-core), then SIGINT: exit 0 and no process left behind.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crm, tempDir, writeLines } from '../integration/cli-helpers.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const BIN = new URL('../../bin/crm.mjs', import.meta.url).pathname;

const order = (id: string, customerId: string, total: number, orderedAt: string) => ({
  id,
  updatedAt: orderedAt,
  customerId,
  orderedAt,
  status: 'paid',
  channel: 'web',
  currency: 'EUR',
  lineItems: [{ sku: 'SKU-1', quantity: 1, unitPrice: total }],
  itemCount: 1,
  subtotal: total,
  total,
});
const customer = { id: 'c-1', updatedAt: '2026-01-01T00:00:00Z', kind: 'person', lastName: 'Caller', phone: '+44 (0)20 7946 0958', status: 'active', source: 'web', createdAt: '2026-01-01T00:00:00Z' };

function startServe(dir: string, port = '0'): { child: ChildProcess; url: Promise<string>; exit: Promise<{ code: number | null; stderr: string }> } {
  const child = spawn(process.execPath, [BIN, 'serve', '--dir', dir, '--port', port], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (c) => (stderr += String(c)));
  const url = new Promise<string>((done, fail) => {
    child.stdout!.on('data', (c) => {
      stdout += String(c);
      if (stdout.includes('\n')) done(stdout.split('\n')[0]!);
    });
    child.once('exit', (code) => fail(new Error(`crm serve exited ${code} before printing its URL: ${stderr}`)));
  });
  const exit = new Promise<{ code: number | null; stderr: string }>((done) => child.once('exit', (code) => done({ code, stderr })));
  return { child, url, exit };
}

const post = (url: string, entity: string, records: unknown[]) =>
  fetch(`${url}v1/${entity}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(records) });

describe('crm serve', () => {
  const dir = tempDir('crm-serve-');
  let serve: ReturnType<typeof startServe>;
  let url: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
    // A report run to link from the index.
    const orders = writeLines(dir, 'orders.ndjson', [order('o-1', 'c-0', 10, '2026-01-05T10:00:00Z'), order('o-2', 'c-0', 20, '2026-01-06T10:00:00Z')]);
    const ingested = await crm('ingest', orders, '--entity', 'orders', '--dir', dir);
    expect(ingested.code, ingested.stderr).toBe(0);
    const reported = await crm('report', 'sales_overview', '--as-of', '2026-01-31', '--dir', dir);
    expect(reported.code, reported.stderr).toBe(0);
    serve = startServe(dir);
    url = await serve.url;
  }, 300_000);

  afterAll(() => {
    if (serve?.child.exitCode === null) serve.child.kill('SIGKILL');
  });

  it('listens on 127.0.0.1 and prints its URL', () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('stores posted records and finds the customer by a phone written differently', async () => {
    const created = await post(url, 'customers', [customer]);
    expect(created.status).toBe(200);
    expect(await created.json()).toMatchObject({ accepted: 1, results: [{ id: 'c-1', status: 'created' }] });
    const orders = await post(url, 'orders', [order('o-10', 'c-1', 12.5, '2026-02-01T10:00:00Z'), order('o-11', 'c-1', 7.5, '2026-02-02T10:00:00Z'), { id: 'bad' }]);
    expect(orders.status).toBe(207);
    expect(((await orders.json()) as { results: { status: string }[] }).results.map((r) => r.status)).toEqual(['created', 'created', 'rejected']);

    const profile = await fetch(`${url}v1/customers?phone=${encodeURIComponent('0044 20 7946 0958')}`);
    expect(profile.status).toBe(200);
    const body = (await profile.json()) as { customer: { id: string }; value: unknown; recentOrders: { id: string }[] };
    expect(body.customer.id).toBe('c-1');
    expect(body.value).toEqual({ EUR: { orders: 2, revenue: 20, averageOrderValue: 10 } });
    expect(body.recentOrders.map((o) => o.id)).toEqual(['o-11', 'o-10']);
    expect((await fetch(`${url}v1/customers/c-1`)).status).toBe(200);
  }, 120_000);

  it('answers as the AWS API does for unknown customers, entities and routes', async () => {
    const unknown = await fetch(`${url}v1/customers?phone=${encodeURIComponent('+1 555 0100 999')}`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: 'CustomerNotFound' });
    expect((await fetch(`${url}v1/customers`)).status).toBe(400);
    expect((await post(url, 'spaceships', [{ id: 'x' }])).status).toBe(404);
    expect((await fetch(`${url}v1/orders`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '[]' })).status).toBe(415);
    expect((await fetch(`${url}reports/../dynamodb/emulator.lock`)).status).toBe(404);
  });

  it('refuses a busy port with a clear message, before starting anything', async () => {
    const port = new URL(url).port;
    const second = spawnSync(process.execPath, [BIN, 'serve', '--dir', tempDir('crm-serve-busy-'), '--port', port], { encoding: 'utf8', timeout: 60_000 });
    expect(second.status).toBe(1);
    expect(second.stderr).toMatch(new RegExp(`port ${port} on 127\\.0\\.0\\.1 is in use`));
    expect(second.stdout).toBe('');
  }, 90_000);

  it('shows an index linking every dashboard, and a dashboard renders its charts', async () => {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(url);
      const links = await page.locator('#dashboards a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      expect(links).toEqual(['/reports/sales_overview/as_of=2026-01-31/dashboard.html']);
      await page.locator('#dashboards a').first().click();
      await page.waitForURL(/sales_overview\/as_of=2026-01-31\/dashboard\.html$/);
      await page.waitForSelector('svg', { timeout: 30_000 });
      expect(await page.locator('svg').count()).toBeGreaterThan(0);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);

  it('stops on SIGINT: exit 0, the stream drained, DynamoDB Local stopped, no process left', async () => {
    const children = spawnSync('pgrep', ['-P', String(serve.child.pid)], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map(Number);
    expect(children.length).toBeGreaterThan(0); // the JVM
    serve.child.kill('SIGINT');
    const { code, stderr } = await serve.exit;
    expect(code).toBe(0);
    expect(stderr).toContain('stopped');
    // The JVM ends within moments of the command's exit; a zombie awaiting its reaper is not a running process.
    for (const pid of children) expect(await stoppedWithin(pid, 10_000), `pid ${pid} still running`).toBe(true);
    // Nothing was left in the stream: a command started now finds the lake current.
    const q = await crm('query', "SELECT count(*) AS n FROM orders WHERE customer_id = 'c-1'", '--dir', dir, '--format', 'json');
    expect(q.json()).toEqual([{ n: 2 }]);
  }, 120_000);
});

/** Whether the process `pid` is gone (or a zombie: it has exited and only awaits its parent's wait) within `ms`. */
async function stoppedWithin(pid: number, ms: number): Promise<boolean> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
    let state: string;
    try {
      state = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\)\s*/s, '').charAt(0);
    } catch {
      return true;
    }
    if (state === 'Z' || state === 'X') return true;
  }
  return false;
}
