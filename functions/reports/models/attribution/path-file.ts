// The common path file: a header `path;total_conversions;total_conversion_value;total_null`
// (`;` or `,` delimited, the delimiter read from the header), then one path per line, channels
// separated by ` > `. A field may be double-quoted (with "" for a quote), e.g. a path holding the
// delimiter. Every bad line is reported with its number, field and reason.
import type { ConversionPath } from './paths.ts';

export const PATH_FILE_COLUMNS = ['path', 'total_conversions', 'total_conversion_value', 'total_null'] as const;

export interface PathFileError {
  line: number;
  field: string;
  message: string;
}

export type PathFileResult = { ok: true; paths: ConversionPath[] } | { ok: false; errors: PathFileError[] };

/** Splits one line on the delimiter, honouring double quotes. */
function splitFields(line: string, delimiter: string): string[] | string {
  if (line.indexOf('"') < 0) return line.split(delimiter);
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === delimiter) fields.push(field), (field = '');
    else field += ch;
  }
  if (quoted) return 'unterminated quote';
  fields.push(field);
  return fields;
}

const NUMBER = /^[+]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** Digits with at most one dot: the common case, checked without a regular expression. */
function isPlainDigits(text: string): boolean {
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) dots++;
    else if (c < 48 || c > 57) return false;
  }
  return dots <= 1;
}

export function parsePathFile(text: string, maxErrors = 20): PathFileResult {
  const lines = text.split('\n');
  const errors: PathFileError[] = [];
  const header = (lines[0] ?? '').replace(/^\uFEFF/, '').trim();
  const delimiter = header.includes(';') ? ';' : ',';
  const columns = header.split(delimiter).map((h) => h.trim().toLowerCase());
  if (columns.length !== PATH_FILE_COLUMNS.length || columns.some((h, i) => h !== PATH_FILE_COLUMNS[i])) {
    return { ok: false, errors: [{ line: 1, field: 'header', message: `must be ${PATH_FILE_COLUMNS.join(';')} (";" or "," delimited), got "${header}"` }] };
  }
  const paths: ConversionPath[] = [];
  const names = new Map<string, string>();
  for (let i = 1; i < lines.length && errors.length < maxErrors; i++) {
    const raw = lines[i]!.endsWith('\r') ? lines[i]!.slice(0, -1) : lines[i]!;
    if (!raw.trim()) continue;
    const line = i + 1;
    const fields = splitFields(raw, delimiter);
    if (typeof fields === 'string') {
      errors.push({ line, field: 'path', message: fields });
      continue;
    }
    if (fields.length !== PATH_FILE_COLUMNS.length) {
      errors.push({ line, field: 'line', message: `has ${fields.length} fields, expected ${PATH_FILE_COLUMNS.length} separated by "${delimiter}"` });
      continue;
    }
    // One string object per channel name, so the models' lookups hash each name once.
    const parts = fields[0]!.split('>');
    const channels = new Array<string>(parts.length);
    let empty = false;
    for (let c = 0; c < parts.length; c++) {
      const name = parts[c]!.trim();
      let canonical = names.get(name);
      if (canonical === undefined) names.set(name, (canonical = name));
      channels[c] = canonical;
      empty ||= !name;
    }
    if (empty) {
      errors.push({ line, field: 'path', message: `needs channels separated by " > ", with no empty channel: "${fields[0]}"` });
      continue;
    }
    const numbers: number[] = [];
    for (let f = 1; f < PATH_FILE_COLUMNS.length; f++) {
      const text = fields[f]!.trim();
      const n = Number(text);
      // Number() alone would take "", "0x1f" and "Infinity"; the pattern only runs when it has to.
      if (!(n >= 0) || !Number.isFinite(n) || text === '' || (!isPlainDigits(text) && !NUMBER.test(text))) {
        errors.push({ line, field: PATH_FILE_COLUMNS[f]!, message: `must be a non-negative number, got "${text}"` });
        break;
      }
      numbers.push(n);
    }
    if (numbers.length < 3) continue;
    const [conversions, value, nulls] = numbers as [number, number, number];
    if (value > 0 && conversions === 0) {
      errors.push({ line, field: 'total_conversion_value', message: `is ${value} but total_conversions is 0` });
      continue;
    }
    paths.push({ channels, conversions, value, nulls });
  }
  if (errors.length) return { ok: false, errors };
  if (!paths.length) return { ok: false, errors: [{ line: 1, field: 'path', message: 'the file has no paths after the header' }] };
  return { ok: true, paths };
}
