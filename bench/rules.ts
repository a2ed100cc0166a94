// Rule evaluation throughput: domain events as the stream handler publishes them (from the demo data set),
// each parsed from JSON and matched against every enabled event rule's pattern, next to JSON.parse alone
// over the same lines in the same run, so the ratio holds across machines.
import { keyedHasher } from '#functions/stream/pseudonymize.ts';
import { domainEvents } from '#functions/stream/domain-events.ts';
import type { Change } from '#functions/stream/changes.ts';
import { recordVersion } from '#functions/ingest/version.ts';
import { compilePattern, matches } from '#lib/event-pattern/event-pattern.ts';
import { resolveAutomationConfig } from '#lib/rules/config.ts';
import { entityByTable } from '#schemas/registry.ts';
import type { CrmRecord } from '#functions/ingest/validate.ts';

type Rec = CrmRecord & Record<string, unknown>;

const round = (n: number, digits = 0) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Envelopes as EventBridge delivers them: every record created, plus an update for a third of them (a status or stage move). */
export function demoEventLines(tables: Record<string, readonly Record<string, unknown>[]>, limit = 60_000): string[] {
  const hash = keyedHasher('bench-key-0123456789abcdef');
  const perTable: string[][] = [];
  let seq = 0;
  const envelope = (detailType: string, source: string, time: string | undefined, detail: unknown) =>
    JSON.stringify({ version: '0', id: `bench-${seq}`, 'detail-type': detailType, source, account: '000000000000', time, region: 'local', resources: [], detail });
  for (const [table, records] of Object.entries(tables)) {
    const entity = entityByTable(table);
    if (!entity) continue;
    const lines: string[] = [];
    perTable.push(lines);
    records.forEach((r, i) => {
      const current = r as Rec;
      const moved = i % 3 === 0 ? ({ ...current, status: 'open', stage: 'proposal', updatedAt: new Date(Date.parse(String(current.updatedAt)) - 86_400_000).toISOString() } as Rec) : undefined;
      const changes: Change[] = [{ entity, op: 'insert', seq: String(++seq).padStart(40, '0'), sequenceNumber: String(seq), changedAt: new Date(String(current.updatedAt)), version: recordVersion(current), current }];
      if (moved) changes.push({ entity, op: 'modify', seq: String(++seq).padStart(40, '0'), sequenceNumber: String(seq), changedAt: new Date(String(current.updatedAt)), version: recordVersion(current), current, previous: moved });
      for (const c of changes) for (const e of domainEvents(c, hash)) lines.push(envelope(e.detailType, e.source, e.time, e.detail));
    });
  }
  // Interleave the tables round-robin, as a stream mixes them, then keep the first `limit`.
  const mixed: string[] = [];
  for (let i = 0; mixed.length < limit && perTable.some((t) => i < t.length); i++) for (const t of perTable) if (i < t.length) mixed.push(t[i]!);
  return mixed.slice(0, limit);
}

export function benchRuleEvaluation(lines: readonly string[], repeat = 3) {
  const config = resolveAutomationConfig({});
  const patterns = config.rules.filter((r) => r.enabled && r.trigger.type === 'event').map((r) => compilePattern((r.trigger as { pattern: unknown }).pattern));
  // Warm both paths up so the JIT has compiled them before timing.
  for (const l of lines.slice(0, 5000)) {
    const e = JSON.parse(l);
    for (const p of patterns) matches(p, e);
  }
  let parseSeconds = 0;
  let matchSeconds = 0;
  let matched = 0;
  for (let r = 0; r < repeat; r++) {
    let t = performance.now();
    for (const l of lines) JSON.parse(l);
    parseSeconds += (performance.now() - t) / 1000;
    t = performance.now();
    let m = 0;
    for (const l of lines) {
      const e = JSON.parse(l);
      for (const p of patterns) if (matches(p, e)) m++;
    }
    matchSeconds += (performance.now() - t) / 1000;
    matched = m;
  }
  const n = lines.length * repeat;
  return {
    events: n,
    enabledEventRules: patterns.length,
    ruleMatchesPerPass: matched,
    jsonParseEventsPerSecond: round(n / parseSeconds),
    parseAndMatchAllRulesEventsPerSecond: round(n / matchSeconds),
    ruleEvaluationCostVsParse: round(matchSeconds / parseSeconds, 2),
  };
}
