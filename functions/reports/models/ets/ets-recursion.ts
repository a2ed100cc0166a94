// The ETS recursions (a port of forecast::ets's etscalc/forecast C routines, so likelihoods are
// comparable with R's): one-step forecasts, errors, state updates and the likelihood criterion.
// The state update is written in the error-correction form, identical for additive and
// multiplicative errors; only the error and the likelihood differ.
import type { EtsForm, EtsParams, EtsState } from './ets-model.ts';

/** Stand-in for a division by (almost) zero, as in forecast's C code. */
const HUGE = 1e10;
const TOL = 1e-10;

export interface Recursion {
  /** n·log(SSE) (+ 2·Σ log|ŷ| for multiplicative errors): −2 × the concentrated log-likelihood. */
  lik: number;
  /** Errors: y − ŷ (additive) or (y − ŷ)/ŷ (multiplicative). */
  errors: Float64Array;
  fitted: Float64Array;
  /** State after the last observation; season[0] is the index for the first forecast period. */
  last: EtsState;
}

/**
 * Runs the model through the series. Seasonal indices rotate in a ring: ring[t mod m] is the
 * index used at time t and is replaced by its update, to be used again at t + m.
 */
export function runRecursion(y: ArrayLike<number>, m: number, form: EtsForm, p: EtsParams, init: EtsState, keep = false): Recursion {
  const n = y.length;
  const errors = keep ? new Float64Array(n) : EMPTY;
  const fitted = keep ? new Float64Array(n) : EMPTY;
  const last: EtsState = { level: 0, slope: 0, season: [] };
  const lik = recurse(y, m, form, p, init, errors, fitted, last);
  return { lik, errors, fitted, last };
}

/** The likelihood criterion alone: what the optimiser calls thousands of times, allocation-free. */
export const likelihood = (y: ArrayLike<number>, m: number, form: EtsForm, p: EtsParams, init: EtsState): number => recurse(y, m, form, p, init, EMPTY, EMPTY);

function recurse(y: ArrayLike<number>, m: number, form: EtsForm, p: EtsParams, init: EtsState, errors: Float64Array, fitted: Float64Array, last?: EtsState): number {
  const n = y.length;
  const keep = errors.length > 0;
  const trend = form.trend !== 'N';
  const seasonAdd = form.season === 'A';
  const seasonMult = form.season === 'M';
  const seasonal = seasonAdd || seasonMult;
  const mult = form.error === 'M';
  const { alpha, gamma } = p;
  const phi = form.trend === 'Ad' ? p.phi : 1;
  const betaStar = trend ? p.beta / alpha : 0;
  const period = seasonal ? m : 1;
  const ring = ringBuffer(period);
  for (let i = 0; i < period; i++) ring[i] = seasonal ? init.season[i]! : 0;
  let l = init.level;
  let b = trend ? init.slope : 0;
  let sse = 0;
  // Σ log|ŷ| kept as a running product, folded into a logarithm before it can over- or underflow.
  let logf = 0;
  let prod = 1;
  let j = 0;
  for (let t = 0; t < n; t++) {
    const yt = y[t]!;
    const phib = phi * b;
    const q = l + phib;
    const s = ring[j]!;
    const f = seasonAdd ? q + s : seasonMult ? q * s : q;
    if (f !== f) return NaN;
    const e = mult ? (yt - f) / f : yt - f;
    if (keep) {
      errors[t] = e;
      fitted[t] = f;
    }
    sse += e * e;
    if (mult) {
      prod *= f < 0 ? -f : f;
      if (prod > 1e100 || prod < 1e-100) {
        logf += Math.log(prod);
        prod = 1;
      }
    }
    // Level, slope and season updates (forecast's `update`).
    const pt = seasonAdd ? yt - s : seasonMult ? (Math.abs(s) < TOL ? HUGE : yt / s) : yt;
    const newL = q + alpha * (pt - q);
    if (trend) b = phib + betaStar * (newL - l - phib);
    if (seasonal) ring[j] = s + gamma * ((seasonAdd ? yt - q : Math.abs(q) < TOL ? HUGE : yt / q) - s);
    l = newL;
    if (++j === period) j = 0;
  }
  let lik = n * Math.log(sse);
  if (mult) lik += 2 * (logf + Math.log(prod));
  if (last) {
    last.level = l;
    last.slope = b;
    last.season = [];
    for (let i = 0; i < (seasonal ? m : 0); i++) last.season.push(ring[(n + i) % m]!);
  }
  return lik;
}

const EMPTY = new Float64Array(0);
const rings = new Map<number, Float64Array>();
/** One reusable ring per season length: the recursion runs thousands of times per fit. */
function ringBuffer(period: number): Float64Array {
  let ring = rings.get(period);
  if (!ring) rings.set(period, (ring = new Float64Array(period)));
  return ring;
}

/** Point forecasts from a state: (l + (φ + … + φ^h)·b) combined with the season's index. */
export function pointForecasts(state: EtsState, m: number, form: EtsForm, p: EtsParams, h: number): number[] {
  const phi = form.trend === 'Ad' ? p.phi : 1;
  const out: number[] = [];
  let phiSum = 0;
  let phiPow = 1;
  for (let i = 0; i < h; i++) {
    phiPow *= phi;
    phiSum += phiPow;
    const base = form.trend === 'N' ? state.level : state.level + phiSum * state.slope;
    const s = form.season === 'N' ? 0 : state.season[i % m]!;
    out.push(form.season === 'A' ? base + s : form.season === 'M' ? base * s : base);
  }
  return out;
}
