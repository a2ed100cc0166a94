// The compiled fast path of validation (z.compile, the UTC shortcut, the cached bound, the one-pass scan)
// against the validation it replaced (previous-validate.ts): over every value the corpus of bad and tricky
// inputs puts in front of validation, every entity's demo records, and fast-check mutations of them, the
// verdict, the errors (field, message, order) and the normalised record (values and key order) are identical.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { z } from 'zod';
import { entities, findEntity, type AnyEntity, type EntityName } from '#schemas/registry.ts';
import { fieldColumns } from '#schemas/columns.ts';
import { readRecords } from '#functions/ingest/record-reader.ts';
import { validateRecord, type ValidationOptions } from '#functions/ingest/validate.ts';
import { generateDemo } from '#local/demo/generate.ts';
import { isAfter, utcInstant } from '#lib/time/utc-instant.ts';
import { CLOCK, corpusCases, withPrefix } from '../corpus/cases.ts';
import { previousValidateRecord } from './previous-validate.ts';

/** Same verdict, same errors in the same order, same record with the same key order. */
function expectSameValidation(entity: AnyEntity, input: unknown, options: ValidationOptions, label: string) {
  // Each side gets its own copy: validation must not depend on (or leak through) a shared input.
  const copy = () => (input === undefined ? undefined : structuredClone(input));
  const before = previousValidateRecord(entity, copy(), options);
  const after = validateRecord(entity, copy(), options);
  expect(after, label).toEqual(before);
  if (before.ok && after.ok) expect(Object.keys(after.record), label).toEqual(Object.keys(before.record));
  return before.ok;
}

const DEMO_CLOCK: ValidationOptions = { now: () => new Date('2026-11-01T00:00:00Z'), maxFutureSkewMs: 24 * 3600 * 1000 };
const demo = generateDemo({ seed: 11, customers: 60, months: 12 }) as unknown as Record<string, Record<string, unknown>[]>;

describe('validation fast path against the previous validation', () => {
  it('agrees on every value the corpus of bad and tricky inputs gives validation', async () => {
    let values = 0;
    let accepted = 0;
    for (const [i, c] of corpusCases().entries()) {
      const entity = findEntity(c.entity);
      if (!entity) continue;
      const inputs: unknown[] = [];
      if (c.format === 'http') {
        try {
          const body = JSON.parse(withPrefix(c.request?.body ?? '', i)) as { records?: unknown };
          if (Array.isArray(body.records)) inputs.push(...body.records);
          else inputs.push(body);
        } catch {
          // not JSON: refused before validation
        }
      } else {
        const bytes = Buffer.from(withPrefix(c.input!.toString('latin1'), i), 'latin1');
        for await (const row of readRecords(Readable.from([bytes]), c.format, entity)) if ('value' in row) inputs.push(row.value);
      }
      for (const input of inputs) {
        values++;
        if (expectSameValidation(entity, input, CLOCK, `${c.name}: ${JSON.stringify(input)}`)) accepted++;
      }
    }
    // The corpus is mostly bad input, with good rows around each bad one: both sides of the fast path are exercised.
    expect(values).toBeGreaterThan(600);
    expect(accepted).toBeGreaterThan(300);
    expect(values - accepted).toBeGreaterThan(250);
  });

  it('agrees on every demo record of every entity', () => {
    const tables = Object.keys(demo);
    expect(tables.length).toBeGreaterThanOrEqual(10);
    for (const table of tables) {
      const entity = Object.values(entities).find((e) => e.table === table)!;
      for (const record of demo[table]!) expect(expectSameValidation(entity, record, DEMO_CLOCK, `${table} ${String(record.id)}`), `${table} ${String(record.id)} valid`).toBe(true);
    }
  });

  // Values that sit on the edges of the field rules: instants in every form, money with too many decimals,
  // blank and padded text, lone surrogates, reserved keys, wrong types.
  const tricky = fc.oneof(
    fc.constantFrom('2026-01-31T23:59:59Z', '2026-01-31T23:59:59.5Z', '2026-01-31T23:59:59.123456Z', '2026-02-29T00:00:00Z', '2024-02-29T00:00:00+14:00', '0000-01-01T00:30:00+01:00', '9999-12-31T23:59:59-23:59', '2026-10-31T12:00:00.000Z', '2026-11-02T00:00:00Z', '2026-10-31T12:00:00z', '2026-10-31 12:00:00Z', '2026-10-31', '1980-02-29', '2026-11-03'),
    fc.constantFrom('', '   ', ' x ', 'EUR', 'eur', 'XXX', 'a\u0007b', '\ud800', 'ok\ud83d\ude00', 'ANN@Example.COM ', 'web', 'paid', 'person', 'company'),
    fc.constantFrom(0, -0, 1, -1, 0.1, 0.125, 19.99, 1e16, 2 ** 53, -5.5, 1e-7, 1e21),
    fc.double(),
    fc.integer({ min: -10, max: 1000 }),
    fc.integer({ min: -1_000_000, max: 1_000_000 }).map((c) => c / 100),
    fc.boolean(),
    fc.constant(null),
    fc.string({ maxLength: 8 }),
    fc.jsonValue({ maxDepth: 2 }),
  );

  type Mutation = { kind: 'set'; field: string; value: unknown } | { kind: 'delete'; field: string } | { kind: 'extra'; key: string; value: unknown } | { kind: 'nested'; field: string; key: string; value: unknown };
  const mutation = (fields: string[]): fc.Arbitrary<Mutation> =>
    fc.oneof(
      fc.record({ kind: fc.constant('set' as const), field: fc.constantFrom(...fields), value: tricky }),
      fc.record({ kind: fc.constant('delete' as const), field: fc.constantFrom(...fields) }),
      fc.record({ kind: fc.constant('extra' as const), key: fc.constantFrom('colour', '__proto__', 'constructor', 'prototype', 'Id', 'updated_at'), value: tricky }),
      fc.record({ kind: fc.constant('nested' as const), field: fc.constantFrom(...fields), key: fc.constantFrom('sku', 'quantity', 'unitPrice', 'colour', '__proto__', 'name', 'score', 'reason'), value: tricky }),
    );

  function apply(record: Record<string, unknown>, mutations: Mutation[]): Record<string, unknown> {
    const out = structuredClone(record);
    for (const m of mutations) {
      if (m.kind === 'set') out[m.field] = m.value;
      else if (m.kind === 'delete') delete out[m.field];
      else if (m.kind === 'extra') Object.defineProperty(out, m.key, { value: m.value, enumerable: true, configurable: true, writable: true });
      else {
        const nested = out[m.field];
        const target = Array.isArray(nested) ? nested[0] : nested;
        if (target && typeof target === 'object') Object.defineProperty(target, m.key, { value: m.value, enumerable: true, configurable: true, writable: true });
        else out[m.field] = [{ [m.key]: m.value }];
      }
    }
    return out;
  }

  it.each(Object.keys(entities) as EntityName[])('agrees on fast-check mutations of %s records', (name) => {
    const entity = entities[name];
    const samples = demo[entity.table] ?? [];
    const fields = fieldColumns(entity.schema).map((c) => c.field);
    // Entities the demo does not generate start from their smallest valid record among the corpus templates' shape: their own fields set by mutations.
    const base = samples.length ? fc.constantFrom(...samples.slice(0, 50)) : fc.constant({ id: 'x-1', updatedAt: '2026-01-01T00:00:00Z' } as Record<string, unknown>);
    let accepted = 0;
    fc.assert(
      fc.property(base, fc.array(mutation(fields), { maxLength: 3 }), (record, mutations) => {
        if (expectSameValidation(entity, apply(record, mutations), DEMO_CLOCK, `${name} ${JSON.stringify(mutations)}`)) accepted++;
      }),
      { numRuns: 400, seed: 20261130 },
    );
    // Unmutated and harmlessly mutated records keep the accepting side exercised where the demo has records.
    if (samples.length) expect(accepted).toBeGreaterThan(20);
  });
});

