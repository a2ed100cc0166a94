// BG/NBD + Gamma-Gamma fit on simulated customers: a million customers drawn from known parameters
// (purchase days in whole days, as the churn SQL gives them), compressed and fitted as the churn report
// does. Run alone with `npx tsx bench/churn-fit.ts [customers]`. For scale: Python `lifetimes` takes
// 16.1 s for the BG/NBD fit alone on one million customers on this kind of machine.
import { pathToFileURL } from 'node:url';
import { fitBgNbd } from '#functions/reports/models/bgnbd.ts';
import { fitGammaGamma, type SpendHistory } from '#functions/reports/models/gamma-gamma.ts';
import { compressHistories, type PurchaseHistory } from '#functions/reports/models/sufficient-statistics.ts';
import { mulberry32 } from '#lib/random/mulberry32.ts';

/** The CDNOW estimates (weeks) as the truth to simulate from. */
export const TRUE_BGNBD = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
export const TRUE_GAMMA_GAMMA = { p: 6.25, q: 3.74, gamma: 15.44 };

export interface ChurnFitBench {
  customers: number;
  simulateSeconds: number;
  /** Distinct (x, t_x, T) rows after compression. */
  distinctRows: number;
  /** Wall seconds; the `Cpu` twins are this process's CPU seconds. */
  compressSeconds: number;
  compressCpuSeconds: number;
  bgnbdFitSeconds: number;
  bgnbdFitCpuSeconds: number;
  repeatBuyers: number;
  gammaGammaDistinctRows: number;
  gammaGammaFitSeconds: number;
  gammaGammaFitCpuSeconds: number;
  /** Both fits, compression included. */
  totalFitSeconds: number;
  totalFitCpuSeconds: number;
  bgnbd: { r: number; alpha: number; a: number; b: number; iterations: number };
  gammaGamma: { p: number; q: number; gamma: number; iterations: number };
  truth: { bgnbd: typeof TRUE_BGNBD; gammaGamma: typeof TRUE_GAMMA_GAMMA };
}

const random = mulberry32;

function normal(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/** Gamma(shape, rate) by Marsaglia & Tsang, boosted for shape < 1. */
function gamma(rand: () => number, shape: number, rate: number): number {
  if (shape < 1) return gamma(rand, shape + 1, rate) * Math.pow(1 - rand(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(rand);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rand();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return (d * v) / rate;
  }
}

/**
 * Customers of the BG/NBD process with first purchases spread over a year before the as-of date; purchase
 * times are rounded to days and same-day purchases merged, as the churn SQL counts purchase days.
 */
export function simulateCustomers(n: number, seed = 7): { histories: PurchaseHistory[]; spend: SpendHistory[] } {
  const rand = random(seed);
  const { r, alpha, a, b } = TRUE_BGNBD;
  const histories: PurchaseHistory[] = new Array(n);
  const spend: SpendHistory[] = [];
  for (let i = 0; i < n; i++) {
    const ageDays = 1 + Math.floor(rand() * 364);
    const lambda = gamma(rand, r, alpha) / 7; // per day
    const pa = gamma(rand, a, 1);
    const p = pa / (pa + gamma(rand, b, 1));
    let day = 0;
    let lastDay = 0;
    let x = 0;
    let at = 0;
    for (;;) {
      at += -Math.log(1 - rand()) / lambda;
      if (at > ageDays) break;
      day = Math.round(at);
      if (day > lastDay && day <= ageDays) {
        x++;
        lastDay = day;
      }
      if (rand() < p) break;
    }
    histories[i] = { x, tx: lastDay / 7, T: ageDays / 7 };
    if (x > 0) {
      const nu = gamma(rand, TRUE_GAMMA_GAMMA.q, TRUE_GAMMA_GAMMA.gamma);
      let total = 0;
      for (let k = 0; k < x; k++) total += gamma(rand, TRUE_GAMMA_GAMMA.p, nu);
      spend.push({ x, monetary: Math.max(0.01, Math.round((total / x) * 100) / 100) });
    }
  }
  return { histories, spend };
}

const since = (start: number) => (performance.now() - start) / 1000;
/** CPU seconds of this process (user + system): on a shared, loaded machine wall time mostly measures the queue. */
const cpuSince = (start: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
};

export function benchChurnFit(customers = 1_000_000): ChurnFitBench {
  let t = performance.now();
  const { histories, spend } = simulateCustomers(customers);
  const simulateSeconds = since(t);
  t = performance.now();
  let cpu = process.cpuUsage();
  const compressed = compressHistories(histories);
  const compressSeconds = since(t);
  const compressCpuSeconds = cpuSince(cpu);
  t = performance.now();
  cpu = process.cpuUsage();
  const bgnbd = fitBgNbd(compressed);
  const bgnbdFitSeconds = since(t);
  const bgnbdFitCpuSeconds = cpuSince(cpu);
  t = performance.now();
  cpu = process.cpuUsage();
  const gg = fitGammaGamma(spend);
  const gammaGammaFitSeconds = since(t);
  const gammaGammaFitCpuSeconds = cpuSince(cpu);
  const round = (v: number) => Math.round(v * 1e4) / 1e4;
  return {
    customers,
    simulateSeconds: round(simulateSeconds),
    distinctRows: compressed.weight.length,
    compressSeconds: round(compressSeconds),
    compressCpuSeconds: round(compressCpuSeconds),
    bgnbdFitSeconds: round(bgnbdFitSeconds),
    bgnbdFitCpuSeconds: round(bgnbdFitCpuSeconds),
    repeatBuyers: spend.length,
    gammaGammaDistinctRows: gg.distinctRows,
    gammaGammaFitSeconds: round(gammaGammaFitSeconds),
    gammaGammaFitCpuSeconds: round(gammaGammaFitCpuSeconds),
    totalFitSeconds: round(compressSeconds + bgnbdFitSeconds + gammaGammaFitSeconds),
    totalFitCpuSeconds: round(compressCpuSeconds + bgnbdFitCpuSeconds + gammaGammaFitCpuSeconds),
    bgnbd: { r: round(bgnbd.r), alpha: round(bgnbd.alpha), a: round(bgnbd.a), b: round(bgnbd.b), iterations: bgnbd.iterations },
    gammaGamma: { p: round(gg.p), q: round(gg.q), gamma: round(gg.gamma), iterations: gg.iterations },
    truth: { bgnbd: TRUE_BGNBD, gammaGamma: TRUE_GAMMA_GAMMA },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(`${JSON.stringify(benchChurnFit(Number(process.argv[2] ?? 1_000_000)), null, 2)}\n`);
}
