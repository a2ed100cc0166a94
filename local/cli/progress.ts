// Progress of long work (rows, rate, ETA) on one rewritten stderr line, only on a terminal: piped or
// redirected stderr and `--quiet` get none, and stdout is never touched, so it stays machine-readable.

/** Where progress goes: process.stderr, or a fake terminal in tests. */
export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

export interface ProgressOptions {
  /** @default process.stderr */
  stream?: ProgressStream;
  /** No progress at all (the `--quiet` flag). @default false */
  quiet?: boolean;
  /** Clock in ms. @default performance.now */
  now?: () => number;
  /** Least time between two redraws. @default 250 */
  intervalMs?: number;
}

export interface Progress {
  /** Sets the work done so far; `total` when it became known or changed. Redraws at most every intervalMs. */
  update(done: number, total?: number): void;
  /** Clears the line, e.g. before a log line or at the end; a later update draws it again. */
  end(): void;
}

const NONE: Progress = { update: () => {}, end: () => {} };

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** `label: 1,200/5,000 rows, 340 rows/s, ETA 11s`; without a total no ETA. */
export function progressLine(label: string, unit: string, done: number, total: number | undefined, elapsedSeconds: number): string {
  const rate = elapsedSeconds > 0 ? done / elapsedSeconds : 0;
  const count = total === undefined ? `${done.toLocaleString('en-US')} ${unit}` : `${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} ${unit}`;
  const eta = total !== undefined && rate > 0 ? `, ETA ${formatDuration((total - done) / rate)}` : '';
  return `${label}: ${count}, ${Math.round(rate).toLocaleString('en-US')} ${unit}/s${eta}`;
}

/**
 * A progress line for `label`, counting `unit` (rows, reports). A no-op unless the stream is a terminal and
 * not quiet. `estimate` turns the current state into a total when the count of work is not known up front
 * (an ingest knows bytes read, not rows): see `ingestProgress`.
 */
export function startProgress(label: string, unit: string, options: ProgressOptions = {}, total?: number): Progress {
  const stream = options.stream ?? process.stderr;
  if (options.quiet || !stream.isTTY) return NONE;
  const now = options.now ?? (() => performance.now());
  const interval = options.intervalMs ?? 250;
  const started = now();
  let lastDraw = -Infinity;
  let currentTotal = total;
  let drawn = false;
  return {
    update(done, newTotal) {
      if (newTotal !== undefined) currentTotal = newTotal;
      const t = now();
      if (t - lastDraw < interval) return;
      lastDraw = t;
      drawn = true;
      stream.write(`\r\x1b[K${progressLine(label, unit, done, currentTotal, (t - started) / 1000)}`);
    },
    end() {
      if (drawn) stream.write('\r\x1b[K');
      drawn = false;
      lastDraw = -Infinity;
    },
  };
}

/**
 * Rows of a file whose row count is unknown: the total is estimated from the bytes read so far
 * (rows per byte so far times the file's size), so the ETA follows the file's real density.
 */
export function estimatedRows(rowsDone: number, bytesRead: number, fileBytes: number): number | undefined {
  if (bytesRead <= 0 || fileBytes <= 0) return undefined;
  return Math.max(rowsDone, Math.round((rowsDone / bytesRead) * fileBytes));
}
