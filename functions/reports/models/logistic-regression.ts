// L2-regularised logistic regression, fitted by Newton's method (iteratively reweighted least squares)
// on the penalised log-likelihood
//   −Σ [y log p + (1 − y) log(1 − p)] + (λ / 2) Σ_j β_j²,   p = σ(β0 + x·β),
// with the intercept β0 unpenalised. The objective is strictly convex for λ > 0, so Newton converges
// from zero in a few steps; each step solves the (d+1)² system by Cholesky. Plus the two checks a
// scoring model needs: AUC (Mann-Whitney, ties counted half) and calibration by bins of predicted risk.

export interface LogisticFit {
  intercept: number;
  coefficients: number[];
  /** The penalised negative log-likelihood at the optimum. */
  objective: number;
  iterations: number;
}

export interface LogisticOptions {
  /** L2 penalty λ on the coefficients (not the intercept). @default 1 */
  lambda?: number;
  /** Stop when the largest Newton step is below this. @default 1e-10 */
  tolerance?: number;
  /** @default 100 */
  maxIterations?: number;
}

export const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** log(1 + e^z) without overflow. */
const softplus = (z: number) => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));

export function predictLogistic(fit: Pick<LogisticFit, 'intercept' | 'coefficients'>, x: readonly number[]): number {
  let z = fit.intercept;
  for (let j = 0; j < x.length; j++) z += fit.coefficients[j]! * x[j]!;
  return sigmoid(z);
}

function objective(X: readonly (readonly number[])[], y: readonly number[], beta: number[], lambda: number): number {
  let total = 0;
  for (let i = 0; i < X.length; i++) {
    let z = beta[0]!;
    for (let j = 0; j < X[i]!.length; j++) z += beta[j + 1]! * X[i]![j]!;
    // −[y z − log(1 + e^z)]
    total += softplus(z) - y[i]! * z;
  }
  for (let j = 1; j < beta.length; j++) total += (lambda / 2) * beta[j]! ** 2;
  return total;
}

/** Solves A x = b for a symmetric positive definite A (Cholesky). */
function solveSpd(A: number[][], b: number[]): number[] {
  const n = b.length;
  const L = A.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i]![j]!;
      for (let k = 0; k < j; k++) s -= L[i]![k]! * L[j]![k]!;
      if (i === j) {
        if (s <= 0) throw new Error('logistic regression: the Hessian is not positive definite (use a penalty λ > 0)');
        L[i]![i] = Math.sqrt(s);
      } else L[i]![j] = s / L[j]![j]!;
    }
  }
  const z = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[i]![k]! * z[k]!;
    z[i] = s / L[i]![i]!;
  }
  const x = new Array<number>(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let k = i + 1; k < n; k++) s -= L[k]![i]! * x[k]!;
    x[i] = s / L[i]![i]!;
  }
  return x;
}

export function fitLogisticL2(X: readonly (readonly number[])[], y: readonly number[], options: LogisticOptions = {}): LogisticFit {
  const lambda = options.lambda ?? 1;
  const tolerance = options.tolerance ?? 1e-10;
  const maxIterations = options.maxIterations ?? 100;
  if (X.length !== y.length) throw new Error(`logistic regression: ${X.length} rows of features but ${y.length} labels`);
  if (!X.length) throw new Error('logistic regression: no rows to fit');
  if (!(lambda >= 0)) throw new Error(`logistic regression: λ must be ≥ 0, got ${lambda}`);
  const d = X[0]!.length;
  X.forEach((row, i) => {
    if (row.length !== d) throw new Error(`logistic regression: row ${i + 1} has ${row.length} features, the first has ${d}`);
    if (y[i] !== 0 && y[i] !== 1) throw new Error(`logistic regression: label ${i + 1} must be 0 or 1, got ${y[i]}`);
  });
  const beta = new Array<number>(d + 1).fill(0);
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    const g = new Array<number>(d + 1).fill(0);
    const H = Array.from({ length: d + 1 }, () => new Array<number>(d + 1).fill(0));
    for (let i = 0; i < X.length; i++) {
      const row = X[i]!;
      let z = beta[0]!;
      for (let j = 0; j < d; j++) z += beta[j + 1]! * row[j]!;
      const p = sigmoid(z);
      const w = p * (1 - p);
      const r = p - y[i]!;
      for (let a = 0; a <= d; a++) {
        const xa = a === 0 ? 1 : row[a - 1]!;
        g[a] = g[a]! + r * xa;
        const Ha = H[a]!;
        for (let b = 0; b <= a; b++) Ha[b] = Ha[b]! + w * xa * (b === 0 ? 1 : row[b - 1]!);
      }
    }
    for (let a = 1; a <= d; a++) {
      g[a] = g[a]! + lambda * beta[a]!;
      H[a]![a] = H[a]![a]! + lambda;
    }
    for (let a = 0; a <= d; a++) for (let b = a + 1; b <= d; b++) H[a]![b] = H[b]![a]!;
    const step = solveSpd(H, g);
    let largest = 0;
    for (let a = 0; a <= d; a++) {
      beta[a] = beta[a]! - step[a]!;
      largest = Math.max(largest, Math.abs(step[a]!));
    }
    if (largest < tolerance) return { intercept: beta[0]!, coefficients: beta.slice(1), objective: objective(X, y, beta, lambda), iterations: iteration };
  }
  throw new Error(`logistic regression: Newton's method did not converge in ${maxIterations} iterations (perfectly separated data needs a penalty λ > 0)`);
}

/** Area under the ROC curve: the probability that a random positive scores above a random negative (ties half). */
export function auc(scores: readonly number[], labels: readonly number[]): number | null {
  const order = scores.map((s, i) => [s, labels[i]!] as const).sort((a, b) => a[0] - b[0]);
  let positives = 0;
  let negatives = 0;
  let rankSum = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j < order.length && order[j]![0] === order[i]![0]) j++;
    const midRank = (i + 1 + j) / 2; // ranks i+1..j share their mean
    for (let k = i; k < j; k++) if (order[k]![1] === 1) rankSum += midRank;
    i = j;
  }
  for (const l of labels) l === 1 ? positives++ : negatives++;
  if (!positives || !negatives) return null;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export interface CalibrationBin {
  /** Lower edge of the predicted-probability bin (0, 0.1, ...). */
  from: number;
  to: number;
  count: number;
  meanPredicted: number | null;
  observedRate: number | null;
}

/** Predictions in `bins` equal-width bins of predicted probability: mean prediction next to the observed rate. */
export function calibrationBins(predicted: readonly number[], labels: readonly number[], bins = 10): CalibrationBin[] {
  const out = Array.from({ length: bins }, (_, b) => ({ from: b / bins, to: (b + 1) / bins, count: 0, sumP: 0, sumY: 0 }));
  predicted.forEach((p, i) => {
    const bin = out[Math.min(bins - 1, Math.floor(p * bins))]!;
    bin.count++;
    bin.sumP += p;
    bin.sumY += labels[i]!;
  });
  return out.map(({ from, to, count, sumP, sumY }) => ({ from, to, count, meanPredicted: count ? sumP / count : null, observedRate: count ? sumY / count : null }));
}
