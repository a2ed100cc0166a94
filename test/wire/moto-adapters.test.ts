// Wire-level tests of the AWS adapters against moto's server over real HTTP: the S3 object store (keys that need
// URL encoding, binary bodies, content types, missing keys, listings past one page, deletes) and the EventBridge
// bus (PutEvents in chunks of ten, routed by moto to an SQS queue through a rule's event pattern).
import { CreateBucketCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateEventBusCommand, EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBridgeBus } from '#lib/bus/eventbridge-bus.ts';
import { listAll, ObjectNotFoundError } from '#lib/store/object-store.ts';
import { S3ObjectStore } from '#lib/store/s3-object-store.ts';
import { startMotoServer, type MotoServer } from './moto-server.ts';

let moto: MotoServer;

beforeAll(async () => {
  moto = await startMotoServer();
});

afterAll(async () => {
  await moto?.stop();
});

async function mapPool<T>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

describe('S3ObjectStore against moto', () => {
  it('puts, gets, streams, lists past a page and deletes objects over HTTP', { timeout: 240_000 }, async () => {
    // Prepare
    const client = new S3Client({ ...moto.clientConfig, forcePathStyle: true });
    await client.send(new CreateBucketCommand({ Bucket: 'lake-bucket' }));
    const store = new S3ObjectStore({ client, bucket: 'lake-bucket', prefix: 'lake' });
    const binary = Uint8Array.from({ length: 256 }, (_, i) => i);
    const odd = 'orders/dt=2026-10-31/a b+c ü%.parquet';

    // Act
    await store.put(odd, binary, 'application/vnd.apache.parquet');
    await store.put('orders/dt=2026-10-31/text.json', '{"total":"12.50"}', 'application/json');
    const keys = Array.from({ length: 1001 }, (_, i) => `many/k-${String(i).padStart(4, '0')}`);
    await mapPool(keys, 16, (k) => store.put(k, k));

    // Assess: bytes and content type survive the wire; the prefix stays inside the adapter.
    expect(await store.get(odd)).toEqual(binary);
    expect((await client.send(new HeadObjectCommand({ Bucket: 'lake-bucket', Key: `lake/${odd}` }))).ContentType).toBe('application/vnd.apache.parquet');
    expect(Buffer.from((await store.get('orders/dt=2026-10-31/text.json'))!).toString('utf8')).toBe('{"total":"12.50"}');
    const streamed: Buffer[] = [];
    for await (const chunk of await store.getStream(odd)) streamed.push(Buffer.from(chunk as Uint8Array));
    expect(new Uint8Array(Buffer.concat(streamed))).toEqual(binary);
    // A missing key: undefined from get, ObjectNotFoundError from getStream (moto answers 404 NoSuchKey).
    expect(await store.get('orders/none.parquet')).toBeUndefined();
    await expect(store.getStream('orders/none.parquet')).rejects.toBeInstanceOf(ObjectNotFoundError);
    // Listing follows continuation tokens past S3's 1,000-key page, in key order, with the prefix stripped.
    expect(await listAll(store, 'many/')).toEqual(keys);
    expect(await listAll(store, 'orders/')).toEqual([odd, 'orders/dt=2026-10-31/text.json']);

    await store.delete(odd);
    await store.delete('orders/never-existed');
    expect(await store.get(odd)).toBeUndefined();
    expect(await listAll(store, 'orders/')).toEqual(['orders/dt=2026-10-31/text.json']);
  });
});

describe('EventBridgeBus against moto', () => {
  it('publishes in chunks; moto routes the events that match a rule to SQS', { timeout: 240_000 }, async () => {
    // Prepare: bus "crm", a rule for big OrderCreated events on it, an SQS queue as the rule's target.
    const events = new EventBridgeClient(moto.clientConfig);
    const sqs = new SQSClient(moto.clientConfig);
    await events.send(new CreateEventBusCommand({ Name: 'crm' }));
    const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'crm-orders' }))).QueueUrl!;
    const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    const pattern = { source: ['crm.records'], 'detail-type': ['OrderCreated'], detail: { current: { total: [{ numeric: ['>=', 100] }] } } };
    await events.send(new PutRuleCommand({ Name: 'big-orders', EventBusName: 'crm', EventPattern: JSON.stringify(pattern) }));
    await events.send(new PutTargetsCommand({ Rule: 'big-orders', EventBusName: 'crm', Targets: [{ Id: 'queue', Arn: queueArn }] }));
    const bus = new EventBridgeBus({ client: events, busName: 'crm', backoffMs: 1 });
    // 25 events (three PutEvents requests): orders of 0, 50, ..., 600 and customers in between.
    const published = Array.from({ length: 25 }, (_, i) =>
      i % 2 === 0
        ? { source: 'crm.records', detailType: 'OrderCreated', detail: { table: 'orders', id: `ord-${i}`, seq: String(1000 + i), current: { total: i * 25 } }, time: '2026-10-31T12:00:00Z' }
        : { source: 'crm.records', detailType: 'CustomerCreated', detail: { table: 'customers', id: `cus-${i}`, seq: String(1000 + i) } },
    );

    // Act
    const failures = await bus.publish(published);

    // Assess: nothing failed; exactly the orders of 100 or more arrived, as EventBridge envelopes.
    expect(failures).toEqual([]);
    const expected = published.filter((e) => e.detailType === 'OrderCreated' && (e.detail.current as { total: number }).total >= 100).map((e) => e.detail.id);
    expect(expected).toHaveLength(11);
    const received: Record<string, unknown>[] = [];
    for (let polls = 0; received.length < expected.length && polls < 20; polls++) {
      const res = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      received.push(...(res.Messages ?? []).map((m) => JSON.parse(m.Body!) as Record<string, unknown>));
    }
    expect(received.map((e) => (e.detail as { id: string }).id).sort()).toEqual([...expected].sort());
    const first = received.find((e) => (e.detail as { id: string }).id === 'ord-4')!;
    expect(first).toMatchObject({ source: 'crm.records', 'detail-type': 'OrderCreated', time: '2026-10-31T12:00:00Z', detail: published[4]!.detail });
  });
});
