// Identical sufficient statistics compressed into weighted rows before a fit: the likelihood of a
// customer depends only on (x, t_x, T), so a million customers with times in whole days collapse into
// tens of thousands of rows, and a fit touches each distinct row once per evaluation.

/** One customer's BG/NBD statistics: repeat purchases x, time of the last one t_x and age T (same unit). */
export interface PurchaseHistory {
  x: number;
  tx: number;
  T: number;
}

/** Distinct (x, t_x, T) rows with how many customers share each; x as an index into `xValues`. */
export interface CompressedHistories {
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  weight: Float64Array;
  /** The distinct x values, and for each row the position of its x among them. */
  xValues: Float64Array;
  xIndex: Uint32Array;
  customers: number;
}

export function checkHistory(h: PurchaseHistory, where: string): void {
  const bad = (field: string, reason: string) => new Error(`${where}: ${field} ${reason} (x=${h.x}, t_x=${h.tx}, T=${h.T})`);
  if (!Number.isInteger(h.x) || h.x < 0) throw bad('x', 'must be a whole number of repeat purchases ≥ 0');
  // T = 0 (first purchase on the as-of day) is allowed: such a customer adds nothing to the likelihood.
  if (!(h.T >= 0) || !Number.isFinite(h.T)) throw bad('T', 'must be a finite age ≥ 0');
  if (!(h.tx >= 0) || h.tx > h.T) throw bad('t_x', 'must lie between 0 and T');
  if (h.x === 0 && h.tx !== 0) throw bad('t_x', 'must be 0 for a customer with no repeat purchase');
}

export function compressHistories(histories: Iterable<PurchaseHistory>): CompressedHistories {
  const rows = new Map<string, { h: PurchaseHistory; weight: number }>();
  let customers = 0;
  for (const h of histories) {
    checkHistory(h, `customer ${customers + 1}`);
    customers++;
    const key = `${h.x}|${h.tx}|${h.T}`;
    const row = rows.get(key);
    if (row) row.weight++;
    else rows.set(key, { h, weight: 1 });
  }
  if (customers === 0) throw new Error('no customers to fit');
  const n = rows.size;
  const out = { x: new Float64Array(n), tx: new Float64Array(n), T: new Float64Array(n), weight: new Float64Array(n), xIndex: new Uint32Array(n) };
  const xPositions = new Map<number, number>();
  let i = 0;
  for (const { h, weight } of rows.values()) {
    out.x[i] = h.x;
    out.tx[i] = h.tx;
    out.T[i] = h.T;
    out.weight[i] = weight;
    let position = xPositions.get(h.x);
    if (position === undefined) xPositions.set(h.x, (position = xPositions.size));
    out.xIndex[i] = position;
    i++;
  }
  return { ...out, xValues: Float64Array.from(xPositions.keys()), customers };
}
