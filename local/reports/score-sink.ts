// The ScoreSink on the local stack: score records validated like any ingested record and written by the
// stack's RecordWriter (versioned, conditional), so they stream into the lake and onto the bus like every
// entity. A report Lambda in AWS would wire the same two calls to its own RecordWriter.
import type { RecordWriter } from '#functions/ingest/record-writer.ts';
import { validateRecord, type CrmRecord } from '#functions/ingest/validate.ts';
import { noScoreWrites, type ScoreInput, type ScoreSink, type ScoreWriteCounts } from '#functions/reports/report-scores.ts';
import { entities } from '#schemas/registry.ts';

const MAX_ERRORS = 10;

export function recordWriterScoreSink(writer: RecordWriter): ScoreSink {
  return {
    async write(scores: readonly ScoreInput[]): Promise<ScoreWriteCounts> {
      const counts = noScoreWrites();
      const fail = (id: string, message: string) => {
        counts.failed++;
        if (counts.errors.length < MAX_ERRORS) counts.errors.push({ id, message });
      };
      const valid: CrmRecord[] = [];
      for (const s of scores) {
        const v = validateRecord(entities.score, s);
        if (v.ok) valid.push(v.record);
        else fail(s.id, v.errors.map((e) => `${e.field}: ${e.message}`).join('; '));
      }
      for (const r of await writer.write(entities.score, valid)) {
        if (r.status === 'failed') fail(r.id, r.message ?? 'failed');
        else counts[r.status]++;
      }
      return counts;
    },
  };
}
