// Lead scoring on constructed leads: the time split, the features, scores only for open leads.
import { describe, expect, it } from 'vitest';
import { featureVector, FEATURES, scoreLeads, type LeadRow } from '#functions/reports/lead_scoring/lead-model.ts';

const lead = (i: number, over: Partial<LeadRow>): LeadRow => ({
  leadId: `l-${String(i).padStart(3, '0')}`,
  status: 'new',
  source: 'web',
  createdOn: '2024-01-01',
  hasCampaign: 0,
  hasCompany: 0,
  hasPhone: 0,
  hasEmail: 1,
  campaignTouches: 0,
  activities: 0,
  ageDays: 10,
  converted: null,
  ...over,
});

// Referral leads with activities mostly convert, web leads mostly do not (4 in 5 either way), in every month.
function history(): LeadRow[] {
  const out: LeadRow[] = [];
  for (let i = 0; i < 192; i++) {
    const referral = i % 2 === 0;
    const converts = referral ? i % 10 !== 0 : i % 10 === 1;
    const month = String(1 + (i % 12)).padStart(2, '0');
    out.push(lead(i, { source: referral ? 'referral' : 'web', activities: referral ? 3 : 0, createdOn: `2024-${month}-10`, status: converts ? 'converted' : 'disqualified', converted: converts ? 1 : 0 }));
  }
  return out;
}

describe('scoreLeads', () => {
  it('validates on the decided leads created after the cutoff and scores only open leads, 0-100', () => {
    const open = [lead(900, { source: 'referral', activities: 3, status: 'qualified', createdOn: '2024-12-01' }), lead(901, { source: 'web', createdOn: '2024-12-01' })];
    const r = scoreLeads([...history(), ...open], '2024-12-31', { lambda: 1, validationMonths: 6, calibrationBins: 10 });
    expect(r.validation.cutoff).toBe('2024-06-30');
    // Months 1-6 (created on the 10th) train, 7-12 validate: 96 leads each side.
    expect(r.validation.trainLeads).toBe(96);
    expect(r.validation.validationLeads).toBe(96);
    // Leads of one source look alike, so the model ranks every referral above every web lead with ties
    // inside a source: AUC = (P_ref·N_web + ½(P_ref·N_ref + P_web·N_web)) / (P·N), counted from the data.
    const held = history().filter((l) => l.createdOn > '2024-06-30');
    const n = (source: string, y: number) => held.filter((l) => l.source === source && l.converted === y).length;
    const [pr, nr, pw, nw] = [n('referral', 1), n('referral', 0), n('web', 1), n('web', 0)];
    expect(pr * nw).toBeGreaterThan(0);
    expect(r.validation.auc).toBeCloseTo((pr * nw + 0.5 * (pr * nr + pw * nw)) / ((pr + pw) * (nr + nw)), 10);
    expect(r.validation.calibration.reduce((sum, b) => sum + b.count, 0)).toBe(96);
    expect(r.scores.map((s) => s.leadId)).toEqual(['l-900', 'l-901']);
    expect(r.scores[0]!.score).toBeGreaterThan(60);
    expect(r.scores[1]!.score).toBeLessThan(40);
    for (const s of r.scores) expect(s.score).toBe(Math.round(100 * s.probability));
  });

  it('fits nothing and scores nothing when every decided lead has the same outcome', () => {
    const all = history().map((l) => ({ ...l, converted: 1 as const, status: 'converted' }));
    const r = scoreLeads([...all, lead(900, {})], '2024-12-31');
    expect(r.model).toBeUndefined();
    expect(r.scores).toEqual([]);
    expect(r.validation.auc).toBeNull();
  });

  it('encodes one feature per name', () => {
    expect(featureVector(lead(1, { source: 'event', campaignTouches: 3, ageDays: 0 }))).toHaveLength(FEATURES.length);
    const v = featureVector(lead(1, { source: 'event', campaignTouches: 3, ageDays: 0 }));
    expect(v[FEATURES.indexOf('source_event')]).toBe(1);
    expect(v[FEATURES.indexOf('log_campaign_touches')]).toBeCloseTo(Math.log(4), 12);
    expect(v[FEATURES.indexOf('log_age_days')]).toBe(0);
  });
});
