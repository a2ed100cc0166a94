// CDNOW transaction logs → orders of the CRM data model. Two layouts exist (whitespace separated, no
// quoting): the sample's five columns `master_id sample_id yyyymmdd cds dollars` and the master's four
// `customer_id yyyymmdd cds dollars` after a header line. Every line is one order of a customer
// `cdnow-<id>` (the master id in both layouts, so the sample's customers are the master's), placed at
// noon UTC on its day; its line items, item count, subtotal and total agree to the cent.
import type { Order } from '#schemas/entities.ts';

export interface CdnowTransaction {
  /** 1-based line of the file. */
  line: number;
  customerId: string;
  /** Sample id in the five-column layout (the one the published summary uses). */
  sampleId?: string;
  date: string;
  cds: number;
  cents: number;
}

const DATE = /^(\d{4})(\d{2})(\d{2})$/;
const MONEY = /^\d+(?:\.\d{1,2})?$/;

export function parseCdnowLog(text: string, source = 'the file'): CdnowTransaction[] {
  const lines = text.split(/\r?\n/);
  const out: CdnowTransaction[] = [];
  let layout: 4 | 5 | undefined;
  lines.forEach((raw, index) => {
    const line = index + 1;
    const fields = raw.trim().split(/\s+/).filter(Boolean);
    if (!fields.length) return;
    // A header names its columns: any line whose date column is not a number.
    if (out.length === 0 && layout === undefined && !/^\d/.test(fields.at(-3) ?? '')) return;
    const fail = (field: string, reason: string) => new Error(`${source} line ${line}: ${field} ${reason} (line: "${raw.trim()}")`);
    if (fields.length !== 4 && fields.length !== 5) throw fail('layout', `has ${fields.length} columns; a CDNOW log has 4 (customer, date, CDs, dollars) or 5 (master id, sample id, date, CDs, dollars)`);
    layout ??= fields.length;
    if (fields.length !== layout) throw fail('layout', `has ${fields.length} columns where the lines before have ${layout}`);
    const [customer, sampleId] = layout === 5 ? [fields[0]!, fields[1]!] : [fields[0]!, undefined];
    const [date, cds, dollars] = fields.slice(-3) as [string, string, string];
    if (!/^\d+$/.test(customer)) throw fail('customer id', 'must be digits');
    const d = DATE.exec(date);
    const iso = d ? `${d[1]}-${d[2]}-${d[3]}` : '';
    if (!d || Number.isNaN(Date.parse(`${iso}T00:00:00Z`)) || new Date(`${iso}T00:00:00Z`).toISOString().slice(0, 10) !== iso) throw fail('date', 'must be a calendar date yyyymmdd');
    if (!/^\d+$/.test(cds) || Number(cds) < 1) throw fail('number of CDs', 'must be a whole number ≥ 1');
    if (!MONEY.test(dollars)) throw fail('dollar value', 'must be an amount ≥ 0 with at most two decimals');
    out.push({ line, customerId: `cdnow-${customer}`, ...(sampleId ? { sampleId } : {}), date: iso, cds: Number(cds), cents: Math.round(Number(dollars) * 100) });
  });
  if (!out.length) throw new Error(`${source} holds no CDNOW transactions`);
  return out;
}

/** One order per transaction; the CDs' prices split the value to the cent (some CDs one cent dearer). */
export function cdnowOrders(transactions: readonly CdnowTransaction[]): Order[] {
  const perDay = new Map<string, number>();
  return transactions.map((t) => {
    const key = `${t.customerId}|${t.date}`;
    const n = (perDay.get(key) ?? 0) + 1;
    perDay.set(key, n);
    const base = Math.floor(t.cents / t.cds);
    const dearer = t.cents - base * t.cds;
    const lineItems = [
      ...(t.cds - dearer > 0 ? [{ sku: 'cd', quantity: t.cds - dearer, unitPrice: base / 100 }] : []),
      ...(dearer > 0 ? [{ sku: 'cd', quantity: dearer, unitPrice: (base + 1) / 100 }] : []),
    ];
    const at = `${t.date}T12:00:00.000Z`;
    return {
      id: `${t.customerId}-${t.date.replaceAll('-', '')}-${n}`,
      updatedAt: at,
      customerId: t.customerId,
      orderedAt: at,
      status: 'delivered',
      channel: 'web',
      currency: 'USD',
      lineItems,
      itemCount: t.cds,
      subtotal: t.cents / 100,
      discount: 0,
      tax: 0,
      total: t.cents / 100,
    };
  });
}
