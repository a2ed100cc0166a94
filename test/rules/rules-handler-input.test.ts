// The rules Lambda's three inputs (infra's contract): one rule for one event, a Scheduler payload, a bare event.
import { describe, expect, it } from 'vitest';
import { handleRulesInput } from '#functions/rules/handler.ts';
import type { RulesRuntime } from '#functions/rules/rules-runtime.ts';
import { resolveAutomationConfig } from '#lib/rules/config.ts';

function recordingRuntime() {
  const calls: string[] = [];
  const rt = {
    config: resolveAutomationConfig({ builtIns: { 'birthday-greeting': { enabled: false } } }),
    runEventRule: async (rule: { id: string }, e: { 'detail-type': string }) => (calls.push(`event ${rule.id} ${e['detail-type']}`), { status: 'succeeded' }),
    handleScheduled: async (ruleId: string, at: string) => (calls.push(`scheduled ${ruleId} ${at}`), []),
    handleEvent: async (e: { 'detail-type': string }) => (calls.push(`all ${e['detail-type']}`), []),
  };
  return { rt: rt as unknown as RulesRuntime, calls };
}

const won = { 'detail-type': 'OpportunityWon', source: 'crm.records', detail: { seq: '1' } };

describe('rules handler input', () => {
  it('routes {ruleId, event}, Scheduler payloads and bare events', async () => {
    const { rt, calls } = recordingRuntime();
    await handleRulesInput(rt, { ruleId: 'won-deal-onboarding', event: won });
    await handleRulesInput(rt, { ruleId: 'payment-overdue', trigger: 'date', scheduledTime: '2026-10-31T08:00:00Z' });
    await handleRulesInput(rt, won);
    expect(calls).toEqual(['event won-deal-onboarding OpportunityWon', 'scheduled payment-overdue 2026-10-31T08:00:00Z', 'all OpportunityWon']);
  });

  it('does nothing for a disabled rule and refuses an unknown rule or input', async () => {
    const { rt, calls } = recordingRuntime();
    expect(await handleRulesInput(rt, { ruleId: 'birthday-greeting', event: won })).toEqual([]);
    await expect(handleRulesInput(rt, { ruleId: 'no-such-rule', event: won })).rejects.toThrow('unknown rule "no-such-rule"');
    await expect(handleRulesInput(rt, { hello: 'world' } as never)).rejects.toThrow('unrecognised input');
    expect(calls).toEqual([]);
  });
});
