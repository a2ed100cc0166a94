// Every case of the LocalStack event-pattern templates gives the outcome Amazon EventBridge gave.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { testEventPattern, type PatternTestResult } from '#lib/event-pattern/event-pattern.ts';

interface ConformanceCase {
  name: string;
  expected: PatternTestResult;
  pattern: unknown;
  event: unknown;
}

const cases = JSON.parse(readFileSync(new URL('../fixtures/eventbridge-patterns.json', import.meta.url), 'utf8')) as ConformanceCase[];

describe('EventBridge conformance cases', () => {
  it('holds all 155 recorded cases', () => {
    expect(cases).toHaveLength(155);
  });

  it.each(cases)('$name is $expected', ({ pattern, event, expected }) => {
    expect(testEventPattern(pattern, event)).toBe(expected);
  });
});
