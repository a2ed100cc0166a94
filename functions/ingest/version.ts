// Record versions: `<updatedAt as UTC ms ISO>#<content hash>`. Comparing the strings orders versions by
// time, and equal timestamps by content hash, so every replica picks the same winner whatever the
// arrival order, and re-sending an identical record compares equal (a no-op).
import { createHash } from 'node:crypto';

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function recordVersion(record: { updatedAt: string } & Record<string, unknown>): string {
  const hash = createHash('sha256').update(canonicalJson(record)).digest('hex').slice(0, 16);
  return `${new Date(record.updatedAt).toISOString()}#${hash}`;
}

/** Normalised e-mail and phone (deduplication, look-up): lives in lib so the read side shares it. */
export { identityValue } from '#lib/identity/identity-value.ts';
