// The recommendations report's post-processing: the catalogue and purchases from SQL, the co-occurrence
// model learnt as of the date, each customer's top products with a reason, and the holdout check.
import type { ReportColumn, ReportContext, ReportTable, ReportTables } from '../report-definition.ts';
import { basketsBetween, learnCoOccurrence, recommend, windowStart, type CoOccurrenceModel, type ProductInfo, type Purchase } from './co-occurrence.ts';
import { holdoutEvaluation } from './holdout.ts';
import { RECOMMENDATION_SETTINGS, type RecommendationSettings } from './settings.ts';

type Row = Record<string, unknown>;
const cols = (...pairs: [string, ReportColumn['kind']][]): ReportColumn[] => pairs.map(([name, kind]) => ({ name, kind }));
const rowsOf = (tables: ReportTables, name: string): Row[] => {
  const table = tables[name];
  if (!table) throw new Error(`recommendations: the SQL table ${name} is missing`);
  return table.rows;
};

export function readPurchases(tables: ReportTables): Purchase[] {
  return rowsOf(tables, 'customer_purchases').map((r, i) => {
    if (typeof r.customer_id !== 'string' || typeof r.sku !== 'string' || typeof r.bought_on !== 'string') {
      throw new Error(`recommendations: table customer_purchases, row ${i + 1}: customer_id, sku and bought_on must be set, got ${JSON.stringify(r)}`);
    }
    return { customerId: r.customer_id, sku: r.sku, day: r.bought_on };
  });
}

/** The catalogue by sku (the first row of a sku wins, as the SQL orders them). */
export function readCatalogue(tables: ReportTables): Map<string, ProductInfo & { category: string }> {
  const out = new Map<string, ProductInfo & { category: string }>();
  for (const r of rowsOf(tables, 'catalogue')) {
    const sku = String(r.sku);
    if (!out.has(sku)) out.set(sku, { name: String(r.name), category: String(r.category ?? ''), durable: r.durable === true, active: r.active !== false });
  }
  return out;
}

export const percent = (share: number) => `${Math.round(share * 100)}%`;

/** The agent-facing reason of a recommendation. */
export function reasonOf(rec: { because?: string; share: number }, nameOf: (sku: string) => string, windowDays: number): string {
  return rec.because
    ? `bought by ${percent(rec.share)} of customers who bought ${nameOf(rec.because)}`
    : `popular: bought by ${percent(rec.share)} of customers in the last ${windowDays} days`;
}

export interface CustomerRecommendation {
  customerId: string;
  rank: number;
  sku: string;
  name: string;
  score: number;
  reason: string;
  because: string | null;
}

/** Top products for every customer who has bought, learnt from the window ending on the as-of date. */
export function customerRecommendations(purchases: readonly Purchase[], catalogue: ReadonlyMap<string, ProductInfo>, asOf: string, settings: RecommendationSettings): { model: CoOccurrenceModel; rows: CustomerRecommendation[] } {
  const model = learnCoOccurrence(purchases, asOf, settings.coOccurrence);
  const recent = basketsBetween(purchases, windowStart(asOf, settings.coOccurrence.windowDays), asOf);
  const owned = basketsBetween(purchases, '0000-01-01', asOf);
  const nameOf = (sku: string) => (catalogue.get(sku) as { name?: string } | undefined)?.name ?? sku;
  const rows: CustomerRecommendation[] = [];
  for (const customerId of [...owned.keys()].sort()) {
    const recs = recommend(model, recent.get(customerId) ?? new Set(), owned.get(customerId)!, catalogue, settings.perCustomer);
    recs.forEach((r, i) =>
      rows.push({ customerId, rank: i + 1, sku: r.sku, name: nameOf(r.sku), score: Math.round(r.score * 1e4) / 1e4, reason: reasonOf(r, nameOf, settings.coOccurrence.windowDays), because: r.because ?? null }),
    );
  }
  return { model, rows };
}

export function recommendationTables(context: ReportContext, settings: RecommendationSettings = RECOMMENDATION_SETTINGS): ReportTables {
  const purchases = readPurchases(context.tables);
  const catalogue = readCatalogue(context.tables);
  const { model, rows } = customerRecommendations(purchases, catalogue, context.asOf, settings);
  const holdout = holdoutEvaluation(purchases, catalogue, context.asOf, settings.holdoutMonths, settings.evaluateAt, settings.coOccurrence);
  const nameOf = (sku: string) => catalogue.get(sku)?.name ?? sku;
  return {
    recommendations: {
      columns: cols(['customer_id', 'string'], ['rank', 'bigint'], ['sku', 'string'], ['name', 'string'], ['score', 'double'], ['reason', 'string'], ['because_sku', 'string']),
      rows: rows.map((r) => ({ customer_id: r.customerId, rank: r.rank, sku: r.sku, name: r.name, score: r.score, reason: r.reason, because_sku: r.because })),
    },
    product_associations: associationsTable(model, nameOf, settings.associationsPerProduct),
    evaluation: evaluationTable(holdout),
  };
}

/** Per product, the products its buyers bought most often too (the model's strongest rules). */
function associationsTable(model: CoOccurrenceModel, nameOf: (sku: string) => string, perProduct: number): ReportTable {
  const rows: Row[] = [];
  for (const sku of [...model.pairs.keys()].sort()) {
    const n = model.buyers.get(sku)!;
    const related = [...model.pairs.get(sku)!]
      .filter(([, both]) => both >= model.settings.minCoBuyers)
      .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
      .slice(0, perProduct);
    for (const [other, both] of related) rows.push({ sku, name: nameOf(sku), related_sku: other, related_name: nameOf(other), buyers: n, co_buyers: both, share: both / n });
  }
  return { columns: cols(['sku', 'string'], ['name', 'string'], ['related_sku', 'string'], ['related_name', 'string'], ['buyers', 'bigint'], ['co_buyers', 'bigint'], ['share', 'double']), rows };
}

function evaluationTable(h: ReturnType<typeof holdoutEvaluation>): ReportTable {
  const rows: Row[] = [];
  for (const method of ['co_occurrence', 'popularity'] as const) {
    for (const [k, rate] of Object.entries(h.hitRate[method])) rows.push({ method, k: `top ${k}`, at: Number(k), hit_rate: rate, customers: h.customers, cutoff: h.cutoff });
  }
  rows.sort((a, b) => Number(a.at) - Number(b.at) || String(a.method).localeCompare(String(b.method)));
  return { columns: cols(['method', 'string'], ['k', 'string'], ['at', 'bigint'], ['hit_rate', 'double'], ['customers', 'bigint'], ['cutoff', 'date']), rows };
}
