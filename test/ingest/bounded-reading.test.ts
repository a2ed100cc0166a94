// Reading a large file holds one record at a time: a line without a break, or a CSV quote left open, is refused
// once it passes MAX_LINE_BYTES instead of pulling the rest of the file into memory, and reading goes on after it.
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { entities } from '#schemas/registry.ts';
import { readRecords, type SourceRow } from '#functions/ingest/record-reader.ts';
import { MAX_LINE_BYTES, utf8Lines, type TextLine } from '#functions/ingest/utf8-lines.ts';

async function lines(chunks: Buffer[], max: number): Promise<TextLine[]> {
  const out: TextLine[] = [];
  for await (const l of utf8Lines(Readable.from(chunks), { maxLineBytes: max })) out.push(l);
  return out;
}

async function rows(text: string, format: 'ndjson' | 'csv'): Promise<SourceRow[]> {
  const out: SourceRow[] = [];
  // 64 KiB chunks, as a file stream delivers them.
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += 65_536) chunks.push(bytes.subarray(at, at + 65_536));
  for await (const r of readRecords(Readable.from(chunks), format, entities.ticket)) out.push(r);
  return out;
}

const ticket = (n: number) => ({ id: `t-${n}`, updatedAt: '2026-05-01T10:00:00Z', customerId: 'c-1', priority: 'low', status: 'open', category: 'billing', channel: 'email', openedAt: '2026-05-01T10:00:00Z' });

describe('utf8Lines with a line limit', () => {
  it('turns a line over the limit into an error line and goes on, for any chunking', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ unit: 'grapheme-ascii', maxLength: 24 }).map((s) => s.replace(/[\n\r]/g, '')), { minLength: 1, maxLength: 10 }), fc.array(fc.nat(), { maxLength: 8 }), async (texts, cuts) => {
        const bytes = Buffer.from(texts.join('\n'));
        const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const chunks = [...at, bytes.length].map((c, i, all) => bytes.subarray(i ? all[i - 1]! : 0, c)).filter((c) => c.length);
        const got = await lines(chunks, 16);
        // Oracle: each line as written, or an error when it has more than 16 bytes; the last empty line is not a line.
        // `end`: where the next line starts (after the newline; the file's end for the last line).
        const ends = texts.map((_, i) => Math.min(bytes.length, texts.slice(0, i + 1).reduce((n, t) => n + Buffer.byteLength(t) + 1, 0)));
        const expected = texts.flatMap((t, i): TextLine[] => (i === texts.length - 1 && t === '' ? [] : [Buffer.byteLength(t) > 16 ? { line: i + 1, end: ends[i]!, invalid: expect.stringMatching(/^is longer than 16 bytes/) as unknown as string } : { line: i + 1, end: ends[i]!, text: t }]));
        expect(got).toEqual(expected);
      }),
      { numRuns: 300, seed: 3 },
    );
  });

  it('refuses a 3 MiB NDJSON line with its line number and reads the records after it', async () => {
    const huge = JSON.stringify({ ...ticket(2), subject: 'x'.repeat(3 * 1024 * 1024) });
    const got = await rows([JSON.stringify(ticket(1)), huge, JSON.stringify(ticket(3))].join('\n') + '\n', 'ndjson');
    expect(got).toEqual([
      { line: 1, value: ticket(1) },
      { line: 2, errors: [{ field: '(record)', message: 'is longer than 1 MiB, more than any record can hold (a stored record is at most 400 KB): is the file split into lines?' }] },
      { line: 3, value: ticket(3) },
    ]);
  });
});

describe('CSV with a quote left open', () => {
  const header = 'id,updatedAt,customerId,priority,status,category,channel,openedAt,subject';
  const row = (n: number, subject: string) => `t-${n},2026-05-01T10:00:00Z,c-1,low,open,billing,email,2026-05-01T10:00:00Z,${subject}`;

  it('stops the open record at MAX_LINE_BYTES, rejects its first line and reads every swallowed line again', async () => {
    // 6,000 rows of ~200 bytes after the open quote: about 1.2 MiB, past the limit.
    const good = Array.from({ length: 6000 }, (_, i) => row(i + 3, `plain subject ${'y'.repeat(120)}`));
    const text = [header, row(1, 'fine'), row(2, '"never closed'), ...good].join('\n') + '\n';
    expect(Buffer.byteLength(text)).toBeGreaterThan(MAX_LINE_BYTES);
    const got = await rows(text, 'csv');
    const errors = got.filter((r) => 'errors' in r);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ line: 3, errors: [{ field: '(record)', message: expect.stringMatching(/^has a quoted cell \(column 9\) still open after \d+ lines \(lines 3-\d+, over 1 MiB\): is a quote unclosed\?$/) }] });
    const values = got.filter((r): r is Extract<SourceRow, { value: unknown }> => 'value' in r);
    // Every other row arrives once, in order, with its own line number.
    expect(values.map((r) => [r.line, (r.value as { id: string }).id])).toEqual([[2, 't-1'], ...good.map((_, i) => [i + 4, `t-${i + 3}`])]);
  });

  it('still names a quote never closed before the end of a small file', async () => {
    const got = await rows([header, row(1, '"open'), row(2, 'fine')].join('\n') + '\n', 'csv');
    expect(got[0]).toMatchObject({ line: 2, errors: [{ field: '(record)', message: 'has a quoted cell (column 9) that is never closed' }] });
    expect(got.slice(1)).toMatchObject([{ line: 3, value: { id: 't-2' } }]);
  });
});
