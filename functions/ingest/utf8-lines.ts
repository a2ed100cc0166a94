// Strict UTF-8 for every input format: bytes are split into lines first (0x0A never occurs inside a
// multi-byte character), each line is decoded on its own with a fatal decoder, so a character across
// a chunk boundary is never damaged and an invalid byte is an error naming its line, never U+FFFD.

/** `end`: bytes of the stream up to and including this line's newline (where the next line starts). */
export type TextLine = { line: number; end: number; text: string } | { line: number; end: number; invalid: string };

export interface Utf8LinesOptions {
  /** Number of the stream's first line, for a stream that starts inside a file (a byte range). @default 1 */
  firstLine?: number;
  /** The longest line held, in bytes; a longer one becomes an `invalid` line. @default MAX_LINE_BYTES */
  maxLineBytes?: number;
}

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Byte offset of the first byte that does not start a well-formed UTF-8 sequence, or -1 (RFC 3629, table 3-7 of Unicode). */
export function invalidUtf8Offset(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    const n = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
    if (n === 0 || i + n > b.length - 1) return i;
    const c1 = b[i + 1]!;
    // Overlong forms, UTF-16 surrogates and code points above U+10FFFF.
    if ((c === 0xe0 && c1 < 0xa0) || (c === 0xed && c1 > 0x9f) || (c === 0xf0 && c1 < 0x90) || (c === 0xf4 && c1 > 0x8f)) return i;
    for (let k = 1; k <= n; k++) if ((b[i + k]! & 0xc0) !== 0x80) return i;
    i += n + 1;
  }
  return -1;
}

/** Decodes strictly; on invalid UTF-8 returns the reason with the byte and its 1-based line and column within `bytes`. */
export function decodeUtf8(bytes: Uint8Array): { text: string } | { invalid: string; lineOffset: number } {
  try {
    return { text: strict.decode(bytes) };
  } catch {
    const at = Math.max(0, invalidUtf8Offset(bytes));
    let lineOffset = 0;
    let lineStart = 0;
    for (let i = 0; i < at; i++) {
      if (bytes[i] === 0x0a) {
        lineOffset++;
        lineStart = i + 1;
      }
    }
    const byte = bytes[at] ?? 0;
    return { invalid: `is not valid UTF-8 (byte 0x${byte.toString(16).toUpperCase().padStart(2, '0')} at column ${at - lineStart + 1}): save the file as UTF-8`, lineOffset };
  }
}

const isBom = (b: Uint8Array) => b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;

/**
 * The longest line (or CSV record) read, in bytes: 1 MiB, over twice DynamoDB's 400 KB item limit, so no storable
 * record is refused, while a file without line breaks (or a CSV quote left open) cannot pull the rest of a
 * large file into memory.
 */
export const MAX_LINE_BYTES = 1024 * 1024;

const tooLong = (max: number) => `is longer than ${max >= 1024 * 1024 && max % (1024 * 1024) === 0 ? `${max / 1024 / 1024} MiB` : `${max} bytes`}, more than any record can hold (a stored record is at most 400 KB): is the file split into lines?`;

/**
 * Lines of a byte stream, 1-based; CR before LF dropped; a UTF-8 byte order mark at the very start skipped.
 * A line longer than `maxLineBytes` is not held: it becomes an `invalid` line and reading resumes after it.
 */
export async function* utf8Lines(input: AsyncIterable<unknown>, options: Utf8LinesOptions = {}): AsyncGenerator<TextLine> {
  const maxLineBytes = options.maxLineBytes ?? MAX_LINE_BYTES;
  let carry: Buffer[] = [];
  let carried = 0;
  // Inside a line already over the limit: its bytes are dropped up to the next line break.
  let overlong = false;
  let line = (options.firstLine ?? 1) - 1;
  // Bytes of the stream before the current chunk: a line's `end` is where the next one starts.
  let base = 0;
  const emit = (bytes: Buffer, end: number): TextLine => {
    line++;
    let b = bytes;
    // Only the file's first line can start with a byte order mark.
    if (line === 1 && isBom(b)) b = b.subarray(3);
    if (b.length > 0 && b[b.length - 1] === 0x0d) b = b.subarray(0, b.length - 1);
    const d = decodeUtf8(b);
    return 'text' in d ? { line, end, text: d.text } : { line, end, invalid: d.invalid };
  };
  const overlongLine = (end: number): TextLine => {
    overlong = false;
    carry = [];
    carried = 0;
    return { line: ++line, end, invalid: tooLong(maxLineBytes) };
  };
  for await (const chunk of input) {
    const buf: Buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Buffer);
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(0x0a, start);
      if (nl < 0) {
        if (start < buf.length && !overlong) {
          carry.push(buf.subarray(start));
          carried += buf.length - start;
          if (carried > maxLineBytes) overlong = true;
        }
        break;
      }
      if (overlong || carried + (nl - start) > maxLineBytes) {
        yield overlongLine(base + nl + 1);
        start = nl + 1;
        continue;
      }
      const piece = buf.subarray(start, nl);
      const bytes = carry.length ? Buffer.concat([...carry, piece]) : piece;
      carry = [];
      carried = 0;
      yield emit(bytes, base + nl + 1);
      start = nl + 1;
    }
    base += buf.length;
  }
  if (overlong) yield overlongLine(base);
  else if (carry.length) yield emit(Buffer.concat(carry), base);
}

