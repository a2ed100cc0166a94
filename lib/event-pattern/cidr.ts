// IP addresses and CIDR blocks as event-ruler reads them: dotted-quad IPv4 and hex-and-colon IPv6
// literals only (no host names, no zone ids), IPv4-mapped IPv6 addresses taken as IPv4.

const IPV4_SHAPE = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const IPV6_SHAPE = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;

/** A contiguous range of addresses of one family (4 or 16 bytes), bounds inclusive. */
export interface IpRange {
  bottom: Uint8Array;
  top: Uint8Array;
}

export const looksLikeIp = (text: string) => IPV4_SHAPE.test(text) || IPV6_SHAPE.test(text);

function parseIpv4(text: string): Uint8Array | undefined {
  const parts = text.split('.');
  // Leading zeros are ambiguous (octal or decimal?) and rejected, as current JDKs and Node do.
  if (parts.some((p) => p.length > 3 || (p.length > 1 && p.startsWith('0')) || Number(p) > 255)) return undefined;
  return Uint8Array.from(parts, Number);
}

function parseIpv6(text: string): Uint8Array | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (s: string) => (s === '' ? [] : s.split(':'));
  const head = groupsOf(halves[0] ?? '');
  const tail = halves.length === 2 ? groupsOf(halves[1] ?? '') : [];
  const groups = [...head, ...tail];
  if (groups.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  // "::" stands for at least one zero group; without it there must be exactly eight.
  if (halves.length === 2 ? groups.length > 7 : groups.length !== 8) return undefined;
  const words = [...head, ...Array<string>(8 - groups.length).fill('0'), ...tail].map((g) => parseInt(g, 16));
  const bytes = new Uint8Array(16);
  words.forEach((w, i) => {
    bytes[2 * i] = w >> 8;
    bytes[2 * i + 1] = w & 0xff;
  });
  const mapped = bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return mapped ? bytes.slice(12) : bytes;
}

/** The address bytes of an IPv4 or IPv6 literal, or undefined when the text is not one. */
export function parseIp(text: string): Uint8Array | undefined {
  if (IPV4_SHAPE.test(text)) return parseIpv4(text);
  if (IPV6_SHAPE.test(text)) return parseIpv6(text);
  return undefined;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

export function inIpRange(range: IpRange, address: Uint8Array): boolean {
  return address.length === range.bottom.length && compareBytes(range.bottom, address) <= 0 && compareBytes(address, range.top) <= 0;
}

export const singleAddress = (address: Uint8Array): IpRange => ({ bottom: address, top: address });

/**
 * Parses `ADDRESS/BITS`. As in event-ruler the block starts at the address as written (host bits
 * are not cleared) and the mask must leave at least one host bit (/0-/31 for IPv4, /0-/127 for IPv6).
 * Throws with EventBridge's reason.
 */
export function parseCidr(text: string): IpRange {
  const slashed = text.split('/');
  if (slashed.length !== 2) throw new Error("Malformed CIDR, one '/' required");
  const [ip = '', bits = ''] = slashed;
  if (!/^[+-]?\d+$/.test(bits)) throw new Error('Malformed CIDR, mask bits must be an integer');
  const maskBits = Number(bits);
  if (maskBits < 0) throw new Error('Malformed CIDR, mask bits must not be negative');
  if (!looksLikeIp(ip)) throw new Error(`Nonstandard IP address: ${ip}`);
  const bottom = parseIp(ip);
  if (!bottom) throw new Error(`Invalid IP address: ${ip}`);
  const width = bottom.length * 8;
  if (maskBits >= width) throw new Error(`${bottom.length === 4 ? 'IPv4' : 'IPv6'} mask bits must be < ${width}`);
  const top = bottom.slice();
  let hostBits = width - maskBits;
  for (let i = top.length - 1; i >= 0 && hostBits > 0; i--, hostBits -= 8) {
    top[i] = (top[i] ?? 0) | (hostBits >= 8 ? 0xff : (1 << hostBits) - 1);
  }
  return { bottom, top };
}
