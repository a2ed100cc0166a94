// The Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee 2005b, "RFM and CLV: using
// iso-value curves"; Colombo & Jiang 1999): a customer's transaction values are Gamma(p, ν) around
// their own mean p/ν, and ν ~ Gamma(q, γ) across customers. Fitted on repeat buyers' x and mean
// repeat value; the conditional expectation shrinks a customer's observed mean towards the population's.
import { minimise } from './optimiser.ts';
import { digamma, logGamma } from './special-functions.ts';

export interface GammaGammaParameters {
  p: number;
  q: number;
  gamma: number;
}

export interface GammaGammaFit extends GammaGammaParameters {
  logLikelihood: number;
  customers: number;
  distinctRows: number;
  iterations: number;
  converged: boolean;
}

/** A repeat buyer: x ≥ 1 repeat transactions with mean value `monetary` > 0. */
export interface SpendHistory {
  x: number;
  monetary: number;
}

interface CompressedSpend {
  x: Float64Array;
  logX: Float64Array;
  monetary: Float64Array;
  logMonetary: Float64Array;
  weight: Float64Array;
  xValues: Float64Array;
  xIndex: Uint32Array;
  customers: number;
}

function compressSpend(histories: Iterable<SpendHistory>): CompressedSpend {
  const rows = new Map<string, { h: SpendHistory; weight: number }>();
  let customers = 0;
  for (const h of histories) {
    customers++;
    if (!Number.isInteger(h.x) || h.x < 1) throw new Error(`repeat buyer ${customers}: x must be a whole number ≥ 1 (got ${h.x}); fit Gamma-Gamma on repeat buyers only`);
    if (!(h.monetary > 0) || !Number.isFinite(h.monetary)) throw new Error(`repeat buyer ${customers}: monetary must be a positive mean transaction value (got ${h.monetary})`);
    const key = `${h.x}|${h.monetary}`;
    const row = rows.get(key);
    if (row) row.weight++;
    else rows.set(key, { h, weight: 1 });
  }
  if (customers === 0) throw new Error('no repeat buyers to fit the Gamma-Gamma model on');
  const n = rows.size;
  const out: CompressedSpend = {
    x: new Float64Array(n),
    logX: new Float64Array(n),
    monetary: new Float64Array(n),
    logMonetary: new Float64Array(n),
    weight: new Float64Array(n),
    xValues: new Float64Array(0),
    xIndex: new Uint32Array(n),
    customers,
  };
  const xPositions = new Map<number, number>();
  let i = 0;
  for (const { h, weight } of rows.values()) {
    out.x[i] = h.x;
    out.logX[i] = Math.log(h.x);
    out.monetary[i] = h.monetary;
    out.logMonetary[i] = Math.log(h.monetary);
    out.weight[i] = weight;
    let position = xPositions.get(h.x);
    if (position === undefined) xPositions.set(h.x, (position = xPositions.size));
    out.xIndex[i] = position;
    i++;
  }
  out.xValues = Float64Array.from(xPositions.keys());
  return out;
}

/** −(mean log-likelihood) and its gradient with respect to (ln p, ln q, ln γ). */
function negativeMeanLogLikelihood(data: CompressedSpend, theta: readonly number[]) {
  const [p, q, gamma] = theta.map(Math.exp) as [number, number, number];
  const nx = data.xValues.length;
  const perX = new Float64Array(nx);
  const dPerXp = new Float64Array(nx);
  const dPerXq = new Float64Array(nx);
  const lgQ = logGamma(q);
  const psiQ = digamma(q);
  for (let k = 0; k < nx; k++) {
    const x = data.xValues[k]!;
    const psiPXQ = digamma(p * x + q);
    perX[k] = logGamma(p * x + q) - logGamma(p * x) - lgQ;
    dPerXp[k] = x * (psiPXQ - digamma(p * x));
    dPerXq[k] = psiPXQ - psiQ;
  }
  const logGammaScale = Math.log(gamma);
  let ll = 0;
  let gp = 0;
  let gq = 0;
  let gg = 0;
  let total = 0;
  for (let i = 0; i < data.weight.length; i++) {
    const w = data.weight[i]!;
    const x = data.x[i]!;
    const k = data.xIndex[i]!;
    const spend = gamma + data.monetary[i]! * x;
    const logSpend = Math.log(spend);
    const px = p * x;
    ll += w * (perX[k]! + q * logGammaScale + (px - 1) * data.logMonetary[i]! + px * data.logX[i]! - (px + q) * logSpend);
    gp += w * (dPerXp[k]! + x * (data.logMonetary[i]! + data.logX[i]! - logSpend));
    gq += w * (dPerXq[k]! + logGammaScale - logSpend);
    gg += w * (q / gamma - (px + q) / spend);
    total += w;
  }
  return { value: -ll / total, gradient: [(-gp * p) / total, (-gq * q) / total, (-gg * gamma) / total], logLikelihood: ll };
}

export function fitGammaGamma(histories: Iterable<SpendHistory>): GammaGammaFit {
  const data = compressSpend(histories);
  const meanSpend = data.monetary.reduce((s, m, i) => s + m * data.weight[i]!, 0) / data.customers;
  const objective = (theta: readonly number[]) => negativeMeanLogLikelihood(data, theta);
  const result = minimise(objective, [0, Math.log(2), Math.log(meanSpend)], { gradientTolerance: 1e-9, maxIterations: 1000 });
  const [p, q, gamma] = result.theta.map(Math.exp) as [number, number, number];
  const { logLikelihood } = negativeMeanLogLikelihood(data, result.theta);
  return { p, q, gamma, logLikelihood, customers: data.customers, distinctRows: data.weight.length, iterations: result.iterations, converged: result.converged };
}

/**
 * E[Z | x, m̄]: expected mean transaction value of a customer with x repeat transactions of mean m̄
 * (x = 0: the population mean pγ/(q−1), which exists only for q > 1).
 */
export function conditionalExpectedValue({ p, q, gamma }: GammaGammaParameters, { x, monetary }: { x: number; monetary: number }): number {
  if (x === 0) return q > 1 ? (p * gamma) / (q - 1) : NaN;
  return (p * (gamma + x * monetary)) / (p * x + q - 1);
}
