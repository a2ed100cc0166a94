// Scores back into the operational store: a report's per-customer and per-lead outputs (RFM segment,
// churn and CLV, recommendations, lead score) as `score` records, one per subject and model, written
// through a ScoreSink port (the versioned RecordWriter on DynamoDB, in AWS as on the machine).
// A record's `updatedAt` is the start of its as-of day: the writer's version is `<updatedAt>#<content
// hash>`, so rerunning a date on the same data writes nothing, and an older as-of date never overwrites
// a newer one. Same-day reruns on changed data tie on the time and are ordered by hash (documented).
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { score as scoreSchema, type SCORE_MODELS } from '#schemas/entities.ts';

export type ScoreModel = (typeof SCORE_MODELS)[number];
export type ScoreInput = z.input<typeof scoreSchema>;

/** What a sink did with the scores of one run. */
export interface ScoreWriteCounts {
  created: number;
  updated: number;
  /** Already stored in this version (a rerun). */
  unchanged: number;
  /** A newer as-of date is stored already. */
  stale: number;
  failed: number;
  /** The first failures: the score id and why. */
  errors: { id: string; message: string }[];
}

/** Where scores go: DynamoDB through the RecordWriter (AWS and local stack). */
export interface ScoreSink {
  write(scores: readonly ScoreInput[]): Promise<ScoreWriteCounts>;
}

/** Model fields of a score (everything but the identity and bookkeeping the helper fills in). */
export type ScoreFields = Omit<ScoreInput, 'id' | 'updatedAt' | 'model' | 'modelVersion' | 'asOf' | 'customerId' | 'leadId'>;

/** A score record of `model` for a customer or a lead as of a date. */
export function scoreRecord(
  model: ScoreModel,
  modelVersion: string,
  asOf: string,
  subject: { customerId: string } | { leadId: string },
  fields: ScoreFields,
): ScoreInput {
  const subjectId = 'customerId' in subject ? subject.customerId : subject.leadId;
  return { id: `${model}:${subjectId}`, updatedAt: `${asOf}T00:00:00.000Z`, model, modelVersion, asOf, ...subject, ...fields };
}

/** Checks every score against the schema; a bad one fails the run naming the score, the field and the reason. */
export function checkScores(report: string, scores: readonly ScoreInput[]): void {
  const seen = new Set<string>();
  for (const s of scores) {
    const parsed = scoreSchema.safeParse(s);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new Error(`report ${report}: score ${s.id}: ${issue.path.join('.') || '(record)'} ${issue.message}`);
    }
    if (seen.has(s.id)) throw new Error(`report ${report}: score ${s.id} appears twice in one run`);
    seen.add(s.id);
  }
}

/** Scores per model in summary.json: counts only, so a rerun writes the same summary whatever the store held. */
export function countScores(scores: readonly ScoreInput[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of scores) counts[s.model] = (counts[s.model] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : 1)));
}

export const noScoreWrites = (): ScoreWriteCounts => ({ created: 0, updated: 0, unchanged: 0, stale: 0, failed: 0, errors: [] });

/**
 * A model version that changes when the model's definition does: `<method>+<hash of its settings>`, e.g.
 * `rfm-quintiles+1a2b3c4d`. Scores of a new definition are new versions even on the same data.
 */
export function modelVersion(method: string, settings: unknown): string {
  return `${method}+${createHash('sha256').update(JSON.stringify(settings)).digest('hex').slice(0, 8)}`;
}
