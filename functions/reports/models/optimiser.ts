// Quasi-Newton minimisation (BFGS with a backtracking Armijo line search) for the small, smooth
// likelihoods of the customer-base models. Parameters are optimised on the log scale by the callers,
// so the problem is unconstrained; the gradient is analytic, so each step costs one pass over the data.

export interface Objective {
  /** Value and gradient at θ. A non-finite value tells the line search to step back. */
  (theta: readonly number[]): { value: number; gradient: number[] };
}

export interface MinimiseOptions {
  /** Stop when the largest gradient component is below this. @default 1e-8 */
  gradientTolerance?: number;
  /** @default 500 */
  maxIterations?: number;
}

export interface MinimiseResult {
  theta: number[];
  value: number;
  gradient: number[];
  iterations: number;
  converged: boolean;
}

const dot = (a: readonly number[], b: readonly number[]) => a.reduce((s, v, i) => s + v * b[i]!, 0);
const maxAbs = (a: readonly number[]) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

export function minimise(objective: Objective, start: readonly number[], options: MinimiseOptions = {}): MinimiseResult {
  const tolerance = options.gradientTolerance ?? 1e-8;
  const maxIterations = options.maxIterations ?? 500;
  const n = start.length;
  let theta = [...start];
  let current = objective(theta);
  if (!Number.isFinite(current.value)) throw new Error(`the objective is not finite at the starting point [${start.join(', ')}]`);
  // Inverse Hessian approximation, starting from the identity.
  let h = identity(n);
  let iterations = 0;
  for (; iterations < maxIterations && maxAbs(current.gradient) > tolerance; iterations++) {
    let direction = h.map((row) => -dot(row, current.gradient));
    let slope = dot(direction, current.gradient);
    if (!(slope < 0)) {
      // Not a descent direction (curvature lost): restart from steepest descent.
      h = identity(n);
      direction = current.gradient.map((g) => -g);
      slope = dot(direction, current.gradient);
    }
    // Steps on the log scale larger than ~e^5 are never sensible; cap to stay in range.
    const length = maxAbs(direction);
    let step = length > 5 ? 5 / length : 1;
    let next: { value: number; gradient: number[] } | undefined;
    let candidate: number[] = theta;
    for (let tries = 0; tries < 60; tries++, step *= 0.5) {
      candidate = theta.map((t, i) => t + step * direction[i]!);
      const trial = objective(candidate);
      if (Number.isFinite(trial.value) && trial.value <= current.value + 1e-4 * step * slope) {
        next = trial;
        break;
      }
    }
    if (!next) break; // no decrease possible at machine precision: we are at the minimum
    const s = candidate.map((c, i) => c - theta[i]!);
    const y = next.gradient.map((g, i) => g - current.gradient[i]!);
    const sy = dot(s, y);
    if (sy > 1e-12) h = bfgsUpdate(h, s, y, sy);
    const change = Math.abs(current.value - next.value);
    theta = candidate;
    current = next;
    if (change <= 1e-15 * Math.max(1, Math.abs(current.value)) && maxAbs(s) < 1e-12) break;
  }
  return { theta, value: current.value, gradient: current.gradient, iterations, converged: maxAbs(current.gradient) <= Math.max(tolerance, 1e-6) };
}

function identity(n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
}

/** H' = (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ with ρ = 1 / yᵀs. */
function bfgsUpdate(h: number[][], s: number[], y: number[], sy: number): number[][] {
  const rho = 1 / sy;
  const hy = h.map((row) => dot(row, y));
  const yhy = dot(y, hy);
  return h.map((row, i) => row.map((v, j) => v - rho * (hy[i]! * s[j]! + s[i]! * hy[j]!) + (rho * rho * yhy + rho) * s[i]! * s[j]!));
}
