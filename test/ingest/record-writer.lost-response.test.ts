// A grouped write whose answer is lost after it landed, on DynamoDB Local: the writer's retry of the transaction is
// refused by the version conditions, and the records are settled from the stored items DynamoDB returns with the
// cancellation, without writing each record again on its own.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, InternalServerError } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordWriter } from '#functions/ingest/record-writer.ts';
import type { CrmRecord } from '#functions/ingest/validate.ts';
import { startDynamoDbLocal, type DynamoDbLocal } from '#local/dynamodb/emulator.ts';
import { ensureTable } from '#local/dynamodb/table.ts';
import { entities } from '#schemas/registry.ts';

const TABLE = 'crm';
let ddb: DynamoDbLocal;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'crm-lost-response-'));
  ddb = await startDynamoDbLocal({ dir });
  await ensureTable(ddb.client, TABLE);
});

afterAll(async () => {
  await ddb?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Counts the commands sent, and turns the answer to the first TransactWriteItems into a 500 after it landed. */
function loseFirstTransactionAnswer(client: DynamoDBClient) {
  const sent: string[] = [];
  let lost = false;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push(context.commandName ?? '');
      const result = await next(args);
      if (context.commandName === 'TransactWriteItemsCommand' && !lost) {
        lost = true;
        throw new InternalServerError({ message: 'answer lost after the write landed (test)', $metadata: { httpStatusCode: 500 } });
      }
      return result;
    },
    { step: 'initialize', name: 'loseFirstTransactionAnswer' },
  );
  return sent;
}

const order = (id: string, updatedAt = '2026-01-01T00:00:00.000Z'): CrmRecord => ({
  id,
  updatedAt,
  customerId: 'cus-1',
  orderedAt: '2026-01-01T00:00:00.000Z',
  status: 'placed',
  channel: 'web',
  currency: 'EUR',
  lineItems: [{ sku: 'SKU-1', quantity: 1, unitPrice: 10 }],
  itemCount: 1,
  subtotal: 10,
  total: 10,
});

describe('RecordWriter grouped writes when an answer is lost', () => {
  it('settles the landed group from the cancellation reasons, and a record another writer made newer as stale', async () => {
    // Prepare: a writer of its own client (the middleware must not reach the other tests' client).
    const config = ddb.client.config;
    const client = new DynamoDBClient({ region: await config.region(), credentials: config.credentials, endpoint: await config.endpoint!(), maxAttempts: 1 });
    const sent = loseFirstTransactionAnswer(client);
    const writer = new RecordWriter({ client, tableName: TABLE, writeGroupSize: 25, backoffMs: 1 });
    const records = Array.from({ length: 10 }, (_, i) => order(`ord-lost-${i}`));

    // Act
    const results = await writer.write(entities.order, records);

    // Assess: every record landed once (its retry is refused by its own version: unchanged); the two reads (merged
    // customers, stored versions), the lost transaction and its refused retry, and no single PutItem.
    expect(results.map((r) => r.status)).toEqual(records.map(() => 'unchanged'));
    expect(sent).toEqual(['BatchGetItemCommand', 'BatchGetItemCommand', 'TransactWriteItemsCommand', 'TransactWriteItemsCommand']);
    const again = await new RecordWriter({ client: ddb.client, tableName: TABLE }).batchGet(records.map((r) => ({ pk: `orders#${r.id}`, sk: 'RECORD' })));
    expect(again.size).toBe(10);

    // Act 2: a newer version of one record lands between the read and the grouped write of an older one.
    const newer = order('ord-lost-3', '2026-02-01T00:00:00.000Z');
    await new RecordWriter({ client: ddb.client, tableName: TABLE }).write(entities.order, [newer]);
    const racing = new RecordWriter({ client: ddb.client, tableName: TABLE, writeGroupSize: 25 });
    ddb.client.middlewareStack.add(
      (next, context) => async (args) => {
        // The read happens before the newer version, as if it raced: hide the stored item from this read.
        const result = await next(args);
        if (context.commandName === 'BatchGetItemCommand') (result.output as { Responses?: Record<string, unknown[]> }).Responses = { [TABLE]: [] };
        return result;
      },
      { step: 'initialize', name: 'hideStoredVersions' },
    );
    try {
      const raced = await racing.write(entities.order, [order('ord-lost-3', '2026-01-15T00:00:00.000Z'), order('ord-lost-new')]);
      // Assess 2: the older version is stale, the other record created, and the table keeps the newer version.
      expect(raced.map((r) => r.status)).toEqual(['stale', 'created']);
    } finally {
      ddb.client.middlewareStack.remove('hideStoredVersions');
    }
    const stored = await new RecordWriter({ client: ddb.client, tableName: TABLE }).batchGet([{ pk: 'orders#ord-lost-3', sk: 'RECORD' }]);
    expect([...stored.values()][0]!.updatedAt).toBe('2026-02-01T00:00:00.000Z');
  });
});
