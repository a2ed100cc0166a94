// The two file-ingest defects of issue 10, reproduced through `crm ingest` on the local stack and read
// back with `crm query`: a CSV quoting error used to drop the rows around it while the summary showed one
// error, and a JSON array decoded per 64 KiB chunk turned characters across a chunk boundary into U+FFFD.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crm, scalar, tempDir } from './cli-helpers.ts';

const ticketRow = (n: number, subject: string) => `t-${n},2026-01-02T00:00:00Z,c-${n % 50},low,open,billing,email,2026-01-02T00:00:00Z,${subject}`;

// Thousands of rows through the whole local stack (DynamoDB Local, stream, lake, DuckDB): more than the default minute on a busy machine.
describe('crm ingest loses no row silently', () => {
  it('rejects only the CSV row with a quoting error and keeps the 1,999 others', async () => {
    // Prepare: 2,000 rows after the header; row 1,000 has a quote inside an unquoted cell.
    const dir = tempDir();
    const file = join(dir, 'tickets.csv');
    const rows = Array.from({ length: 2000 }, (_, i) => ticketRow(i + 1, i + 1 === 1000 ? 'He said "call me" twice' : `Subject ${i + 1}`));
    writeFileSync(file, ['id,updatedAt,customerId,priority,status,category,channel,openedAt,subject', ...rows].join('\n') + '\n');
    // Act
    const r = await crm('ingest', file, '--entity', 'tickets', '--dir', dir);
    // Assess
    expect(r.code).toBe(2);
    expect(r.json()).toMatchObject({ accepted: 1999, rejected: 1, errors: [{ line: 1001, field: '(record)', message: expect.stringMatching(/quote inside an unquoted cell \(column 9\)/) }] });
    expect(await scalar(dir, 'SELECT count(*) FROM tickets')).toBe(1999);
    expect(await scalar(dir, "SELECT count(*) FROM tickets WHERE id IN ('t-999', 't-1001', 't-2000')")).toBe(3);
  }, 300_000);

  it('keeps every multi-byte character of a 1 MB JSON array intact', async () => {
    // Prepare: 3,000 companies whose names mix 2-, 3- and 4-byte characters, about 1 MB in all, so many
    // characters straddle the 64 KiB read chunks.
    const dir = tempDir();
    const file = join(dir, 'customers.json');
    const name = (i: number) => `Société Générale Ærøskøbing 日本橋 ${i} 😀 ${'ü'.repeat(i % 37)}—Ltd`;
    const customers = Array.from({ length: 3000 }, (_, i) => ({ id: `c-${i}`, updatedAt: '2026-01-02T00:00:00Z', kind: 'company', companyName: name(i), status: 'active', source: 'import', createdAt: '2026-01-01T00:00:00Z', industry: 'Manufacturing '.repeat(6).trim(), city: 'Llanfairpwllgwyngyll '.repeat(4).trim() }));
    const text = JSON.stringify(customers, null, 1);
    writeFileSync(file, text);
    expect(Buffer.byteLength(text)).toBeGreaterThan(1_000_000);
    // Act
    const r = await crm('ingest', file, '--entity', 'customers', '--dir', dir);
    // Assess: every name stored exactly as sent, none with a replacement character.
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ accepted: 3000, rejected: 0 });
    const stored = (await crm('query', 'SELECT id, company_name FROM customers', '--dir', dir, '--format', 'json')).json() as { id: string; company_name: string }[];
    expect(stored).toHaveLength(3000);
    const wrong = stored.filter((s) => s.company_name !== name(Number(s.id.slice(2))));
    expect(wrong).toEqual([]);
  }, 300_000);
});
