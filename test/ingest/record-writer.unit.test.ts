// Fault injection the emulator cannot produce: throttling, unprocessed keys, transaction races.
import { afterEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import {
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  DynamoDBClient,
  PutItemCommand,
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { entities } from '#schemas/registry.ts';
import { RecordWriter } from '#functions/ingest/record-writer.ts';
import type { CrmRecord } from '#functions/ingest/validate.ts';

const ddb = mockClient(DynamoDBClient);
const writer = () => new RecordWriter({ client: new DynamoDBClient({ region: 'local' }), tableName: 't', backoffMs: 1, maxAttempts: 4 });
const order = (id: string, customerId = 'c1'): CrmRecord => ({ id, updatedAt: '2024-01-01T00:00:00.000Z', customerId, total: 1 });
const lead = (id: string, email: string): CrmRecord => ({ id, updatedAt: '2024-01-01T00:00:00.000Z', email, source: 'web', status: 'new', createdAt: '2024-01-01T00:00:00.000Z' });

afterEach(() => ddb.reset());

describe('RecordWriter under faults', () => {
  it('retries unprocessed BatchGetItem keys until they are served', async () => {
    // Prepare: the first BatchGet leaves the alias key unprocessed.
    const key = marshall({ pk: 'ALIAS#customers#c1', sk: 'ALIAS' });
    ddb
      .on(BatchGetItemCommand)
      .resolvesOnce({ Responses: { t: [] }, UnprocessedKeys: { t: { Keys: [key] } } })
      .resolves({ Responses: { t: [marshall({ pk: 'ALIAS#customers#c1', sk: 'ALIAS', targetId: 'c9' })] } });
    ddb.on(PutItemCommand).resolves({});
    // Act
    const [result] = await writer().write(entities.order, [order('o1')]);
    // Assess: the merged customer id was resolved after the retry and used in the write.
    expect(result).toMatchObject({ status: 'created', id: 'o1' });
    // Two reads for the alias (one retried), one for the stored versions.
    expect(ddb).toHaveReceivedCommandTimes(BatchGetItemCommand, 3);
    const put = ddb.commandCalls(PutItemCommand)[0]!.args[0].input;
    expect(put.Item?.data?.M?.customerId).toEqual({ S: 'c9' });
    expect(put.Item?.gsi1pk).toEqual({ S: 'CUSTOMER#c9' });
  });

  it('fails the batch as retryable when keys stay unprocessed', async () => {
    ddb.on(BatchGetItemCommand).resolves({ Responses: { t: [] }, UnprocessedKeys: { t: { Keys: [marshall({ pk: 'ALIAS#customers#c1', sk: 'ALIAS' })] } } });
    const results = await writer().write(entities.order, [order('o1'), order('o2')]);
    expect(results.map((r) => [r.status, r.retryable])).toEqual([['failed', true], ['failed', true]]);
    expect(ddb).not.toHaveReceivedCommand(PutItemCommand);
  });

  it('reports throttled writes as retryable failures and keeps the others', async () => {
    ddb.on(BatchGetItemCommand).resolves({ Responses: { t: [] } });
    ddb
      .on(PutItemCommand)
      .resolves({})
      .on(PutItemCommand, { Item: { id: { S: 'o2' } } } as never)
      .rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));
    const results = await writer().write(entities.order, [order('o1'), order('o2'), order('o3')]);
    expect(results.map((r) => r.status)).toEqual(['created', 'failed', 'created']);
    expect(results[1]).toMatchObject({ retryable: true, message: expect.stringContaining('ProvisionedThroughputExceededException') });
  });

  it('tells unchanged from stale when the version condition fails', async () => {
    ddb.on(BatchGetItemCommand).resolves({ Responses: { t: [] } });
    const w = writer();
    const rec = order('o1');
    const { recordVersion } = await import('#functions/ingest/version.ts');
    ddb
      .on(PutItemCommand)
      .rejectsOnce(new ConditionalCheckFailedException({ message: 'c', $metadata: {}, Item: { version: { S: recordVersion(rec) } } }))
      .rejectsOnce(new ConditionalCheckFailedException({ message: 'c', $metadata: {}, Item: { version: { S: '9999-01-01T00:00:00.000Z#ffff' } } }));
    expect((await w.write(entities.order, [rec]))[0]!.status).toBe('unchanged');
    expect((await w.write(entities.order, [rec]))[0]!.status).toBe('stale');
  });

  it('re-reads identities and merges when a concurrent writer claimed the e-mail first', async () => {
    // First read: nobody owns the e-mail; the transaction then loses the race on the identity claim.
    ddb
      .on(BatchGetItemCommand)
      .resolvesOnce({ Responses: { t: [] } })
      .resolves({
        Responses: {
          t: [
            marshall({ pk: 'IDENTITY#leads#email#ann@example.com', sk: 'IDENTITY', targetId: 'l-first' }),
            marshall({ pk: 'leads#l-first', sk: 'RECORD', id: 'l-first', rev: 1, version: '2023-12-01T00:00:00.000Z#00', data: { ...lead('l-first', 'ann@example.com'), createdAt: '2023-12-01T00:00:00.000Z' }, identityPks: ['IDENTITY#leads#email#ann@example.com'] }),
          ],
        },
      });
    ddb
      .on(TransactWriteItemsCommand)
      .rejectsOnce(new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }] }))
      .resolves({});
    const [result] = await writer().write(entities.lead, [lead('l-second', 'ann@example.com')]);
    expect(result).toMatchObject({ status: 'updated', id: 'l-first', mergedInto: 'l-first' });
    const second = ddb.commandCalls(TransactWriteItemsCommand)[1]!.args[0].input.TransactItems!;
    expect(second[0]!.Put!.Item!.pk).toEqual({ S: 'leads#l-first' });
    // Only if nobody merged into l-first in between (its rev is still the one read).
    expect(second[0]!.Put!.ConditionExpression).toBe('#rev = :rev');
    expect(second[0]!.Put!.ExpressionAttributeValues).toEqual({ ':rev': { N: '1' } });
    // The alias remembers that l-second now lives in l-first.
    expect(second.some((t) => t.Put?.Item?.pk?.S === 'ALIAS#leads#l-second')).toBe(true);
  });
});

