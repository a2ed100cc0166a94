// The beta-geometric/negative-binomial distribution model of repeat buying (Fader, Hardie & Lee 2005,
// "Counting your customers the easy way"): while alive a customer buys at a Poisson rate λ ~ Gamma(r, α);
// after each purchase they drop out with probability p ~ Beta(a, b). Fitted by maximum likelihood on
// compressed (x, t_x, T) rows with analytic gradients; the scoring functions follow the paper's
// equations, with the Gauss hypergeometric function rewritten so that it stays stable for customers
// with hundreds of purchases.
import { minimise } from './optimiser.ts';
import { digamma, logAddExp, logGamma } from './special-functions.ts';
import { compressHistories, type CompressedHistories, type PurchaseHistory } from './sufficient-statistics.ts';

export interface BgNbdParameters {
  r: number;
  /** In the time unit of t_x and T. */
  alpha: number;
  a: number;
  b: number;
}

export interface BgNbdFit extends BgNbdParameters {
  logLikelihood: number;
  customers: number;
  /** Distinct (x, t_x, T) rows the likelihood was evaluated on. */
  distinctRows: number;
  iterations: number;
  converged: boolean;
}

/** Log-likelihood of one customer (equation 6 of the paper, on the log scale). */
export function bgNbdLogLikelihood({ r, alpha, a, b }: BgNbdParameters, { x, tx, T }: PurchaseHistory): number {
  const a1 = logGamma(r + x) - logGamma(r) + r * Math.log(alpha);
  const a2 = logGamma(a + b) + logGamma(b + x) - logGamma(b) - logGamma(a + b + x);
  const a3 = -(r + x) * Math.log(alpha + T);
  const a4 = x > 0 ? Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx) : -Infinity;
  return a1 + a2 + logAddExp(a3, a4);
}

/** −(mean log-likelihood) over the rows and its gradient with respect to (ln r, ln α, ln a, ln b). */
function negativeMeanLogLikelihood(data: CompressedHistories, theta: readonly number[]) {
  const [r, alpha, a, b] = theta.map(Math.exp) as [number, number, number, number];
  // Terms that depend on x, t_x or T only: computed once per distinct value.
  const nx = data.xValues.length;
  const lgR = logGamma(r);
  const lgB = logGamma(b);
  const lgAB = logGamma(a + b);
  const psiR = digamma(r);
  const psiB = digamma(b);
  const psiAB = digamma(a + b);
  const logAlpha = Math.log(alpha);
  const logA = Math.log(a);
  const perX = new Float64Array(nx);
  const dPerXr = new Float64Array(nx);
  const dPerXa = new Float64Array(nx);
  const dPerXb = new Float64Array(nx);
  const dropTerm = new Float64Array(nx); // ln a − ln(b + x − 1), the log-odds of having dropped out after the last purchase
  const invBX = new Float64Array(nx);
  for (let k = 0; k < nx; k++) {
    const x = data.xValues[k]!;
    perX[k] = logGamma(r + x) - lgR + lgAB + logGamma(b + x) - lgB - logGamma(a + b + x) + r * logAlpha;
    const psiABX = digamma(a + b + x);
    dPerXr[k] = digamma(r + x) - psiR + logAlpha;
    dPerXa[k] = psiAB - psiABX;
    dPerXb[k] = psiAB + digamma(b + x) - psiB - psiABX;
    if (x > 0) {
      dropTerm[k] = logA - Math.log(b + x - 1);
      invBX[k] = 1 / (b + x - 1);
    }
  }
  const logAT = data.TValues.map((T) => Math.log(alpha + T));
  const invAT = data.TValues.map((T) => 1 / (alpha + T));
  const logAtx = data.txValues.map((tx) => Math.log(alpha + tx));
  const invAtx = data.txValues.map((tx) => 1 / (alpha + tx));
  const invA = 1 / a;
  let ll = 0;
  let gr = 0;
  let gAlpha = 0;
  let ga = 0;
  let gb = 0;
  let total = 0;
  for (let i = 0; i < data.weight.length; i++) {
    const w = data.weight[i]!;
    const k = data.xIndex[i]!;
    const Ti = data.TIndex[i]!;
    const rx = r + data.x[i]!;
    const a3 = -rx * logAT[Ti]!;
    let value = a3;
    let dr = dPerXr[k]! - logAT[Ti]!;
    let dAlpha = r / alpha - rx * invAT[Ti]!;
    let da = dPerXa[k]!;
    let db = dPerXb[k]!;
    if (data.x[i]! > 0) {
      const ti = data.txIndex[i]!;
      const a4 = dropTerm[k]! - rx * logAtx[ti]!;
      // ln(e^a3 + e^a4) and the weights of the two terms, with one exp.
      const e = Math.exp(-Math.abs(a4 - a3));
      const wMax = 1 / (1 + e);
      const w4 = a4 > a3 ? wMax : 1 - wMax;
      const w3 = 1 - w4;
      value = Math.max(a3, a4) + Math.log1p(e);
      dr = dPerXr[k]! - w3 * logAT[Ti]! - w4 * logAtx[ti]!;
      dAlpha = r / alpha - rx * (w3 * invAT[Ti]! + w4 * invAtx[ti]!);
      da += w4 * invA;
      db -= w4 * invBX[k]!;
    }
    ll += w * (perX[k]! + value);
    gr += w * dr;
    gAlpha += w * dAlpha;
    ga += w * da;
    gb += w * db;
    total += w;
  }
  // Chain rule to the log scale: d/d ln θ = θ · d/dθ.
  return { value: -ll / total, gradient: [(-gr * r) / total, (-gAlpha * alpha) / total, (-ga * a) / total, (-gb * b) / total], logLikelihood: ll };
}

