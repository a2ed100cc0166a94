// Contractual churn: per cohort (the year of a customer's first contract), the shifted-beta-geometric
// model fitted on how many contract terms customers had and whether they are still under contract;
// the observed and projected survival by term, and the residual value of the active contracts
// (value of the current term × discounted expected residual lifetime, Fader & Hardie 2010).
import { discountedExpectedResidualLifetime, fitSbg, survival, type SbgFit } from '../models/sbg.ts';
import { numberIn, stringIn } from './table-rows.ts';

/** Terms projected beyond the longest one observed in a cohort. */
export const PROJECTED_TERMS = 3;
/** Fewer customers past their first term than this in a cohort and no model is fitted for it. */
export const MIN_COHORT_CUSTOMERS = 10;

interface CohortRow {
  cohort: string;
  terms: number;
  active: boolean;
  currency: string;
  customers: number;
  activeValue: number;
}

export interface CohortSurvival {
  cohort: string;
  term: number;
  customers: number;
  /** Customers who reached this term (had at least `term` terms). */
  reached: number;
  observed: number;
  projected: number | null;
}

export interface CohortModel {
  cohort: string;
  currency: string;
  customers: number;
  active: number;
  churned: number;
  fit?: SbgFit;
  /** Value of the active contracts' current terms, in `currency`. */
  activeValue: number;
  /** Expected discounted value of their future terms; null without a fit. */
  residualValue: number | null;
}

export interface ContractRetention {
  survival: CohortSurvival[];
  models: CohortModel[];
}

export function contractRetention(rows: readonly Record<string, unknown>[], annualDiscountRate: number): ContractRetention {
  const table = 'contract_cohorts';
  const parsed: CohortRow[] = rows.map((row, i) => ({
    cohort: stringIn(row, 'cohort', table, i),
    terms: numberIn(row, 'terms', table, i),
    active: stringIn(row, 'outcome', table, i) === 'active',
    currency: stringIn(row, 'currency', table, i),
    customers: numberIn(row, 'customers', table, i),
    activeValue: numberIn(row, 'active_contract_value', table, i),
  }));
  const cohorts = [...new Set(parsed.map((r) => r.cohort))].sort();
  const survivalRows: CohortSurvival[] = [];
  const models: CohortModel[] = [];
  for (const cohort of cohorts) {
    const members = parsed.filter((r) => r.cohort === cohort);
    const size = members.reduce((s, r) => s + r.customers, 0);
    const longest = Math.max(...members.map((r) => r.terms));
    // A churned customer with n terms churned at the end of term n; an active one has survived n − 1 renewals.
    const churned = Array.from({ length: longest }, () => 0);
    const censored = Array.from({ length: longest }, () => 0);
    for (const r of members) {
      if (!r.active) churned[r.terms - 1]! += r.customers;
      else if (r.terms > 1) censored[r.terms - 2]! += r.customers;
    }
    let fit: SbgFit | undefined;
    // Customers still in their first term tell nothing about renewal yet; the others must be enough to fit on.
    const informative = [...churned, ...censored].reduce((s, n) => s + n, 0);
    if (informative >= MIN_COHORT_CUSTOMERS && churned.some((n) => n > 0)) fit = fitSbg({ churned, censored });
    for (let term = 1; term <= longest + PROJECTED_TERMS; term++) {
      const reached = members.filter((r) => r.terms >= term).reduce((s, r) => s + r.customers, 0);
      survivalRows.push({ cohort, term, customers: size, reached, observed: reached / size, projected: fit ? survival(fit, term - 1) : null });
    }
    for (const currency of [...new Set(members.map((r) => r.currency))].sort()) {
      const inCurrency = members.filter((r) => r.currency === currency);
      const active = inCurrency.filter((r) => r.active);
      const activeValue = active.reduce((s, r) => s + r.activeValue, 0);
      const residualValue = fit ? active.reduce((s, r) => s + r.activeValue * discountedExpectedResidualLifetime(fit, r.terms, annualDiscountRate), 0) : null;
      models.push({
        cohort,
        currency,
        customers: inCurrency.reduce((s, r) => s + r.customers, 0),
        active: active.reduce((s, r) => s + r.customers, 0),
        churned: inCurrency.filter((r) => !r.active).reduce((s, r) => s + r.customers, 0),
        ...(fit ? { fit } : {}),
        activeValue,
        residualValue,
      });
    }
  }
  return { survival: survivalRows, models };
}
