// The calibration/holdout check: BG/NBD fitted on the calibration period only, its expected repeat
// purchases over the holdout weeks against the purchases customers actually made, by how often they
// bought in calibration (Fader, Hardie & Lee 2005, figure 3). A model that fits tracks the actual line.
import { conditionalExpectedPurchases, fitBgNbd, type BgNbdFit } from '../models/bgnbd.ts';
import { compressHistories } from '../models/sufficient-statistics.ts';
import { numberIn, stringIn } from './table-rows.ts';

/** Calibration frequencies shown one by one; higher ones are pooled into the last group ("7+"). */
export const POOLED_FREQUENCY = 7;

export interface CalibrationGroup {
  frequency: number;
  label: string;
  customers: number;
  actual: number;
  predicted: number;
}

export interface CalibrationCheck {
  cutoff: string;
  holdoutWeeks: number;
  fit: BgNbdFit;
  groups: CalibrationGroup[];
}

/** From the calibration_statistics rows (already one row per distinct statistics, with counts). */
export function calibrationCheck(rows: readonly Record<string, unknown>[]): CalibrationCheck | undefined {
  const table = 'calibration_statistics';
  if (!rows.length) return undefined;
  const parsed = rows.map((row, i) => ({
    cutoff: stringIn(row, 'cutoff', table, i),
    holdoutWeeks: numberIn(row, 'holdout_weeks', table, i),
    x: numberIn(row, 'x_calibration', table, i),
    tx: numberIn(row, 't_x_calibration', table, i),
    T: numberIn(row, 't_calibration', table, i),
    customers: numberIn(row, 'customers', table, i),
    holdout: numberIn(row, 'holdout_purchases', table, i),
  }));
  if (!parsed.some((r) => r.x > 0)) return undefined;
  // The SQL already grouped identical statistics: its customer counts are the weights.
  const data = compressHistories(parsed.map((r) => ({ x: r.x, tx: r.tx, T: r.T, weight: r.customers })));
  const fit = fitBgNbd(data);
  const groups = new Map<number, { customers: number; actual: number; predicted: number }>();
  for (const r of parsed) {
    const frequency = Math.min(r.x, POOLED_FREQUENCY);
    const g = groups.get(frequency) ?? { customers: 0, actual: 0, predicted: 0 };
    g.customers += r.customers;
    g.actual += r.holdout;
    g.predicted += r.customers * conditionalExpectedPurchases(fit, r, r.holdoutWeeks);
    groups.set(frequency, g);
  }
  return {
    cutoff: parsed[0]!.cutoff,
    holdoutWeeks: parsed[0]!.holdoutWeeks,
    fit,
    groups: [...groups.entries()]
      .sort(([a], [b]) => a - b)
      .map(([frequency, g]) => ({
        frequency,
        label: frequency === POOLED_FREQUENCY ? `${POOLED_FREQUENCY}+` : String(frequency),
        customers: g.customers,
        actual: g.actual / g.customers,
        predicted: g.predicted / g.customers,
      })),
  };
}
