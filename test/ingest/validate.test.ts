import { describe, expect, it } from 'vitest';
import { entities } from '#schemas/registry.ts';
import { maxFutureSkewFromEnv, validateRecord } from '#functions/ingest/validate.ts';
import { recordVersion } from '#functions/ingest/version.ts';

const order = {
  id: 'o-1',
  updatedAt: '2024-03-01T10:00:00+02:00',
  customerId: 'c-1',
  orderedAt: '2024-03-01T09:00:00Z',
  status: 'placed',
  channel: 'web',
  currency: 'EUR',
  lineItems: [{ sku: 'A', quantity: 2, unitPrice: 9.99 }],
  itemCount: 2,
  subtotal: 19.98,
  total: 19.98,
};

describe('validateRecord', () => {
  it('accepts a valid record, applies defaults and normalises instants to UTC', () => {
    const v = validateRecord(entities.order, order);
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    expect(v.record.updatedAt).toBe('2024-03-01T08:00:00.000Z');
    expect(v.record.discount).toBe(0);
  });

  it('names the field and the reason for each problem', () => {
    const v = validateRecord(entities.order, { ...order, total: 'abc', currency: 'euro', status: 'lost', lineItems: [{ sku: 'A', quantity: 0, unitPrice: 1.234 }], colour: 'red' });
    expect(v.ok).toBe(false);
    if (v.ok) return;
    const byField = Object.fromEntries(v.errors.map((e) => [e.field, e.message]));
    expect(byField.total).toMatch(/expected number/);
    expect(byField.currency).toMatch(/ISO-4217/);
    expect(byField.status).toMatch(/must be one of "placed"/);
    expect(byField['lineItems.0.quantity']).toMatch(/>=1/);
    expect(byField['lineItems.0.unitPrice']).toMatch(/2 decimal places/);
    expect(byField.colour).toBe('is not a field of order');
  });

  it('reports missing required fields as required', () => {
    const { customerId: _omit, ...rest } = order;
    const v = validateRecord(entities.order, rest);
    expect(v.ok ? [] : v.errors).toContainEqual({ field: 'customerId', message: 'is required' });
  });

  it('rejects non-objects and applies cross-field rules', () => {
    expect(validateRecord(entities.order, [1])).toEqual({ ok: false, errors: [{ field: '(record)', message: 'must be a JSON object, got an array' }]});
    const v = validateRecord(entities.contract, { id: 'k', updatedAt: '2024-01-01T00:00:00Z', customerId: 'c', startDate: '2024-02-01', endDate: '2024-01-01', value: 1, currency: 'EUR', status: 'active' });
    expect(v.ok ? [] : v.errors).toContainEqual({ field: 'endDate', message: 'must not be before startDate' });
  });

  it('lowercases e-mail addresses', () => {
    const v = validateRecord(entities.lead, { id: 'l', updatedAt: '2024-01-01T00:00:00Z', email: 'Ann@Example.COM', source: 'web', status: 'new', createdAt: '2024-01-01T00:00:00Z' });
    expect(v.ok && v.record.email).toBe('ann@example.com');
  });

  it('refuses instants beyond the allowed clock skew, on the injected clock', () => {
    const now = () => new Date('2024-03-01T12:00:00Z');
    const at = (updatedAt: string, maxFutureSkewMs?: number) => validateRecord(entities.order, { ...order, updatedAt }, { now, ...(maxFutureSkewMs === undefined ? {} : { maxFutureSkewMs }) });
    expect(at('2024-03-02T12:00:00Z').ok).toBe(true);
    expect(at('2024-03-02T12:00:00.001Z')).toEqual({ ok: false, errors: [{ field: 'updatedAt', message: 'must not be more than 1 day in the future (latest allowed 2024-03-02T12:00:00.000Z)' }] });
    expect(at('2024-03-01T14:00:00Z', 3_600_000)).toEqual({ ok: false, errors: [{ field: 'updatedAt', message: 'must not be more than 1 h in the future (latest allowed 2024-03-01T13:00:00.000Z)' }] });
  });

  it('reads the skew from CRM_MAX_FUTURE_SKEW_SECONDS, one day when unset, and refuses nonsense', () => {
    expect(maxFutureSkewFromEnv({})).toBe(86_400_000);
    expect(maxFutureSkewFromEnv({ CRM_MAX_FUTURE_SKEW_SECONDS: '300' })).toBe(300_000);
    expect(() => maxFutureSkewFromEnv({ CRM_MAX_FUTURE_SKEW_SECONDS: '1 day' })).toThrow(/whole number of seconds, got "1 day"/);
  });
});

describe('recordVersion', () => {
  it('orders by updatedAt, then deterministically by content, and is equal for equal content', () => {
    type Versioned = { id: string; updatedAt: string; v: number };
    const a: Versioned = { id: 'x', updatedAt: '2024-01-01T00:00:00.000Z', v: 1 };
    const b: Versioned = { id: 'x', updatedAt: '2024-01-01T00:00:00.000Z', v: 2 };
    const later: Versioned = { id: 'x', updatedAt: '2024-01-01T00:00:00.001Z', v: 0 };
    expect(recordVersion(a)).toBe(recordVersion({ v: 1, updatedAt: '2024-01-01T00:00:00.000Z', id: 'x' }));
    expect(recordVersion(a)).not.toBe(recordVersion(b));
    expect(recordVersion(later) > recordVersion(a)).toBe(true);
    expect(recordVersion(later) > recordVersion(b)).toBe(true);
  });
});
