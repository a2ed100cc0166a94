// The local stack drains the stream only after a write that may have changed a record item: the watch on the
// table client, against DynamoDB Local.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetItemCommand, PutItemCommand, QueryCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../local/dynamodb/emulator.ts';
import { mayChangeRecord, watchRecordWrites } from '../../local/dynamodb/record-writes.ts';
import { ensureTable } from '../../local/dynamodb/table.ts';
import { identityKey, recordKey } from '../../lib/table/design.ts';

describe('mayChangeRecord', () => {
  const record = marshall(recordKey('customers', 'c1'));
  const identity = marshall(identityKey('customers', 'email', 'a@example.com'));
  it('passes record items, not identity or other items, in every write shape', () => {
    expect(mayChangeRecord('PutItemCommand', { Item: record })).toBe(true);
    expect(mayChangeRecord('PutItemCommand', { Item: identity })).toBe(false);
    expect(mayChangeRecord('UpdateItemCommand', { Key: record })).toBe(true);
    expect(mayChangeRecord('DeleteItemCommand', { Key: identity })).toBe(false);
    expect(mayChangeRecord('TransactWriteItemsCommand', { TransactItems: [{ Put: { Item: identity } }, { Delete: { Key: record } }] })).toBe(true);
    expect(mayChangeRecord('TransactWriteItemsCommand', { TransactItems: [{ Put: { Item: identity } }, { Update: { Key: identity } }] })).toBe(false);
    expect(mayChangeRecord('BatchWriteItemCommand', { RequestItems: { t: [{ PutRequest: { Item: identity } }, { DeleteRequest: { Key: record } }] } })).toBe(true);
    expect(mayChangeRecord('BatchWriteItemCommand', { RequestItems: { t: [{ PutRequest: { Item: identity } }] } })).toBe(false);
  });
  it('reads never, writes it cannot see into always', () => {
    expect(mayChangeRecord('GetItemCommand', { Key: record })).toBe(false);
    expect(mayChangeRecord('QueryCommand', {})).toBe(false);
    expect(mayChangeRecord('ExecuteStatementCommand', {})).toBe(true);
    expect(mayChangeRecord('PutItemCommand', { Item: {} })).toBe(true);
  });
});

describe('watchRecordWrites on DynamoDB Local', () => {
  let emulator: DynamoDbLocal;
  let root: string;
  const TableName = 'crm_watch';
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'crm-watch-'));
    emulator = await startDynamoDbLocal({ dir: root });
    await ensureTable(emulator.client, TableName);
  });
  afterAll(async () => {
    await emulator?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('reports a change first, then only after record writes, failed ones included', async () => {
    const watch = watchRecordWrites(emulator.client);
    expect(watch.take()).toBe(true);
    expect(watch.take()).toBe(false);
    await emulator.client.send(new PutItemCommand({ TableName, Item: marshall(identityKey('customers', 'email', 'a@example.com')) }));
    await emulator.client.send(new GetItemCommand({ TableName, Key: marshall(recordKey('customers', 'c1')) }));
    await emulator.client.send(new QueryCommand({ TableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: 'customers#c1' } } }));
    expect(watch.take()).toBe(false);
    await emulator.client.send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName, Item: marshall({ ...recordKey('customers', 'c1'), v: 1 }) } }] }));
    expect(watch.take()).toBe(true);
    expect(watch.take()).toBe(false);
    await expect(
      emulator.client.send(new PutItemCommand({ TableName, Item: marshall({ ...recordKey('customers', 'c1'), v: 2 }), ConditionExpression: 'attribute_not_exists(pk)' })),
    ).rejects.toThrow();
    expect(watch.take()).toBe(true);
    watch.mark();
    expect(watch.take()).toBe(true);
  });
});
