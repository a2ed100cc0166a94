// S3 adapter of the object store. Encryption is left to the bucket default (SSE-KMS with a bucket key,
// set by the CDK construct), so no per-request SSE headers and no kms:GenerateDataKey surprises.
// Three classes, each adding operations to the last, so a Lambda bundle carries (and its role is granted) only the
// S3 calls it makes: esbuild drops the classes a handler never names (test/infra/least-privilege.test.ts checks).
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type GetObjectCommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { assertValidKey, ObjectNotFoundError, type ObjectStore } from './object-store.ts';

export interface S3ObjectStoreProps {
  client: S3Client;
  bucket: string;
  /** Key prefix inside the bucket, e.g. `lake/`; a trailing '/' is added when missing. @default '' */
  prefix?: string;
}

/** PutObject only: for writers that must not read or delete, such as the stream's lake writer. */
export class S3ObjectWriter implements Pick<ObjectStore, 'put'> {
  protected readonly client: S3Client;
  readonly bucket: string;
  readonly prefix: string;

  constructor({ client, bucket, prefix = '' }: S3ObjectStoreProps) {
    this.client = client;
    this.bucket = bucket;
    this.prefix = prefix && !prefix.endsWith('/') ? `${prefix}/` : prefix;
  }

  protected s3Key(key: string): string {
    assertValidKey(key);
    return this.prefix + key;
  }

  async put(key: string, body: Uint8Array | string, contentType?: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: this.s3Key(key),
        Body: body,
        ...(contentType ? { ContentType: contentType } : {}),
      }),
    );
  }

}

/** Reads, lists and writes, never deletes: for rewriting objects in place (lake erasure). */
export class S3ObjectReadWriter extends S3ObjectWriter implements ObjectStore {
  async get(key: string): Promise<Uint8Array | undefined> {
    const found = await this.getObject(key);
    if (!found) return undefined;
    return found.Body ? found.Body.transformToByteArray() : new Uint8Array();
  }

  async getStream(key: string): Promise<Readable> {
    const found = await this.getObject(key);
    if (!found) throw new ObjectNotFoundError(key);
    const body = found.Body;
    if (!body) return Readable.from([]);
    // In Node the SDK's body is an http.IncomingMessage (a Readable) with helper methods mixed in.
    if (body instanceof Readable) return body;
    return Readable.from([await body.transformToByteArray()]);
  }

  async *list(prefix: string): AsyncIterable<string> {
    let ContinuationToken: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix + prefix, ...(ContinuationToken ? { ContinuationToken } : {}) }),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key) yield object.Key.slice(this.prefix.length);
      }
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
  }

  /** The GetObject response, or undefined when the key does not exist. */
  private async getObject(key: string): Promise<GetObjectCommandOutput | undefined> {
    try {
      return await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.s3Key(key) }));
    } catch (err) {
      if (isNoSuchKey(err)) return undefined;
      throw err;
    }
  }
}

/** The whole port, delete included. */
export class S3ObjectStore extends S3ObjectReadWriter {
  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.s3Key(key) }));
  }
}

const isNoSuchKey = (err: unknown) => {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
};
