// Keyed hashing of personal fields (HMAC-SHA256): stable, so hashes join across tables and over time,
// and not reversible without the key, which stays in Secrets Manager (locally: <dir>/secrets).
import { createHmac } from 'node:crypto';
import { identityValue } from '#functions/ingest/version.ts';

export type Pseudonymize = (field: string, value: unknown) => string | null;

export function keyedHasher(key: string | Buffer): Pseudonymize {
  if (!key || key.length < 16) throw new Error('the pseudonymisation key must be at least 16 bytes');
  return (field, value) => {
    if (value === undefined || value === null || value === '') return null;
    // Normalise identity fields the way deduplication does, so the same person hashes the same everywhere.
    const normalised = field === 'email' || field === 'phone' ? (identityValue(field, value) ?? String(value)) : String(value).trim();
    return createHmac('sha256', key).update(`${field}\u0000${normalised}`).digest('hex').slice(0, 32);
  };
}
