// Turns the SQL's per-customer RFM scores into named segments and membership tiers, compares them with
// the previous run (the movement matrix) and sums segment sizes and revenue per currency. Pure
// functions of the tables, so the same inputs always give the same rows.
import type { ReportTable, ReportTables } from '../report-definition.ts';
import { CUSTOMER_TIERS } from '#schemas/entities.ts';
import type { CompiledScheme, Tier } from './scheme.ts';

type Row = Record<string, unknown>;

export interface CustomerSegment {
  customerId: string;
  currency: string;
  rScore: number;
  fmScore: number;
  segment: string;
  previousSegment: string | null;
  tier: Tier;
  /** Revenue in the main currency up to the as-of date: what the tier ranks. */
  value: number;
}

const cents = (value: unknown) => Math.round(Number(value) * 100);

/** Best customers first within a currency: value, then frequency, then recency, then id (deterministic). */
const byValue = (a: Row, b: Row) =>
  Number(b.monetary) - Number(a.monetary) ||
  Number(b.frequency) - Number(a.frequency) ||
  Number(a.recency_days) - Number(b.recency_days) ||
  String(a.customer_id).localeCompare(String(b.customer_id));

/** Tiers by rank of value among the customers of each currency; the shares are cumulative from the top. */
export function assignTiers(scores: readonly Row[], shares: CompiledScheme['scheme']['tierShares']): Map<string, Tier> {
  const tiers = new Map<string, Tier>();
  const byCurrency = new Map<string, Row[]>();
  for (const row of scores) byCurrency.set(String(row.currency), [...(byCurrency.get(String(row.currency)) ?? []), row]);
  for (const rows of byCurrency.values()) {
    rows.sort(byValue);
    const n = rows.length;
    const platinum = Math.round(n * shares.platinum);
    const gold = Math.round(n * (shares.platinum + shares.gold));
    const silver = Math.round(n * (shares.platinum + shares.gold + shares.silver));
    rows.forEach((row, i) => tiers.set(String(row.customer_id), i < platinum ? 'platinum' : i < gold ? 'gold' : i < silver ? 'silver' : 'bronze'));
  }
  return tiers;
}

export function segmentCustomers(scores: readonly Row[], scheme: CompiledScheme, previous: ReadonlyMap<string, string> | undefined): CustomerSegment[] {
  const tiers = assignTiers(scores, scheme.scheme.tierShares);
  return scores.map((row) => {
    const rScore = Number(row.r_score);
    const fmScore = scheme.scheme.combineFm(Number(row.f_score), Number(row.m_score));
    const customerId = String(row.customer_id);
    return {
      customerId,
      currency: String(row.currency),
      rScore,
      fmScore,
      segment: scheme.segmentOf(rScore, fmScore),
      previousSegment: previous?.get(customerId) ?? null,
      tier: tiers.get(customerId)!,
      value: Number(row.monetary),
    };
  });
}

export const customerSegmentsTable = (customers: readonly CustomerSegment[]): ReportTable => ({
  columns: [
    { name: 'customer_id', kind: 'string' },
    { name: 'currency', kind: 'string' },
    { name: 'r_score', kind: 'bigint' },
    { name: 'fm_score', kind: 'bigint' },
    { name: 'segment', kind: 'string' },
    { name: 'previous_segment', kind: 'string' },
    { name: 'tier', kind: 'string' },
    { name: 'value', kind: 'decimal' },
  ],
  rows: customers.map((c) => ({
    customer_id: c.customerId,
    currency: c.currency,
    r_score: c.rScore,
    fm_score: c.fmScore,
    segment: c.segment,
    previous_segment: c.previousSegment,
    tier: c.tier,
    value: c.value,
  })),
});

/** Customers, revenue and the lowest value per tier and main currency, best tier first. */
export function tierSummaryTable(customers: readonly CustomerSegment[]): ReportTable {
  const cells = new Map<string, { customers: number; cents: number; min: number }>();
  for (const c of customers) {
    const key = `${c.tier}\u0000${c.currency}`;
    const cell = cells.get(key) ?? { customers: 0, cents: 0, min: Infinity };
    cell.customers += 1;
    cell.cents += cents(c.value);
    cell.min = Math.min(cell.min, c.value);
    cells.set(key, cell);
  }
  const currencies = unique(customers.map((c) => c.currency)).sort();
  const rows = [...TIERS_BEST_FIRST].flatMap((tier) =>
    currencies.flatMap((currency) => {
      const cell = cells.get(`${tier}\u0000${currency}`);
      return cell ? [{ tier, currency, customers: cell.customers, revenue: cell.cents / 100, min_value: cell.min }] : [];
    }),
  );
  return {
    columns: [
      { name: 'tier', kind: 'string' },
      { name: 'currency', kind: 'string' },
      { name: 'customers', kind: 'bigint' },
      { name: 'revenue', kind: 'decimal' },
      { name: 'min_value', kind: 'decimal' },
    ],
    rows,
  };
}

