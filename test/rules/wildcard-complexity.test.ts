// The complexity measure reproduces event-ruler's MachineComplexityEvaluatorTest figures (there the
// patterns carry no quotes; with EventBridge's quotes only the lone "*" differs) and EventBridge's verdicts.
import { describe, expect, it } from 'vitest';
import { MAX_WILDCARD_COMPLEXITY, wildcardComplexity } from '#lib/event-pattern/wildcard-complexity.ts';
import { parseWildcard } from '#lib/event-pattern/wildcard.ts';

const complexity = (...patterns: string[]) => wildcardComplexity(patterns.map(parseWildcard), 1000);

describe('wildcardComplexity', () => {
  it.each([
    [['*ab'], 2],
    [['*aa'], 3],
    [['a*bbb'], 4],
    [['*ab*ad'], 4],
    [['a*b*bb'], 5],
    [['*ab*b*b*'], 7],
    [['*a*a*a*a*a*a*a*a*'], 17],
    [['*abc', '*abcde'], 4],
    [['a*aaa', 'aa*aa'], 7],
    [['ab*cd', 'ab*wx', 'ab*yz'], 6],
    [['ab*c', 'ab*c'], 2],
    [['F*eatureFeature', 'Fe*atureFeature', 'Fea*tureFeature'], 10],
  ])('rates %j at %i, as event-ruler does', (patterns, expected) => {
    expect(complexity(...patterns)).toBe(expected);
  });

  it('rates the Quamina "exploder" word list at 45, as event-ruler does', () => {
    const words = 'aahed* aal*ii aargh* aarti* a*baca *abaci a*back ab*acs abaf*t *abaka ab*amp a*band *abase abash* abas*k ab*ate aba*ya abbas* abbed* ab*bes abbey* *abbot ab*cee abea*m abe*ar a*bele a*bers abet*s *abhor abi*de a*bies *abled';
    expect(complexity(...words.split(' '))).toBe(45);
  });

  it('puts the limit between what EventBridge accepted and rejected', () => {
    expect(complexity('/Users/*/dir/dir/dir/dir/dir/doc.txt')).toBeLessThanOrEqual(MAX_WILDCARD_COMPLEXITY);
    expect(complexity('*:stack/Shared/*', '*:stack/Api/*', '*:stack/Data/*')).toBeLessThanOrEqual(MAX_WILDCARD_COMPLEXITY);
    expect(complexity('*:*:*:*:*:event-bus/*')).toBeGreaterThan(MAX_WILDCARD_COMPLEXITY);
    expect(complexity('*:stack/Shared/*', '*:stack/Api/*', '*:stack/Data/*', '*:stack/Monitoring/*')).toBeGreaterThan(MAX_WILDCARD_COMPLEXITY);
  });

  it('stops early once past the limit', () => {
    const huge = Array.from({ length: 200 }, (_, i) => `*${i}*x*`);
    expect(wildcardComplexity(huge.map(parseWildcard))).toBeGreaterThan(MAX_WILDCARD_COMPLEXITY);
  });
});
