// The churn report's settings. Defaults suit most businesses; a deployment overrides them with
// environment variables on the report Lambda (or the shell running `crm report`), and a bad value
// fails the run naming the variable rather than scoring with a silently wrong number.

export interface ChurnSettings {
  /** Churn risk (1 − P(alive)) at or above which a customer is at risk and gets a ChurnRiskDetected event. @default 0.7 */
  riskThreshold: number;
  /** Annual discount rate of the 12-month CLV (monthly steps) and of the contracts' residual value. @default 0.1 */
  annualDiscountRate: number;
  /** Customers per currency on the at-risk list. @default 100 */
  atRiskListSize: number;
  /** Fewer repeat buyers in a currency than this and Gamma-Gamma is not fitted for it (their mean is used). @default 20 */
  minRepeatBuyersForSpendModel: number;
}

export const DEFAULT_CHURN_SETTINGS: Readonly<ChurnSettings> = { riskThreshold: 0.7, annualDiscountRate: 0.1, atRiskListSize: 100, minRepeatBuyersForSpendModel: 20 };

const VARIABLES: Record<keyof ChurnSettings, { name: string; valid: (n: number) => boolean; rule: string }> = {
  riskThreshold: { name: 'CHURN_RISK_THRESHOLD', valid: (n) => n > 0 && n < 1, rule: 'a number between 0 and 1 (exclusive)' },
  annualDiscountRate: { name: 'CHURN_ANNUAL_DISCOUNT_RATE', valid: (n) => n > 0 && n < 1, rule: 'a rate above 0 and below 1, e.g. 0.1' },
  atRiskListSize: { name: 'CHURN_AT_RISK_LIST_SIZE', valid: (n) => Number.isInteger(n) && n > 0, rule: 'a whole number ≥ 1' },
  minRepeatBuyersForSpendModel: { name: 'CHURN_MIN_REPEAT_BUYERS', valid: (n) => Number.isInteger(n) && n >= 3, rule: 'a whole number ≥ 3' },
};

export function churnSettings(env: Readonly<Record<string, string | undefined>> = process.env): ChurnSettings {
  const settings = { ...DEFAULT_CHURN_SETTINGS };
  for (const [key, { name, valid, rule }] of Object.entries(VARIABLES) as [keyof ChurnSettings, (typeof VARIABLES)[keyof ChurnSettings]][]) {
    const text = env[name];
    if (text === undefined || text.trim() === '') continue;
    const value = Number(text);
    if (!Number.isFinite(value) || !valid(value)) throw new Error(`environment variable ${name} must be ${rule}, got "${text}"`);
    settings[key] = value;
  }
  return settings;
}
