// What an analyst may change about the pipeline report: how strongly thin cells of the learned
// stage-to-win table lean on their stage's rate, the forecast category thresholds and the backtest split.

export interface PipelineSettings {
  /** Pseudo-deals of the Beta prior that shrinks a cell towards its stage's win rate (and a stage towards the overall rate). @default 5 */
  priorWeight: number;
  /** Open deals with a learned win probability at or above this are `commit`. @default 0.7 */
  commitThreshold: number;
  /** ... at or above this (and below commit) `best_case`; the rest `pipeline`. @default 0.4 */
  bestCaseThreshold: number;
  /** The backtest learns from deals closed before as-of minus this many days and scores the deals closed since. @default 180 */
  backtestDays: number;
  /** Stage conversion counts the stage entries of this many days up to the as-of date. @default 365 */
  conversionDays: number;
}

export const DEFAULT_PIPELINE_SETTINGS: PipelineSettings = { priorWeight: 5, commitThreshold: 0.7, bestCaseThreshold: 0.4, backtestDays: 180, conversionDays: 365 };

export function checkPipelineSettings(s: PipelineSettings): PipelineSettings {
  const problems: string[] = [];
  if (!(s.priorWeight >= 0)) problems.push(`priorWeight: must be a number ≥ 0, got ${s.priorWeight}`);
  if (!(s.bestCaseThreshold > 0 && s.bestCaseThreshold <= s.commitThreshold && s.commitThreshold <= 1)) {
    problems.push(`commitThreshold, bestCaseThreshold: need 0 < bestCaseThreshold ≤ commitThreshold ≤ 1, got ${s.bestCaseThreshold} and ${s.commitThreshold}`);
  }
  for (const key of ['backtestDays', 'conversionDays'] as const) if (!(Number.isInteger(s[key]) && s[key] > 0)) problems.push(`${key}: must be a whole number of days > 0, got ${s[key]}`);
  if (problems.length) throw new Error(`pipeline settings: ${problems.join('; ')}`);
  return s;
}
