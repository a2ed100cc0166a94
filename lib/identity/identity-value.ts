// Normalised identity values: the same for deduplication on write and for looking a caller up on read.
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
