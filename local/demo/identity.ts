// Hands out e-mail addresses, phone numbers and company names that are unique across customers,
// contacts and leads: the ingest merges people on normalised e-mail/phone, so a clash would fuse two people.
import { fillTemplate, slug } from './catalog.ts';
import type { Rng } from './random.ts';

/** Reserved domains (RFC 2606) for consumers, so no real mailbox is ever addressed. */
const CONSUMER_DOMAINS = ['example.com', 'example.net', 'example.org'] as const;

export class IdentityRegistry {
  /** Local parts without separators: `anna.mueller` and `annamueller` count as the same. */
  private readonly localParts = new Set<string>();
  private readonly phoneDigits = new Set<string>();
  private readonly names = new Set<string>();
  private readonly domains = new Set<string>();

  constructor(private readonly rng: Rng) {}

  /** A personal address such as `anna.mueller@example.com`, or at `domain` for someone at work. */
  personEmail(firstName: string, lastName: string, domain?: string): string {
    const first = slug(firstName);
    const last = slug(lastName);
    const candidates = [`${first}.${last}`, `${first.charAt(0)}.${last}`, `${first}${last.charAt(0)}`, `${last}.${first}`];
    if (!domain) candidates.splice(1, 0, `${first}.${last}${this.rng.int(60, 99)}`);
    let local = candidates.find((c) => !this.localParts.has(key(c)));
    for (let n = 2; !local; n++) if (!this.localParts.has(key(`${first}.${last}${n}`))) local = `${first}.${last}${n}`;
    this.localParts.add(key(local));
    return `${local}@${domain ?? this.rng.pick(CONSUMER_DOMAINS)}`;
  }

  /** A company's general address: the local part is the company slug, unique like everyone else's. */
  companyEmail(companySlug: string, domain: string): string {
    let local = `info.${companySlug}`;
    for (let n = 2; this.localParts.has(key(local)); n++) local = `info.${companySlug}${n}`;
    this.localParts.add(key(local));
    return `${local}@${domain}`;
  }

  phone(templates: readonly string[]): string {
    for (;;) {
      const number = fillTemplate(this.rng.pick(templates), () => this.rng.int(0, 9), () => this.rng.int(0, 25));
      const digits = number.replace(/\D/g, '');
      if (!this.phoneDigits.has(digits)) {
        this.phoneDigits.add(digits);
        return number;
      }
    }
  }

  /** Reserves a company name; false when it is taken. */
  claimCompanyName(name: string): boolean {
    if (this.names.has(name)) return false;
    this.names.add(name);
    return true;
  }

  /** A unique `<slug>.example` domain for a company. */
  companyDomain(base: string): string {
    let domain = `${base}.example`;
    for (let n = 2; this.domains.has(domain); n++) domain = `${base}${n}.example`;
    this.domains.add(domain);
    return domain;
  }
}

const key = (local: string) => local.replace(/[._-]/g, '');
