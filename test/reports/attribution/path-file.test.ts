import { describe, expect, it } from 'vitest';
import { parsePathFile } from '#functions/reports/models/attribution/path-file.ts';

describe('the path file', () => {
  it('reads ";" and "," delimited files with channels separated by " > "', () => {
    const semi = parsePathFile('path;total_conversions;total_conversion_value;total_null\nemail > search;2;30.5;7\nsearch;0;0;3\n');
    const comma = parsePathFile('path,total_conversions,total_conversion_value,total_null\r\n"email > search",2,30.5,7\r\nsearch,0,0,3');

    const expected = { ok: true, paths: [{ channels: ['email', 'search'], conversions: 2, value: 30.5, nulls: 7 }, { channels: ['search'], conversions: 0, value: 0, nulls: 3 }] };
    expect(semi).toEqual(expected);
    expect(comma).toEqual(expected);
  });

  it('reports each bad line with its number, field and reason', () => {
    const result = parsePathFile(
      ['path;total_conversions;total_conversion_value;total_null', 'a > b;1;10;0', 'a > > b;1;1;0', 'a;x;1;0', 'a;1;-5;0', 'a;1;2', 'a;0;9;1'].join('\n'),
    );
    expect(result).toEqual({
      ok: false,
      errors: [
        { line: 3, field: 'path', message: 'needs channels separated by " > ", with no empty channel: "a > > b"' },
        { line: 4, field: 'total_conversions', message: 'must be a non-negative number, got "x"' },
        { line: 5, field: 'total_conversion_value', message: 'must be a non-negative number, got "-5"' },
        { line: 6, field: 'line', message: 'has 3 fields, expected 4 separated by ";"' },
        { line: 7, field: 'total_conversion_value', message: 'is 9 but total_conversions is 0' },
      ],
    });
  });

  it('requires the header', () => {
    expect(parsePathFile('a > b;1;10;0\n')).toEqual({ ok: false, errors: [{ line: 1, field: 'header', message: 'must be path;total_conversions;total_conversion_value;total_null (";" or "," delimited), got "a > b;1;10;0"' }] });
    expect(parsePathFile('path;total_conversions;total_conversion_value;total_null\n')).toMatchObject({ ok: false, errors: [{ line: 1, message: 'the file has no paths after the header' }] });
  });
});
