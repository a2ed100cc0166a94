// Local mode keeps personal data in DynamoDB Local: it must listen on the loopback interface only.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startDynamoDbLocal } from '#local/dynamodb/emulator.ts';

/** Local addresses (hex, as the kernel prints them) of the sockets listening on `port`. */
function listeningAddresses(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((cols) => cols[1]?.endsWith(`:${hexPort}`) && cols[3] === '0A') // 0A = LISTEN
      .map((cols) => cols[1]!.split(':')[0]!),
  );
}

const LOOPBACK = new Set(['0100007F', '0000000000000000FFFF00000100007F', '00000000000000000000000001000000']);

describe('DynamoDB Local binding', () => {
  it('listens on 127.0.0.1 only', async () => {
    const ddb = await startDynamoDbLocal({ dir: mkdtempSync(join(tmpdir(), 'crm-bind-')) });
    try {
      const addresses = listeningAddresses(ddb.port);
      expect(addresses.length).toBeGreaterThan(0);
      for (const a of addresses) expect(LOOPBACK.has(a), `listening on ${a}`).toBe(true);
    } finally {
      await ddb.stop();
    }
  });
});
