// The local pseudonymisation key: 32 random bytes created once per state directory, readable by the
// owner only. In AWS the same key lives in Secrets Manager.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function localPseudonymKey(dir: string): string {
  const file = join(dir, 'secrets', 'pseudonym.key');
  if (!existsSync(file)) {
    mkdirSync(join(dir, 'secrets'), { recursive: true, mode: 0o700 });
    writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
  }
  return readFileSync(file, 'utf8').trim();
}
