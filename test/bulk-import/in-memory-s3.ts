// An S3 client answering GetObject (with Range and If-Match) and PutObject from memory, through aws-sdk-client-mock:
// S3 has no emulator on this machine. Enough of S3's behaviour for the bulk import: 404 NoSuchKey, 412 on a changed
// ETag, 206 ranges `bytes=a-b` (inclusive), bodies with the SDK's transformToString.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient, type AwsStub } from 'aws-sdk-client-mock';

export interface InMemoryS3 {
  client: S3Client;
  /** The aws-sdk-client-mock behind it, for asserting the exact calls. */
  mock: AwsStub<any, any, any>;
  objects: Map<string, Buffer>;
  etagOf(bucket: string, key: string): string;
  text(bucket: string, key: string): string | undefined;
  restore(): void;
}

const id = (bucket: string, key: string) => `${bucket}/${key}`;
const etag = (body: Buffer) => `"${createHash('md5').update(body).digest('hex')}"`;

const s3Error = (name: string, status: number, message: string) =>
  new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message });

async function bytesOf(body: unknown): Promise<Buffer> {
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body);
  const chunks: Buffer[] = [];
  for await (const chunk of body as Readable) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
}

/** The SDK's body in Node: a Readable with transformTo* helpers; served in small chunks so readers see chunk edges. */
function sdkBody(bytes: Buffer, chunkSize: number) {
  const chunks = Array.from({ length: Math.ceil(bytes.length / chunkSize) }, (_, i) => bytes.subarray(i * chunkSize, (i + 1) * chunkSize));
  return Object.assign(Readable.from(chunks), {
    transformToString: async (encoding?: BufferEncoding) => bytes.toString(encoding ?? 'utf8'),
    transformToByteArray: async () => new Uint8Array(bytes),
  });
}

export function inMemoryS3(options: { chunkSize?: number } = {}): InMemoryS3 {
  const objects = new Map<string, Buffer>();
  const mock = mockClient(S3Client);
  mock.on(PutObjectCommand).callsFake(async (input: { Bucket: string; Key: string; Body: unknown }) => {
    const body = await bytesOf(input.Body);
    objects.set(id(input.Bucket, input.Key), body);
    return { ETag: etag(body) };
  });
  mock.on(GetObjectCommand).callsFake(async (input: { Bucket: string; Key: string; Range?: string; IfMatch?: string }) => {
    const body = objects.get(id(input.Bucket, input.Key));
    if (!body) throw s3Error('NoSuchKey', 404, 'The specified key does not exist.');
    if (input.IfMatch !== undefined && input.IfMatch !== etag(body)) throw s3Error('PreconditionFailed', 412, 'At least one of the pre-conditions you specified did not hold');
    let bytes = body;
    if (input.Range) {
      const m = /^bytes=(\d+)-(\d+)$/.exec(input.Range);
      if (!m) throw new Error(`unsupported range ${input.Range}`);
      bytes = body.subarray(Number(m[1]), Number(m[2]) + 1);
    }
    return { Body: sdkBody(bytes, options.chunkSize ?? 7), ContentLength: bytes.length, ETag: etag(body) };
  });
  return {
    client: new S3Client({ region: 'eu-central-1' }),
    mock,
    objects,
    etagOf: (bucket, key) => etag(objects.get(id(bucket, key))!),
    text: (bucket, key) => objects.get(id(bucket, key))?.toString('utf8'),
    restore: () => mock.restore(),
  };
}
