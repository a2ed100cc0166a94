// The commission plan of the sales_performance report: rate tiers on the payments an owner's customers
// paid in the period, marginal like income tax brackets (each rate applies to the part of the collected
// amount within its tier). Thresholds are amounts in the payment's currency, so a plan states them per
// currency where they differ; money of different currencies is never added to reach a tier.
import { z } from 'zod';
import { ISO_4217_CODES } from './currencies.ts';

const tier = z.strictObject({
  /** The collected amount at which this rate starts (in the currency's units). */
  from: z.number().min(0, 'must not be negative').refine((v) => Number.isFinite(v) && Math.abs(Math.round(v * 100) - v * 100) < 1e-6, 'must be an amount with at most 2 decimal places'),
  /** Share of the collected amount within the tier paid as commission, 0 to 1. */
  rate: z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1'),
});

export const commissionTiers = z
  .array(tier)
  .min(1, 'needs at least one tier')
  .max(20)
  .superRefine((tiers, ctx) => {
    if (tiers[0] && tiers[0].from !== 0) ctx.addIssue({ code: 'custom', path: [0, 'from'], message: 'the first tier must start at 0' });
    for (let i = 1; i < tiers.length; i++) {
      if (!(tiers[i]!.from > tiers[i - 1]!.from)) ctx.addIssue({ code: 'custom', path: [i, 'from'], message: `must be greater than the previous tier's from (${tiers[i - 1]!.from})` });
    }
  });

export const commissionPlanSchema = z.strictObject({
  $schema: z.string().optional(),
  description: z.string().max(500).optional(),
  /** Tiers for every currency not listed in `currencies`. */
  tiers: commissionTiers,
  /** Tiers of one currency, e.g. thresholds in JPY. */
  currencies: z
    .record(z.string(), commissionTiers)
    .superRefine((byCurrency, ctx) => {
      for (const code of Object.keys(byCurrency)) if (!ISO_4217_CODES.has(code)) ctx.addIssue({ code: 'custom', path: [code], message: 'must be an ISO-4217 currency code such as EUR' });
    })
    .optional(),
  /** A team's own tiers (for every currency of that team), e.g. account managers on a lower rate. */
  teams: z.record(z.string().min(1).max(100), commissionTiers).optional(),
});

export type CommissionTier = z.infer<typeof tier>;
export type CommissionPlan = z.infer<typeof commissionPlanSchema>;
