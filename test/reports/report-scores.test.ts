// Score records of the reports: ids, the as-of bookkeeping, and a bad score failing the run by name.
import { describe, expect, it } from 'vitest';
import { checkScores, countScores, modelVersion, scoreRecord } from '#functions/reports/report-scores.ts';

describe('scoreRecord', () => {
  it('makes one record per model and subject, updatedAt the start of the as-of day', () => {
    expect(scoreRecord('rfm', 'v1', '2024-06-30', { customerId: 'c-1' }, { segment: 'Champions', tier: 'gold' })).toEqual({
      id: 'rfm:c-1',
      updatedAt: '2024-06-30T00:00:00.000Z',
      model: 'rfm',
      modelVersion: 'v1',
      asOf: '2024-06-30',
      customerId: 'c-1',
      segment: 'Champions',
      tier: 'gold',
    });
    expect(scoreRecord('lead_scoring', 'v1', '2024-06-30', { leadId: 'l-9' }, { score: 73 }).id).toBe('lead_scoring:l-9');
  });

  it('versions a model by its settings', () => {
    expect(modelVersion('rfm', { a: 1 })).toBe(modelVersion('rfm', { a: 1 }));
    expect(modelVersion('rfm', { a: 1 })).not.toBe(modelVersion('rfm', { a: 2 }));
    expect(modelVersion('rfm', { a: 1 })).toMatch(/^rfm\+[0-9a-f]{8}$/);
  });
});

describe('checkScores', () => {
  it('accepts good scores and counts them per model', () => {
    const scores = [scoreRecord('rfm', 'v', '2024-01-31', { customerId: 'a' }, { segment: 'Lost' }), scoreRecord('churn', 'v', '2024-01-31', { customerId: 'a' }, { pAlive: 0.5, clv: 10.25, currency: 'EUR', churnRisk: 0.5 })];
    expect(() => checkScores('x', scores)).not.toThrow();
    expect(countScores(scores)).toEqual({ churn: 1, rfm: 1 });
  });

  it('refuses a bad score naming the report, the score, the field and the reason', () => {
    expect(() => checkScores('churn', [scoreRecord('churn', 'v', '2024-01-31', { customerId: 'a' }, { pAlive: 1.5 })])).toThrow(/report churn: score churn:a: pAlive .*1/);
    expect(() => checkScores('lead_scoring', [scoreRecord('lead_scoring', 'v', '2024-01-31', { leadId: 'l' }, { score: 101 })])).toThrow(/score lead_scoring:l: score/);
    expect(() => checkScores('x', [{ ...scoreRecord('rfm', 'v', '2024-01-31', { customerId: 'a' }, {}), id: 'rfm:b' }])).toThrow(/score rfm:b: id must be/);
  });

  it('refuses the same score twice in one run', () => {
    const s = scoreRecord('rfm', 'v', '2024-01-31', { customerId: 'a' }, {});
    expect(() => checkScores('rfm', [s, s])).toThrow(/score rfm:a appears twice/);
  });
});

describe('churnScores', () => {
  it('leaves out a figure a degenerate fit made NaN (few repeat buyers) and keeps the others valid', async () => {
    const { churnScores } = await import('#functions/reports/churn/churn-summary.ts');
    const row = { customer_id: 'c-1', currency: 'EUR', x: 2, p_alive: 0.81234, expected_purchases_90d: Number.NaN, clv_12m: null, churn_risk: 0.18766 };
    const scores = churnScores({ asOf: '2024-06-30', tables: { customer_scores: { columns: [], rows: [row] } } } as never);
    expect(scores).toHaveLength(1);
    expect(scores[0]).toMatchObject({ id: 'churn:c-1', pAlive: 0.8123, churnRisk: 0.1877, currency: 'EUR' });
    expect(scores[0]).not.toHaveProperty('expectedPurchases');
    expect(scores[0]).not.toHaveProperty('clv');
    expect(() => checkScores('churn', scores)).not.toThrow();
  });
});
