// Nelder–Mead minimisation, a faithful port of R's nmmin (optim's "Nelder-Mead", which
// forecast::ets calls with reltol = sqrt(machine epsilon), alpha 1, beta 0.5, gamma 2):
// following the same steps from the same start reaches the same optimum as R.

const BIG = 1.0e35;

export interface NelderMeadOptions {
  /** Relative convergence tolerance. @default sqrt(2^-52) */
  reltol?: number;
  /** Maximum number of function evaluations. @default 2000 */
  maxit?: number;
}

export interface NelderMeadResult {
  x: number[];
  value: number;
  evaluations: number;
  converged: boolean;
}

export function nelderMead(fn: (x: readonly number[]) => number, start: readonly number[], options: NelderMeadOptions = {}): NelderMeadResult {
  const reltol = options.reltol ?? Math.sqrt(2 ** -52);
  const maxit = options.maxit ?? 2000;
  const alpha = 1;
  const beta = 0.5;
  const gamma = 2;
  const n = start.length;
  const evaluate = (x: readonly number[]) => {
    const v = fn(x);
    return Number.isFinite(v) ? v : BIG;
  };
  const b = [...start];
  const f0 = fn(b);
  if (!Number.isFinite(f0)) throw new Error('Nelder-Mead: the function cannot be evaluated at the initial parameters');
  if (n === 0) return { x: [], value: f0, evaluations: 1, converged: true };
  // Simplex vertices as columns: p[j] is vertex j, fv[j] its value; p[n + 1] is the centroid slot.
  const p: number[][] = Array.from({ length: n + 2 }, () => new Array<number>(n).fill(0));
  const fv = new Array<number>(n + 2).fill(0);
  let funcount = 1;
  const convtol = reltol * (Math.abs(f0) + reltol);
  fv[0] = f0;
  for (let i = 0; i < n; i++) p[0]![i] = b[i]!;
  let L = 0;
  let size = 0;
  let step = 0;
  for (let i = 0; i < n; i++) if (0.1 * Math.abs(b[i]!) > step) step = 0.1 * Math.abs(b[i]!);
  if (step === 0) step = 0.1;
  for (let j = 1; j <= n; j++) {
    for (let i = 0; i < n; i++) p[j]![i] = b[i]!;
    let trystep = step;
    while (p[j]![j - 1] === b[j - 1]) {
      p[j]![j - 1] = b[j - 1]! + trystep;
      trystep *= 10;
    }
    size += trystep;
  }
  let oldsize = size;
  let calcvert = true;
  let converged = false;
  const C = n + 1;
  for (;;) {
    if (calcvert) {
      for (let j = 0; j <= n; j++) {
        if (j !== L) {
          fv[j] = evaluate(p[j]!);
          funcount++;
        }
      }
      calcvert = false;
    }
    let VL = fv[L]!;
    let VH = VL;
    let H = L;
    for (let j = 0; j <= n; j++) {
      if (j !== L) {
        const f = fv[j]!;
        if (f < VL) {
          L = j;
          VL = f;
        }
        if (f > VH) {
          H = j;
          VH = f;
        }
      }
    }
    if (VH <= VL + convtol) {
      converged = true;
      break;
    }
    const centroid = p[C]!;
    for (let i = 0; i < n; i++) {
      let temp = -p[H]![i]!;
      for (let j = 0; j <= n; j++) temp += p[j]![i]!;
      centroid[i] = temp / n;
    }
    for (let i = 0; i < n; i++) b[i] = (1 + alpha) * centroid[i]! - alpha * p[H]![i]!;
    let f = evaluate(b);
    funcount++;
    const VR = f;
    if (VR < VL) {
      fv[C] = f;
      for (let i = 0; i < n; i++) {
        const e = gamma * b[i]! + (1 - gamma) * centroid[i]!;
        centroid[i] = b[i]!;
        b[i] = e;
      }
      f = evaluate(b);
      funcount++;
      if (f < VR) {
        for (let i = 0; i < n; i++) p[H]![i] = b[i]!;
        fv[H] = f;
      } else {
        for (let i = 0; i < n; i++) p[H]![i] = centroid[i]!;
        fv[H] = VR;
      }
    } else {
      if (VR < VH) {
        for (let i = 0; i < n; i++) p[H]![i] = b[i]!;
        fv[H] = VR;
      }
      for (let i = 0; i < n; i++) b[i] = (1 - beta) * p[H]![i]! + beta * centroid[i]!;
      f = evaluate(b);
      funcount++;
      if (f < fv[H]!) {
        for (let i = 0; i < n; i++) p[H]![i] = b[i]!;
        fv[H] = f;
      } else if (VR >= VH) {
        calcvert = true;
        size = 0;
        for (let j = 0; j <= n; j++) {
          if (j !== L) {
            for (let i = 0; i < n; i++) {
              p[j]![i] = beta * (p[j]![i]! - p[L]![i]!) + p[L]![i]!;
              size += Math.abs(p[j]![i]! - p[L]![i]!);
            }
          }
        }
        if (size < oldsize) oldsize = size;
        else break;
      }
    }
    if (funcount > maxit) break;
  }
  return { x: [...p[L]!], value: fv[L]!, evaluations: funcount, converged };
}
