// Scores of probability forecasts of a yes/no outcome: the Brier score (mean squared error of the
// probability, 0 best) and the log loss (mean negative log-likelihood, 0 best), as in Gneiting &
// Raftery (2007), "Strictly proper scoring rules, prediction, and estimation".

export interface ScoredForecast {
  probability: number;
  outcome: boolean;
}

/** Probabilities are clipped to [ε, 1 − ε] for the log loss, so one confident miss is costly but finite. */
export const LOG_LOSS_EPSILON = 1e-6;

export function brierScore(forecasts: readonly ScoredForecast[]): number | null {
  if (!forecasts.length) return null;
  return forecasts.reduce((s, f) => s + (f.probability - (f.outcome ? 1 : 0)) ** 2, 0) / forecasts.length;
}

export function logLoss(forecasts: readonly ScoredForecast[]): number | null {
  if (!forecasts.length) return null;
  const clip = (p: number) => Math.min(1 - LOG_LOSS_EPSILON, Math.max(LOG_LOSS_EPSILON, p));
  return -forecasts.reduce((s, f) => s + Math.log(f.outcome ? clip(f.probability) : 1 - clip(f.probability)), 0) / forecasts.length;
}
