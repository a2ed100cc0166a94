// Object store port: S3 in AWS, a directory on the machine. Keys are '/'-separated paths relative to
// the store's root (the bucket prefix or the directory), never starting with '/'.
import type { Readable } from 'node:stream';

export interface ObjectStore {
  /** Writes the whole object; a reader sees the old or the new body, never part of one. */
  put(key: string, body: Uint8Array | string, contentType?: string): Promise<void>;
  /** The object's bytes, or undefined when there is no such key. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** The object's bytes as a stream; rejects with ObjectNotFoundError when there is no such key. */
  getStream(key: string): Promise<Readable>;
  /** Keys starting with `prefix` (a plain string prefix, as in S3), in ascending order. */
  list(prefix: string): AsyncIterable<string>;
  /** Removes the object; removing a missing key is not an error. */
  delete?(key: string): Promise<void>;
}

export class ObjectNotFoundError extends Error {
  override readonly name = 'NoSuchKey';
  constructor(readonly key: string, options?: ErrorOptions) {
    super(`no such object: ${key}`, options);
  }
}

/** Rejects keys that could escape the store's root or that S3 would treat differently from a filesystem. */
export function assertValidKey(key: string): void {
  if (!key || key.startsWith('/') || key.endsWith('/') || key.split('/').some((part) => part === '' || part === '.' || part === '..') || key.includes('\0')) {
    throw new Error(`invalid object key: ${JSON.stringify(key)}`);
  }
}

/** Collects a listing (convenient in tools and tests; prefer iterating for large prefixes). */
export async function listAll(store: ObjectStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of store.list(prefix)) keys.push(key);
  return keys;
}
