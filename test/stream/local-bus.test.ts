import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalBus, type EventBridgeEnvelope } from '#lib/bus/local-bus.ts';

describe('LocalBus', () => {
  it('archives every event and delivers it to the rules whose pattern matches', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crm-bus-'));
    const bus = new LocalBus(dir);
    const won: EventBridgeEnvelope[] = [];
    const bigOrders: EventBridgeEnvelope[] = [];
    bus.addRule({ name: 'onboarding', pattern: { source: ['crm.records'], 'detail-type': ['OpportunityWon'] }, target: (e) => void won.push(e) });
    bus.addRule({ name: 'vip', pattern: { 'detail-type': [{ suffix: 'Created' }], detail: { current: { total: [{ numeric: ['>=', 1000] }] } } }, target: (e) => void bigOrders.push(e) });
    await bus.publish([
      { source: 'crm.records', detailType: 'OpportunityWon', detail: { id: 'op1' }, time: '2026-01-01T00:00:00.000Z' },
      { source: 'crm.records', detailType: 'OrderCreated', detail: { id: 'o1', current: { total: 1500 } } },
      { source: 'crm.records', detailType: 'OrderCreated', detail: { id: 'o2', current: { total: 20 } } },
    ]);
    expect(won.map((e) => e.detail.id)).toEqual(['op1']);
    expect(won[0]).toMatchObject({ version: '0', source: 'crm.records', 'detail-type': 'OpportunityWon', time: '2026-01-01T00:00:00Z', region: 'local' });
    expect(bigOrders.map((e) => e.detail.id)).toEqual(['o1']);
    expect(readFileSync(join(dir, 'events', 'events.ndjson'), 'utf8').trim().split('\n')).toHaveLength(3);
  });

  it('refuses an invalid pattern as PutRule would', () => {
    const bus = new LocalBus(mkdtempSync(join(tmpdir(), 'crm-bus-')));
    expect(() => bus.addRule({ name: 'bad', pattern: { source: [] }, target: () => {} })).toThrow(/not valid/);
  });
});
