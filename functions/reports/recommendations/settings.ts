// Settings of the recommendations report; the model version of its score records is derived from them.
import { DEFAULT_CO_OCCURRENCE, type CoOccurrenceSettings } from './co-occurrence.ts';

export interface RecommendationSettings {
  coOccurrence: CoOccurrenceSettings;
  /** Products recommended per customer (and written to the score record). @default 3 */
  perCustomer: number;
  /** The holdout: the last months before the as-of date. @default 3 */
  holdoutMonths: number;
  /** Hit rates reported at these list lengths. @default [3, 10] */
  evaluateAt: readonly number[];
  /** Rows per product in product_associations. @default 5 */
  associationsPerProduct: number;
}

export const RECOMMENDATION_SETTINGS: Readonly<RecommendationSettings> = {
  coOccurrence: DEFAULT_CO_OCCURRENCE,
  perCustomer: 3,
  holdoutMonths: 3,
  evaluateAt: [3, 10],
  associationsPerProduct: 5,
};
