import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterEach, describe, expect, it } from 'vitest';
import { listAll, ObjectNotFoundError } from '#lib/store/object-store.ts';
import { S3ObjectStore } from '#lib/store/s3-object-store.ts';

const s3 = mockClient(S3Client);
const store = new S3ObjectStore({ client: new S3Client({ region: 'eu-west-1' }), bucket: 'lake-bucket', prefix: 'lake' });

/** What the SDK returns as a GetObject body in Node: a Readable with the SDK's helpers mixed in. */
const sdkBody = (body: string) => {
  const bytes = new TextEncoder().encode(body);
  return Object.assign(Readable.from([bytes]), {
    transformToByteArray: async () => bytes,
    transformToString: async () => body,
    transformToWebStream: () => {
      throw new Error('not used');
    },
  });
};

const noSuchKey = () => new NoSuchKey({ message: 'The specified key does not exist.', $metadata: { httpStatusCode: 404 } });

describe('S3ObjectStore', () => {
  afterEach(() => {
    s3.reset();
  });

  it('puts under the prefix with the content type and leaves encryption to the bucket default', async () => {
    // Prepare
    s3.on(PutObjectCommand).resolves({});
    const body = new Uint8Array([1, 2, 3]);

    // Act
    await store.put('orders/dt=2024-01-01/a.parquet', body, 'application/vnd.apache.parquet');

    // Assess
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, {
      Bucket: 'lake-bucket',
      Key: 'lake/orders/dt=2024-01-01/a.parquet',
      Body: body,
      ContentType: 'application/vnd.apache.parquet',
    });
    const input = s3.commandCalls(PutObjectCommand)[0]!.args[0].input;
    expect(input).not.toHaveProperty('ServerSideEncryption');
    expect(input).not.toHaveProperty('SSEKMSKeyId');
  });

  it('gets the bytes of an object', async () => {
    // Prepare
    s3.on(GetObjectCommand, { Bucket: 'lake-bucket', Key: 'lake/a/b.json' }).resolves({ Body: sdkBody('{"a":1}') as never });

    // Act
    const bytes = await store.get('a/b.json');

    // Assess
    expect(new TextDecoder().decode(bytes)).toBe('{"a":1}');
  });

  it('returns undefined for a missing key, and a stream of one rejects', async () => {
    // Prepare
    s3.on(GetObjectCommand).rejects(noSuchKey());

    // Act / Assess
    expect(await store.get('missing')).toBeUndefined();
    await expect(store.getStream('missing')).rejects.toBeInstanceOf(ObjectNotFoundError);
  });

  it('passes other errors through', async () => {
    // Prepare
    s3.on(GetObjectCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }));

    // Act / Assess
    await expect(store.get('a')).rejects.toThrow('Access Denied');
  });

  it('streams the body without buffering it', async () => {
    // Prepare
    const body = sdkBody('streamed');
    s3.on(GetObjectCommand).resolves({ Body: body as never });

    // Act
    const stream = await store.getStream('a/b');

    // Assess
    expect(stream).toBe(body);
    expect(await text(stream)).toBe('streamed');
  });

  it('lists every page and strips the store prefix', async () => {
    // Prepare
    s3.on(ListObjectsV2Command)
      .resolvesOnce({ Contents: [{ Key: 'lake/orders/dt=2024-01-01/a.parquet' }], IsTruncated: true, NextContinuationToken: 't1' })
      .resolvesOnce({ Contents: [{ Key: 'lake/orders/dt=2024-01-02/b.parquet' }], IsTruncated: false });

    // Act
    const keys = await listAll(store, 'orders/');

    // Assess
    expect(keys).toEqual(['orders/dt=2024-01-01/a.parquet', 'orders/dt=2024-01-02/b.parquet']);
    expect(s3).toHaveReceivedCommandTimes(ListObjectsV2Command, 2);
    expect(s3).toHaveReceivedNthCommandWith(ListObjectsV2Command, 1, { Bucket: 'lake-bucket', Prefix: 'lake/orders/' });
    expect(s3).toHaveReceivedNthCommandWith(ListObjectsV2Command, 2, { Bucket: 'lake-bucket', Prefix: 'lake/orders/', ContinuationToken: 't1' });
  });

  it('deletes under the prefix', async () => {
    // Prepare
    s3.on(DeleteObjectCommand).resolves({});

    // Act
    await store.delete('a/b');

    // Assess
    expect(s3).toHaveReceivedCommandWith(DeleteObjectCommand, { Bucket: 'lake-bucket', Key: 'lake/a/b' });
  });

  it('rejects keys that would escape the prefix', async () => {
    await expect(store.put('../other/x', 'x')).rejects.toThrow(/invalid object key/);
  });
});
