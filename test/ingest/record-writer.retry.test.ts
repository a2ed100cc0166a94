// Throttled and failed (5xx) writes are retried with jittered backoff inside the request's time budget
// before a record is reported `failed`: faults the emulator cannot produce, so the SDK client is mocked.
import { afterEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import {
  BatchGetItemCommand,
  DynamoDBClient,
  DynamoDBServiceException,
  InternalServerError,
  PutItemCommand,
  ProvisionedThroughputExceededException,
  RequestLimitExceeded,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { entities } from '#schemas/registry.ts';
import { RecordWriter } from '#functions/ingest/record-writer.ts';
import type { CrmRecord } from '#functions/ingest/validate.ts';

const ddb = mockClient(DynamoDBClient);
afterEach(() => ddb.reset());

const order = (id: string): CrmRecord => ({ id, updatedAt: '2024-01-01T00:00:00.000Z', customerId: 'c1', total: 1 });
const writer = (over: Partial<ConstructorParameters<typeof RecordWriter>[0]> = {}) =>
  new RecordWriter({ client: new DynamoDBClient({ region: 'local' }), tableName: 't', backoffMs: 1, maxBackoffMs: 4, ...over });
const throttle = () => new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} });

describe('RecordWriter retries throttled writes', () => {
  it('stores a record whose write was throttled twice, on the third attempt', async () => {
    ddb.on(BatchGetItemCommand).resolves({ Responses: { t: [] } });
    ddb.on(PutItemCommand).rejectsOnce(throttle()).rejectsOnce(new RequestLimitExceeded({ message: 'account limit', $metadata: {} })).resolves({});
    const [result] = await writer().write(entities.order, [order('o1')]);
    expect(result).toMatchObject({ status: 'created', id: 'o1' });
    expect(ddb).toHaveReceivedCommandTimes(PutItemCommand, 3);
  });

  it('keeps a 200-row batch whole when every tenth write is throttled once', async () => {
    ddb.on(BatchGetItemCommand).resolves({ Responses: { t: [] } });
    const throttledOnce = new Set<string>();
    ddb.on(PutItemCommand).callsFake((input: { Item: { id: { S: string } } }) => {
      const id = input.Item.id.S;
      if (Number(id.slice(1)) % 10 === 0 && !throttledOnce.has(id)) {
        throttledOnce.add(id);
        throw throttle();
      }
      return {};
    });
    const records = Array.from({ length: 200 }, (_, i) => order(`o${i}`));
    const results = await writer().write(entities.order, records);
    expect(results.filter((r) => r.status === 'created')).toHaveLength(200);
    expect(throttledOnce.size).toBe(20);
    expect(ddb).toHaveReceivedCommandTimes(PutItemCommand, 220);
  });

  it('retries 5xx answers and a grouped transaction cancelled only by throttling', async () => {
    ddb.on(BatchGetItemCommand).rejectsOnce(new InternalServerError({ message: 'oops', $metadata: { httpStatusCode: 500 } })).resolves({ Responses: { t: [] } });
    ddb
      .on(TransactWriteItemsCommand)
      .rejectsOnce(new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: [{ Code: 'None' }, { Code: 'ThrottlingError' }] }))
      .rejectsOnce(new DynamoDBServiceException({ name: 'ServiceUnavailable', $fault: 'server', message: 'unavailable', $metadata: { httpStatusCode: 503 } }))
      .resolves({});
    const results = await writer({ writeGroupSize: 25 }).write(entities.order, [order('o1'), order('o2')]);
    expect(results.map((r) => r.status)).toEqual(['created', 'created']);
    // Alias lookup (500, then served) and the stored versions.
    expect(ddb).toHaveReceivedCommandTimes(BatchGetItemCommand, 3);
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteItemsCommand, 3);
    // Settled as a group: no record fell back to its own PutItem.
    expect(ddb).not.toHaveReceivedCommand(PutItemCommand);
  });

  it('gives up within the time budget and reports the record failed and retryable', async () => {
    ddb.on(BatchGetItemCommand).resolves({ Responses: { t: [] } });
    ddb.on(PutItemCommand).rejects(throttle());
    const w = writer({ backoffMs: 20, maxBackoffMs: 200, maxAttempts: 1000 });
    const started = Date.now();
    const [result] = await w.write(entities.order, [order('o1')], { deadline: started + 300 });
    const elapsed = Date.now() - started;
    expect(result).toMatchObject({ status: 'failed', retryable: true, message: expect.stringContaining('ProvisionedThroughputExceededException') });
    // Several attempts, and none started after the deadline.
    expect(ddb.commandCalls(PutItemCommand).length).toBeGreaterThan(2);
    expect(elapsed).toBeLessThan(300 + 100);
  });

  it('does not retry what another attempt cannot fix', async () => {
    ddb.on(BatchGetItemCommand).resolves({ Responses: { t: [] } });
    ddb.on(PutItemCommand).rejects(new DynamoDBServiceException({ name: 'ValidationException', $fault: 'client', message: 'item too large', $metadata: { httpStatusCode: 400 } }));
    const [result] = await writer().write(entities.order, [order('o1')]);
    expect(result).toMatchObject({ status: 'failed', retryable: false });
    expect(ddb).toHaveReceivedCommandTimes(PutItemCommand, 1);
  });
});
