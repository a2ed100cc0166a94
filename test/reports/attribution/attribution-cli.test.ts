// `crm attribution` as a user of the command line sees it: the JSON of the contract, exit 2 with
// line, field and reason on bad input, exit 1 on usage errors.
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { crm, tempDir, writeLines } from '../../integration/cli-helpers.ts';

const dir = tempDir('crm-attribution-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('crm attribution', () => {
  it('prints the totals and all six models for a path file', async () => {
    // The three-path case of markov.test.ts: removal effects 1/2, 1, 1 → 0.2, 0.4, 0.4 of one conversion worth 10.
    const file = writeLines(dir, 'paths.csv', ['path,total_conversions,total_conversion_value,total_null', 'C1 > C2 > C3,1,10,0', 'C1,0,0,1', 'C2 > C3,0,0,1']);
    const r = await crm('attribution', '--input', file, '--half-life-days', '1');

    expect(r.code).toBe(0);
    const out = r.json();
    expect(out.total).toEqual({ conversions: 1, value: 10 });
    expect(Object.keys(out.models)).toEqual(['first_touch', 'last_touch', 'linear', 'time_decay', 'position_based', 'markov']);
    expect(out.models.markov).toEqual([
      { channel: 'C1', conversions: 0.2, value: 2 },
      { channel: 'C2', conversions: 0.4, value: 4 },
      { channel: 'C3', conversions: 0.4, value: 4 },
    ]);
    expect(out.models.first_touch).toEqual([
      { channel: 'C1', conversions: 1, value: 10 },
      { channel: 'C2', conversions: 0, value: 0 },
      { channel: 'C3', conversions: 0, value: 0 },
    ]);
    // Half-life of one step: 1/4, 1/2, 1 over 7/4 → 1/7, 2/7, 4/7 of 10 = 1.43, 2.86, 5.71 (cents by largest remainder).
    expect(out.models.time_decay.map((c: { value: number }) => c.value)).toEqual([1.43, 2.86, 5.71]);
  });

  it('exits 2 naming the line, field and reason of each bad line, printing nothing on stdout', async () => {
    const file = writeLines(dir, 'bad.csv', ['path;total_conversions;total_conversion_value;total_null', 'a > b;1;10;0', 'a;one;1;0']);
    const r = await crm('attribution', '--input', file);

    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('line 3: total_conversions: must be a non-negative number, got "one"');
  });

  it('exits 1 on usage errors', async () => {
    expect((await crm('attribution')).code).toBe(1);
    expect((await crm('attribution', '--input', `${dir}/missing.csv`)).code).toBe(1);
    const file = writeLines(dir, 'ok.csv', ['path;total_conversions;total_conversion_value;total_null', 'a;1;1;0']);
    expect((await crm('attribution', '--input', file, '--half-life-days', '0')).code).toBe(1);
  });
});
