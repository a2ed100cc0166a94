// The poller's position in the stream, one entry per shard, kept in a JSON file that is replaced
// atomically so a crash leaves either the old or the new checkpoint, never a torn one.
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface ShardCheckpoint {
  /** Last sequence number handed to the handler (or skipped by the filter, or dead-lettered). */
  sequenceNumber?: string;
  /** The shard is closed and every record in it was processed. */
  completed?: boolean;
}

export interface StreamCheckpoint {
  streamArn: string;
  shards: Record<string, ShardCheckpoint>;
  updatedAt?: string;
}

export async function readCheckpoint(file: string): Promise<StreamCheckpoint | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const parsed = JSON.parse(text) as StreamCheckpoint;
    if (typeof parsed.streamArn !== 'string' || typeof parsed.shards !== 'object' || parsed.shards === null) throw new Error('missing streamArn or shards');
    return parsed;
  } catch (err) {
    // Never guess: starting over would hand every record to the handler again.
    throw new Error(`checkpoint ${file} is unreadable (${(err as Error).message}); fix or delete it to replay the stream from its oldest record`, {
      cause: { package: 'local/dynamodb', data: { file } },
    });
  }
}

export async function writeCheckpoint(file: string, checkpoint: StreamCheckpoint): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(JSON.stringify({ ...checkpoint, updatedAt: new Date().toISOString() }, null, 2) + '\n');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, file);
}
