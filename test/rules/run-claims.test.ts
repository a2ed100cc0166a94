// Run claims on DynamoDB Local: claiming many runs in transactions gives each run the outcome a single `acquire`
// would give (new, failed and lease-expired runs owned; done and running ones refused), owns a run listed twice
// once, and never lets two concurrent callers own the same run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunClaims, type RunToClaim } from '#functions/rules/run-claims.ts';
import { automationKeys } from '#lib/table/design.ts';
import { startDynamoDbLocal, type DynamoDbLocal } from '#local/dynamodb/emulator.ts';
import { ensureTable } from '#local/dynamodb/table.ts';

const TABLE = 'crm';
let ddb: DynamoDbLocal;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'crm-claims-'));
  ddb = await startDynamoDbLocal({ dir });
  await ensureTable(ddb.client, TABLE);
});

afterAll(async () => {
  await ddb?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const run = (prefix: string, i: number): RunToClaim => ({ runId: `${prefix}-${i}`, ruleId: 'soak-consumer', eventId: `OrderCreated#${String(i).padStart(40, '0')}` });

async function storeClaim(runId: string, state: string, leaseUntil: number) {
  await ddb.client.send(new PutItemCommand({ TableName: TABLE, Item: marshall({ ...automationKeys.runClaim(runId), ruleId: 'r', eventId: 'e', state, leaseUntil, steps: { 0: { label: 'task', ids: ['tasks/t-1'] } } }) }));
}

describe('RunClaims.acquireMany', () => {
  it('owns every new run, over more than one transaction, and stores each claim as acquire does', async () => {
    // Act: 250 runs (three transactions).
    const claims = new RunClaims(ddb.client, TABLE, 60_000);
    const runs = Array.from({ length: 250 }, (_, i) => run('fresh', i));
    const owned = await claims.acquireMany(runs);

    // Assess: all owned; the stored item is a running claim with the rule, event and a lease.
    expect(owned).toEqual(runs.map(() => true));
    const item = unmarshall((await ddb.client.send(new GetItemCommand({ TableName: TABLE, Key: marshall(automationKeys.runClaim('fresh-249')) }))).Item!);
    expect(item).toMatchObject({ state: 'running', ruleId: 'soak-consumer', eventId: runs[249]!.eventId, steps: {} });
    expect(item.leaseUntil).toBeGreaterThan(Date.now());
    // A second delivery of any of them is refused, in a batch and one by one.
    expect(await claims.acquireMany([runs[0]!, runs[120]!, runs[249]!])).toEqual([false, false, false]);
    expect(await claims.acquire(runs[7]!.runId, runs[7]!.ruleId, runs[7]!.eventId)).toBeUndefined();
  });

  it('refuses done and live running claims, reclaims failed and lease-expired ones (keeping their steps), and owns a repeated run once', async () => {
    // Prepare: one claim in each state, in the middle of fresh runs.
    const claims = new RunClaims(ddb.client, TABLE, 60_000);
    await storeClaim('mixed-done', 'done', 0);
    await storeClaim('mixed-running', 'running', Date.now() + 600_000);
    await storeClaim('mixed-failed', 'failed', 0);
    await storeClaim('mixed-expired', 'running', Date.now() - 1);
    const runs: RunToClaim[] = [
      run('mixed', 1),
      { runId: 'mixed-done', ruleId: 'r', eventId: 'e' },
      run('mixed', 2),
      { runId: 'mixed-running', ruleId: 'r', eventId: 'e' },
      { runId: 'mixed-failed', ruleId: 'r', eventId: 'e' },
      run('mixed', 1),
      { runId: 'mixed-expired', ruleId: 'r', eventId: 'e' },
      run('mixed', 1),
    ];

    // Act
    const owned = await claims.acquireMany(runs);

    // Assess: the repeated run is owned at its first listing only; a refused claim in a transaction does not
    // keep the others of that transaction from being claimed.
    expect(owned).toEqual([true, false, true, false, true, false, true, false]);
    const failed = unmarshall((await ddb.client.send(new GetItemCommand({ TableName: TABLE, Key: marshall(automationKeys.runClaim('mixed-failed')) }))).Item!);
    expect(failed).toMatchObject({ state: 'running', steps: { 0: { label: 'task', ids: ['tasks/t-1'] } } });
    const done = unmarshall((await ddb.client.send(new GetItemCommand({ TableName: TABLE, Key: marshall(automationKeys.runClaim('mixed-done')) }))).Item!);
    expect(done.state).toBe('done');
  });

  it('lets exactly one of several concurrent callers own each run', async () => {
    // Act: four callers claim the same 300 runs at once, each in its own order.
    const runs = Array.from({ length: 300 }, (_, i) => run('race', i));
    const orders = [runs, [...runs].reverse(), [...runs.slice(150), ...runs.slice(0, 150)], [...runs.slice(75), ...runs.slice(0, 75)]];
    const results = await Promise.all(orders.map((order) => new RunClaims(ddb.client, TABLE, 60_000).acquireMany(order)));

    // Assess: every run owned by exactly one caller.
    const owners = new Map<string, number>();
    results.forEach((owned, caller) => owned.forEach((o, i) => o && owners.set(orders[caller]![i]!.runId, (owners.get(orders[caller]![i]!.runId) ?? 0) + 1)));
    expect(owners.size).toBe(300);
    expect([...owners.values()].every((n) => n === 1)).toBe(true);
  });
});
