import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { derivedArtefacts } from '#schemas/artefacts.ts';
import { fieldColumns, glueColumns, lakeColumns } from '#schemas/columns.ts';
import { entities, findEntity } from '#schemas/registry.ts';

const generatedDir = join(import.meta.dirname, '../../schemas/generated');
const listFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? listFiles(join(dir, d.name)) : [relative(generatedDir, join(dir, d.name))]));

describe('artefacts derived from the zod schemas', () => {
  it('match the committed files exactly (run `npm run generate` after changing a schema)', () => {
    const expected = derivedArtefacts();
    const onDisk = listFiles(generatedDir).sort();
    expect(onDisk).toEqual([...expected.keys()].sort());
    for (const [path, content] of expected) {
      expect(readFileSync(join(generatedDir, path), 'utf8'), `schemas/generated/${path} drifted`).toBe(content);
    }
  });

  it('names tables in plural snake case and resolves either form', () => {
    expect(entities.campaign_touch.table).toBe('campaign_touches');
    expect(findEntity('orders')).toBe(entities.order);
    expect(findEntity('order')).toBe(entities.order);
    expect(findEntity('Survey-Responses')).toBe(entities.survey_response);
    expect(findEntity('nope')).toBeUndefined();
  });

  it('keeps personal data out of the lake columns', () => {
    const customer = lakeColumns(entities.customer).map((c) => c.column);
    for (const pii of ['email', 'phone', 'first_name', 'last_name', 'birthday', 'street', 'postal_code']) expect(customer).not.toContain(pii);
    expect(customer).toEqual(expect.arrayContaining(['email_hash', 'phone_hash', 'first_name_hash', 'birthday_hash']));
    expect(lakeColumns(entities.activity).map((c) => c.column)).not.toContain('notes');
  });

  it('types money as decimal(18,2), instants as timestamp, dates as date, counts as bigint', () => {
    const types = Object.fromEntries(glueColumns(entities.order).map((c) => [c.name, c.type]));
    expect(types).toMatchObject({ total: 'decimal(18,2)', ordered_at: 'timestamp', updated_at: 'timestamp', item_count: 'bigint', currency: 'string', line_items: 'string' });
    expect(Object.fromEntries(glueColumns(entities.contract).map((c) => [c.name, c.type]))).toMatchObject({ start_date: 'date', end_date: 'date', value: 'decimal(18,2)' });
  });

  it('derives snake_case columns from camelCase fields for every entity', () => {
    for (const d of Object.values(entities)) {
      for (const c of fieldColumns(d.schema)) expect(c.column).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(fieldColumns(d.schema).slice(0, 2).map((c) => c.column)).toEqual(['id', 'updated_at']);
    }
  });
});
