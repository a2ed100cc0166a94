// DynamoDB Local lifecycle against the real jar: start, persistence across restarts, one JVM per
// state dir, and no JVM left behind after a signal or a crash of its owner.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DescribeTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { SQLITE_CACHE_MB, startDynamoDbLocal, type DynamoDbLocal } from '../../local/dynamodb/emulator.ts';
import { ensureTable, LOCAL_TABLE_NAME } from '../../local/dynamodb/table.ts';
import { drainStream } from '../../local/dynamodb/stream-poller.ts';
import { recordKey } from '../../lib/table/design.ts';

const dirs: string[] = [];
const started: DynamoDbLocal[] = [];
const childJvms: number[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'crm-'));
  dirs.push(dir);
  return dir;
};
const start = async (dir: string) => {
  const emulator = await startDynamoDbLocal({ dir });
  started.push(emulator);
  return emulator;
};
const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const waitForExit = async (pid: number, ms = 15_000) => {
  for (const until = Date.now() + ms; isAlive(pid) && Date.now() < until; ) await new Promise((r) => setTimeout(r, 100));
  return !isAlive(pid);
};

afterAll(async () => {
  await Promise.all(started.map((e) => e.stop()));
  // Safety net for JVMs started by the child processes of the signal tests.
  for (const pid of childJvms) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('startDynamoDbLocal', () => {
  it('answers on 127.0.0.1, keeps tables across restarts and stops its JVM', async () => {
    // Prepare
    const dir = tempDir();
    const first = await start(dir);
    expect(first.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(first.startupMs).toBeGreaterThan(0);
    await ensureTable(first.client, LOCAL_TABLE_NAME);
    await first.client.send(new PutItemCommand({ TableName: LOCAL_TABLE_NAME, Item: { ...marshalKey('customers', 'c1'), name: { S: 'Ada' } } }));

    // Act
    await first.stop();
    await first.stop(); // idempotent
    const second = await start(dir);
    const item = await second.client.send(new GetItemCommand({ TableName: LOCAL_TABLE_NAME, Key: marshalKey('customers', 'c1') }));

    // Assess
    expect(isAlive(first.pid)).toBe(false);
    expect(existsSync(join(dir, 'dynamodb', 'shared-local-instance.db'))).toBe(true);
    expect(item.Item?.name).toEqual({ S: 'Ada' });
    await second.stop();
    expect(existsSync(join(dir, 'dynamodb', 'emulator.lock'))).toBe(false);
  });

  it('keeps the database in SQLite write-ahead-log mode, so a commit costs one fsync', async () => {
    // Prepare
    const dir = tempDir();
    const emulator = await start(dir);
    await ensureTable(emulator.client, LOCAL_TABLE_NAME);
    await emulator.client.send(new PutItemCommand({ TableName: LOCAL_TABLE_NAME, Item: marshalKey('customers', 'c1') }));

    // Act
    await emulator.stop();

    // Assess: bytes 18 and 19 of an SQLite file header are its write and read format, 2 in WAL mode (1 with a rollback journal)
    const header = readFileSync(join(dir, 'dynamodb', 'shared-local-instance.db')).subarray(0, 20);
    expect(header.subarray(0, 15).toString('latin1')).toBe('SQLite format 3');
    expect([header[18], header[19]]).toEqual([2, 2]);
  });

  it('runs with SQLite synchronous NORMAL when asked (crm demo) and keeps what it committed across a restart', async () => {
    // Prepare
    const dir = tempDir();
    const first = await startDynamoDbLocal({ dir, sqliteSynchronous: 'NORMAL' });
    started.push(first);
    await ensureTable(first.client, LOCAL_TABLE_NAME);
    await first.client.send(new PutItemCommand({ TableName: LOCAL_TABLE_NAME, Item: { ...marshalKey('customers', 'c1'), name: { S: 'Ada' } } }));
    const args = readFileSync(`/proc/${first.pid}/cmdline`, 'utf8').split('\0');

    // Act
    await first.stop();
    const second = await start(dir);
    const item = await second.client.send(new GetItemCommand({ TableName: LOCAL_TABLE_NAME, Key: marshalKey('customers', 'c1') }));

    // Assess
    expect(args).toEqual(expect.arrayContaining(['-Dcrm.sqlite.journal=WAL', '-Dcrm.sqlite.synchronous=NORMAL']));
    expect(readFileSync(`/proc/${second.pid}/cmdline`, 'utf8').split('\0')).toContain('-Dcrm.sqlite.synchronous=FULL');
    expect(item.Item?.name).toEqual({ S: 'Ada' });
    await second.stop();
  });

  it('gives SQLite the page cache it is asked for (the launcher checks the PRAGMA took effect, or the JVM does not start)', async () => {
    // Prepare
    const dir = tempDir();
    const emulator = await startDynamoDbLocal({ dir, sqliteCacheMb: 32 });
    started.push(emulator);

    // Act
    await ensureTable(emulator.client, LOCAL_TABLE_NAME);
    await emulator.client.send(new PutItemCommand({ TableName: LOCAL_TABLE_NAME, Item: { ...marshalKey('customers', 'c1'), name: { S: 'Ada' } } }));
    const item = await emulator.client.send(new GetItemCommand({ TableName: LOCAL_TABLE_NAME, Key: marshalKey('customers', 'c1') }));
    const args = readFileSync(`/proc/${emulator.pid}/cmdline`, 'utf8').split('\0');
    await emulator.stop();
    const byDefault = await start(dir);

    // Assess
    expect(args).toContain('-Dcrm.sqlite.cacheMb=32');
    expect(item.Item?.name).toEqual({ S: 'Ada' });
    expect(readFileSync(`/proc/${byDefault.pid}/cmdline`, 'utf8').split('\0')).toContain(`-Dcrm.sqlite.cacheMb=${SQLITE_CACHE_MB}`);
    await expect(startDynamoDbLocal({ dir: tempDir(), sqliteCacheMb: 0.5 })).rejects.toThrow(/sqliteCacheMb must be an integer/);
  });

  it('keeps undrained stream records across a restart', async () => {
    // Prepare: write, stop before draining
    const dir = tempDir();
    const first = await start(dir);
    await ensureTable(first.client, LOCAL_TABLE_NAME);
    for (const id of ['o1', 'o2', 'o3']) {
      await first.client.send(new PutItemCommand({ TableName: LOCAL_TABLE_NAME, Item: marshalKey('orders', id) }));
    }
    await first.stop();

    // Act
    const second = await start(dir);
    const seen: string[] = [];
    const stats = await drainStream({
      clientConfig: second.clientConfig,
      tableName: LOCAL_TABLE_NAME,
      checkpointFile: join(dir, 'stream', 'checkpoint.json'),
      dlqFile: join(dir, 'stream', 'dlq.ndjson'),
      handler: async (event) => void seen.push(...event.Records.map((r) => r.dynamodb!.Keys!.pk!.S!)),
    });

    // Assess
    expect(seen).toEqual(['orders#o1', 'orders#o2', 'orders#o3']);
    expect(stats.records).toBe(3);
  });

  it('refuses a second emulator on the same dir and names the owner', async () => {
    const dir = tempDir();
    await start(dir);
    await expect(startDynamoDbLocal({ dir })).rejects.toThrow(new RegExp(`in use by process ${process.pid}`));
  });

  it('takes over a stale lock whose owner is gone', async () => {
    // Prepare: a lock left by a process that no longer exists
    const dir = tempDir();
    const first = await start(dir);
    await first.stop();
    const deadPid = await exitedPid();
    writeFileSync(join(dir, 'dynamodb', 'emulator.lock'), JSON.stringify({ pid: deadPid, javaPid: deadPid, startedAt: new Date().toISOString() }));

    // Act
    const emulator = await start(dir);

    // Assess
    expect(JSON.parse(readFileSync(join(dir, 'dynamodb', 'emulator.lock'), 'utf8'))).toMatchObject({ pid: process.pid, javaPid: emulator.pid });
  });

  it('fails with the JVM output when DynamoDB Local cannot start', async () => {
    const dir = tempDir();
    await expect(startDynamoDbLocal({ dir, jvmFlags: ['-Xmx1k'] })).rejects.toThrow(/did not start.*\n.*(heap|Error)/is);
    expect(existsSync(join(dir, 'dynamodb', 'emulator.lock'))).toBe(false);
  });

  it('fails fast, naming the cause, when the chosen port is taken', async () => {
    // Prepare
    const dir = tempDir();
    const squatter = createServer().listen(0);
    await once(squatter, 'listening');
    const { port } = squatter.address() as AddressInfo;

    // Act
    const began = Date.now();
    const failure = await startDynamoDbLocal({ dir, port }).catch((err: Error) => err);
    squatter.close();

    // Assess
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(/BindException|Failed to bind/);
    expect(Date.now() - began).toBeLessThan(15_000);
    expect(existsSync(join(dir, 'dynamodb', 'emulator.lock'))).toBe(false);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('stops the JVM when its owner gets %s', async (signal) => {
    // Prepare
    const dir = tempDir();
    const owner = await holdEmulator(dir);

    // Act
    owner.child.kill(signal);
    const exit = await owner.exited;

    // Assess: the owner died of the signal, after stopping its JVM and removing its lock
    expect(exit.signal).toBe(signal);
    expect(await waitForExit(owner.javaPid)).toBe(true);
    expect(existsSync(join(dir, 'dynamodb', 'emulator.lock'))).toBe(false);
  });

  it('stops a JVM orphaned by a SIGKILLed owner before starting a new one', async () => {
    // Prepare: the owner dies without any chance to clean up
    const dir = tempDir();
    const owner = await holdEmulator(dir);
    owner.child.kill('SIGKILL');
    await owner.exited;
    expect(isAlive(owner.javaPid)).toBe(true);

    // Act
    const emulator = await start(dir);

    // Assess
    expect(await waitForExit(owner.javaPid, 1_000)).toBe(true);
    expect(emulator.pid).not.toBe(owner.javaPid);
  });
});

describe('ensureTable', () => {
  it('creates the single table once, with the customer and due-date indexes and the stream', async () => {
    // Prepare
    const emulator = await start(tempDir());

    // Act
    const created = await ensureTable(emulator.client, LOCAL_TABLE_NAME);
    const again = await ensureTable(emulator.client, LOCAL_TABLE_NAME);
    const { Table } = await emulator.client.send(new DescribeTableCommand({ TableName: LOCAL_TABLE_NAME }));

    // Assess
    expect(again.TableArn).toBe(created.TableArn);
    expect(again.LatestStreamArn).toBe(created.LatestStreamArn);
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(Table?.KeySchema).toEqual([{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }]);
    expect(Table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(Table?.GlobalSecondaryIndexes).toEqual([
      expect.objectContaining({
        IndexName: 'byCustomer',
        IndexStatus: 'ACTIVE',
        KeySchema: [{ AttributeName: 'gsi1pk', KeyType: 'HASH' }, { AttributeName: 'gsi1sk', KeyType: 'RANGE' }],
        Projection: { ProjectionType: 'ALL' },
      }),
      expect.objectContaining({
        IndexName: 'byDueDate',
        IndexStatus: 'ACTIVE',
        KeySchema: [{ AttributeName: 'gsi2pk', KeyType: 'HASH' }, { AttributeName: 'gsi2sk', KeyType: 'RANGE' }],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['table', 'id', 'at'] },
      }),
    ]);
  });
});

function marshalKey(table: string, id: string) {
  const { pk, sk } = recordKey(table, id);
  return { pk: { S: pk }, sk: { S: sk } };
}

/** A pid that certainly belongs to no running process: one that has just exited. */
async function exitedPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((r) => child.once('exit', r));
  return child.pid!;
}

async function holdEmulator(dir: string) {
  const script = fileURLToPath(new URL('./fixtures/hold-emulator.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.once('exit', (code, signal) => done({ code, signal })));
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const info = await new Promise<{ javaPid: number }>((done, fail) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) done(JSON.parse(out) as { javaPid: number });
    });
    void exited.then(() => fail(new Error(`emulator holder exited early: ${stderr}`)));
  });
  childJvms.push(info.javaPid);
  return { child, exited, javaPid: info.javaPid };
}
