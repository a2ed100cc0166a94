// Fits one ETS form by maximum likelihood, as forecast::ets's etsmodel: smoothing parameters and
// initial states optimised together by Nelder–Mead from heuristic starting values, within the
// usual bounds (β ≤ α, γ ≤ 1 − α, φ in [0.8, 0.98]) and the admissible region.
import { admissible } from './admissible.ts';
import { formName, hasSeason, hasTrend, isDamped, USUAL_BOUNDS, type EtsForm, type EtsParams, type EtsState } from './ets-model.ts';
import { likelihood, runRecursion } from './ets-recursion.ts';
import { initialStates } from './initial-states.ts';
import { nelderMead } from './nelder-mead.ts';

export interface EtsFit {
  form: EtsForm;
  /** e.g. "ETS(M,Ad,M)". */
  name: string;
  /** Season length used by the model (1 without a season). */
  m: number;
  params: EtsParams;
  initial: EtsState;
  /** State after the last observation. */
  last: EtsState;
  /** forecast::ets's log-likelihood: −0.5 · (n·log SSE + 2 Σ log|ŷ| for multiplicative errors). */
  loglik: number;
  aic: number;
  aicc: number;
  bic: number;
  /** Residual variance: Σ e² / (n − free parameters), e relative for multiplicative errors. */
  sigma2: number;
  /** Free parameters: smoothing parameters and initial states (σ not counted). */
  freeParams: number;
  residuals: number[];
  fitted: number[];
  n: number;
}

interface Layout {
  beta: boolean;
  gamma: boolean;
  phi: boolean;
  /** Free seasonal states (m − 1) or 0. */
  seasons: number;
}

function decode(x: readonly number[], lay: Layout, form: EtsForm, m: number, into?: { params: EtsParams; state: EtsState }): { params: EtsParams; state: EtsState } {
  const out = into ?? { params: { alpha: 0, beta: 0, gamma: 0, phi: 1 }, state: { level: 0, slope: 0, season: new Array<number>(lay.seasons ? m : 0).fill(0) } };
  let i = 0;
  out.params.alpha = x[i++]!;
  out.params.beta = lay.beta ? x[i++]! : 0;
  out.params.gamma = lay.gamma ? x[i++]! : 0;
  out.params.phi = lay.phi ? x[i++]! : 1;
  out.state.level = x[i++]!;
  out.state.slope = hasTrend(form) ? x[i++]! : 0;
  if (lay.seasons) {
    // forecast keeps m − 1 seasonal states free, most recent first; the oldest makes them sum to 0 (or to m).
    const season = out.state.season;
    let sum = 0;
    for (let k = 0; k < lay.seasons; k++) {
      const v = x[i + k]!;
      season[lay.seasons - k] = v;
      sum += v;
    }
    season[0] = (form.season === 'M' ? m : 0) - sum;
  }
  return out;
}

function withinBounds(p: EtsParams, lay: Layout, m: number): boolean {
  const { lower, upper, phiLower, phiUpper } = USUAL_BOUNDS;
  if (p.alpha < lower || p.alpha > upper) return false;
  if (lay.beta && (p.beta < lower || p.beta > p.alpha || p.beta > upper)) return false;
  if (lay.phi && (p.phi < phiLower || p.phi > phiUpper)) return false;
  if (lay.gamma && (p.gamma < lower || p.gamma > 1 - p.alpha || p.gamma > upper)) return false;
  return admissible(p.alpha, p.beta, p.gamma, p.phi, lay.gamma ? m : 1, lay.gamma);
}

/** Starting smoothing parameters (forecast's initparam). */
function startParams(lay: Layout, m: number): number[] {
  const { lower, upper, phiLower, phiUpper } = USUAL_BOUNDS;
  const out: number[] = [];
  let alpha = lower + (0.2 * (upper - lower)) / m;
  if (alpha > 1 || alpha < 0) alpha = lower + 2e-3;
  out.push(alpha);
  if (lay.beta) {
    const ub = Math.min(upper, alpha);
    let beta = lower + 0.1 * (ub - lower);
    if (beta < 0 || beta > alpha) beta = alpha - 1e-3;
    out.push(beta);
  }
  if (lay.gamma) {
    const ub = Math.min(upper, 1 - alpha);
    let gamma = lower + 0.05 * (ub - lower);
    if (gamma < 0 || gamma > 1 - alpha) gamma = 1 - alpha - 1e-3;
    out.push(gamma);
  }
  if (lay.phi) out.push(phiLower + 0.99 * (phiUpper - phiLower));
  return out;
}

export interface FitOptions {
  /** Fit even when there are too few observations for the information criteria (tiny series). */
  force?: boolean;
}

/**
 * Fits `form` to y with season length m (ignored without a season). Undefined when the series is
 * too short for the form (free parameters ≥ n − 1) or no admissible start exists.
 */
export function fitEts(y: readonly number[], m: number, form: EtsForm, options: FitOptions = {}): EtsFit | undefined {
  const season = hasSeason(form) ? m : 1;
  const lay: Layout = { beta: hasTrend(form), gamma: hasSeason(form), phi: isDamped(form), seasons: hasSeason(form) ? m - 1 : 0 };
  const start0 = initialStates(y, season, form);
  const start = [...startParams(lay, season), start0.level, ...(hasTrend(form) ? [start0.slope] : []), ...start0.season];
  const n = y.length;
  if (start.length >= n - 1 && !options.force) return undefined;
  const data = Float64Array.from(y);
  const scratch = decode(start, lay, form, season);
  const objective = (x: readonly number[]) => {
    const { params, state } = decode(x, lay, form, season, scratch);
    if (!withinBounds(params, lay, season)) return Infinity;
    if (form.season === 'M') for (const s of state.season) if (s < 0) return Infinity;
    const lik = likelihood(data, season, form, params, state);
    if (Number.isNaN(lik) || Math.abs(lik + 99999) < 1e-7) return Infinity;
    return Math.max(lik, -1e10); // a perfect fit would be −∞
  };
  if (!Number.isFinite(objective(start))) return undefined;
  const best = nelderMead(objective, start, { maxit: 2000 });
  const { params, state } = decode(best.x, lay, form, season);
  const run = runRecursion(y, season, form, params, state, true);
  const lik = Math.max(run.lik, -1e10);
  const np = best.x.length + 1;
  const aic = lik + 2 * np;
  const sse = run.errors.reduce((a, e) => a + e * e, 0);
  return {
    form,
    name: formName(form),
    m: season,
    params,
    initial: state,
    last: run.last,
    loglik: -0.5 * lik,
    aic,
    aicc: n - np - 1 > 0 ? aic + (2 * np * (np + 1)) / (n - np - 1) : Infinity,
    bic: lik + Math.log(n) * np,
    sigma2: n > best.x.length ? sse / (n - best.x.length) : sse / n,
    freeParams: best.x.length,
    residuals: [...run.errors],
    fitted: [...run.fitted],
    n,
  };
}
