// `crm rules test --cases FILE` as a user runs it: results in input order, usage errors exit 1.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { crm, tempDir } from '../integration/cli-helpers.ts';

const conformanceFile = fileURLToPath(new URL('../fixtures/eventbridge-patterns.json', import.meta.url));

function casesFile(content: unknown): string {
  const file = join(tempDir('crm-rules-'), 'cases.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('crm rules test', () => {
  it('prints the recorded EventBridge outcome of every conformance case, in input order', async () => {
    const cases = JSON.parse(readFileSync(conformanceFile, 'utf8')) as { name: string; expected: string }[];

    const run = await crm('rules', 'test', '--cases', conformanceFile);

    expect(run.code).toBe(0);
    expect(run.json()).toEqual(cases.map(({ name, expected }) => ({ name, result: expected })));
  });

  it('reads patterns and events given as JSON text, as TestEventPattern takes them', async () => {
    const file = casesFile([{ name: 'as text', pattern: '{"source":[{"prefix":"crm."}]}', event: '{"source":"crm.orders"}' }]);

    const run = await crm('rules', 'test', '--cases', file);

    expect(run.code).toBe(0);
    expect(run.json()).toEqual([{ name: 'as text', result: 'match' }]);
  });

  it.each([
    ['no --cases', () => ['rules', 'test'], /--cases FILE is required/],
    ['no sub-command', () => ['rules'], /sub-command: test/],
    ['an unknown sub-command', () => ['rules', 'run', '--cases', conformanceFile], /unknown rules sub-command "run"/],
    ['a missing file', () => ['rules', 'test', '--cases', join(tempDir('crm-rules-'), 'absent.json')], /cannot read --cases file/],
    ['a file that is not JSON', () => ['rules', 'test', '--cases', casesFile('[{"name":')], /is not valid JSON/],
    ['a file that is not an array', () => ['rules', 'test', '--cases', casesFile({ name: 'x', pattern: {}, event: {} })], /must hold a JSON array/],
    ['a case without a name', () => ['rules', 'test', '--cases', casesFile([{ pattern: {}, event: {} }])], /case 0 .* needs a string "name"/],
    ['a case without an event', () => ['rules', 'test', '--cases', casesFile([{ name: 'n', pattern: { a: [1] } }])], /case 0 \("n"\) .* has no "event"/],
  ])('exits 1 with a clear message for %s', async (_label, args, message) => {
    const run = await crm(...args());

    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
  });
});

describe('crm rules validate / list', () => {
  const write = (content: unknown) => {
    const file = join(tempDir('crm-automation-'), 'crm.automation.json');
    writeFileSync(file, JSON.stringify(content));
    return file;
  };

  it('exits 0 for a valid configuration and 2 naming rule, field and reason for an invalid one', async () => {
    const ok = await crm('rules', 'validate', write({ builtIns: { 'payment-overdue': { params: { graceDays: 5 } } } }));
    expect(ok.code).toBe(0);
    expect(ok.json()).toMatchObject({ valid: true });

    const bad = write({
      rules: [{ id: 'typo-rule', description: 'd', enabled: true, trigger: { type: 'event', pattern: { 'detail-type': ['OrderShiped'] } }, actions: [{ type: 'create_task', taskType: 'call', title: 't' }] }],
      builtIns: { 'payment-overdue': { params: { graceDays: 'soon' } } },
    });
    const run = await crm('rules', 'validate', bad);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^rule typo-rule: trigger\.pattern\.detail-type\.0: "OrderShiped" is not a detail type of the event catalogue/m);
    expect(run.stderr).toMatch(/^rule payment-overdue: params\.graceDays: /m);
  });

  it('makes every local command that loads rules fail with the same message', async () => {
    const bad = write({ rules: [{ id: 'Bad Id', description: 'd', enabled: true, trigger: { type: 'schedule', expression: 'daily', timezone: 'UTC' }, actions: [] }] });
    vi.stubEnv('CRM_AUTOMATION_CONFIG', bad);
    const run = await crm('rules', 'list', '--dir', tempDir('crm-state-')).finally(() => vi.unstubAllEnvs());
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('rule Bad Id: trigger.expression: must be cron(<6 fields>) or rate(<n> minutes|hours|days)');
    expect(run.stderr).toContain('rule Bad Id: id: must be kebab-case');
  });
});