describe('utcInstant', () => {
  const datetime = z.iso.datetime({ offset: true });
  const two = (n: number) => String(n).padStart(2, '0');
  const instantText = fc
    .record({
      year: fc.integer({ min: 0, max: 9999 }),
      month: fc.integer({ min: 1, max: 12 }),
      day: fc.integer({ min: 1, max: 31 }),
      hour: fc.integer({ min: 0, max: 23 }),
      minute: fc.integer({ min: 0, max: 59 }),
      second: fc.integer({ min: 0, max: 59 }),
      fraction: fc.oneof(fc.constant(''), fc.stringMatching(/^\.\d{1,9}$/)),
      zone: fc.oneof(fc.constant('Z'), fc.tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([s, h, m]) => `${s}${two(h)}:${two(m)}`)),
    })
    .map((t) => `${String(t.year).padStart(4, '0')}-${two(t.month)}-${two(t.day)}T${two(t.hour)}:${two(t.minute)}:${two(t.second)}${t.fraction}${t.zone}`);

  it('equals new Date(v).toISOString() for every instant the schema accepts', () => {
    let checked = 0;
    fc.assert(
      fc.property(instantText, (v) => {
        if (!datetime.safeParse(v).success) return;
        checked++;
        expect(utcInstant(v)).toBe(new Date(v).toISOString());
      }),
      { numRuns: 3000, seed: 7 },
    );
    expect(checked).toBeGreaterThan(2000);
    for (const v of ['2026-03-01T10:00:00Z', '2026-03-01T10:00:00.123Z', '2024-02-29T23:59:59.999Z', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '2026-03-01T10:00:00.5Z', '2026-03-01T10:00:00.1234Z', '2026-03-01T10:00:00+02:00']) expect(utcInstant(v), v).toBe(new Date(v).toISOString());
  });

  it('compares as Date.parse does, also beyond year 9999 and before year 0', () => {
    fc.assert(
      fc.property(instantText, instantText, (a, b) => {
        if (!datetime.safeParse(a).success || !datetime.safeParse(b).success) return;
        const [x, y] = [utcInstant(a), new Date(b).toISOString()];
        expect(isAfter(x, y)).toBe(Date.parse(x) > Date.parse(y));
      }),
      { numRuns: 2000, seed: 8 },
    );
    expect(isAfter(utcInstant('9999-12-31T23:59:59-23:59'), '9999-12-31T23:59:59.000Z')).toBe(true);
    expect(isAfter(utcInstant('0000-01-01T00:30:00+01:00'), '0000-01-01T00:00:00.000Z')).toBe(false);
  });
});
