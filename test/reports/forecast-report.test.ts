// The forecast report's model step and headlines on hand-made revenue rows (its SQL is linted and
// run on DuckDB by report-sql.test.ts): one seasonal currency with three years of months, one with
// too little history, and the dashboard drawing the fan chart.
import { describe, expect, it } from 'vitest';
import { renderDashboard } from '#functions/reports/dashboard/dashboard.ts';
import { forecastTables } from '#functions/reports/forecast/forecast-tables.ts';
import { forecastHeadlines } from '#functions/reports/forecast/headlines.ts';
import { forecast } from '#functions/reports/forecast/report.ts';
import { currencySeries, currentPeriod } from '#functions/reports/forecast/revenue-series.ts';
import { buildSummary } from '#functions/reports/report-summary.ts';
import type { ReportTable } from '#functions/reports/report-definition.ts';

const AS_OF = '2024-01-15';
const season = [0.8, 0.85, 1.0, 1.05, 1.1, 1.2, 1.3, 1.25, 1.0, 0.9, 0.8, 1.4];
const month = (i: number) => `${2021 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-01`;
// EUR: Jan 2021 .. Dec 2023, seasonal with growth; March 2022 had no sales (no row).
const eur = Array.from({ length: 36 }, (_, i) => ({ month: month(i), currency: 'EUR', revenue: Math.round((1000 + 15 * i) * season[i % 12]! * (1 + 0.02 * Math.sin(i * 2.3)) * 100) / 100, orders: 10 })).filter((r) => r.month !== '2022-03-01');
const usd = [{ month: '2023-11-01', currency: 'USD', revenue: 50, orders: 1 }, { month: '2023-12-01', currency: 'USD', revenue: 70, orders: 2 }];
const weeks = Array.from({ length: 60 }, (_, i) => {
  const d = new Date(Date.UTC(2022, 10, 28) + i * 7 * 86_400_000); // Mondays
  return { week: d.toISOString().slice(0, 10), currency: 'EUR', revenue: 250 + (i % 4) * 10, orders: 3 };
});
const table = (rows: Record<string, unknown>[]): ReportTable => ({ columns: [], rows });

describe('forecast report', () => {
  const tables = { monthly_revenue: table([...eur, ...usd]), weekly_revenue: table(weeks) };
  const produced = forecastTables({ asOf: AS_OF, tables });

  it('a month or week counts once the as-of date is its last day', () => {
    expect(currentPeriod('2024-01-15', 'month')).toBe('2024-01-01');
    expect(currentPeriod('2024-01-31', 'month')).toBe('2024-02-01');
    expect(currentPeriod('2024-01-13', 'week')).toBe('2024-01-08'); // Saturday: its week still runs
    expect(currentPeriod('2024-01-14', 'week')).toBe('2024-01-15'); // Sunday: its week is complete
  });

  it('fills months without sales with zero and stops before the running as-of month', () => {
    const [e] = currencySeries([...eur, ...usd], 'month', AS_OF);
    expect(e!.periods).toHaveLength(36);
    expect(e!.periods[e!.periods.length - 1]).toBe('2023-12-01');
    expect(e!.values[14]).toBe(0);
  });

  it('monthly fan: 36 actual months then 12 forecast months with nested 80% and 95% bands; short currencies left out', () => {
    const rows = produced.monthly_forecast!.rows;
    expect(rows.every((r) => r.currency === 'EUR')).toBe(true);
    expect(rows.filter((r) => r.actual !== null)).toHaveLength(36);
    const ahead = rows.filter((r) => r.forecast !== null);
    expect(ahead.map((r) => r.month)).toEqual(Array.from({ length: 12 }, (_, i) => month(36 + i)));
    for (const r of ahead) {
      const [l95, l80, f, u80, u95] = [r.lower_95, r.lower_80, r.forecast, r.upper_80, r.upper_95] as number[];
      expect(l95).toBeLessThanOrEqual(l80!);
      expect(l80).toBeLessThanOrEqual(f!);
      expect(f).toBeLessThanOrEqual(u80!);
      expect(u80).toBeLessThanOrEqual(u95!);
      expect(Number.isInteger(Math.round(f! * 100))).toBe(true);
    }
    // Seasonal naive repeats December 2023 twelve months on.
    expect(ahead[11]!.seasonal_naive).toBe(eur.find((r) => r.month === '2023-12-01')!.revenue);
  });

  it('backtest scores ETS, seasonal naive and damped trend for each currency and granularity', () => {
    const rows = produced.forecast_backtest!.rows;
    expect(rows.map((r) => `${r.currency}/${r.granularity}/${r.method}`)).toEqual([
      'EUR/month/ets', 'EUR/month/seasonal_naive', 'EUR/month/damped_trend', 'EUR/week/ets', 'EUR/week/seasonal_naive', 'EUR/week/damped_trend',
    ]);
    for (const r of rows) expect(r.mase as number).toBeGreaterThanOrEqual(0);
    expect(produced.forecast_models!.rows.find((r) => r.granularity === 'month')!.model).toMatch(/^ETS\(/);
  });

  it('headlines and a dashboard with the fan chart', () => {
    const all = { ...tables, ...produced };
    const headlines = forecastHeadlines({ asOf: AS_OF, tables: all });
    const next = headlines.find((h) => h.key === 'forecast_next_month')!;
    expect(next.currency).toBe('EUR');
    expect(next.value).toBe(produced.monthly_forecast!.rows.find((r) => r.forecast !== null)!.forecast);
    expect(headlines.find((h) => h.key === 'ets_backtest_mase')!.value).toBe(produced.forecast_backtest!.rows[0]!.mase);
    const html = renderDashboard({ definition: forecast, summary: buildSummary(forecast, AS_OF, all, headlines), tables: all });
    expect(html).toContain('Monthly revenue: forecast with 80% and 95% intervals');
    expect((html.match(/data-chart=/g) ?? []).length).toBeGreaterThanOrEqual(4);
  });
});
