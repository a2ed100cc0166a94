// Classical seasonal decomposition (R's stats::decompose): a centred moving average of one
// season as the trend, seasonal figures as the mean detrended value of each season position,
// normalised to sum 0 (additive) or average 1 (multiplicative).

/** The seasonal component for each period of y (position i of the season: figure[i mod m]). */
export function classicalSeasonal(y: readonly number[], m: number, type: 'additive' | 'multiplicative'): number[] {
  const n = y.length;
  const weights = m % 2 === 0 ? [0.5, ...new Array<number>(m - 1).fill(1), 0.5].map((w) => w / m) : new Array<number>(m).fill(1 / m);
  const half = Math.floor(weights.length / 2);
  const detrended: (number | undefined)[] = new Array(n).fill(undefined);
  for (let t = half; t < n - (weights.length - 1 - half); t++) {
    let trend = 0;
    for (let k = 0; k < weights.length; k++) trend += weights[k]! * y[t - half + k]!;
    detrended[t] = type === 'additive' ? y[t]! - trend : y[t]! / trend;
  }
  const figure: number[] = [];
  for (let i = 0; i < m; i++) {
    let sum = 0;
    let count = 0;
    for (let t = i; t < n; t += m) {
      const d = detrended[t];
      if (d !== undefined && Number.isFinite(d)) {
        sum += d;
        count++;
      }
    }
    figure.push(count ? sum / count : type === 'additive' ? 0 : 1);
  }
  const mean = figure.reduce((s, v) => s + v, 0) / m;
  const normalised = figure.map((v) => (type === 'additive' ? v - mean : v / mean));
  return y.map((_, t) => normalised[t % m]!);
}
