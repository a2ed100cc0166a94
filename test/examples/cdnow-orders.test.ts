import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { order } from '#schemas/entities.ts';
import { cdnowOrders, parseCdnowLog } from '../../examples/cdnow-orders.ts';

describe('CDNOW logs to orders', () => {
  it('reads the sample’s five-column layout: 6,919 transactions of 2,357 customers', () => {
    const transactions = parseCdnowLog(readFileSync(new URL('../fixtures/CDNOW_sample.txt', import.meta.url), 'utf8'));
    expect(transactions).toHaveLength(6919);
    expect(new Set(transactions.map((t) => t.customerId)).size).toBe(2357);
    expect(transactions[0]).toEqual({ line: 1, customerId: 'cdnow-00004', sampleId: '0001', date: '1997-01-01', cds: 2, cents: 2933 });
  });

  it('reads the master’s four-column layout after its header', () => {
    const text = ' customer_id  date number_of_cds  dollar_value\n 00001 19970101  1   11.77\n 00002 19970112  1   12.00\n 00002 19970112  5   77.00\n';
    const transactions = parseCdnowLog(text);
    expect(transactions.map((t) => [t.line, t.customerId, t.date, t.cds, t.cents])).toEqual([
      [2, 'cdnow-00001', '1997-01-01', 1, 1177],
      [3, 'cdnow-00002', '1997-01-12', 1, 1200],
      [4, 'cdnow-00002', '1997-01-12', 5, 7700],
    ]);
    // Two orders of one day get distinct ids.
    expect(cdnowOrders(transactions).map((o) => o.id)).toEqual(['cdnow-00001-19970101-1', 'cdnow-00002-19970112-1', 'cdnow-00002-19970112-2']);
  });

  it('makes valid orders whose line items, item count, subtotal and total agree to the cent', () => {
    const [o] = cdnowOrders(parseCdnowLog(' 00004 0001 19970101  3   29.33\n'));
    expect(order.parse(o)).toMatchObject({ total: 29.33, subtotal: 29.33, itemCount: 3 });
    // 2933 cents over 3 CDs: two at 9.78 and one at 9.77.
    expect(o!.lineItems).toEqual([
      { sku: 'cd', quantity: 1, unitPrice: 9.77 },
      { sku: 'cd', quantity: 2, unitPrice: 9.78 },
    ]);
    expect(o!.lineItems.reduce((cents, li) => cents + li.quantity * Math.round(li.unitPrice * 100), 0)).toBe(2933);
    expect(o!.lineItems.reduce((n, li) => n + li.quantity, 0)).toBe(o!.itemCount);
  });

  it('refuses malformed lines naming the line and the field', () => {
    expect(() => parseCdnowLog(' 00001 19970231  1   11.77\n', 'log.txt')).toThrow(/log.txt line 1: date must be a calendar date/);
    expect(() => parseCdnowLog(' 00001 19970101  0   11.77\n')).toThrow(/line 1: number of CDs must be a whole number ≥ 1/);
    expect(() => parseCdnowLog(' 00001 19970101  1   11.777\n')).toThrow(/dollar value/);
    expect(() => parseCdnowLog(' 00001 0001 19970101  1   1.00\n 00002 19970101  1   1.00\n')).toThrow(/line 2: layout has 4 columns where the lines before have 5/);
    expect(() => parseCdnowLog('')).toThrow(/no CDNOW transactions/);
  });
});
