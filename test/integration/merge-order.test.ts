// Twins (same person, two ids) must merge into the same survivor whatever order they arrive in, and
// every id and every record that points at a twin must stay reachable from `crm customer`.
import { describe, expect, it } from 'vitest';
import { crm, tempDir, writeLines } from './cli-helpers.ts';

const person = (id: string, createdAt: string, updatedAt: string, lastName: string) => ({
  id,
  updatedAt,
  kind: 'person',
  lastName,
  email: 'twin@example.com',
  status: 'active',
  source: 'web',
  createdAt,
});
// X1 is the older record (created first), X2 the newer one (created and updated later).
const X1 = person('x-1', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z', 'Older');
const X2 = person('x-2', '2025-06-01T00:00:00Z', '2025-06-01T00:00:00Z', 'Newer');
const order = (id: string, customerId: string) => ({
  id,
  updatedAt: '2025-07-01T00:00:00Z',
  customerId,
  orderedAt: '2025-07-01T00:00:00Z',
  status: 'paid',
  channel: 'web',
  currency: 'EUR',
  lineItems: [{ sku: 'S', quantity: 1, unitPrice: 10 }],
  itemCount: 1,
  subtotal: 10,
  total: 10,
});

describe('merging twins in either arrival order', () => {
  for (const [label, first, second] of [
    ['older first', X1, X2],
    ['newer first', X2, X1],
  ] as const) {
    it(`${label}: both ids find one profile with both twins' orders`, async () => {
      const d = tempDir();
      // Each twin's order arrives before the twins meet, so it is stored under that twin's id.
      await crm('ingest', writeLines(d, 'a.ndjson', [first]), '--entity', 'customer', '--dir', d);
      await crm('ingest', writeLines(d, 'oa.ndjson', [order(`o-${first.id}`, first.id)]), '--entity', 'order', '--dir', d);
      await crm('ingest', writeLines(d, 'ob.ndjson', [order(`o-${second.id}`, second.id)]), '--entity', 'order', '--dir', d);
      const r = await crm('ingest', writeLines(d, 'b.ndjson', [second]), '--entity', 'customer', '--dir', d);
      expect(r.code).toBe(0);
      for (const id of ['x-1', 'x-2']) {
        const p = await crm('customer', id, '--dir', d);
        expect(p.code, `crm customer ${id}: ${p.stderr}`).toBe(0);
        // Survivor: the earliest createdAt; content: the newest version.
        expect(p.json()).toMatchObject({ customer: { id: 'x-1', lastName: 'Newer', createdAt: '2025-01-01T00:00:00.000Z' }, value: { EUR: { orders: 2, revenue: 20 } } });
      }
    }, 240_000);
  }
});
