// Identical sufficient statistics compressed into weighted rows before a fit: the likelihood of a
// customer depends only on (x, t_x, T), so a million customers with times in whole days collapse into
// some hundred thousand rows, and a fit touches each distinct row once per evaluation. The distinct
// values of x, t_x and T are indexed too, so the terms that depend on one of them only are computed
// once per value rather than once per row.

/** One customer's BG/NBD statistics: repeat purchases x, time of the last one t_x and age T (same unit). */
export interface PurchaseHistory {
  x: number;
  tx: number;
  T: number;
}

/** Statistics already grouped elsewhere (e.g. in SQL): `weight` customers share them. @default weight 1 */
export interface WeightedHistory extends PurchaseHistory {
  weight?: number;
}

/** Distinct (x, t_x, T) rows with how many customers share each. */
export interface CompressedHistories {
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  weight: Float64Array;
  /** The distinct values of x, t_x and T, and for each row the position of its value among them. */
  xValues: Float64Array;
  xIndex: Uint32Array;
  txValues: Float64Array;
  txIndex: Uint32Array;
  TValues: Float64Array;
  TIndex: Uint32Array;
  customers: number;
}

/** Throws naming the customer (1-based position), the field and the reason when a history is impossible. */
export function checkHistory(h: PurchaseHistory, customer: number): void {
  // The common case first, without building any message (this runs for every one of a million customers).
  if (Number.isInteger(h.x) && h.x >= 0 && h.T >= 0 && Number.isFinite(h.T) && h.tx >= 0 && h.tx <= h.T && (h.x > 0 || h.tx === 0)) return;
  const bad = (field: string, reason: string) => new Error(`customer ${customer}: ${field} ${reason} (x=${h.x}, t_x=${h.tx}, T=${h.T})`);
  if (!Number.isInteger(h.x) || h.x < 0) throw bad('x', 'must be a whole number of repeat purchases ≥ 0');
  // T = 0 (first purchase on the as-of day) is allowed: such a customer adds nothing to the likelihood.
  if (!(h.T >= 0) || !Number.isFinite(h.T)) throw bad('T', 'must be a finite age ≥ 0');
  if (!(h.tx >= 0) || h.tx > h.T) throw bad('t_x', 'must lie between 0 and T');
  throw bad('t_x', 'must be 0 for a customer with no repeat purchase');
}

/** Positions of distinct values, in order of first appearance. */
class ValueIndex {
  readonly positions = new Map<number, number>();
  of(value: number): number {
    let position = this.positions.get(value);
    if (position === undefined) this.positions.set(value, (position = this.positions.size));
    return position;
  }
  values = () => Float64Array.from(this.positions.keys());
}

export function compressHistories(histories: Iterable<WeightedHistory>): CompressedHistories {
  const xs = new ValueIndex();
  const txs = new ValueIndex();
  const Ts = new ValueIndex();
  // Rows keyed by the value positions: numeric keys keep the map fast for millions of customers.
  const rowOf = new Map<number, number>();
  const rows: { x: number; tx: number; T: number; weight: number; xi: number; ti: number; Ti: number }[] = [];
  let customers = 0;
  for (const h of histories) {
    checkHistory(h, customers + 1);
    const weight = h.weight ?? 1;
    if (!Number.isInteger(weight) || weight < 1) throw new Error(`customer ${customers + 1}: weight must be a whole number ≥ 1 (got ${weight})`);
    customers += weight;
    const xi = xs.of(h.x);
    const ti = txs.of(h.tx);
    const Ti = Ts.of(h.T);
    // Exact while the distinct counts stay below 2^17 each (2^51 < 2^53); beyond that, fall back to a text key.
    const key = xs.positions.size < 131_072 && txs.positions.size < 131_072 && Ts.positions.size < 131_072 ? (xi * 131_072 + ti) * 131_072 + Ti : NaN;
    const found = Number.isNaN(key) ? undefined : rowOf.get(key);
    if (found !== undefined) rows[found]!.weight += weight;
    else {
      if (!Number.isNaN(key)) rowOf.set(key, rows.length);
      rows.push({ x: h.x, tx: h.tx, T: h.T, weight, xi, ti, Ti });
    }
  }
  if (customers === 0) throw new Error('no customers to fit');
  return {
    x: Float64Array.from(rows, (r) => r.x),
    tx: Float64Array.from(rows, (r) => r.tx),
    T: Float64Array.from(rows, (r) => r.T),
    weight: Float64Array.from(rows, (r) => r.weight),
    xValues: xs.values(),
    xIndex: Uint32Array.from(rows, (r) => r.xi),
    txValues: txs.values(),
    txIndex: Uint32Array.from(rows, (r) => r.ti),
    TValues: Ts.values(),
    TIndex: Uint32Array.from(rows, (r) => r.Ti),
    customers,
  };
}
