// `crm rules test --cases FILE`: runs EventBridge pattern test cases through the same engine the
// local bus uses and prints [{name, result}] in input order.
import { readFileSync } from 'node:fs';
import { testEventPattern, type PatternTestResult } from '#lib/event-pattern/event-pattern.ts';
import { UsageError } from './usage.ts';
import { rulesList, rulesValidate } from './automation-commands.ts';
import type { Options } from './main.ts';

interface PatternCase {
  name: string;
  pattern: unknown;
  event: unknown;
}

function readCases(file: string): PatternCase[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read --cases file ${file}: ${(err as Error).message}`);
  }
  let cases: unknown;
  try {
    cases = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--cases file ${file} is not valid JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(cases)) throw new UsageError(`--cases file ${file} must hold a JSON array of {name, pattern, event}`);
  cases.forEach((c: unknown, i) => {
    if (typeof c !== 'object' || c === null || Array.isArray(c)) throw new UsageError(`case ${i} in ${file} must be an object {name, pattern, event}`);
    if (typeof (c as { name?: unknown }).name !== 'string') throw new UsageError(`case ${i} in ${file} needs a string "name"`);
    for (const field of ['pattern', 'event']) {
      if (!(field in c)) throw new UsageError(`case ${i} ("${(c as PatternCase).name}") in ${file} has no "${field}"`);
    }
  });
  return cases as PatternCase[];
}

export async function rulesCommand(positionals: string[], options: Options): Promise<number> {
  const [sub, ...extra] = positionals;
  if (sub === 'list') {
    if (extra.length) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
    return rulesList(options);
  }
  if (sub === 'validate') {
    if (extra.length > 1) throw new UsageError(`unexpected arguments: ${extra.slice(1).join(' ')}`);
    return rulesValidate(extra[0]);
  }
  if (sub !== 'test') throw new UsageError(sub ? `unknown rules sub-command "${sub}" (expected test, list or validate)` : 'rules needs a sub-command: test, list or validate');
  if (extra.length) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  const file = options.cases;
  if (typeof file !== 'string' || !file) throw new UsageError('--cases FILE is required');
  const results: { name: string; result: PatternTestResult }[] = readCases(file).map((c) => ({ name: c.name, result: testEventPattern(c.pattern, c.event) }));
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  return 0;
}