describe('RecordWriter grouped writes', () => {
  const grouped = () => new RecordWriter({ client: new DynamoDBClient({ region: 'local' }), tableName: 't', backoffMs: 1, writeGroupSize: 25 });

  it('skips records whose stored version is the same or newer without writing', async () => {
    const { recordVersion } = await import('#functions/ingest/version.ts');
    const same = order('o1');
    ddb.on(BatchGetItemCommand).resolves({
      Responses: {
        t: [marshall({ pk: 'orders#o1', sk: 'RECORD', version: recordVersion(same) }), marshall({ pk: 'orders#o2', sk: 'RECORD', version: '9999-12-31T00:00:00.000Z#f' })],
      },
    });
    const results = await grouped().write(entities.order, [same, order('o2')]);
    expect(results.map((r) => r.status)).toEqual(['unchanged', 'stale']);
    expect(ddb).not.toHaveReceivedCommand(TransactWriteItemsCommand);
    expect(ddb).not.toHaveReceivedCommand(PutItemCommand);
  });

  it('writes a group in one transaction and settles a cancelled group record by record', async () => {
    ddb.on(BatchGetItemCommand).resolves({ Responses: { t: [] } });
    ddb.on(TransactWriteItemsCommand).rejects(new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }] }));
    ddb
      .on(PutItemCommand)
      .resolves({})
      .on(PutItemCommand, { Item: { id: { S: 'o2' } } } as never)
      .rejects(new ConditionalCheckFailedException({ message: 'c', $metadata: {}, Item: { version: { S: '9999-01-01T00:00:00.000Z#ffff' } } }));
    const results = await grouped().write(entities.order, [order('o1'), order('o2')]);
    expect(results.map((r) => r.status)).toEqual(['created', 'stale']);
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteItemsCommand, 1);
    expect(ddb.commandCalls(TransactWriteItemsCommand)[0]!.args[0].input.TransactItems).toHaveLength(2);
  });

  it('settles records refused in a cancelled group from the stored items it returns and sends the rest again together', async () => {
    // Prepare: o2 is stored at a newer version (a writer got in after the read), o3 at the version sent.
    const { recordVersion } = await import('#functions/ingest/version.ts');
    ddb.on(BatchGetItemCommand).resolves({ Responses: { t: [] } });
    ddb
      .on(TransactWriteItemsCommand)
      .rejectsOnce(
        new TransactionCanceledException({
          message: 'cancelled',
          $metadata: {},
          CancellationReasons: [
            { Code: 'None' },
            { Code: 'ConditionalCheckFailed', Item: { version: { S: '9999-01-01T00:00:00.000Z#ffff' } } },
            { Code: 'ConditionalCheckFailed', Item: { version: { S: recordVersion(order('o3')) } } },
            { Code: 'None' },
          ],
        }),
      )
      .resolves({});
    // Act
    const results = await grouped().write(entities.order, [order('o1'), order('o2'), order('o3'), order('o4')]);
    // Assess: no record written one by one; the second transaction holds only the two that were not refused.
    expect(results.map((r) => r.status)).toEqual(['created', 'stale', 'unchanged', 'created']);
    expect(ddb).not.toHaveReceivedCommand(PutItemCommand);
    const calls = ddb.commandCalls(TransactWriteItemsCommand).map((c) => c.args[0].input.TransactItems!.map((t) => t.Put!.Item!.id!.S));
    expect(calls).toEqual([['o1', 'o2', 'o3', 'o4'], ['o1', 'o4']]);
    expect(ddb.commandCalls(TransactWriteItemsCommand)[0]!.args[0].input.TransactItems!.every((t) => t.Put!.ReturnValuesOnConditionCheckFailure === 'ALL_OLD')).toBe(true);
  });

  it('never puts the same id twice into one transaction', async () => {
    ddb.on(BatchGetItemCommand).resolves({ Responses: { t: [] } });
    ddb.on(TransactWriteItemsCommand).resolves({});
    await grouped().write(entities.order, [order('o1'), { ...order('o1'), updatedAt: '2024-02-01T00:00:00.000Z' }, order('o2')]);
    for (const call of ddb.commandCalls(TransactWriteItemsCommand)) {
      const ids = call.args[0].input.TransactItems!.map((t) => t.Put!.Item!.id!.S);
      expect(new Set(ids).size).toBe(ids.length);
    }
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteItemsCommand, 2);
  });
});

describe('HTTP ingest when every write is throttled', () => {
  it('answers 503 with Retry-After so the client backs off', async () => {
    const { handleIngestRequest } = await import('#functions/ingest/http-ingest.ts');
    ddb.on(BatchGetItemCommand).resolves({ Responses: { t: [] } });
    ddb.on(PutItemCommand).rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));
    const body = JSON.stringify([{ id: 'o1', updatedAt: '2024-01-01T00:00:00Z', customerId: 'c1', orderedAt: '2024-01-01T00:00:00Z', status: 'placed', channel: 'web', currency: 'EUR', lineItems: [{ sku: 'a', quantity: 1, unitPrice: 1 }], itemCount: 1, subtotal: 1, total: 1 }]);
    const res = await handleIngestRequest(writer(), { requestContext: { http: { method: 'POST' } }, headers: { 'content-type': 'application/json' }, pathParameters: { entity: 'orders' }, body, isBase64Encoded: false } as never);
    expect(res.statusCode).toBe(503);
    expect(res.headers?.['retry-after']).toBe('2');
    expect(JSON.parse(res.body!).results[0]).toMatchObject({ status: 'failed', retryable: true });
  });
});
