// Case-insensitive comparison as event-ruler does it: each character of the pattern matches itself,
// its lower-case or its upper-case form (so "ß" also matches "SS"), on whole, leading or trailing text.

// Only syntax characters may be escaped under the `u` flag.
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

function alternatives(pattern: string): string {
  return Array.from(pattern, (c) => {
    const forms = [...new Set([c, c.toLowerCase(), c.toUpperCase()])].map(escape);
    return forms.length === 1 ? forms[0] : `(?:${forms.join('|')})`;
  }).join('');
}

export type Anchor = 'whole' | 'prefix' | 'suffix';

export function ignoreCaseMatcher(pattern: string, anchor: Anchor): (value: string) => boolean {
  const body = alternatives(pattern);
  const re = new RegExp(anchor === 'whole' ? `^${body}$` : anchor === 'prefix' ? `^${body}` : `${body}$`, 'u');
  return (value) => re.test(value);
}
