// The demo data set: valid against the data model, deterministic, internally consistent, and with the
// behavioural structure (seasonality, repeat purchase, lapsing, deal versions) the reports rely on.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { entities } from '#schemas/registry.ts';
import { DEFAULT_AS_OF, generateDemo, writeDemoInput, type DemoData, type DemoTable } from '#local/demo/generate.ts';
import { invalidRecords, recordsAfter, timelineViolations } from './demo-checks.ts';

const AS_OF = DEFAULT_AS_OF.getTime();
const DAY = 86_400_000;
let data: DemoData;

// The generator's speed is a bench figure (`npm run bench`, demoGenerator), not a timed assertion here.
beforeAll(() => {
  data = generateDemo({ seed: 7 });
});

const normEmail = (e: string) => e.trim().toLowerCase();
const normPhone = (p: string) => p.replace(/\D/g, '');
const cents = (x: number) => Math.round(x * 100);

describe('generateDemo: the data model', () => {
  it('produces every table (non-empty unless the rules make it), at the intended scale', () => {
    // Prepare / Act happen in beforeAll. Assess:
    const tables = Object.values(entities).map((d) => d.table).sort();
    expect(Object.keys(data).sort()).toEqual(tables);
    // Tasks and automation runs are made by the rules, scores by the reports while the demo runs, never generated.
    const madeByRules = new Set(['tasks', 'automation_runs', 'scores']);
    for (const t of tables) {
      if (madeByRules.has(t)) expect(data[t as DemoTable], t).toHaveLength(0);
      else expect(data[t as DemoTable].length, t).toBeGreaterThan(0);
    }
    expect(data.users.filter((u) => u.team === 'sales' && u.role === 'rep' && u.active !== false).length).toBe(8);
    const total = Object.values(data).reduce((s, rows) => s + rows.length, 0);
    expect(total).toBeGreaterThanOrEqual(30_000);
    expect(total).toBeLessThanOrEqual(60_000);
    expect(data.customers).toHaveLength(1000);
  });

  it('passes every entity schema, refinements included', () => {
    const failures = invalidRecords(data);
    expect(failures.slice(0, 5), `${failures.length} invalid records`).toEqual([]);
  });

  it('keeps every instant at or before as-of and every updatedAt between the record time and as-of', () => {
    expect(recordsAfter(data, AS_OF).slice(0, 5)).toEqual([]);
    expect(timelineViolations(data, AS_OF).slice(0, 5)).toEqual([]);
  });

  it('writes instants in UTC with a Z and money with at most two decimals', () => {
    const instants = data.orders.flatMap((o) => [o.orderedAt, o.updatedAt]);
    expect(instants.every((s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(s))).toBe(true);
    const amounts = data.payments.map((p) => p.amount).concat(data.orders.map((o) => o.total));
    expect(amounts.every((a) => Math.abs(a * 100 - Math.round(a * 100)) < 1e-6)).toBe(true);
  });

  it('uses a distinct e-mail (and local part) and a distinct phone for every person across customers, contacts and leads', () => {
    const people = [...data.customers, ...data.contacts, ...data.leads];
    const emails = people.map((p) => p.email).filter((e): e is string => !!e);
    const phones = people.map((p) => p.phone).filter((p): p is string => !!p);
    expect(emails.length).toBe(people.length);
    expect(emails.every((e) => e === e.toLowerCase())).toBe(true);
    expect(new Set(emails.map(normEmail)).size).toBe(emails.length);
    expect(new Set(emails.map((e) => e.split('@')[0]!.replace(/[._-]/g, ''))).size).toBe(emails.length);
    expect(new Set(phones.map(normPhone)).size).toBe(phones.length);
    expect(data.customers.every((c) => c.email && c.phone)).toBe(true);
  });

  it('references only records that exist', () => {
    const ids = (rows: { id: string }[]) => new Set(rows.map((r) => r.id));
    const customers = ids(data.customers);
    const orders = ids(data.orders);
    const contracts = ids(data.contracts);
    const tickets = ids(data.tickets);
    const campaigns = ids(data.campaigns);
    const leads = ids(data.leads);
    const dangling: string[] = [];
    const check = (table: string, id: string, ref: string | undefined, set: Set<string>) => {
      if (ref !== undefined && !set.has(ref)) dangling.push(`${table} ${id} -> ${ref}`);
    };
    for (const t of Object.keys(data) as DemoTable[]) {
      for (const r of data[t] as { id: string; customerId?: string }[]) check(t, r.id, r.customerId, customers);
    }
    for (const p of data.payments) {
      check('payments', p.id, p.orderId, orders);
      check('payments', p.id, p.contractId, contracts);
      expect(!!p.orderId !== !!p.contractId).toBe(true);
    }
    for (const s of data.survey_responses) {
      check('survey_responses', s.id, s.ticketId, tickets);
      check('survey_responses', s.id, s.orderId, orders);
    }
    for (const r of [...data.campaign_touches, ...data.orders, ...data.leads]) check('campaignId', r.id, r.campaignId, campaigns);
    for (const r of [...data.campaign_touches, ...data.activities, ...data.opportunities]) check('leadId', r.id, r.leadId, leads);
    expect(dangling.slice(0, 5)).toEqual([]);
  });

  it('gives each table unique ids, except opportunities and reopened tickets which carry versions', () => {
    for (const t of Object.keys(data) as DemoTable[]) {
      if (t === 'opportunities' || t === 'tickets') continue;
      const rows = data[t] as { id: string }[];
      expect(new Set(rows.map((r) => r.id)).size, t).toBe(rows.length);
    }
  });
});

describe('generateDemo: ticket reopens', () => {
  it("gives a reopened ticket versions resolved, open again, then its final state, in time order", () => {
    const data = generateDemo({ seed: 3, customers: 300 });
    const byId = new Map<string, (typeof data.tickets)[number][]>();
    for (const t of data.tickets) byId.set(t.id, [...(byId.get(t.id) ?? []), t]);
    const reopened = [...byId.values()].filter((v) => v.length > 1);
    expect(reopened.length).toBeGreaterThan(5);
    for (const v of reopened) {
      expect(v.map((x) => x.status).slice(0, 2), v[0]!.id).toEqual(['resolved', 'open']);
      expect(['resolved', 'closed']).toContain(v[2]!.status);
      for (let i = 1; i < v.length; i++) expect(v[i]!.updatedAt > v[i - 1]!.updatedAt, v[i]!.id).toBe(true);
      expect(v[0]!.resolvedAt! < v[2]!.resolvedAt!).toBe(true);
    }
  });
});

describe('generateDemo: determinism', () => {
  it('is byte-identical for the same seed and differs for another seed', async () => {
    const options = { seed: 11, customers: 150, months: 18 };
    const a = generateDemo(options);
    const b = generateDemo(options);
    const c = generateDemo({ ...options, seed: 12 });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(JSON.stringify(c)).not.toBe(JSON.stringify(a));

    const dirA = await mkdtemp(join(tmpdir(), 'demo-a-'));
    const dirB = await mkdtemp(join(tmpdir(), 'demo-b-'));
    try {
      await writeDemoInput(dirA, a);
      await writeDemoInput(dirB, generateDemo(options));
      for (const file of await readdir(join(dirA, 'input'))) {
        expect(await readFile(join(dirB, 'input', file), 'utf8'), file).toBe(await readFile(join(dirA, 'input', file), 'utf8'));
      }
    } finally {
      await rm(dirA, { recursive: true, force: true });
      await rm(dirB, { recursive: true, force: true });
    }
  });

  it('does not depend on the clock: the default as-of is fixed', () => {
    const a = generateDemo({ customers: 20 });
    const b = generateDemo({ customers: 20, asOf: new Date('2026-10-31T23:59:59Z') });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });
});

describe('generateDemo: business structure', () => {
  it('versions opportunities: same id, increasing updatedAt, stage changes, closed ones final', () => {
    const byId = new Map<string, DemoData['opportunities']>();
    for (const o of data.opportunities) byId.set(o.id, [...(byId.get(o.id) ?? []), o]);
    const versions = [...byId.values()];
    expect(versions.filter((v) => v.length >= 3).length / versions.length).toBeGreaterThan(0.5);
    for (const v of versions) {
      for (let i = 1; i < v.length; i++) expect(v[i]!.updatedAt > v[i - 1]!.updatedAt, v[i]!.id).toBe(true);
      expect(new Set(v.map((x) => x.createdAt)).size).toBe(1);
      v.slice(0, -1).forEach((x) => expect(x.stage.startsWith('closed'), x.id).toBe(false));
      const last = v[v.length - 1]!;
      if (last.stage.startsWith('closed')) expect(last.closedAt, last.id).toBeDefined();
      if (last.stage === 'closed_lost') expect(last.lossReason, last.id).toBeDefined();
    }
    const finals = versions.map((v) => v[v.length - 1]!.stage);
    for (const s of ['closed_won', 'closed_lost', 'proposal', 'negotiation'] as const) expect(finals, s).toContain(s);
    expect(versions.some((v) => new Set(v.map((x) => x.amount)).size > 1)).toBe(true);
  });

  it('keeps order money consistent: subtotal, discount, tax and total add up, one currency per customer', () => {
    const currencyOf = new Map<string, string>();
    for (const o of data.orders) {
      const subtotal = o.lineItems.reduce((s, l) => s + l.quantity * cents(l.unitPrice), 0);
      expect(cents(o.subtotal), o.id).toBe(subtotal);
      expect(cents(o.total), o.id).toBe(cents(o.subtotal) - cents(o.discount ?? 0) + cents(o.tax ?? 0));
      expect(o.itemCount, o.id).toBe(o.lineItems.reduce((s, l) => s + l.quantity, 0));
      expect(currencyOf.get(o.customerId) ?? o.currency, o.id).toBe(o.currency);
      currencyOf.set(o.customerId, o.currency);
    }
    const currencies = data.orders.map((o) => o.currency);
    expect(currencies.filter((c) => c === 'EUR').length / currencies.length).toBeGreaterThan(0.7);
    const statuses = new Set(data.orders.map((o) => o.status));
    for (const s of ['delivered', 'cancelled', 'returned'] as const) expect(statuses).toContain(s);
  });

  it('links contract renewals to the contract they renew', () => {
    const byId = new Map(data.contracts.map((c) => [c.id, c]));
    const renewals = data.contracts.filter((c) => c.renewalOf);
    expect(renewals.length).toBeGreaterThan(10);
    for (const r of renewals) {
      const previous = byId.get(r.renewalOf!);
      expect(previous, r.id).toBeDefined();
      expect(previous!.customerId).toBe(r.customerId);
      expect(previous!.status).toBe('renewed');
      expect(r.startDate > previous!.endDate).toBe(true);
    }
    expect(data.contracts.filter((c) => c.status === 'renewed').length).toBe(renewals.length);
    const companies = new Set(data.customers.filter((c) => c.kind === 'company').map((c) => c.id));
    expect(data.contracts.every((c) => companies.has(c.customerId))).toBe(true);
    // Some running contracts expire within 90 days of as-of, for the expiry reminders.
    const soon = data.contracts.filter((c) => c.status === 'active' && Date.parse(c.endDate) - AS_OF < 90 * DAY);
    expect(soon.length).toBeGreaterThan(5);
  });

  it('shows seasonality: Q4 months earn more than the average month', () => {
    const revenue = new Map<string, number>();
    for (const o of data.orders) {
      if (o.currency !== 'EUR' || o.status === 'cancelled') continue;
      revenue.set(o.orderedAt.slice(0, 7), (revenue.get(o.orderedAt.slice(0, 7)) ?? 0) + o.total);
    }
    const months = [...revenue.entries()];
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const q4 = months.filter(([m]) => ['10', '11', '12'].includes(m.slice(5))).map(([, v]) => v);
    expect(q4.length).toBeGreaterThanOrEqual(4);
    expect(mean(q4)).toBeGreaterThan(mean(months.map(([, v]) => v)));
    // December beats the summer months of the same year.
    const dec = revenue.get('2025-12')!;
    expect(dec).toBeGreaterThan(revenue.get('2025-07')!);
    expect(dec).toBeGreaterThan(revenue.get('2025-08')!);
  });

  it('has repeat buyers and lapsed buyers', () => {
    const orders = new Map<string, number[]>();
    for (const o of data.orders) orders.set(o.customerId, [...(orders.get(o.customerId) ?? []), Date.parse(o.orderedAt)]);
    const buyers = [...orders.values()];
    const repeat = buyers.filter((t) => t.length >= 2).length / buyers.length;
    const lapsed = buyers.filter((t) => AS_OF - Math.max(...t) > 182 * DAY).length / buyers.length;
    expect(repeat).toBeGreaterThan(0.4);
    expect(lapsed).toBeGreaterThan(0.15);
    expect(lapsed).toBeLessThan(0.75);
    expect(data.customers.filter((c) => c.kind === 'person').length / data.customers.length).toBeGreaterThan(0.65);
  });

  it('pays orders and contracts, with some invoices overdue or pending at as-of', () => {
    const statuses = new Set(data.payments.map((p) => p.status));
    for (const s of ['paid', 'overdue', 'pending', 'refunded'] as const) expect(statuses).toContain(s);
    expect(data.payments.filter((p) => p.status === 'paid').every((p) => p.paidAt)).toBe(true);
    expect(data.payments.filter((p) => p.status === 'pending' || p.status === 'overdue').every((p) => !p.paidAt)).toBe(true);
    expect(data.payments.some((p) => p.contractId)).toBe(true);
  });

  it('makes attribution meaningful: converted orders carry the campaign and a conversion touch at the order', () => {
    const conversions = new Set(data.campaign_touches.filter((t) => t.interaction === 'conversion' && t.customerId).map((t) => `${t.campaignId}|${t.customerId}|${t.touchedAt}`));
    const attributed = data.orders.filter((o) => o.campaignId);
    expect(attributed.length).toBeGreaterThan(50);
    const matched = attributed.filter((o) => conversions.has(`${o.campaignId}|${o.customerId}|${o.orderedAt}`));
    expect(matched.length).toBe(attributed.length);
    const interactions = new Set(data.campaign_touches.map((t) => t.interaction));
    for (const i of ['impression', 'open', 'click', 'visit', 'conversion'] as const) expect(interactions).toContain(i);
    expect(data.campaigns.length).toBeGreaterThanOrEqual(12);
    expect(data.campaigns.length).toBeLessThanOrEqual(22);
    expect(data.campaign_touches.some((t) => t.cost !== undefined)).toBe(true);
  });

  it('runs a service desk: open tickets unresolved, CSAT on tickets matches the survey', () => {
    const open = data.tickets.filter((t) => t.status === 'open' || t.status === 'pending');
    expect(open.length).toBeGreaterThan(0);
    expect(open.every((t) => !t.resolvedAt && !t.csat)).toBe(true);
    const ticketCsat = new Map(data.tickets.filter((t) => t.csat).map((t) => [t.id, t.csat]));
    const linked = data.survey_responses.filter((s) => s.ticketId);
    expect(linked.length).toBe(ticketCsat.size);
    expect(linked.every((s) => s.kind === 'csat' && ticketCsat.get(s.ticketId!) === s.score)).toBe(true);
    expect(data.survey_responses.some((s) => s.kind === 'nps' && s.orderId)).toBe(true);
  });

  it('fills the funnel: converted leads point at customers, some leads wait unowned in the pool', () => {
    const converted = data.leads.filter((l) => l.status === 'converted');
    expect(converted.length).toBeGreaterThan(0);
    expect(converted.every((l) => l.customerId && l.convertedAt)).toBe(true);
    expect(data.leads.filter((l) => l.status !== 'converted').every((l) => !l.customerId && !l.convertedAt)).toBe(true);
    expect(data.leads.some((l) => !l.ownerId && l.status === 'new')).toBe(true);
    const contactsPerCompany = new Map<string, number>();
    for (const c of data.contacts) contactsPerCompany.set(c.customerId, (contactsPerCompany.get(c.customerId) ?? 0) + (c.isPrimary ? 1 : 0));
    expect([...contactsPerCompany.values()].every((n) => n === 1)).toBe(true);
    expect(data.activities.some((a) => a.leadId) && data.activities.some((a) => a.customerId)).toBe(true);
  });
});

describe('generateDemo: the catalogue and what customers buy', () => {
  it('ships the catalogue: every line item sku is a product record', () => {
    const skus = new Set(data.products.map((p) => p.sku));
    expect(skus.size).toBe(data.products.length);
    const sold = new Set(data.orders.flatMap((o) => o.lineItems.map((l) => l.sku)));
    expect([...sold].filter((s) => !skus.has(s))).toEqual([]);
  });

  it('never sells a customer a durable product twice, and owners of a product buy what it leads to more than others do', () => {
    const durable = new Set(data.products.filter((p) => p.durable).map((p) => p.sku));
    const bought = new Map<string, string[]>();
    for (const o of [...data.orders].sort((a, b) => (a.orderedAt < b.orderedAt ? -1 : 1))) {
      const list = bought.get(o.customerId) ?? [];
      for (const l of o.lineItems) {
        if (durable.has(l.sku)) expect(list.includes(l.sku), `${o.customerId} ${l.sku}`).toBe(false);
      }
      bought.set(o.customerId, [...list, ...o.lineItems.map((l) => l.sku)]);
    }
    // A tablet leads to its case: tablet owners buy a case far more often than other buyers.
    const withTablet = [...bought.values()].filter((skus) => skus.includes('TAB-10-64GB'));
    const without = [...bought.values()].filter((skus) => !skus.includes('TAB-10-64GB'));
    const rate = (group: string[][]) => group.filter((skus) => skus.includes('ACC-CASE-TAB')).length / group.length;
    expect(withTablet.length).toBeGreaterThan(20);
    expect(rate(withTablet)).toBeGreaterThan(2 * rate(without));
  });
});

describe('generateDemo: options', () => {
  it('scales roughly linearly with the number of customers', () => {
    const total = (d: DemoData) => Object.values(d).reduce((s, rows) => s + rows.length, 0);
    const small = total(generateDemo({ seed: 7, customers: 200 }));
    const full = total(data);
    expect(small / full).toBeGreaterThan(0.12);
    expect(small / full).toBeLessThan(0.3);
  });

  it('rejects nonsense options', () => {
    expect(() => generateDemo({ customers: -1 })).toThrow(/customers/);
    expect(() => generateDemo({ months: 0 })).toThrow(/months/);
    expect(() => generateDemo({ asOf: new Date('nope') })).toThrow(/asOf/);
  });
});

describe('writeDemoInput', () => {
  it('writes one NDJSON file per table, every table present, and returns the counts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'demo-input-'));
    try {
      const small = generateDemo({ seed: 3, customers: 40 });
      const counts = await writeDemoInput(dir, small);
      const files = (await readdir(join(dir, 'input'))).sort();
      expect(files).toEqual(Object.values(entities).map((d) => `${d.table}.ndjson`).sort());
      for (const table of Object.keys(small) as DemoTable[]) {
        const text = await readFile(join(dir, 'input', `${table}.ndjson`), 'utf8');
        const lines = text.split('\n').filter((l) => l.length > 0);
        expect(counts[table], table).toBe(small[table].length);
        expect(lines.length, table).toBe(small[table].length);
        expect(lines.map((l) => JSON.parse(l))).toEqual(small[table]);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('still writes every file when tables are empty', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'demo-empty-'));
    try {
      const counts = await writeDemoInput(dir, generateDemo({ customers: 0 }));
      expect(counts.customers).toBe(0);
      expect((await readdir(join(dir, 'input'))).length).toBe(Object.keys(entities).length);
      expect(await readFile(join(dir, 'input', 'orders.ndjson'), 'utf8')).toBe('');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
