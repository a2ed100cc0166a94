// Cuts a file into line-aligned byte ranges in one streaming pass, without parsing it: the bulk import's planner
// hands each range to its own batch, which reads it with an S3 ranged GET. A CSV range never ends inside a quoted
// cell: a newline ends a record only while the count of quotes since the record began is even (RFC 4180 doubles a
// quote inside a quoted cell, which keeps the parity). The scan uses `indexOf`, so it runs near memory speed.

export interface LineRange {
  /** 0-based position of the range in the file. */
  batch: number;
  /** First byte of the range. */
  start: number;
  /** One past the last byte (after the newline that ends the range, or the end of the file). */
  end: number;
  /** Line number (1-based, in the whole file) of the range's first line. */
  firstLine: number;
  /** Line number of the range's last line. */
  lastLine: number;
  /** Non-empty records the range holds, by this scan's count (a CSV record may span lines). */
  records: number;
}

export interface LineRangeOptions {
  /** Track CSV quote state, so a quoted newline never ends a range. @default false (JSON Lines: every newline ends a record) */
  csv?: boolean;
  /** A range ends at the first record boundary at or after this many bytes. @default 16 MiB */
  targetBytes?: number;
  /** ... or after this many records, whichever comes first. @default 50_000 */
  targetRecords?: number;
  /** Records in the first range: 1 cuts the CSV header off as range 0. @default targetRecords */
  firstRangeRecords?: number;
  /**
   * A quote left open for longer than this is a broken quote, not a long cell (no stored record exceeds DynamoDB's
   * 400 KB item limit): the scan treats the next newline as a boundary again, so one stray quote cannot merge the
   * rest of a file into one range. @default 1 MiB
   */
  maxRecordBytes?: number;
}

const [LF, CR, QUOTE] = [0x0a, 0x0d, 0x22];

export async function* lineRanges(input: AsyncIterable<Uint8Array | string>, options: LineRangeOptions = {}): AsyncGenerator<LineRange> {
  const csv = options.csv ?? false;
  const targetBytes = options.targetBytes ?? 16 * 1024 * 1024;
  const targetRecords = options.targetRecords ?? 50_000;
  const maxRecordBytes = options.maxRecordBytes ?? 1024 * 1024;
  let recordsWanted = options.firstRangeRecords ?? targetRecords;

  let batch = 0;
  let offset = 0; // absolute offset of buf[pos]
  let line = 1; // number of the line being read
  let inQuotes = false;
  let rangeStart = 0;
  let rangeFirstLine = 1;
  let records = 0;
  let recordStart = 0;
  let recordHasContent = false;

  for await (const chunk of input) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let pos = 0;
    // The next quote at or after pos in this chunk, cached so a rare quote is not searched for again on every line.
    let nextQuote = csv ? buf.indexOf(QUOTE, 0) : -1;
    while (pos < buf.length) {
      const nl = buf.indexOf(LF, pos);
      const segmentEnd = nl < 0 ? buf.length : nl;
      if (!recordHasContent && segmentEnd > pos && !(segmentEnd - pos === 1 && buf[pos] === CR)) recordHasContent = true;
      while (nextQuote >= 0 && nextQuote < segmentEnd) {
        inQuotes = !inQuotes;
        nextQuote = buf.indexOf(QUOTE, nextQuote + 1);
      }
      if (nl < 0) {
        offset += buf.length - pos;
        break;
      }
      const lineEnd = offset + (nl - pos) + 1;
      if (!inQuotes || lineEnd - recordStart > maxRecordBytes) {
        inQuotes = false;
        if (recordHasContent) records++;
        recordStart = lineEnd;
        recordHasContent = false;
        if (records >= recordsWanted || lineEnd - rangeStart >= targetBytes) {
          yield { batch: batch++, start: rangeStart, end: lineEnd, firstLine: rangeFirstLine, lastLine: line, records };
          rangeStart = lineEnd;
          rangeFirstLine = line + 1;
          records = 0;
          recordsWanted = targetRecords;
        }
      }
      line++;
      offset = lineEnd;
      pos = nl + 1;
    }
  }
  if (offset > rangeStart) {
    // The file may end without a newline: its last line then ends the last range.
    const endsWithPartialLine = offset > recordStart;
    if (endsWithPartialLine && recordHasContent) records++;
    yield { batch, start: rangeStart, end: offset, firstLine: rangeFirstLine, lastLine: endsWithPartialLine ? line : line - 1, records };
  }
}
