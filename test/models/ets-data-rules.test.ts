// The data rules of automatic ETS (ets-auto.ts) and the backtest's accuracy measures.
import { describe, expect, it } from 'vitest';
import { backtestPlan, mase, naiveScale, smape } from '#functions/reports/models/ets/accuracy.ts';
import { autoEts, candidateForms } from '#functions/reports/models/ets/ets-auto.ts';
import { forecastSeries } from '#functions/reports/models/ets/forecast-series.ts';
import { interpolateGaps, regularise, SeriesError } from '#functions/reports/models/ets/regular-periods.ts';

describe('automatic ETS on awkward series', () => {
  it('a constant series gets a flat forecast with no spread', () => {
    const f = forecastSeries([5, 5, 5, 5, 5, 5, 5, 5], { season: 4, horizon: 3 });
    expect(f.selection.rule).toBe('constant');
    expect(f.ets.point).toEqual([5, 5, 5]);
    expect(f.ets.intervals[1]!.lower).toEqual([5, 5, 5]);
  });

  it('zeros rule out multiplicative forms', () => {
    const y = [0, 3, 5, 2, 0, 4, 6, 2, 1, 3, 6, 3, 0, 4, 5, 2];
    const forms = candidateForms(y, 4);
    expect(forms.every((f) => f.error === 'A' && f.season !== 'M')).toBe(true);
    expect(forms).toHaveLength(6);
    const f = forecastSeries(y, { season: 4, horizon: 4 });
    expect(f.ets.point.every(Number.isFinite)).toBe(true);
  });

  it('three points get simple exponential smoothing; a season longer than the series is dropped', () => {
    const r = autoEts([10, 12, 11], 12);
    expect(r.rule).toBe('short');
    expect(r.fit.name).toBe('ETS(A,N,N)');
    expect(candidateForms(Array.from({ length: 12 }, (_, i) => i + 1), 12).every((f) => f.season === 'N')).toBe(true);
    expect(candidateForms(Array.from({ length: 120 }, (_, i) => i + 1), 52).every((f) => f.season === 'N')).toBe(true);
  });

  it('a strongly seasonal series gets a seasonal form that beats seasonal naive out of sample', () => {
    const season = [0.8, 0.9, 1.0, 1.1, 1.3, 1.4, 1.3, 1.1, 1.0, 0.9, 0.7, 0.5];
    // Growing level, multiplicative season, deterministic wiggle as noise.
    const y = Array.from({ length: 72 }, (_, t) => (100 + 2 * t) * season[t % 12]! * (1 + 0.03 * Math.sin(t * 1.7)));
    const f = forecastSeries(y, { season: 12, horizon: 12 });
    expect(f.selection.fit.form.season).not.toBe('N');
    const score = Object.fromEntries(f.backtest.map((b) => [b.method, b.mase]));
    expect(score.ets!).toBeLessThan(score.seasonal_naive!);
  });
});

describe('accuracy measures', () => {
  it('MASE scales by the in-sample seasonal naive error, sMAPE is symmetric in percent', () => {
    // |3-1| + |4-2| = 4 over 2 lagged pairs (lag 2): scale 2.
    expect(naiveScale([1, 2, 3, 4], 2)).toBe(2);
    expect(mase([10, 20], [12, 17], 2)).toBe(1.25);
    expect(smape([100], [50])).toBeCloseTo((200 * 50) / 150, 10);
    expect(smape([0], [0])).toBe(0);
  });

  it('backtest plan: non-overlapping seasons when there is room, shorter windows one period apart otherwise', () => {
    expect(backtestPlan(144, 12, 12)).toEqual({ horizon: 12, origins: [108, 120, 132] });
    expect(backtestPlan(23, 12, 12)).toEqual({ horizon: 8, origins: [13, 14, 15] });
    expect(backtestPlan(10, 12, 12).origins).toEqual([]);
  });
});

describe('regular periods', () => {
  const obs = (period: string, value: number, line: number) => ({ period: { kind: 'date' as const, value: period }, value, source: `line ${line}` });

  it('infers monthly spacing and fills a missing month by interpolation', () => {
    const r = regularise([obs('2024-01-01', 10, 2), obs('2024-02-01', 20, 3), obs('2024-04-01', 40, 4)]);
    expect(r.spacing).toBe('monthly');
    expect(r.periods).toEqual(['2024-01-01', '2024-02-01', '2024-03-01', '2024-04-01']);
    expect(interpolateGaps(r.values)).toEqual({ values: [10, 20, 30, 40], filled: 1 });
  });

  it('rejects a duplicate period naming both lines', () => {
    expect(() => regularise([obs('2024-01-01', 1, 2), obs('2024-01-01', 2, 5)])).toThrow(SeriesError);
    expect(() => regularise([obs('2024-01-01', 1, 2), obs('2024-01-01', 2, 5)])).toThrow(/line 5: period: duplicate period 2024-01-01 \(also at line 2\)/);
  });
});
