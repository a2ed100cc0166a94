// The progress line: drawn only on a terminal and not with --quiet, with rows, rate and ETA, and cleared.
import { describe, expect, it } from 'vitest';
import { estimatedRows, formatDuration, progressLine, startProgress, type ProgressStream } from '#local/cli/progress.ts';

/** A fake stderr that records what was written. */
const fakeStream = (isTTY: boolean) => {
  const writes: string[] = [];
  const stream: ProgressStream = { isTTY, write: (t: string) => writes.push(t) };
  return { stream, writes };
};

describe('progress line', () => {
  it('shows rows, rate and ETA on a terminal and clears the line at the end', () => {
    const { stream, writes } = fakeStream(true);
    let clock = 0;
    const p = startProgress('ingest orders', 'rows', { stream, now: () => clock, intervalMs: 250 }, 1000);
    clock = 2000;
    p.update(200);
    clock = 2100;
    p.update(210); // within the interval: not drawn
    clock = 4000;
    p.update(400);
    p.end();
    expect(writes).toEqual([
      '\r\x1b[Kingest orders: 200/1,000 rows, 100 rows/s, ETA 8s',
      '\r\x1b[Kingest orders: 400/1,000 rows, 100 rows/s, ETA 6s',
      '\r\x1b[K',
    ]);
  });

  it('writes nothing when stderr is not a terminal', () => {
    const { stream, writes } = fakeStream(false);
    const p = startProgress('ingest orders', 'rows', { stream, now: () => 1000 }, 10);
    p.update(5);
    p.end();
    expect(writes).toEqual([]);
  });

  it('writes nothing with --quiet, even on a terminal', () => {
    const { stream, writes } = fakeStream(true);
    const p = startProgress('ingest orders', 'rows', { stream, quiet: true, now: () => 1000 }, 10);
    p.update(5);
    p.end();
    expect(writes).toEqual([]);
  });

  it('leaves the ETA out while the total is unknown', () => {
    expect(progressLine('ingest orders', 'rows', 1500, undefined, 3)).toBe('ingest orders: 1,500 rows, 500 rows/s');
  });

  it('estimates the rows of a file from the bytes read so far', () => {
    expect(estimatedRows(100, 10_000, 1_000_000)).toBe(10_000);
    expect(estimatedRows(100, 0, 1_000_000)).toBeUndefined();
    // Never below what was already done (a gzip stream reads more bytes than the file holds).
    expect(estimatedRows(100, 2_000, 1_000)).toBe(100);
  });

  it('formats durations in s, m and h', () => {
    expect([formatDuration(7), formatDuration(75), formatDuration(3 * 3600 + 120), formatDuration(Number.NaN)]).toEqual(['7s', '1m15s', '3h02m', '?']);
  });
});
