// The ETS model forms of Hyndman et al.'s state-space framework and their parameters.
// A form is (error, trend, season): error A|M, trend N|A|Ad (additive damped), season N|A|M.

export type ErrorType = 'A' | 'M';
export type TrendType = 'N' | 'A' | 'Ad';
export type SeasonType = 'N' | 'A' | 'M';

export interface EtsForm {
  error: ErrorType;
  trend: TrendType;
  season: SeasonType;
}

/** Smoothing parameters; beta only with a trend, gamma only with a season, phi 1 unless damped. */
export interface EtsParams {
  alpha: number;
  beta: number;
  gamma: number;
  phi: number;
}

/**
 * Initial (or final) states: level, slope (0 without a trend) and m seasonal indices in time
 * order, `season[0]` being the index of the first period the state is used for.
 */
export interface EtsState {
  level: number;
  slope: number;
  season: number[];
}

export const formName = (f: EtsForm) => `ETS(${f.error},${f.trend},${f.season})`;

export const hasTrend = (f: EtsForm) => f.trend !== 'N';
export const isDamped = (f: EtsForm) => f.trend === 'Ad';
export const hasSeason = (f: EtsForm) => f.season !== 'N';

/** Parses "ETS(M,Ad,M)" or "MAdM". */
export function parseForm(text: string): EtsForm {
  const m = /^(?:ETS\()?([AM]),?(N|Ad|A),?([NAM])\)?$/.exec(text.trim());
  if (!m) throw new Error(`not an ETS model form: "${text}" (expected e.g. ETS(M,Ad,M))`);
  return { error: m[1] as ErrorType, trend: m[2] as TrendType, season: m[3] as SeasonType };
}

/** The usual bounds of forecast::ets: alpha, beta, gamma in [1e-4, 0.9999], phi in [0.8, 0.98]. */
export const USUAL_BOUNDS = { lower: 1e-4, upper: 0.9999, phiLower: 0.8, phiUpper: 0.98 } as const;
