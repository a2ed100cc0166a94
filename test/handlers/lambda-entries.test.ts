// The Lambda entry points as AWS invokes them (middy, Powertools, environment, SDK clients), with the
// AWS services mocked: S3, EventBridge and Secrets Manager have no emulator on this machine.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { BatchGetItemCommand, DynamoDBClient, PutItemCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { Readable } from 'node:stream';
import { entities } from '#schemas/registry.ts';
import { streamEvent, streamRecord } from '../stream/stream-fixture.ts';

const ddb = mockClient(DynamoDBClient);
const s3 = mockClient(S3Client);
const eb = mockClient(EventBridgeClient);
const sm = mockClient(SecretsManagerClient);
const context = { functionName: 'test', awsRequestId: 'req-1', getRemainingTimeInMillis: () => 30_000 } as unknown as Context;

beforeAll(() => {
  vi.stubEnv('TABLE_NAME', 'crm-table');
  vi.stubEnv('EVENT_BUS_NAME', 'crm');
  vi.stubEnv('LAKE_BUCKET', 'lake-bucket');
  vi.stubEnv('LAKE_PREFIX', 'lake/');
  vi.stubEnv('PSEUDONYM_SECRET_ARN', 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:pseudonym');
  vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', 'CrmTest');
  vi.stubEnv('AWS_REGION', 'eu-central-1');
  vi.stubEnv('LOG_LEVEL', 'ERROR');
});
afterEach(() => {
  ddb.reset();
  s3.reset();
  eb.reset();
  sm.reset();
});

const order = { id: 'o1', updatedAt: '2026-01-01T00:00:00Z', customerId: 'c1', orderedAt: '2026-01-01T00:00:00Z', status: 'placed', channel: 'web', currency: 'EUR', lineItems: [{ sku: 'a', quantity: 1, unitPrice: 10 }], itemCount: 1, subtotal: 10, total: 10 };

describe('functions/ingest/api.ts', () => {
  it('validates, writes with the version condition and answers per record', async () => {
    ddb.on(BatchGetItemCommand).resolves({ Responses: { 'crm-table': [] } });
    ddb.on(PutItemCommand).resolves({});
    const { handler } = await import('#functions/ingest/api.ts');
    const res = await handler({ requestContext: { http: { method: 'POST' } }, headers: { 'content-type': 'application/json' }, pathParameters: { entity: 'orders' }, body: JSON.stringify([order, { ...order, id: 'o2', total: -'x' }]), isBase64Encoded: false } as never, context);
    expect(res.statusCode).toBe(207);
    expect(ddb).toHaveReceivedCommandWith(PutItemCommand, { TableName: 'crm-table', ConditionExpression: 'attribute_not_exists(pk) OR #version < :version' });
    expect(JSON.parse(res.body!).results.map((r: { status: string }) => r.status)).toEqual(['created', 'rejected']);
  });
});

describe('functions/stream/handler.ts', () => {
  it('reads the HMAC key once, writes Parquet under the lake prefix and publishes events to the bus', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: 'k'.repeat(64) });
    s3.on(PutObjectCommand).resolves({});
    eb.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({ FailedEntryCount: 0, Entries: input.Entries.map(() => ({ EventId: 'e' })) }));
    // The profile summary: nothing stored yet, then the summary and the order's value in one transaction.
    ddb.on(BatchGetItemCommand).resolves({ Responses: { 'crm-table': [] } });
    ddb.on(TransactWriteItemsCommand).resolves({});
    const { handler } = await import('#functions/stream/handler.ts');
    const event = streamEvent([streamRecord(entities.order, 1, { ...order, updatedAt: '2026-01-01T00:00:00.000Z' })]);
    expect(await handler(event, context)).toEqual({ batchItemFailures: [] });
    expect(await handler(event, context)).toEqual({ batchItemFailures: [] });
    expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
    const profile = ddb.commandCalls(TransactWriteItemsCommand)[0]!.args[0].input.TransactItems!.map((i) => i.Put?.Item?.pk?.S);
    expect(profile.sort()).toEqual(['ORDERVALUE#o1', 'PROFILE#c1']);
    const put = s3.commandCalls(PutObjectCommand)[0]!.args[0].input;
    expect(put).toMatchObject({ Bucket: 'lake-bucket', Key: expect.stringMatching(/^lake\/orders\/dt=2026-01-15\/\d{40}-\d{40}\.parquet$/) });
    expect(eb).toHaveReceivedCommandWith(PutEventsCommand, { Entries: [expect.objectContaining({ EventBusName: 'crm', Source: 'crm.records', DetailType: 'OrderCreated' })] });
  });
});

describe('functions/ingest/import.ts', () => {
  it.each(['imports/orders/march+2026.ndjson', 'imports/orders/100%+real.ndjson', 'imports/orders/a%20b.ndjson'])(
    'imports the object named by the EventBridge S3 event with its key as delivered (%s) and reports ImportCompleted',
    async (key) => {
      s3.on(GetObjectCommand).callsFake(() => ({ Body: Readable.from(`${JSON.stringify(order)}\n`) }));
      ddb.on(BatchGetItemCommand).resolves({ Responses: { 'crm-table': [] } });
      ddb.on(PutItemCommand).resolves({});
      eb.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e' }] });
      const { handler } = await import('#functions/ingest/import.ts');
      await handler({ detail: { bucket: { name: 'imports' }, object: { key } } } as never, context);
      expect(s3).toHaveReceivedCommandTimes(GetObjectCommand, 1);
      expect(s3).toHaveReceivedCommandWith(GetObjectCommand, { Bucket: 'imports', Key: key });
      expect(JSON.parse(eb.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries![0]!.Detail!)).toMatchObject({ key, accepted: 1 });
    },
  );

  it('reports ImportCompleted on the bus', async () => {
    s3.on(GetObjectCommand).callsFake(() => ({ Body: Readable.from(`${JSON.stringify(order)}\n`) }));
    ddb.on(BatchGetItemCommand).resolves({ Responses: { 'crm-table': [] } });
    ddb.on(PutItemCommand).resolves({});
    eb.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e' }] });
    const { handler } = await import('#functions/ingest/import.ts');
    await handler({ detail: { bucket: { name: 'imports' }, object: { key: 'imports/orders/march+2026.ndjson' } } } as never, context);
    const entry = eb.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries![0]!;
    expect(entry).toMatchObject({ Source: 'crm.ingest', DetailType: 'ImportCompleted', EventBusName: 'crm' });
    expect(JSON.parse(entry.Detail!)).toMatchObject({ entity: 'order', accepted: 1, rejected: 0, created: 1 });
  });

  it('fails the invocation when valid rows could not be written, so EventBridge retries', async () => {
    s3.on(GetObjectCommand).callsFake(() => ({ Body: Readable.from(`${JSON.stringify(order)}\n`) }));
    ddb.on(BatchGetItemCommand).rejects(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));
    s3.on(PutObjectCommand).resolves({});
    eb.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e' }] });
    const { handler } = await import('#functions/ingest/import.ts');
    await expect(handler({ detail: { bucket: { name: 'imports' }, object: { key: 'imports/orders/x.ndjson' } } } as never, context)).rejects.toThrow(/could not be written/);
  });
});
