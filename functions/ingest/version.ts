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

/** Normalised identity values used to deduplicate people. */
export function identityValue(field: 'email' | 'phone', raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  if (field === 'email') {
    const v = raw.trim().toLowerCase();
    return v.includes('@') ? v : undefined;
  }
  // `+44 (0)20 7946 0958`: the "(0)" is the national trunk prefix, dialled only from inside the country,
  // so it is dropped after an international prefix (`+` or `00`). A national number (`020 7946 0958`)
  // is kept as written: without a configured home country it cannot be told apart from another
  // country's number, and merging two people on a guess is worse than keeping twins apart.
  const international = /^\s*(\+|00)/.test(raw);
  const text = international ? raw.replace(/\(\s*0\s*\)/, '') : raw;
  const digits = text.replace(/\D/g, '').replace(/^00/, '');
  return digits.length >= 6 ? digits : undefined;
}
