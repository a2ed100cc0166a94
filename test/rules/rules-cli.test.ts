// `crm rules test --cases FILE` as a user runs it: results in input order, usage errors exit 1.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
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
