import { describe, expect, it } from 'vitest';
import type { QueryResult } from '#lib/query/engine.ts';
import { formatResult, isOutputFormat } from '#lib/query/format.ts';

const result: QueryResult = {
  columns: [
    { name: 'channel', type: 'VARCHAR' },
    { name: 'revenue', type: 'DECIMAL(18,2)' },
    { name: 'month', type: 'DATE' },
    { name: 'note', type: 'VARCHAR' },
  ],
  rows: [
    { channel: 'web', revenue: 1234.5, month: '2024-01-01', note: 'plain' },
    { channel: 'marketplace', revenue: 7, month: '2024-02-01', note: 'has, comma and "quotes"\nand a line' },
    { channel: 'store', revenue: null, month: null, note: null },
  ],
};

describe('formatResult', () => {
  it('renders an aligned table with numbers right-aligned and NULL spelled out', () => {
    expect(formatResult(result, 'table')).toBe(
      [
        'channel     | revenue | month      | note',
        `------------+---------+------------+${'-'.repeat('has, comma and "quotes"\\nand a line'.length + 1)}`,
        'web         |  1234.5 | 2024-01-01 | plain',
        'marketplace |       7 | 2024-02-01 | has, comma and "quotes"\\nand a line',
        'store       |    NULL | NULL       | NULL',
        '(3 rows)',
        '',
      ].join('\n'),
    );
  });

  it('renders RFC 4180 CSV: CRLF records, quoted fields with commas, quotes or line breaks, empty NULLs', () => {
    expect(formatResult(result, 'csv')).toBe(
      'channel,revenue,month,note\r\n' +
        'web,1234.5,2024-01-01,plain\r\n' +
        'marketplace,7,2024-02-01,"has, comma and ""quotes""\nand a line"\r\n' +
        'store,,,\r\n',
    );
  });

  it('renders JSON rows with numbers as numbers', () => {
    const text = formatResult(result, 'json');
    expect(JSON.parse(text)).toEqual(result.rows);
    expect(text).toContain('"revenue":1234.5');
  });

  it('renders an empty result', () => {
    const empty: QueryResult = { columns: [{ name: 'n', type: 'BIGINT' }], rows: [] };
    expect(formatResult(empty, 'table')).toBe('n\n-\n(0 rows)\n');
    expect(formatResult(empty, 'csv')).toBe('n\r\n');
    expect(formatResult(empty, 'json')).toBe('[]\n');
  });

  it('renders nested values as JSON text', () => {
    const nested: QueryResult = { columns: [{ name: 'l', type: 'INTEGER[]' }], rows: [{ l: [1, 2] }] };
    expect(formatResult(nested, 'csv')).toBe('l\r\n"[1,2]"\r\n');
  });

  it('knows its formats', () => {
    expect(isOutputFormat('csv')).toBe(true);
    expect(isOutputFormat('xml')).toBe(false);
  });
});
