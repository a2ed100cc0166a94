// Heuristic starting states for the likelihood search (forecast::ets's initstate): seasonal indices
// from a classical decomposition (or, with fewer than three seasons, from a trend + first-harmonic
// regression), then level and slope from a line through the first max(10, 2m) seasonally
// adjusted values. The optimiser refines all of them.
import { classicalSeasonal } from './decompose.ts';
import type { EtsForm } from './ets-model.ts';
import { leastSquares, linearTrend } from './least-squares.ts';

export interface StartStates {
  level: number;
  slope: number;
  /** m − 1 free seasonal indices, most recent first (the m-th follows from the normalisation). */
  season: number[];
}

export function initialStates(y: readonly number[], m: number, form: EtsForm): StartStates {
  const n = y.length;
  let adjusted = [...y];
  let season: number[] = [];
  if (form.season !== 'N') {
    const additive = form.season === 'A';
    let component: number[];
    if (n < 3 * m) {
      // Trend plus one Fourier pair; the seasonal part is what the line leaves.
      const rows = y.map((_, i) => {
        const t = i + 1;
        const row = [1, t, Math.sin((2 * Math.PI * t) / m), Math.cos((2 * Math.PI * t) / m)];
        return m === 2 ? row.filter((_, c) => c !== 2) : row;
      });
      const [c0, c1] = leastSquares(rows, [...y]);
      component = y.map((v, i) => (additive ? v - c0! - c1! * (i + 1) : v / (c0! + c1! * (i + 1))));
    } else {
      component = classicalSeasonal(y, m, additive ? 'additive' : 'multiplicative');
    }
    season = component.slice(1, m).reverse();
    if (additive) {
      adjusted = y.map((v, i) => v - component[i]!);
    } else {
      season = season.map((s) => Math.max(s, 1e-2));
      const sum = season.reduce((a, s) => a + s, 0);
      if (sum > m) {
        const scale = season.reduce((a, s) => a + s + 1e-2, 0);
        season = season.map((s) => s / scale);
      }
      adjusted = y.map((v, i) => v / Math.max(component[i]!, 1e-2));
    }
  }
  const maxn = Math.min(Math.max(10, 2 * m), n);
  const head = adjusted.slice(0, maxn);
  if (form.trend === 'N') return { level: head.reduce((a, v) => a + v, 0) / maxn, slope: 0, season };
  let { intercept: level, slope } = linearTrend(head);
  // With multiplicative errors l0 + b0 = 0 would make the first forecast zero: nudge it.
  if (Math.abs(level + slope) < 1e-8) {
    level *= 1 + 1e-3;
    slope *= 1 + 1e-3;
  }
  return { level, slope, season };
}
