// Loading and applying the commission plan (schemas/commission-plan.ts). Like the automation
// configuration, the plan is a JSON file: the one named by CRM_COMMISSION_PLAN, else `crm.commission.json`
// in the working directory when there is one, else the default below. It is checked when the report is
// defined, so a bad file fails `crm report` with `commission plan <file>: <field>: <reason>`.
import { existsSync, readFileSync } from 'node:fs';
import { commissionPlanSchema, type CommissionPlan, type CommissionTier } from '#schemas/commission-plan.ts';

/** 3% up to 50,000 collected, 5% on the next 100,000, 8% above 150,000 (per owner, currency and 12 months). */
export const DEFAULT_COMMISSION_PLAN: CommissionPlan = {
  description: 'Marginal rates on payments collected in the 12 months up to the as-of date',
  tiers: [
    { from: 0, rate: 0.03 },
    { from: 50_000, rate: 0.05 },
    { from: 150_000, rate: 0.08 },
  ],
};

export class CommissionPlanError extends Error {
  constructor(
    readonly source: string,
    readonly issues: { field: string; reason: string }[],
  ) {
    super(issues.map((i) => `commission plan ${source}: ${i.field}: ${i.reason}`).join('\n'));
    this.name = 'CommissionPlanError';
  }
}

const pathText = (path: readonly PropertyKey[]) => path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') || '(plan)';

/** Checks a plan (parsed JSON or an object), naming each bad field. */
export function parseCommissionPlan(input: unknown, source = '(inline)'): CommissionPlan {
  const result = commissionPlanSchema.safeParse(input);
  if (!result.success) throw new CommissionPlanError(source, result.error.issues.map((i) => ({ field: pathText(i.path), reason: i.message })));
  return result.data;
}

export function loadCommissionPlan(file: string): CommissionPlan {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CommissionPlanError(file, [{ field: '(file)', reason: `cannot be read: ${(err as Error).message}` }]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new CommissionPlanError(file, [{ field: '(file)', reason: `is not valid JSON: ${(err as Error).message}` }]);
  }
  return parseCommissionPlan(json, file);
}

export const COMMISSION_PLAN_FILE = 'crm.commission.json';

/** The plan named by CRM_COMMISSION_PLAN, else `crm.commission.json` in `cwd`, else the default. */
export function commissionPlanFromEnvironment(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): CommissionPlan {
  if (env.CRM_COMMISSION_PLAN) return loadCommissionPlan(env.CRM_COMMISSION_PLAN);
  const local = `${cwd}/${COMMISSION_PLAN_FILE}`;
  return existsSync(local) ? loadCommissionPlan(local) : DEFAULT_COMMISSION_PLAN;
}

/** The tiers that apply to an owner's payments in a currency: the team's, else the currency's, else the plan's. */
export const tiersFor = (plan: CommissionPlan, team: string, currency: string): readonly CommissionTier[] => plan.teams?.[team] ?? plan.currencies?.[currency] ?? plan.tiers;

/**
 * Commission in cents on `collectedCents`: each tier's rate on the part within it. Nothing is paid on
 * a negative balance (more credit notes than payments).
 */
export function commissionCents(collectedCents: number, tiers: readonly CommissionTier[]): { commissionCents: number; tier: number } {
  let commission = 0;
  let reached = 0;
  tiers.forEach((t, i) => {
    const start = Math.round(t.from * 100);
    const end = i + 1 < tiers.length ? Math.round(tiers[i + 1]!.from * 100) : Infinity;
    if (collectedCents > start) {
      commission += t.rate * (Math.min(collectedCents, end) - start);
      reached = i + 1;
    }
  });
  return { commissionCents: Math.round(commission), tier: reached };
}