/** Maximum-likelihood BG/NBD fit. Accepts raw histories (compressed here) or already compressed rows. */
export function fitBgNbd(input: Iterable<PurchaseHistory> | CompressedHistories): BgNbdFit {
  const data = isCompressed(input) ? input : compressHistories(input);
  const meanT = data.T.reduce((s, t, i) => s + t * data.weight[i]!, 0) / data.customers;
  const objective = (theta: readonly number[]) => negativeMeanLogLikelihood(data, theta);
  const result = minimise(objective, [0, Math.log(meanT), 0, 0], { gradientTolerance: 1e-9, maxIterations: 1000 });
  const [r, alpha, a, b] = result.theta.map(Math.exp) as [number, number, number, number];
  const { logLikelihood } = negativeMeanLogLikelihood(data, result.theta);
  return { r, alpha, a, b, logLikelihood, customers: data.customers, distinctRows: data.weight.length, iterations: result.iterations, converged: result.converged };
}

const isCompressed = (input: unknown): input is CompressedHistories => typeof input === 'object' && input !== null && 'xIndex' in input;

/** P(alive | x, t_x, T): the probability the customer has not dropped out (equation 13). */
export function probabilityAlive({ r, alpha, a, b }: BgNbdParameters, { x, tx, T }: PurchaseHistory): number {
  if (x === 0) return 1;
  const logOdds = Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
  return 1 / (1 + Math.exp(logOdds));
}

/**
 * E[Y(t) | x, t_x, T]: expected purchases in the next t time units (equation 10).
 * The paper's ((α+T)/(α+T+t))^{r+x} · 2F1(r+x, b+x; a+b+x−1; z) is rewritten with Euler's
 * transformation as (1−z)^{a−1} · 2F1(a+b−1−r, a−1; a+b+x−1; z), z = t/(α+T+t): its numerator
 * parameters no longer grow with x, so the series converges in a few terms for any x, and the
 * factor (a−1) of the paper's leading term cancels analytically (no blow-up near a = 1).
 */
export const conditionalExpectedPurchases = (params: BgNbdParameters, history: PurchaseHistory, t: number) =>
  expectedPurchasesIfAlive(params, history, t) * probabilityAlive(params, history);

/** E[Y(t) | x, t_x, T, still alive]: equation 10 without its P(alive) factor (value at risk needs it apart). */
export function expectedPurchasesIfAlive(params: BgNbdParameters, history: PurchaseHistory, t: number): number {
  const { r, alpha, a, b } = params;
  const { x, T } = history;
  if (t <= 0) return 0;
  const z = t / (alpha + T + t);
  const c = a + b + x - 1;
  const log1mz = Math.log1p(-z);
  const am1 = a - 1;
  // [1 − (1−z)^{a−1}] / (a−1), → −ln(1−z) as a → 1.
  const head = Math.abs(am1) < 1e-12 ? -log1mz : -Math.expm1(am1 * log1mz) / am1;
  // 2F1(a+b−1−r, a−1; c; z) = 1 + (a−1)·S, S = Σ_{k≥1} (a+b−1−r)_k (a)_{k−1} / ((c)_k k!) z^k.
  const p = a + b - 1 - r;
  let term = (p / c) * z; // k = 1
  let sum = term;
  for (let k = 1; k < 100_000 && Math.abs(term) > 1e-16 * Math.abs(sum); k++) {
    term *= ((p + k) * (a + k - 1) * z) / ((c + k) * (k + 1));
    sum += term;
  }
  const bracket = head - Math.exp(am1 * log1mz) * sum;
  return c * bracket;
}

/** E[X(t)]: expected purchases of a new customer in a period of length t (equation 9). */
export const expectedPurchases = (params: BgNbdParameters, t: number) => conditionalExpectedPurchases(params, { x: 0, tx: 0, T: 0 }, t);
