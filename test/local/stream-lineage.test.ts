// Shard lineage with a real DynamoDB Local: its background job closes shards older than 4 hours and
// opens a child. We age the open shard in the SQLite file (with the JVM stopped) to trigger that, then
// check that the poller finishes the parent from its checkpoint before it reads the child.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, type Shard } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, describe, expect, it } from 'vitest';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../local/dynamodb/emulator.ts';
import { drainStream } from '../../local/dynamodb/stream-poller.ts';
import { ensureTable, LOCAL_TABLE_NAME } from '../../local/dynamodb/table.ts';
import { recordKey } from '../../lib/table/design.ts';

// Node 20 has no SQLite module; python3's is the lightest way to edit the emulator's file.
const hasPython = spawnSync('python3', ['-c', 'import sqlite3'], { stdio: 'ignore' }).status === 0;

const dir = mkdtempSync(join(tmpdir(), 'crm-'));
let emulator: DynamoDbLocal | undefined;

afterAll(async () => {
  await emulator?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!hasPython)('drainStream across a shard rollover', () => {
  it('drains the closed parent from its checkpoint before the child, in order', async () => {
    // Prepare: o1, o2 drained; o3 written but not drained; then the shard rolls over and o4, o5 land in the child
    emulator = await startDynamoDbLocal({ dir });
    await ensureTable(emulator.client, LOCAL_TABLE_NAME);
    const files = { checkpointFile: join(dir, 'checkpoint.json'), dlqFile: join(dir, 'dlq.ndjson') };
    const delivered: DynamoDBRecord[] = [];
    const drain = (e: DynamoDbLocal) =>
      drainStream({ clientConfig: e.clientConfig, tableName: LOCAL_TABLE_NAME, ...files, handler: async (event) => void delivered.push(...event.Records) });
    for (const id of ['o1', 'o2']) await put(emulator.client, id);
    await drain(emulator);
    await put(emulator.client, 'o3');
    await emulator.stop();
    ageShards(join(dir, 'dynamodb', 'shared-local-instance.db'), 5);
    emulator = await startDynamoDbLocal({ dir });
    const shards = await waitForShards(emulator, 2);
    for (const id of ['o4', 'o5']) await put(emulator.client, id);

    // Act
    await drain(emulator);

    // Assess
    const [parent, child] = shards;
    expect(child!.ParentShardId).toBe(parent!.ShardId);
    expect(delivered.map((r) => r.dynamodb!.Keys!.pk!.S)).toEqual(['orders#o1', 'orders#o2', 'orders#o3', 'orders#o4', 'orders#o5']);
    const checkpoint = JSON.parse(readFileSync(files.checkpointFile, 'utf8'));
    expect(checkpoint.shards[parent!.ShardId!]).toMatchObject({ completed: true });
    expect(checkpoint.shards[child!.ShardId!]).toEqual({ sequenceNumber: delivered.at(-1)!.dynamodb!.SequenceNumber });
  });
});

const put = (client: DynamoDBClient, id: string) => {
  const { pk, sk } = recordKey('orders', id);
  return client.send(new PutItemCommand({ TableName: LOCAL_TABLE_NAME, Item: { pk: { S: pk }, sk: { S: sk } } }));
};

function ageShards(dbFile: string, hours: number): void {
  const script = `import sqlite3, sys\nc = sqlite3.connect(sys.argv[1])\nc.execute('update ss set CreationDateTime = CreationDateTime - ?', (${hours} * 3600 * 1000,))\nc.commit()`;
  const result = spawnSync('python3', ['-c', script, dbFile], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`could not age shards: ${result.stderr}`);
}

/** The rollover job runs when the emulator starts; give it a few seconds. */
async function waitForShards(e: DynamoDbLocal, count: number): Promise<Shard[]> {
  const streams = new DynamoDBStreamsClient(e.clientConfig);
  try {
    const arn = (await e.client.send(new DescribeTableCommand({ TableName: LOCAL_TABLE_NAME }))).Table!.LatestStreamArn!;
    for (const until = Date.now() + 20_000; Date.now() < until; await new Promise((r) => setTimeout(r, 200))) {
      const shards = (await streams.send(new DescribeStreamCommand({ StreamArn: arn }))).StreamDescription?.Shards ?? [];
      if (shards.length >= count) return shards;
    }
    throw new Error(`no shard rollover within 20 s`);
  } finally {
    streams.destroy();
  }
}
