// A JSON file (one array of records, or a single record object) split into its elements as the bytes
// arrive, so a large array is never held whole. The scan is on bytes: JSON's structural characters are
// ASCII and never occur inside a multi-byte UTF-8 character. Each element is decoded strictly and parsed
// on its own, so a bad element is rejected alone with its line and position in the array.
import type { Readable } from 'node:stream';
import type { SourceRow } from './record-reader.ts';
import { decodeUtf8 } from './utf8-lines.ts';

const [LF, QUOTE, BACKSLASH, COMMA, OPEN_ARRAY, CLOSE_ARRAY, OPEN_OBJECT, CLOSE_OBJECT] = [0x0a, 0x22, 0x5c, 0x2c, 0x5b, 0x5d, 0x7b, 0x7d];
const isSpace = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

/** The stream's bytes with a leading UTF-8 byte order mark removed, even when it is split across chunks. */
async function* withoutBom(input: Readable): AsyncGenerator<Buffer> {
  let head: Buffer | undefined = Buffer.alloc(0);
  for await (const chunk of input) {
    const buf: Buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Buffer);
    if (!head) {
      yield buf;
      continue;
    }
    head = Buffer.concat([head, buf]);
    if (head.length < 3) continue;
    yield head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? head.subarray(3) : head;
    head = undefined;
  }
  if (head?.length) yield head;
}

function parseElement(bytes: Buffer, line: number, position: number | undefined): SourceRow {
  const at = position === undefined ? { line } : { line, position };
  const decoded = decodeUtf8(bytes);
  if ('invalid' in decoded) return { ...at, errors: [{ field: '(record)', message: `line ${line + decoded.lineOffset} ${decoded.invalid}` }] };
  try {
    return { ...at, value: JSON.parse(decoded.text) };
  } catch (err) {
    return { ...at, errors: [{ field: '(record)', message: `is not valid JSON (${(err as Error).message})` }] };
  }
}

export async function* jsonArrayRecords(input: Readable): AsyncGenerator<SourceRow> {
  let line = 1;
  let top: 'before' | 'array' | 'object' | 'after' = 'before';
  // The element being read: its pieces, start line, nesting depth and string state.
  let pieces: Buffer[] = [];
  let inElement = false;
  let startLine = 0;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let position = 0;
  let expectElement = true;

  for await (const buf of withoutBom(input)) {
    let from = 0;
    for (let i = 0; i < buf.length; i++) {
      const b = buf[i]!;
      if (inElement) {
        if (inString) {
          if (escaped) escaped = false;
          else if (b === BACKSLASH) escaped = true;
          else if (b === QUOTE) inString = false;
        } else if (b === QUOTE) inString = true;
        else if (b === OPEN_ARRAY || b === OPEN_OBJECT) depth++;
        else if ((b === CLOSE_ARRAY || b === CLOSE_OBJECT) && depth > 0) depth--;
        else if (top === 'array' && depth === 0 && (b === COMMA || b === CLOSE_ARRAY)) {
          // The element ends before this byte.
          pieces.push(buf.subarray(from, i));
          inElement = false;
          yield parseElement(Buffer.concat(pieces), startLine, ++position);
          pieces = [];
          expectElement = b === COMMA;
          if (b === CLOSE_ARRAY) top = 'after';
        }
        if (b === LF) line++;
        continue;
      }
      if (b === LF) line++;
      if (isSpace(b)) continue;
      if (top === 'before') {
        if (b === OPEN_ARRAY) top = 'array';
        else if (b === OPEN_OBJECT) {
          // A single record object: the whole document is one element.
          top = 'object';
          inElement = true;
          startLine = line;
          depth = 1;
          from = i;
        } else {
          yield { line, errors: [{ field: '(file)', message: 'must be a JSON array of records or one record object' }] };
          return;
        }
      } else if (top === 'array') {
        if (b === CLOSE_ARRAY) {
          if (expectElement && position > 0) yield { line, errors: [{ field: '(record)', message: 'is missing: a comma before the closing bracket' }] };
          top = 'after';
        } else if (b === COMMA) yield { line, errors: [{ field: '(record)', message: 'is missing: two commas in a row' }] };
        else {
          inElement = true;
          startLine = line;
          depth = 0;
          from = i;
          // A primitive such as 42 is one byte stretch; let the loop treat this byte as part of the element.
          i--;
        }
      } else if (top === 'after') {
        yield { line, errors: [{ field: '(file)', message: 'has content after the end of the JSON array' }] };
        return;
      }
    }
    if (inElement) pieces.push(buf.subarray(from));
    from = 0;
  }

  if (top === 'object') {
    const element = Buffer.concat(pieces);
    yield depth === 0 && !inString ? parseElement(element, startLine, undefined) : { line: startLine, errors: [{ field: '(record)', message: 'is cut off: the file ends inside the record' }] };
  } else if (top === 'array') {
    // A last element that is complete is kept; the missing bracket is reported either way.
    if (inElement && depth === 0 && !inString) yield parseElement(Buffer.concat(pieces), startLine, ++position);
    else if (inElement) yield { line: startLine, position: ++position, errors: [{ field: '(record)', message: 'is cut off: the file ends inside this record' }] };
    yield { line, errors: [{ field: '(file)', message: 'ends before the JSON array is closed with ]' }] };
  }
}
