// The automation index on DynamoDB Local, maintained through the real path: record writer -> table stream ->
// local stream poller -> stream handler. Reads go through the index API the rules use.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DeleteItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entities, type AnyEntity } from '#schemas/registry.ts';
import { RecordWriter } from '#functions/ingest/record-writer.ts';
import type { CrmRecord } from '#functions/ingest/validate.ts';
import { maintainAutomationIndex } from '#functions/stream/automation-index-ops.ts';
import { processStreamBatch } from '#functions/stream/process-batch.ts';
import { keyedHasher } from '#functions/stream/pseudonymize.ts';
import { toChange } from '#functions/stream/changes.ts';
import { LocalBus } from '#lib/bus/local-bus.ts';
import { FsObjectStore } from '#lib/store/fs-object-store.ts';
import { lastActivityAt, openLoadByOwner, recordsDueOn, teamMembers } from '#lib/table/automation-index.ts';
import { recordKey } from '#lib/table/design.ts';
import { startDynamoDbLocal, type DynamoDbLocal } from '#local/dynamodb/emulator.ts';
import { drainStream } from '#local/dynamodb/stream-poller.ts';
import { createTableInput, ensureTable } from '#local/dynamodb/table.ts';
import { streamRecord } from './stream-fixture.ts';

const TABLE = 'crm';
let ddb: DynamoDbLocal;
let dir: string;
let writer: RecordWriter;
let sync: () => Promise<unknown>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'crm-index-'));
  ddb = await startDynamoDbLocal({ dir });
  await ensureTable(ddb.client, TABLE);
  writer = new RecordWriter({ client: ddb.client, tableName: TABLE });
  const deps = { lake: new FsObjectStore(join(dir, 'lake')), bus: new LocalBus(dir), hash: keyedHasher('0123456789abcdef0123456789abcdef'), lakePrefix: '', index: { client: ddb.client, tableName: TABLE } };
  sync = () =>
    drainStream({ client: ddb.client, endpoint: ddb.endpoint, tableName: TABLE, checkpointFile: join(dir, 'stream', 'checkpoint.json'), dlqFile: join(dir, 'stream', 'dlq.ndjson'), retryDelayMs: 0, handler: (e) => processStreamBatch(deps, e) });
});

