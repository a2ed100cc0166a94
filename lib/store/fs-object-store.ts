// Filesystem adapter of the object store (local mode): one file per key under a root directory.
import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { assertValidKey, ObjectNotFoundError, type ObjectStore } from './object-store.ts';

// Temp files live beside their target (same filesystem, so rename is atomic) and are hidden from list().
const TEMP_PREFIX = '.tmp-';
const isTemp = (name: string) => name.startsWith(TEMP_PREFIX);

export class FsObjectStore implements ObjectStore {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  /** Absolute file path of a key. */
  pathOf(key: string): string {
    assertValidKey(key);
    return path.join(this.root, ...key.split('/'));
  }

  async put(key: string, body: Uint8Array | string, _contentType?: string): Promise<void> {
    const target = this.pathOf(key);
    const dir = path.dirname(target);
    await mkdir(dir, { recursive: true });
    // Write then rename: readers (DuckDB globbing the lake) never see a half-written file.
    const temp = path.join(dir, `${TEMP_PREFIX}${path.basename(target)}.${randomUUID()}`);
    try {
      await writeFile(temp, body);
      await rename(temp, target);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const buf = await readFile(this.pathOf(key));
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  async getStream(key: string): Promise<Readable> {
    try {
      // Open first so a missing key rejects here rather than as a stream 'error' event later.
      const handle = await open(this.pathOf(key), 'r');
      return handle.createReadStream();
    } catch (err) {
      if (isMissing(err)) throw new ObjectNotFoundError(key, { cause: err });
      throw err;
    }
  }

  async *list(prefix: string): AsyncIterable<string> {
    // Walk only the deepest directory the prefix names; the rest of the prefix filters names.
    const slash = prefix.lastIndexOf('/');
    const base = slash < 0 ? '' : prefix.slice(0, slash);
    const keys: string[] = [];
    await this.collect(base, keys);
    // S3 lists in byte order across the whole prefix, which a directory walk does not give ('a-b' < 'a/x').
    yield* sortByBytes(keys.filter((k) => k.startsWith(prefix)));
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  private async collect(dirKey: string, out: string[]): Promise<void> {
    let entries;
    try {
      entries = await readdir(dirKey ? path.join(this.root, ...dirKey.split('/')) : this.root, { withFileTypes: true });
    } catch (err) {
      if (isMissing(err)) return;
      throw err;
    }
    for (const entry of entries) {
      if (isTemp(entry.name)) continue;
      const key = dirKey ? `${dirKey}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await this.collect(key, out);
      else if (entry.isFile()) out.push(key);
    }
  }
}

const sortByBytes = (keys: string[]) =>
  keys
    .map((key) => ({ key, bytes: Buffer.from(key) }))
    .sort((a, b) => Buffer.compare(a.bytes, b.bytes))
    .map((k) => k.key);

const isMissing = (err: unknown) => {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
};
