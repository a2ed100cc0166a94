// Invoices and payments: one per order (prepaid at checkout, or on account with a due date), and
// the billing schedule of every contract. Late payers and unpaid invoices make receivables real.
import type { z } from 'zod';
import type { payment } from '#schemas/entities.ts';
import { addMonths, businessTime, DAY, HOUR, MINUTE, iso, isoDate, notAfter, startOfDay, yearOf } from './calendar.ts';
import { byText, money, pad, type DemoContext } from './context.ts';
import type { ContractFact } from './accounts.ts';
import type { OrderFact, PaymentMethod } from './orders.ts';
import type { Rng } from './random.ts';

export type PaymentRecord = z.input<typeof payment>;

interface Draft {
  record: Omit<PaymentRecord, 'id' | 'invoiceId'>;
  issuedAt: number;
  sortKey: string;
}

export function generatePayments(ctx: DemoContext, orders: readonly OrderFact[], contracts: readonly ContractFact[]): PaymentRecord[] {
  const rng = ctx.rng.fork('payments');
  const drafts: Draft[] = [];
  for (const o of orders) {
    const d = orderPayment(ctx, rng, o);
    if (d) drafts.push(d);
  }
  for (const c of contracts) drafts.push(...contractPayments(ctx, rng, c));
  // Invoice numbers run per year in issue order, as accounting systems number them.
  drafts.sort((a, b) => a.issuedAt - b.issuedAt || byText(a.sortKey, b.sortKey));
  const perYear = new Map<number, number>();
  return drafts.map((d, i) => {
    const year = yearOf(d.issuedAt);
    const n = (perYear.get(year) ?? 0) + 1;
    perYear.set(year, n);
    return { id: `pay-${pad(i + 1, 7)}`, invoiceId: `INV-${year}-${pad(n, 6)}`, ...d.record };
  });
}

function orderPayment(ctx: DemoContext, rng: Rng, o: OrderFact): Draft | undefined {
  const prepaid = o.method === 'card' || o.method === 'paypal' || o.method === 'other' || o.method === 'cash';
  // An order cancelled before anything was charged never gets an invoice.
  if (o.cancelledAt !== undefined && !prepaid) return undefined;
  const issuedAt = o.orderedAt + rng.float(0.2, 2) * MINUTE;
  const termDays = o.customer.kind === 'company' ? 30 : 14;
  const dueDate = isoDate(prepaid ? issuedAt : issuedAt + termDays * DAY);
  const draft = (status: PaymentRecord['status'], updatedAt: number, paidAt?: number): Draft => ({
    record: {
      updatedAt: iso(notAfter(Math.max(updatedAt, issuedAt), ctx.asOf)),
      customerId: o.customer.id,
      orderId: o.record.id,
      amount: money(o.totalCents),
      currency: o.record.currency,
      issuedAt: iso(issuedAt),
      dueDate,
      ...(paidAt !== undefined ? { paidAt: iso(paidAt) } : {}),
      status,
      method: o.method,
    },
    issuedAt,
    sortKey: o.record.id,
  });
  if (o.paymentFailed) return draft('failed', issuedAt + rng.float(0.5, 3) * MINUTE);
  if (prepaid) {
    const paidAt = issuedAt + rng.float(5, 90) * 1000;
    if (o.returnedAt !== undefined) return draft('refunded', o.returnedAt + rng.float(1, 6) * DAY, paidAt);
    if (o.cancelledAt !== undefined) return draft('refunded', o.cancelledAt + rng.float(1, 12) * HOUR, paidAt);
    return draft('paid', paidAt, paidAt);
  }
  const settle = settlement(rng, o.method, issuedAt, termDays, o.customer.satisfaction);
  if (settle !== undefined && settle <= ctx.asOf) {
    if (o.returnedAt !== undefined && o.returnedAt > settle) return draft('refunded', o.returnedAt + rng.float(2, 8) * DAY, settle);
    return draft('paid', settle, settle);
  }
  const due = issuedAt + termDays * DAY;
  return due < ctx.asOf ? draft('overdue', startOfDay(due) + DAY + 6 * HOUR) : draft('pending', issuedAt);
}

/** When an invoice on account gets paid: direct debits on time, transfers scattered around the due date, a few never. */
function settlement(rng: Rng, method: PaymentMethod, issuedAt: number, termDays: number, satisfaction: number): number | undefined {
  if (method === 'direct_debit') return issuedAt + rng.float(2, 5) * DAY;
  if (rng.chance(0.05 - 0.015 * satisfaction)) return undefined;
  const late = rng.chance(0.22) ? rng.gamma(2, 9) : 0;
  return businessTime(rng, issuedAt + (rng.float(0.3, 1.0) * termDays + late) * DAY);
}

const PERIOD_MONTHS = { annual: 12, quarterly: 3, monthly: 1 } as const;

function contractPayments(ctx: DemoContext, rng: Rng, c: ContractFact): Draft[] {
  const step = PERIOD_MONTHS[c.billing];
  const periods: number[] = [];
  for (let k = 0, t = c.start; t <= c.end; k++, t = addMonths(c.start, step * k)) periods.push(t);
  const per = Math.floor(c.value / periods.length);
  const drafts: Draft[] = [];
  const method: PaymentMethod = rng.chance(0.3) ? 'direct_debit' : 'transfer';
  periods.forEach((periodStart, i) => {
    const issuedAt = businessTime(rng, periodStart);
    // Billing stops with the contract; imported contracts' earlier invoices predate the CRM.
    if (issuedAt > ctx.asOf || issuedAt < ctx.start || (c.terminatedAt !== undefined && issuedAt > c.terminatedAt)) return;
    const amount = i === periods.length - 1 ? c.value - per * (periods.length - 1) : per;
    const dueMs = issuedAt + 30 * DAY;
    const settle = settlement(rng, method, issuedAt, 30, c.customer.satisfaction);
    const paid = settle !== undefined && settle <= ctx.asOf;
    const status: PaymentRecord['status'] = paid ? 'paid' : dueMs < ctx.asOf ? 'overdue' : 'pending';
    const updatedAt = paid ? settle : status === 'overdue' ? startOfDay(dueMs) + DAY + 6 * HOUR : issuedAt;
    drafts.push({
      record: {
        updatedAt: iso(notAfter(updatedAt, ctx.asOf)),
        customerId: c.customer.id,
        contractId: c.record.id,
        amount: money(amount),
        currency: c.record.currency,
        issuedAt: iso(issuedAt),
        dueDate: isoDate(dueMs),
        ...(paid ? { paidAt: iso(settle) } : {}),
        status,
        method,
      },
      issuedAt,
      sortKey: `${c.record.id}-${pad(i, 3)}`,
    });
  });
  return drafts;
}
