// Hands out a total in proportion to weights by the largest-remainder method, in whole units of
// 1/scale: the parts are exact multiples of the unit and add up to the (rounded) total exactly,
// which floating-point shares would not.

export function apportion(total: number, weights: readonly number[], scale: number): number[] {
  const units = Math.round(total * scale);
  const sum = weights.reduce((a, w) => a + w, 0);
  if (units === 0 || !(sum > 0)) return weights.map(() => 0);
  // Snapped to 1e-6 of a unit, so shares equal on paper tie (and 2.9999999999 is 3) despite float rounding.
  const exact = weights.map((w) => Math.round(((units * w) / sum) * 1e6) / 1e6);
  const parts = exact.map((x) => Math.floor(x));
  let left = units - parts.reduce((a, p) => a + p, 0);
  // Largest remainders first; ties to the earlier weight, so the result does not depend on sort stability.
  const order = exact.map((x, i) => ({ rest: Math.round((x - parts[i]!) * 1e6), i })).sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) parts[order[k]!.i]! += 1;
  for (let k = order.length - 1; left < 0; k = (k - 1 + order.length) % order.length, left++) parts[order[k]!.i]! -= 1;
  return parts.map((p) => p / scale);
}
