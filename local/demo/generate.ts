// The demo data set: a deterministic, realistic CRM history for every table, and the files
// `crm demo` ingests (`<dir>/input/<table>.ndjson`).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import { entities, type EntityName } from '#schemas/registry.ts';
import { companyAccount, type AccountHistory } from './accounts.ts';
import { generateActivities } from './activities.ts';
import { addMonths } from './calendar.ts';
import { EUR_RATE, PRODUCTS } from './catalog.ts';
import { campaignRecord, planCampaigns } from './campaigns.ts';
import { generateContacts } from './contacts.ts';
import { byText, demoContext } from './context.ts';
import { customerProfiles, customerRecord, lifecycleStatus, tiersByValue } from './customers.ts';
import { generateLeads } from './leads.ts';
import { buildOrders } from './orders.ts';
import { generatePayments } from './payments.ts';
import { organicPurchases, type Purchase } from './purchases.ts';
import { generateService } from './service.ts';
import { campaignTouches } from './touches.ts';
import { generateTeam } from './team.ts';

export interface DemoOptions {
  /** @default 1 */
  seed?: number;
  /** Number of customers; every other table scales with it. @default 1000 */
  customers?: number;
  /** Length of the simulated history, ending at `asOf`. @default 24 */
  months?: number;
  /** The end of history; fixed by default so the output never depends on the clock. @default 2026-10-31T23:59:59Z */
  asOf?: Date;
}

/**
 * Records per table, keyed by table name, in the shape the ingest accepts; derived from the entity
 * catalogue so a new entity needs no second declaration here. Opportunities hold every version, oldest first.
 */
export type DemoData = { [K in EntityName as (typeof entities)[K]['table']]: z.input<(typeof entities)[K]['schema']>[] };

export type DemoTable = keyof DemoData;

export const DEFAULT_AS_OF = new Date('2026-10-31T23:59:59Z');

export function generateDemo(options: DemoOptions = {}): DemoData {
  const seed = options.seed ?? 1;
  const customerCount = options.customers ?? 1000;
  const months = options.months ?? 24;
  const asOf = (options.asOf ?? DEFAULT_AS_OF).getTime();
  if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);
  if (!Number.isInteger(customerCount) || customerCount < 0) throw new Error(`customers must be a whole number, got ${customerCount}`);
  if (!Number.isInteger(months) || months < 1) throw new Error(`months must be a positive whole number, got ${months}`);
  if (!Number.isFinite(asOf)) throw new Error('asOf must be a valid date');

  const ctx = demoContext(seed, addMonths(asOf, -months), asOf);
  const plans = planCampaigns(ctx, customerCount);
  const profiles = customerProfiles(ctx, customerCount, plans);
  const leads = generateLeads(ctx, profiles, plans);
  const leadOf = new Map(leads.filter((l) => l.customer).map((l) => [l.customer!.id, l.record.id]));

  const accounts = new Map<string, AccountHistory>();
  for (const p of profiles) if (p.kind === 'company') accounts.set(p.id, companyAccount(ctx, p, leadOf.get(p.id)));
  const purchases = new Map<string, Purchase[]>();
  for (const p of profiles) purchases.set(p.id, organicPurchases(ctx, p, accounts.get(p.id)));
  // Campaigns run over the purchase history: they claim some purchases and cause others.
  const { touches, mediaCost } = campaignTouches(ctx, plans, profiles, leads, purchases);

  const orders = buildOrders(ctx, profiles, purchases);
  const contracts = [...accounts.values()].flatMap((a) => a.contracts);
  const payments = generatePayments(ctx, orders, contracts);
  const { tickets, surveys } = generateService(ctx, profiles, orders);
  const activities = generateActivities(ctx, profiles, accounts, leads);
  const contacts = generateContacts(ctx, profiles);

  // Status and tier are what the CRM would show at as-of, derived from the behaviour above.
  const revenue = new Map<string, number>();
  const lastOrder = new Map<string, number>();
  for (const o of orders) {
    if (o.cancelledAt !== undefined) continue;
    const id = o.customer.id;
    revenue.set(id, (revenue.get(id) ?? 0) + o.totalCents / EUR_RATE[o.customer.market.currency]);
    lastOrder.set(id, Math.max(lastOrder.get(id) ?? 0, o.orderedAt));
  }
  const personTiers = tiersByValue(new Map(profiles.filter((p) => p.kind === 'person').map((p) => [p.id, revenue.get(p.id) ?? 0])), [0.03, 0.1, 0.25]);
  const currencyOf = new Map(profiles.map((p) => [p.id, p.market.currency]));
  const companyTiers = tiersByValue(
    new Map([...accounts].filter(([, a]) => a.clientFrom !== undefined).map(([id, a]) => [id, a.annualValue / EUR_RATE[currencyOf.get(id)!] + (revenue.get(id) ?? 0)])),
    [0.15, 0.25, 0.35],
  );
  const customers = profiles.map((p) => {
    const account = accounts.get(p.id);
    const lifecycle = lifecycleStatus(p, lastOrder.get(p.id), account && { ...(account.clientFrom !== undefined ? { from: account.clientFrom } : {}), until: account.clientUntil }, asOf);
    const tier = (p.kind === 'person' ? personTiers : companyTiers).get(p.id) ?? 'bronze';
    return customerRecord(p, { ...lifecycle, tier }, asOf);
  });

  const opportunities = [...accounts.values()].flatMap((a) => a.opportunities);
  opportunities.sort((a, b) => byText(a.updatedAt, b.updatedAt) || byText(a.id, b.id));

  return {
    customers,
    contacts,
    leads: leads.map((l) => l.record),
    opportunities,
    orders: orders.map((o) => o.record),
    contracts: contracts.map((c) => c.record),
    payments,
    activities,
    tickets,
    campaigns: plans.map((c) => campaignRecord(ctx, c, mediaCost.get(c.id) ?? 0)),
    campaign_touches: touches,
    survey_responses: surveys,
    users: generateTeam(ctx),
    products: productRecords(ctx.start),
    // Tasks and automation runs are made by the rules while the demo runs, not generated.
    tasks: [],
    automation_runs: [],
    // Scores are written back by the reports while the demo runs.
    scores: [],
  };
}

/** The catalogue as product records: list prices in EUR (orders in other currencies use converted price lists). */
function productRecords(from: number): DemoData['products'] {
  const updatedAt = new Date(from).toISOString();
  return PRODUCTS.map((x) => ({
    id: x.sku,
    updatedAt,
    sku: x.sku,
    name: x.name,
    category: x.category,
    listPrice: x.price / 100,
    currency: 'EUR',
    active: true,
    durable: x.durable ?? false,
  }));
}

/** Writes one NDJSON file per table to `<dir>/input/` (empty tables get an empty file) and returns the counts. */
export async function writeDemoInput(dir: string, data: DemoData): Promise<Record<DemoTable, number>> {
  const inputDir = join(dir, 'input');
  await mkdir(inputDir, { recursive: true });
  const counts = {} as Record<DemoTable, number>;
  for (const def of Object.values(entities)) {
    const table: DemoTable = def.table;
    const rows: readonly unknown[] = data[table] ?? [];
    await writeFile(join(inputDir, `${table}.ndjson`), rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length > 0 ? '\n' : ''));
    counts[table] = rows.length;
  }
  return counts;
}
