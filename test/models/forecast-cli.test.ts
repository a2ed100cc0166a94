// `crm forecast` end to end through bin/crm.mjs: output contract, season inference from dates,
// bad input exiting 2 with line, field and reason.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crm, tempDir } from '../integration/cli-helpers.ts';

const reference = JSON.parse(readFileSync(new URL('../fixtures/ets/reference.json', import.meta.url), 'utf8')) as {
  series: Record<string, { values: number[]; auto: { model: string; point: number[]; lower95: number[]; upper95: number[] } }>;
};
const dir = tempDir('crm-forecast-');
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('crm forecast', () => {
  it('monthly dates: infers season 12 and gives R forecast::ets model and point forecasts for AirPassengers', async () => {
    const air = reference.series.AirPassengers!;
    const csv = ['period,value', ...air.values.map((v, i) => `${1949 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-01,${v}`)].join('\n');
    const { code, json } = await crm('forecast', '--input', file('air.csv', csv), '--horizon', '3');
    expect(code).toBe(0);
    const out = json();
    expect(Object.keys(out)).toEqual(['model', 'point', 'lower', 'upper']);
    expect(out.model).toBe(air.auto.model);
    expect(out.point[0]).toBeCloseTo(air.auto.point[0]!, 4);
    expect(out.lower).toHaveLength(3);
    out.point.forEach((p: number, i: number) => {
      expect(out.lower[i]).toBeLessThan(p);
      expect(out.upper[i]).toBeGreaterThan(p);
    });
  });

  it('a JSON array of numbers is a non-seasonal series; --level sets the bounds', async () => {
    const www = reference.series.WWWusage!;
    const path = file('www.json', JSON.stringify(www.values));
    const r95 = (await crm('forecast', '--input', path, '--horizon', '5')).json();
    const r80 = (await crm('forecast', '--input', path, '--horizon', '5', '--level', '80')).json();
    expect(r95.model).toBe('ETS(A,Ad,N)');
    r95.point.forEach((p: number, i: number) => expect(p).toBeCloseTo(www.auto.point[i]!, 3));
    r95.lower.forEach((l: number, i: number) => expect(l).toBeCloseTo(www.auto.lower95[i]!, 2));
    expect(r80.lower[0]).toBeGreaterThan(r95.lower[0]);
  });

  it.each([
    ['non-numeric value', 'period,value\n1,10\n2,ten\n3,12\n4,13\n', /line 3: value: "ten" is not a number/],
    ['duplicate period', 'period,value\n1,10\n2,11\n2,12\n3,13\n', /line 4: period: duplicate period 2 \(also at line 3\)/],
    ['fewer than 3 points', 'period,value\n1,10\n2,11\n', /need at least 3 observed values, got 2/],
    ['a period that is not a date or integer', 'period,value\n1,10\nsoon,11\n3,12\n', /line 3: period: "soon" is neither an integer nor a date/],
  ])('%s: exit 2, line and reason on stderr, nothing on stdout', async (_, text, message) => {
    const { code, stdout, stderr } = await crm('forecast', '--input', file('bad.csv', text));
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
  });

  it('missing periods are interpolated and said so on stderr', async () => {
    const { code, stderr, json } = await crm('forecast', '--input', file('gap.csv', 'period,value\n1,10\n2,12\n4,16\n5,18\n6,20\n7,22\n8,24\n'), '--horizon', '2');
    expect(code).toBe(0);
    expect(stderr).toMatch(/1 missing period\(s\) filled by linear interpolation/);
    expect(json().point).toHaveLength(2);
  });
});
