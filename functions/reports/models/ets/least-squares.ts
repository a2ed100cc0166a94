// Ordinary least squares by the normal equations (a handful of columns: trend lines, Fourier terms).

/** Coefficients b minimising |y − X b|²; X given as rows. Singular systems get 0 for dependent columns. */
export function leastSquares(rows: readonly (readonly number[])[], y: readonly number[]): number[] {
  const k = rows[0]?.length ?? 0;
  const a = Array.from({ length: k }, () => new Array<number>(k + 1).fill(0));
  rows.forEach((x, r) => {
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) a[i]![j]! += x[i]! * x[j]!;
      a[i]![k]! += x[i]! * y[r]!;
    }
  });
  // Gauss–Jordan with partial pivoting.
  const used = new Array<boolean>(k).fill(false);
  for (let col = 0; col < k; col++) {
    let pivot = -1;
    for (let r = col; r < k; r++) if (pivot < 0 || Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    if (pivot < 0 || Math.abs(a[pivot]![col]!) < 1e-12) continue;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    used[col] = true;
    for (let r = 0; r < k; r++) {
      if (r === col) continue;
      const factor = a[r]![col]! / a[col]![col]!;
      for (let c = col; c <= k; c++) a[r]![c]! -= factor * a[col]![c]!;
    }
  }
  return a.map((row, i) => (used[i] ? row[k]! / row[i]! : 0));
}

/** Intercept and slope of y on 1..n. */
export function linearTrend(y: readonly number[]): { intercept: number; slope: number } {
  const [intercept, slope] = leastSquares(
    y.map((_, i) => [1, i + 1]),
    y,
  );
  return { intercept: intercept!, slope: slope ?? 0 };
}
