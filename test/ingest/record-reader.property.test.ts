// The readers against independent oracles, for any content and any chunking: the JSON splitter against
// JSON.parse of the whole document, the CSV parser against the cells that were written, the UTF-8 check
// against the platform's fatal TextDecoder.
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { entities } from '#schemas/registry.ts';
import { readRecords, type InputFormat, type SourceRow } from '#functions/ingest/record-reader.ts';
import { invalidUtf8Offset } from '#functions/ingest/utf8-lines.ts';

async function read(bytes: Buffer, format: InputFormat, cuts: number[]): Promise<SourceRow[]> {
  // Prepare: split the bytes at the given offsets, as a stream's chunks would fall.
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const c of [...at, bytes.length]) {
    if (c > from) chunks.push(bytes.subarray(from, c));
    from = Math.max(from, c);
  }
  const rows: SourceRow[] = [];
  for await (const r of readRecords(Readable.from(chunks), format, entities.ticket)) rows.push(r);
  return rows;
}

const text = fc.string({ unit: 'grapheme', maxLength: 12 });
const element = fc.dictionary(fc.string({ maxLength: 6 }).filter((k) => !['__proto__'].includes(k)), fc.oneof(text, fc.integer(), fc.boolean(), fc.constant(null), fc.array(text, { maxLength: 3 })), { maxKeys: 4 });
const cuts = fc.array(fc.nat(), { maxLength: 12 });

describe('JSON array splitter', () => {
  it('yields the elements JSON.parse finds, for any spacing and chunking', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(element, { maxLength: 8 }), fc.constantFrom('', ' ', '\n', '\r\n  '), fc.boolean(), cuts, async (items, space, bom, at) => {
        const doc = (bom ? '\uFEFF' : '') + '[' + space + items.map((i) => JSON.stringify(i)).join(',' + space) + space + ']' + space;
        const rows = await read(Buffer.from(doc), 'json', at);
        expect(rows.map((r) => ('value' in r ? r.value : r))).toEqual(items);
        expect(rows.map((r) => r.position)).toEqual(items.map((_, i) => i + 1));
      }),
      { numRuns: 300, seed: 10 },
    );
  });

  it('names the line each element starts on', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(element, { minLength: 1, maxLength: 6 }), cuts, async (items, at) => {
        const doc = '[\n' + items.map((i) => JSON.stringify(i, null, 1)).join(',\n') + '\n]';
        const starts: number[] = [];
        let line = 2;
        for (const i of items) {
          starts.push(line);
          line += JSON.stringify(i, null, 1).split('\n').length;
        }
        expect((await read(Buffer.from(doc), 'json', at)).map((r) => r.line)).toEqual(starts);
      }),
      { numRuns: 200, seed: 11 },
    );
  });
});

describe('CSV parser', () => {
  const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
  it('gives back the cells written with RFC 4180 quoting, for any content and chunking', async () => {
    const cell = fc.string({ unit: 'grapheme', maxLength: 10 }).map((s) => s.replace(/\r/g, ''));
    await fc.assert(
      fc.asyncProperty(fc.array(cell.filter((s) => s !== ''), { minLength: 1, maxLength: 20 }), cuts, async (subjects, at) => {
        // Every subject quoted, so commas, quotes and line breaks inside it are data.
        const lines = ['id,subject', ...subjects.map((s, i) => `t-${i},${quote(s)}`)];
        const rows = await read(Buffer.from(lines.join('\n') + '\n'), 'csv', at);
        expect(rows.map((r) => ('value' in r ? (r.value as { subject?: string }).subject : r))).toEqual(subjects);
      }),
      { numRuns: 300, seed: 12 },
    );
  });

  it('rejects a row with a stray quote alone and reads every other row', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 30 }), fc.nat(), cuts, async (n, badAt, at) => {
        const bad = badAt % n;
        const lines = ['id,subject', ...Array.from({ length: n }, (_, i) => (i === bad ? `t-${i},say "hi"` : `t-${i},ok ${i}`))];
        const rows = await read(Buffer.from(lines.join('\n')), 'csv', at);
        expect(rows.filter((r) => 'errors' in r).map((r) => r.line)).toEqual([bad + 2]);
        expect(rows.filter((r) => 'value' in r)).toHaveLength(n - 1);
      }),
      { numRuns: 200, seed: 13 },
    );
  });
});

describe('strict UTF-8', () => {
  it('finds an invalid byte exactly when the fatal TextDecoder refuses the bytes', () => {
    const strict = new TextDecoder('utf-8', { fatal: true });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 12 }), (bytes) => {
        let valid = true;
        try {
          strict.decode(bytes);
        } catch {
          valid = false;
        }
        expect(invalidUtf8Offset(bytes) === -1).toBe(valid);
      }),
      { numRuns: 5000, seed: 14 },
    );
  });

  it('reads any text split at any byte, and refuses a line with a broken character', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ unit: 'grapheme', maxLength: 8 }), { minLength: 1, maxLength: 6 }), cuts, async (names, at) => {
        const lines = names.map((n, i) => JSON.stringify({ id: `t-${i}`, subject: n }));
        const rows = await read(Buffer.from(lines.join('\n')), 'ndjson', at);
        expect(rows.map((r) => ('value' in r ? (r.value as { subject: string }).subject : r))).toEqual(names);
        const broken = Buffer.concat([Buffer.from(lines[0]!.slice(0, -2)), Buffer.from([0xf0, 0x9f]), Buffer.from('"}\n' + lines.slice(1).join('\n'))]);
        const again = await read(broken, 'ndjson', at);
        expect(again[0]).toMatchObject({ line: 1, errors: [{ field: '(record)', message: expect.stringMatching(/not valid UTF-8 \(byte 0xF0/) }] });
        expect(again.slice(1).map((r) => ('value' in r ? (r.value as { subject: string }).subject : r))).toEqual(names.slice(1));
      }),
      { numRuns: 200, seed: 15 },
    );
  });
});
