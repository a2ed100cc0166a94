// The shifted-beta-geometric model of contract renewals (Fader & Hardie 2007, "How to project customer
// retention"): each customer churns at the end of a period with a fixed probability θ ~ Beta(α, β), so
// retention rises over time as the churn-prone leave. Fitted on a cohort's churn counts per period,
// with customers still active counted as censored (they survived at least that long).
import { minimise } from './optimiser.ts';
import { digamma, logBeta } from './special-functions.ts';

export interface SbgParameters {
  alpha: number;
  beta: number;
}

export interface SbgFit extends SbgParameters {
  logLikelihood: number;
  customers: number;
  iterations: number;
  converged: boolean;
}

/**
 * A cohort's observations: churned[t−1] customers churned at the end of period t (their last period
 * was t, t = 1, 2, ...); censored[t−1] customers were still active after t periods, with their fate unknown.
 */
export interface CohortObservations {
  churned: readonly number[];
  censored: readonly number[];
}

/** A cohort observed as survivor counts at the start of periods 0..n (the paper's layout): all n_n censored at n. */
export function fromSurvivors(survivors: readonly number[]): CohortObservations {
  if (survivors.length < 2) throw new Error('survivor counts need at least periods 0 and 1');
  survivors.forEach((n, i) => {
    if (!Number.isInteger(n) || n < 0) throw new Error(`survivors[${i}] must be a whole number ≥ 0 (got ${n})`);
    if (i > 0 && n > survivors[i - 1]!) throw new Error(`survivors[${i}] = ${n} exceeds survivors[${i - 1}] = ${survivors[i - 1]}: a cohort cannot grow`);
  });
  const churned = survivors.slice(1).map((n, i) => survivors[i]! - n);
  const censored = survivors.slice(1).map((n, i) => (i === survivors.length - 2 ? n : 0));
  return { churned, censored };
}

/** ln P(T = t) = ln B(α+1, β+t−1) − ln B(α, β): churn at the end of period t. */
const logChurnAt = (alpha: number, beta: number, t: number) => logBeta(alpha + 1, beta + t - 1) - logBeta(alpha, beta);
/** ln S(t) = ln B(α, β+t) − ln B(α, β): still active after t periods. */
const logSurvival = (alpha: number, beta: number, t: number) => logBeta(alpha, beta + t) - logBeta(alpha, beta);

function negativeLogLikelihood(data: CohortObservations, theta: readonly number[]) {
  const [alpha, beta] = theta.map(Math.exp) as [number, number];
  const psiAB = digamma(alpha + beta);
  const psiA = digamma(alpha);
  const psiB = digamma(beta);
  let ll = 0;
  let ga = 0;
  let gb = 0;
  const periods = Math.max(data.churned.length, data.censored.length);
  for (let t = 1; t <= periods; t++) {
    const churned = data.churned[t - 1] ?? 0;
    const censored = data.censored[t - 1] ?? 0;
    if (churned) {
      const psiEnd = digamma(alpha + beta + t);
      ll += churned * logChurnAt(alpha, beta, t);
      ga += churned * (digamma(alpha + 1) - psiEnd - psiA + psiAB);
      gb += churned * (digamma(beta + t - 1) - psiEnd - psiB + psiAB);
    }
    if (censored) {
      const psiEnd = digamma(alpha + beta + t);
      ll += censored * logSurvival(alpha, beta, t);
      ga += censored * (psiAB - psiEnd);
      gb += censored * (digamma(beta + t) - psiEnd - psiB + psiAB);
    }
  }
  return { value: -ll, gradient: [-ga * alpha, -gb * beta], logLikelihood: ll };
}

export function fitSbg(data: CohortObservations): SbgFit {
  const customers = [...data.churned, ...data.censored].reduce((s, n) => s + n, 0);
  if (customers === 0) throw new Error('the cohort has no customers to fit');
  if (!data.churned.some((n) => n > 0)) throw new Error('the cohort has no churn yet: the sBG model cannot be fitted (retention would be estimated as 1)');
  const objective = (theta: readonly number[]) => {
    const { value, gradient } = negativeLogLikelihood(data, theta);
    return { value: value / customers, gradient: gradient.map((g) => g / customers) };
  };
  const result = minimise(objective, [0, 0], { gradientTolerance: 1e-10, maxIterations: 1000 });
  const [alpha, beta] = result.theta.map(Math.exp) as [number, number];
  return { alpha, beta, logLikelihood: negativeLogLikelihood(data, result.theta).logLikelihood, customers, iterations: result.iterations, converged: result.converged };
}

/** Share of the cohort still active after t periods, S(t). */
export const survival = ({ alpha, beta }: SbgParameters, t: number) => Math.exp(logSurvival(alpha, beta, t));

/** Retention rate of period t: the share of those active in period t−1 who renew, (β+t−1)/(α+β+t−1). */
export const retentionRate = ({ alpha, beta }: SbgParameters, t: number) => (beta + t - 1) / (alpha + beta + t - 1);

/**
 * Discounted expected residual lifetime (Fader & Hardie 2010) of a customer who has just renewed for
 * the n-th period (n ≥ 1, i.e. has made n − 1 renewals), in periods, with discount rate d per period:
 * DERL = (β+n−1)/(α+β+n−1) · 2F1(1, β+n; α+β+n; 1/(1+d)). Times the value per period, it is the
 * customer's residual lifetime value, not counting the period just paid.
 */
export function discountedExpectedResidualLifetime({ alpha, beta }: SbgParameters, n: number, discountRate: number): number {
  if (!(discountRate > 0)) throw new Error(`discount rate must be positive (got ${discountRate}): undiscounted residual lifetime is infinite for α ≤ 1`);
  if (!Number.isInteger(n) || n < 1) throw new Error(`n must be a whole number ≥ 1 (got ${n})`);
  const z = 1 / (1 + discountRate);
  // 2F1(1, b; c; z) = Σ_k (b)_k/(c)_k z^k: terms shrink at least geometrically since b < c.
  let term = 1;
  let sum = 1;
  for (let k = 0; k < 1_000_000 && term > 1e-15 * sum; k++) {
    term *= ((beta + n + k) / (alpha + beta + n + k)) * z;
    sum += term;
  }
  return ((beta + n - 1) / (alpha + beta + n - 1)) * sum;
}
