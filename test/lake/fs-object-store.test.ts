import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FsObjectStore } from '#lib/store/fs-object-store.ts';
import { listAll, ObjectNotFoundError } from '#lib/store/object-store.ts';

describe('FsObjectStore', () => {
  let root: string;
  let store: FsObjectStore;

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'fs-store-'));
    store = new FsObjectStore(root);
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('stores bytes and text under nested keys and overwrites on a second put', async () => {
    // Act
    await store.put('orders/dt=2024-01-01/a.parquet', new Uint8Array([1, 2, 3]));
    await store.put('reports/summary.json', '{"a":1}', 'application/json');
    await store.put('reports/summary.json', '{"a":2}');

    // Assess
    expect(await store.get('orders/dt=2024-01-01/a.parquet')).toEqual(new Uint8Array([1, 2, 3]));
    expect(new TextDecoder().decode(await store.get('reports/summary.json'))).toBe('{"a":2}');
  });

  it('returns undefined for a missing key and rejects a stream of one', async () => {
    expect(await store.get('nope/x')).toBeUndefined();
    await expect(store.getStream('nope/x')).rejects.toBeInstanceOf(ObjectNotFoundError);
  });

  it('streams an object', async () => {
    // Prepare
    await store.put('a/b.txt', 'streamed body');

    // Act
    const body = await text(await store.getStream('a/b.txt'));

    // Assess
    expect(body).toBe('streamed body');
  });

  it('lists by plain string prefix in byte order, like S3', async () => {
    // Prepare
    for (const key of ['orders/dt=2024-01-02/b.parquet', 'orders/dt=2024-01-01/a.parquet', 'orders-x/c', 'order', 'customers/dt=2024-01-01/z.parquet']) {
      await store.put(key, 'x');
    }

    // Act / Assess
    expect(await listAll(store, 'orders/')).toEqual(['orders/dt=2024-01-01/a.parquet', 'orders/dt=2024-01-02/b.parquet']);
    expect(await listAll(store, 'order')).toEqual(['order', 'orders-x/c', 'orders/dt=2024-01-01/a.parquet', 'orders/dt=2024-01-02/b.parquet']);
    expect(await listAll(store, 'orders/dt=2024-01-0')).toHaveLength(2);
    expect(await listAll(store, 'missing/')).toEqual([]);
    expect(await listAll(store, '')).toHaveLength(5);
  });

  it('deletes, and deleting a missing key is fine', async () => {
    // Prepare
    await store.put('a/b', 'x');

    // Act
    await store.delete('a/b');
    await store.delete('a/b');

    // Assess
    expect(await store.get('a/b')).toBeUndefined();
  });

  it.each(['../escape', '/abs', 'a//b', 'a/./b', 'a/', ''])('rejects the key %j', async (key) => {
    await expect(store.put(key, 'x')).rejects.toThrow(/invalid object key/);
  });

  it('never shows a reader a partial object and leaves no temp files behind', async () => {
    // Prepare: two large bodies that differ everywhere
    const a = new Uint8Array(4 * 1024 * 1024).fill(97);
    const b = new Uint8Array(4 * 1024 * 1024).fill(98);
    await store.put('big/object.bin', a);

    // Act: overwrite concurrently while reading
    const writes = Promise.all(Array.from({ length: 8 }, (_, i) => store.put('big/object.bin', i % 2 ? a : b)));
    const reads: (Uint8Array | undefined)[] = [];
    for (let i = 0; i < 20; i++) reads.push(await store.get('big/object.bin'));
    await writes;

    // Assess
    for (const body of reads) {
      expect(body!.length).toBe(a.length);
      expect(body![0] === body![body!.length - 1]).toBe(true);
    }
    expect(await readdir(path.join(root, 'big'))).toEqual(['object.bin']);
    expect(await listAll(store, 'big/')).toEqual(['big/object.bin']);
  });
});
