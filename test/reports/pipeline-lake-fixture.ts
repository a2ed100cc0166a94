// A small hand-made opportunity history for the pipeline report, as of 2024-06-30: three deals closed
// in 2023 (the backtest's training set), two closed in 2024 (scored), three open, one version after the
// as-of date. The figures are worked out by hand in pipeline.test.ts.
import type { LakeRow } from '#lib/lake/parquet.ts';
import { lakeVersion } from './lake-rows.ts';

interface Step {
  at: string;
  stage: string;
  probability: number;
  expectedClose: string;
  amount?: number;
}

/** The versions of one deal: each step a version; closed steps carry closed_at. */
function deal(id: string, owner: string, currency: string, amount: number, steps: Step[]): LakeRow[] {
  const createdAt = steps[0]!.at;
  return steps.map((s, i) =>
    lakeVersion(
      'opportunity',
      {
        id, customer_id: `c-${id}`, stage: s.stage, amount: s.amount ?? amount, currency, probability: s.probability, expected_close_date: s.expectedClose, owner_id: owner, created_at: createdAt,
        closed_at: s.stage.startsWith('closed') ? s.at : null,
      },
      s.at,
      i === 0 ? 'insert' : 'modify',
    ),
  );
}

export const pipelineLake: LakeRow[] = [
  // d1: 10 days in prospecting (with an amount revision on the way), 10 in qualification, won.
  ...deal('d1', 'u1', 'EUR', 100, [
    { at: '2023-09-01T00:00:00Z', stage: 'prospecting', probability: 0.1, expectedClose: '2023-10-15' },
    { at: '2023-09-05T00:00:00Z', stage: 'prospecting', probability: 0.1, expectedClose: '2023-10-15', amount: 120 },
    { at: '2023-09-11T00:00:00Z', stage: 'qualification', probability: 0.25, expectedClose: '2023-10-15', amount: 120 },
    { at: '2023-09-21T00:00:00Z', stage: 'closed_won', probability: 1, expectedClose: '2023-09-21', amount: 120 },
  ]),
  // d2: 50 days in prospecting, its close date pushed 31 days, lost.
  ...deal('d2', 'u1', 'EUR', 200, [
    { at: '2023-09-01T00:00:00Z', stage: 'prospecting', probability: 0.1, expectedClose: '2023-10-01' },
    { at: '2023-09-25T00:00:00Z', stage: 'prospecting', probability: 0.1, expectedClose: '2023-11-01' },
    { at: '2023-10-21T00:00:00Z', stage: 'closed_lost', probability: 0, expectedClose: '2023-10-21' },
  ]),
  // d3: 5 days in prospecting, 30 in qualification, lost.
  ...deal('d3', 'u2', 'EUR', 400, [
    { at: '2023-10-01T00:00:00Z', stage: 'prospecting', probability: 0.1, expectedClose: '2023-12-01' },
    { at: '2023-10-06T00:00:00Z', stage: 'qualification', probability: 0.25, expectedClose: '2023-12-01' },
    { at: '2023-11-05T00:00:00Z', stage: 'closed_lost', probability: 0, expectedClose: '2023-11-05' },
  ]),
  // d4: 20 days in prospecting, 10 in qualification, won (after the backtest cutoff 2024-01-03).
  ...deal('d4', 'u2', 'EUR', 300, [
    { at: '2024-02-01T00:00:00Z', stage: 'prospecting', probability: 0.1, expectedClose: '2024-04-01' },
    { at: '2024-02-21T00:00:00Z', stage: 'qualification', probability: 0.25, expectedClose: '2024-04-01' },
    { at: '2024-03-02T00:00:00Z', stage: 'closed_won', probability: 1, expectedClose: '2024-03-02' },
  ]),
  // d5: 4 days in prospecting, lost; in dollars.
  ...deal('d5', 'u1', 'USD', 50, [
    { at: '2024-03-01T00:00:00Z', stage: 'prospecting', probability: 0.1, expectedClose: '2024-05-01' },
    { at: '2024-03-05T00:00:00Z', stage: 'closed_lost', probability: 0, expectedClose: '2024-03-05' },
  ]),
  // d6: open, 40 days in prospecting, in qualification since 2024-06-10 (21 days at the end of the as-of
  // day); the close date pushed from 2024-06-15 to 2024-07-20.
  ...deal('d6', 'u1', 'EUR', 1000, [
    { at: '2024-05-01T00:00:00Z', stage: 'prospecting', probability: 0.1, expectedClose: '2024-06-15' },
    { at: '2024-06-10T00:00:00Z', stage: 'qualification', probability: 0.25, expectedClose: '2024-07-20' },
  ]),
  // d7: open, in prospecting since 2024-05-20 (42 days), past its expected close; moved on after the as-of date.
  ...deal('d7', 'u2', 'EUR', 500, [
    { at: '2024-05-20T00:00:00Z', stage: 'prospecting', probability: 0.1, expectedClose: '2024-06-25' },
    { at: '2024-07-05T00:00:00Z', stage: 'qualification', probability: 0.25, expectedClose: '2024-08-30' },
  ]),
  // d8: open, entered straight into qualification 6 days before the end of the as-of day, past its expected close.
  ...deal('d8', 'u1', 'EUR', 2000, [{ at: '2024-06-25T00:00:00Z', stage: 'qualification', probability: 0.5, expectedClose: '2024-06-28' }]),
];
