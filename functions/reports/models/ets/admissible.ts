// The admissible parameter region of a seasonal ETS model (forecast::ets's `admissible`): the
// model's characteristic polynomial must have all roots inside the unit circle (forecastable).
// Checked with the Schur–Cohn recursion instead of computing the roots; it runs on every
// likelihood evaluation, so it works in place on one scratch buffer.

let bufA = new Float64Array(32);
let bufB = new Float64Array(32);

/** True when every root of Σ c[i] zⁱ (c[0..degree]) lies inside the unit circle (tolerance 1e-10). */
export function rootsInsideUnitCircle(coefficients: ArrayLike<number>): boolean {
  let d = coefficients.length - 1;
  if (bufA.length < d + 1) {
    bufA = new Float64Array(2 * (d + 1));
    bufB = new Float64Array(2 * (d + 1));
  }
  let c = bufA;
  let next = bufB;
  for (let i = 0; i <= d; i++) c[i] = coefficients[i]!;
  while (d > 0 && c[d] === 0) d--;
  while (d > 0) {
    const lead = c[d]!;
    const c0 = c[0]!;
    if (!(Math.abs(c0 / lead) < 1 + 1e-10)) return false;
    // The reduced polynomial (c_d·p(z) − c_0·p*(z)) / z, normalised to a leading coefficient of 1.
    const newLead = lead * lead - c0 * c0;
    if (newLead === 0) return false;
    for (let i = 0; i < d; i++) next[i] = (lead * c[i + 1]! - c0 * c[d - 1 - i]!) / newLead;
    [c, next] = [next, c];
    d--;
  }
  return true;
}

const poly = new Float64Array(26);

/**
 * Divides out roots at z = 1 and z = −1. Without a trend (φ = 1, β = 0) z = 1 is always a root,
 * exactly on the circle: R's root finder accepts it within its 1e-10 tolerance, while the
 * Schur–Cohn recursion would stall on it, so it is removed first.
 */
function deflateUnitRoots(c: Float64Array): Float64Array {
  let p = c;
  for (const root of [1, -1]) {
    for (;;) {
      const d = p.length - 1;
      if (d < 1) break;
      let value = 0;
      let scale = 0;
      for (let i = d; i >= 0; i--) {
        value = value * root + p[i]!;
        scale += Math.abs(p[i]!);
      }
      if (Math.abs(value) > 1e-12 * scale) break;
      // Synthetic division by (z − root).
      const q = new Float64Array(d);
      let carry = 0;
      for (let i = d; i >= 1; i--) {
        carry = carry * root + p[i]!;
        q[i - 1] = carry;
      }
      p = q;
    }
  }
  return p;
}

/** forecast::ets's admissibility test for the smoothing parameters of a model with season length m. */
export function admissible(alpha: number, beta: number, gamma: number, phi: number, m: number, seasonal: boolean): boolean {
  if (phi < 0 || phi > 1 + 1e-8) return false;
  if (!seasonal) {
    if (alpha < 1 - 1 / phi || alpha > 1 + 1 / phi) return false;
    return beta >= alpha * (phi - 1) && beta <= (1 + phi) * (2 - alpha);
  }
  if (gamma < Math.max(1 - 1 / phi - alpha, 0) || gamma > 1 + 1 / phi - alpha) return false;
  if (alpha < 1 - 1 / phi - (gamma * (1 - m + phi + phi * m)) / (2 * phi * m)) return false;
  if (beta < -(1 - phi) * (gamma / m + alpha)) return false;
  const c = m + 2 <= poly.length ? poly.subarray(0, m + 2) : new Float64Array(m + 2);
  c[0] = phi * (1 - alpha - gamma);
  c[1] = alpha + beta - alpha * phi + gamma - 1;
  for (let i = 2; i < m; i++) c[i] = alpha + beta - alpha * phi;
  c[m] = alpha + beta - phi;
  c[m + 1] = 1;
  return rootsInsideUnitCircle(deflateUnitRoots(c));
}