afterAll(async () => {
  await ddb?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function write(entity: AnyEntity, ...records: Record<string, unknown>[]) {
  const results = await writer.write(entity, records.map((r) => entity.schema.parse(r) as CrmRecord));
  expect(results.map((r) => r.status)).not.toContain('failed');
  await sync();
}

const erase = async (table: string, id: string) => {
  await ddb.client.send(new DeleteItemCommand({ TableName: TABLE, Key: marshall(recordKey(table, id)) }));
  await sync();
};

const indexItems = async () =>
  ((await ddb.client.send(new ScanCommand({ TableName: TABLE, ConsistentRead: true }))).Items ?? [])
    .map((i) => unmarshall(i))
    .filter((i) => i.sk !== 'RECORD')
    .sort((a, b) => `${a.pk}|${a.sk}`.localeCompare(`${b.pk}|${b.sk}`));

const ids = (rows: { id: string }[]) => rows.map((r) => r.id).sort();

const customer = (id: string, birthday: string | undefined, updatedAt = '2026-01-01T00:00:00Z') => ({ id, updatedAt, kind: 'person', lastName: `L${id}`, status: 'active', source: 'web', createdAt: '2025-06-01T09:00:00Z', ...(birthday ? { birthday } : {}) });
const contract = (id: string, endDate: string, updatedAt = '2026-01-01T00:00:00Z') => ({ id, updatedAt, customerId: 'cu-1', startDate: '2024-03-15', endDate, value: 1200, currency: 'EUR', status: 'active' });
const task = (id: string, over: Record<string, unknown>) => ({ id, updatedAt: '2026-01-01T00:00:00Z', type: 'call', title: 'Call back', dueAt: '2026-11-30T10:00:00Z', status: 'open', createdAt: '2026-01-01T00:00:00Z', ...over });
const lead = (id: string, over: Record<string, unknown>) => ({ id, updatedAt: '2026-01-01T00:00:00Z', lastName: 'Lead', source: 'web', status: 'new', createdAt: '2026-01-01T00:00:00Z', ...over });
const user = (id: string, over: Record<string, unknown>) => ({ id, updatedAt: '2026-01-01T00:00:00Z', name: `User ${id}`, email: `${id}@example.com`, team: 'sales', role: 'rep', createdAt: '2025-01-01T00:00:00Z', ...over });

describe('date index', () => {
  it('finds the records due on a day, moves them when the date changes and drops them on erasure', async () => {
    await write(entities.contract, contract('ct-1', '2026-12-31'), contract('ct-2', '2026-12-30'));
    await write(entities.payment, { id: 'pa-1', updatedAt: '2026-01-01T00:00:00Z', customerId: 'cu-2', invoiceId: 'inv-1', amount: 50, currency: 'EUR', issuedAt: '2026-11-01T00:00:00Z', dueDate: '2026-12-31', status: 'pending' });

    expect(await recordsDueOn(ddb.client, TABLE, { entity: 'contract', field: 'endDate', date: '2026-12-31' })).toEqual([{ table: 'contracts', id: 'ct-1', customerId: 'cu-1', date: '2026-12-31' }]);
    expect(await recordsDueOn(ddb.client, TABLE, { entity: 'payment', field: 'dueDate', date: '2026-12-31' })).toEqual([{ table: 'payments', id: 'pa-1', customerId: 'cu-2', date: '2026-12-31' }]);

    // The contract is extended: it leaves Dec 31 and appears on its new end date.
    await write(entities.contract, contract('ct-1', '2027-01-31', '2026-02-01T00:00:00Z'));
    expect(await recordsDueOn(ddb.client, TABLE, { entity: 'contract', field: 'endDate', date: '2026-12-31' })).toEqual([]);
    expect(ids(await recordsDueOn(ddb.client, TABLE, { entity: 'contract', field: 'endDate', date: '2027-01-31' }))).toEqual(['ct-1']);
    expect(ids(await recordsDueOn(ddb.client, TABLE, { entity: 'contract', field: 'endDate', date: '2026-12-30' }))).toEqual(['ct-2']);

    await erase('contracts', 'ct-2');
    expect(await recordsDueOn(ddb.client, TABLE, { entity: 'contract', field: 'endDate', date: '2026-12-30' })).toEqual([]);
    // Its start-date anniversary went with it; ct-1's is still there.
    expect(ids(await recordsDueOn(ddb.client, TABLE, { entity: 'contract', field: 'startDate', date: '2026-03-15', anniversary: true }))).toEqual(['ct-1']);
  });

  it('lists anniversaries of earlier years only, with Feb 29 on Feb 28 in common years', async () => {
    await write(entities.customer, customer('b-leap', '1992-02-29'), customer('b-28', '1990-02-28'), customer('b-mar', '1985-03-01'), customer('b-none', undefined), customer('b-future', '2027-02-28'));
    const birthdays = async (date: string) => ids(await recordsDueOn(ddb.client, TABLE, { entity: 'customer', field: 'birthday', date, anniversary: true }));

    // 2027 is a common year; b-future's birthday is 2027-02-28 itself, not an anniversary yet.
    expect(await birthdays('2027-02-28')).toEqual(['b-28', 'b-leap']);
    expect(await birthdays('2028-02-28')).toEqual(['b-28', 'b-future']); // 2028 is a leap year: b-leap has its own day
    expect(await birthdays('2028-02-29')).toEqual(['b-leap']);
    expect(await birthdays('2027-03-01')).toEqual(['b-mar']);
    expect(await birthdays('2100-02-28')).toEqual(['b-28', 'b-future', 'b-leap']); // 2100 is not a leap year
    // Contract ct-1 started 2024-03-15: that day is its start, not an anniversary.
    expect(await recordsDueOn(ddb.client, TABLE, { entity: 'contract', field: 'startDate', date: '2024-03-15', anniversary: true })).toEqual([]);
  });

  it('matches instant fields over the local day of the time zone asked for', async () => {
    // 23:30 UTC on Nov 30 is already Dec 1 in Berlin (UTC+1): the local day straddles the UTC month boundary.
    await write(entities.task, task('t-late', { dueAt: '2026-11-30T23:30:00Z' }), task('t-noon', { dueAt: '2026-11-30T12:00:00+01:00' }), task('t-dec', { dueAt: '2026-12-01T22:59:59Z' }), task('t-next', { dueAt: '2026-12-01T23:00:00Z' }));
    const due = async (date: string, timezone?: string) => ids(await recordsDueOn(ddb.client, TABLE, { entity: 'task', field: 'dueAt', date, ...(timezone ? { timezone } : {}) }));

    expect(await due('2026-11-30')).toEqual(['t-late', 't-noon']);
    expect(await due('2026-11-30', 'Europe/Berlin')).toEqual(['t-noon']);
    expect(await due('2026-12-01', 'Europe/Berlin')).toEqual(['t-dec', 't-late']);
    expect(await due('2026-12-01', 'America/New_York')).toEqual(['t-dec', 't-next']);
    const late = (await recordsDueOn(ddb.client, TABLE, { entity: 'task', field: 'dueAt', date: '2026-11-30' })).find((r) => r.id === 't-late');
    expect(late).toMatchObject({ date: '2026-11-30T23:30:00.000Z' });
  });

  it('refuses a field that is not a declared reminder date, or the wrong kind of lookup', async () => {
    await expect(recordsDueOn(ddb.client, TABLE, { entity: 'order', field: 'orderedAt', date: '2026-01-01' })).rejects.toThrow('order.orderedAt is not a declared reminder date');
    await expect(recordsDueOn(ddb.client, TABLE, { entity: 'customer', field: 'birthday', date: '2026-01-01', anniversary: false })).rejects.toThrow('customer.birthday is indexed as an anniversary');
    await expect(recordsDueOn(ddb.client, TABLE, { entity: 'contract', field: 'endDate', date: '31.12.2026' })).rejects.toThrow('must be YYYY-MM-DD');
  });
});

describe('last activity, open load and teams', () => {
  it('keeps the latest activity of a lead, customer and opportunity, never going back', async () => {
    await write(entities.lead, lead('l-1', { createdAt: '2026-03-01T08:00:00Z' }));
    expect(await lastActivityAt(ddb.client, TABLE, { table: 'leads', id: 'l-1' })).toBe('2026-03-01T08:00:00.000Z');

    const activity = (id: string, occurredAt: string) => ({ id, updatedAt: '2026-03-10T00:00:00Z', leadId: 'l-1', customerId: 'cu-9', type: 'call', channel: 'phone', direction: 'outbound', occurredAt });
    await write(entities.activity, activity('a-2', '2026-03-05T10:00:00Z'));
    await write(entities.activity, activity('a-1', '2026-03-02T10:00:00Z')); // older, arrives later
    expect(await lastActivityAt(ddb.client, TABLE, { table: 'leads', id: 'l-1' })).toBe('2026-03-05T10:00:00.000Z');
    expect(await lastActivityAt(ddb.client, TABLE, { table: 'customers', id: 'cu-9' })).toBe('2026-03-05T10:00:00.000Z');
    // The derived reminder date: each record sits on the day of its latest activity only (byDueDate index).
    const idle = (entity: 'lead' | 'customer', date: string) => recordsDueOn(ddb.client, TABLE, { entity, field: 'lastActivityAt', date });
    await expect.poll(() => idle('lead', '2026-03-05')).toEqual([{ table: 'leads', id: 'l-1', date: '2026-03-05T10:00:00.000Z' }]);
    expect(await idle('lead', '2026-03-01')).toEqual([]);
    expect(await idle('lead', '2026-03-02')).toEqual([]);
    expect(await idle('customer', '2026-03-05')).toEqual([{ table: 'customers', id: 'cu-9', customerId: 'cu-9', date: '2026-03-05T10:00:00.000Z' }]);

    // A task about an opportunity counts when it is done, at its completion time.
    await write(entities.task, task('t-op', { opportunityId: 'op-1', status: 'open' }));
    expect(await lastActivityAt(ddb.client, TABLE, { table: 'opportunities', id: 'op-1' })).toBeUndefined();
    await write(entities.task, task('t-op', { opportunityId: 'op-1', status: 'done', completedAt: '2026-04-02T15:00:00Z', updatedAt: '2026-04-02T15:00:00Z' }));
    expect(await lastActivityAt(ddb.client, TABLE, { table: 'opportunities', id: 'op-1' })).toBe('2026-04-02T15:00:00.000Z');

    await erase('leads', 'l-1');
    expect(await lastActivityAt(ddb.client, TABLE, { table: 'leads', id: 'l-1' })).toBeUndefined();
    await expect.poll(() => idle('lead', '2026-03-05')).toEqual([]);
  });

  it('counts open leads and open tasks per owner, following reassignment and closing', async () => {
    await write(entities.lead, lead('ol-1', { ownerId: 'u-a' }), lead('ol-2', { ownerId: 'u-a', status: 'contacted' }), lead('ol-3', { ownerId: 'u-a', status: 'converted' }), lead('ol-4', {}));
    await write(entities.task, task('ot-1', { ownerId: 'u-a' }), task('ot-2', { ownerId: 'u-a', status: 'cancelled' }), task('ot-3', { ownerId: 'u-b' }));
    expect(await openLoadByOwner(ddb.client, TABLE, 'u-a')).toBe(3);
    expect(await openLoadByOwner(ddb.client, TABLE, 'u-b')).toBe(1);

    // ol-1 goes to u-b, ol-2 is disqualified, ot-1 is done.
    await write(entities.lead, lead('ol-1', { ownerId: 'u-b', updatedAt: '2026-02-01T00:00:00Z' }), lead('ol-2', { ownerId: 'u-a', status: 'disqualified', updatedAt: '2026-02-01T00:00:00Z' }));
    await write(entities.task, task('ot-1', { ownerId: 'u-a', status: 'done', completedAt: '2026-02-01T00:00:00Z', updatedAt: '2026-02-01T00:00:00Z' }));
    expect(await openLoadByOwner(ddb.client, TABLE, 'u-a')).toBe(0);
    expect(await openLoadByOwner(ddb.client, TABLE, 'u-b')).toBe(2);
    expect(await openLoadByOwner(ddb.client, TABLE, 'nobody')).toBe(0);
  });

  it('lists team members with their state, and moves them between teams', async () => {
    await write(entities.user, user('u-1', { capacity: 20, timezone: 'Europe/Berlin' }), user('u-2', { active: false }), user('u-3', { team: 'service', role: 'agent' }));
    expect(await teamMembers(ddb.client, TABLE, 'sales')).toEqual([
      { id: 'u-1', active: true, role: 'rep', capacity: 20, timezone: 'Europe/Berlin' },
      { id: 'u-2', active: false, role: 'rep', timezone: 'UTC' },
    ]);
    await write(entities.user, user('u-1', { team: 'service', role: 'manager', updatedAt: '2026-02-01T00:00:00Z' }));
    expect(ids(await teamMembers(ddb.client, TABLE, 'sales'))).toEqual(['u-2']);
    expect(await teamMembers(ddb.client, TABLE, 'service')).toEqual([
      { id: 'u-1', active: true, role: 'manager', timezone: 'UTC' },
      { id: 'u-3', active: true, role: 'agent', timezone: 'UTC' },
    ]);
  });
});

describe('redelivery and ordering', () => {
  it('leaves every index item as it was when the whole stream is delivered again', async () => {
    const before = await indexItems();
    expect(before.length).toBeGreaterThan(20);
    // Forget the checkpoint: the poller hands every change since the table was created to the handler again.
    rmSync(join(dir, 'stream', 'checkpoint.json'));
    await sync();
    expect(await indexItems()).toEqual(before);
  });

  it('never lets an older change undo what a newer one wrote', async () => {
    const v1 = user('u-9', { team: 'sales', updatedAt: '2026-01-01T00:00:00Z' });
    const v2 = user('u-9', { team: 'sales', active: false, updatedAt: '2026-02-01T00:00:00Z' });
    await write(entities.user, v1);
    await write(entities.user, v2);
    // A stale change (v1 after v2, e.g. from a second producer) arrives late.
    const stale = toChange(streamRecord(entities.user, 1, entities.user.schema.parse(v1) as never, entities.user.schema.parse({ ...v1, team: 'x' }) as never))!;
    await maintainAutomationIndex({ client: ddb.client, tableName: TABLE }, [stale]);
    expect((await teamMembers(ddb.client, TABLE, 'sales')).find((m) => m.id === 'u-9')).toMatchObject({ active: false });
  });
});

describe('local table', () => {
  it('adds the byDueDate index to a table created before it existed', async () => {
    const input = createTableInput('crm_old');
    const old = { ...input, GlobalSecondaryIndexes: input.GlobalSecondaryIndexes.filter((i) => i.IndexName === 'byCustomer'), AttributeDefinitions: input.AttributeDefinitions.filter((a) => !a.AttributeName.startsWith('gsi2')) };
    await ddb.client.send(new CreateTableCommand(old));
    const table = await ensureTable(ddb.client, 'crm_old');
    expect(table.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual(['byCustomer', 'byDueDate']);
  });
});