const TIERS_BEST_FIRST = [...CUSTOMER_TIERS].reverse();
const unique = <T,>(values: T[]) => [...new Set(values)];

/**
 * Segment sizes and revenue, one row per segment and currency: customers of the segment who bought in
 * that currency and their revenue in it, with shares of the currency's totals. Every segment appears
 * for every currency (zeros included), in the scheme's order.
 */
export function segmentSummaryTable(customers: readonly CustomerSegment[], revenue: readonly Row[], scheme: CompiledScheme): ReportTable {
  const segmentOf = new Map(customers.map((c) => [c.customerId, c.segment]));
  const cells = new Map<string, { customers: number; cents: number }>();
  const totals = new Map<string, { customers: number; cents: number }>();
  for (const row of revenue) {
    const segment = segmentOf.get(String(row.customer_id));
    if (!segment) continue;
    const currency = String(row.currency);
    for (const [map, key] of [[cells, `${segment}\u0000${currency}`], [totals, currency]] as const) {
      const cell = map.get(key) ?? { customers: 0, cents: 0 };
      cell.customers += 1;
      cell.cents += cents(row.revenue);
      map.set(key, cell);
    }
  }
  const currencies = [...totals.keys()].sort();
  const rows = scheme.names.flatMap((segment) =>
    currencies.map((currency) => {
      const cell = cells.get(`${segment}\u0000${currency}`) ?? { customers: 0, cents: 0 };
      const total = totals.get(currency)!;
      return {
        segment,
        currency,
        customers: cell.customers,
        customer_share: total.customers ? cell.customers / total.customers : null,
        revenue: cell.cents / 100,
        revenue_share: total.cents ? cell.cents / total.cents : null,
      };
    }),
  );
  return {
    columns: [
      { name: 'segment', kind: 'string' },
      { name: 'currency', kind: 'string' },
      { name: 'customers', kind: 'bigint' },
      { name: 'customer_share', kind: 'double' },
      { name: 'revenue', kind: 'decimal' },
      { name: 'revenue_share', kind: 'double' },
    ],
    rows,
  };
}

/**
 * The movement matrix: customers by their segment in the previous run (null: not segmented then, i.e.
 * no orders yet) and in this one (null: no longer segmented, e.g. their orders were erased). Only
 * non-empty cells; empty when there is no previous run.
 */
export function movementTable(customers: readonly CustomerSegment[], previous: ReadonlyMap<string, string> | undefined, scheme: CompiledScheme): ReportTable {
  const counts = new Map<string, number>();
  const key = (from: string | null, to: string | null) => JSON.stringify([from, to]);
  if (previous) {
    const current = new Set(customers.map((c) => c.customerId));
    for (const c of customers) counts.set(key(c.previousSegment, c.segment), (counts.get(key(c.previousSegment, c.segment)) ?? 0) + 1);
    for (const [customerId, segment] of previous) if (!current.has(customerId)) counts.set(key(segment, null), (counts.get(key(segment, null)) ?? 0) + 1);
  }
  const order = (segment: string | null) => (segment === null ? -1 : scheme.names.indexOf(segment) >= 0 ? scheme.names.indexOf(segment) : scheme.names.length);
  const rows = [...counts]
    .map(([k, n]) => {
      const [from, to] = JSON.parse(k) as [string | null, string | null];
      return { from_segment: from, to_segment: to, customers: n, moved: from !== to };
    })
    .sort((a, b) => order(a.from_segment) - order(b.from_segment) || String(a.from_segment).localeCompare(String(b.from_segment)) || order(a.to_segment) - order(b.to_segment));
  return {
    columns: [
      { name: 'from_segment', kind: 'string' },
      { name: 'to_segment', kind: 'string' },
      { name: 'customers', kind: 'bigint' },
      { name: 'moved', kind: 'boolean' },
    ],
    rows,
  };
}

/** The previous run's segment of each customer, from its customer_segments table. */
export const previousSegments = (rows: readonly Row[] | undefined): Map<string, string> | undefined =>
  rows ? new Map(rows.map((r) => [String(r.customer_id), String(r.segment)])) : undefined;

export const rowsOf = (tables: ReportTables, name: string): Row[] => tables[name]?.rows ?? [];
