// Automatic ETS (forecast::ets with model "ZZZ"): every admissible form is fitted by maximum
// likelihood and the one with the smallest AICc is chosen.
//
// Data rules, so every series gets a sensible model and never an exception:
// - a season is considered only for 2 ≤ m ≤ 24 and more than m observations (as forecast::ets;
//   longer seasons such as 52 weeks are forecast without a seasonal component);
// - multiplicative error or season only for strictly positive data (zeros, negatives: additive);
// - additive error with a multiplicative season is left out (infinite-variance forms, as `restrict`);
// - a form is fitted only when it has fewer free parameters than n − 1;
// - a constant series gets ETS(A,N,N) at that constant with zero variance (flat forecast, no spread);
// - a series too short for any form (n ≤ 6, or all fits failing) gets ETS(A,N,N) fitted regardless.
import { formName, type EtsForm, type SeasonType, type TrendType, type ErrorType } from './ets-model.ts';
import { fitEts, type EtsFit } from './ets-fit.ts';

export interface CandidateResult {
  model: string;
  aicc: number | null;
}

export interface AutoEtsResult {
  fit: EtsFit;
  /** Every form considered with its AICc (null when it could not be fitted). */
  candidates: CandidateResult[];
  /** Why the choice deviated from the AICc search, if it did. */
  rule?: 'constant' | 'short';
}

/** Whether the model may have a seasonal component for this length and season. */
export const seasonAllowed = (n: number, m: number) => m >= 2 && m <= 24 && n > m;

export function candidateForms(y: readonly number[], m: number): EtsForm[] {
  const positive = y.every((v) => v > 0);
  const errors: ErrorType[] = positive ? ['A', 'M'] : ['A'];
  const trends: TrendType[] = ['N', 'A', 'Ad'];
  const seasons: SeasonType[] = seasonAllowed(y.length, m) ? (positive ? ['N', 'A', 'M'] : ['N', 'A']) : ['N'];
  const forms: EtsForm[] = [];
  for (const error of errors) {
    for (const trend of trends) {
      for (const season of seasons) {
        if (error === 'A' && season === 'M') continue;
        forms.push({ error, trend, season });
      }
    }
  }
  return forms;
}

function constantFit(y: readonly number[]): EtsFit {
  const c = y[0]!;
  const n = y.length;
  const state = { level: c, slope: 0, season: [] };
  return {
    form: { error: 'A', trend: 'N', season: 'N' },
    name: 'ETS(A,N,N)',
    m: 1,
    params: { alpha: 0.9999, beta: 0, gamma: 0, phi: 1 },
    initial: state,
    last: state,
    loglik: Infinity,
    aic: -Infinity,
    aicc: -Infinity,
    bic: -Infinity,
    sigma2: 0,
    freeParams: 2,
    residuals: new Array<number>(n).fill(0),
    fitted: [...y],
    n,
  };
}

export function autoEts(y: readonly number[], m: number): AutoEtsResult {
  if (y.length === 0) throw new Error('autoEts: empty series');
  if (y.every((v) => v === y[0])) return { fit: constantFit(y), candidates: [], rule: 'constant' };
  const simple: EtsForm = { error: 'A', trend: 'N', season: 'N' };
  if (y.length <= 6) return { fit: fitEts(y, 1, simple, { force: true })!, candidates: [], rule: 'short' };
  const candidates: CandidateResult[] = [];
  let best: EtsFit | undefined;
  for (const form of candidateForms(y, m)) {
    const fit = fitEts(y, m, form);
    const aicc = fit && Number.isFinite(fit.aicc) ? fit.aicc : null;
    candidates.push({ model: formName(form), aicc });
    if (fit && aicc !== null && (!best || aicc < best.aicc)) best = fit;
  }
  if (best) return { fit: best, candidates };
  return { fit: fitEts(y, 1, simple, { force: true })!, candidates, rule: 'short' };
}
