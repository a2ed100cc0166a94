// The people at company customers: one to three contacts each, the first one primary.
import type { z } from 'zod';
import type { contact } from '#schemas/entities.ts';
import { DAY, iso } from './calendar.ts';
import { CONTACT_TITLES } from './catalog.ts';
import type { DemoContext } from './context.ts';
import type { CustomerProfile } from './customers.ts';
import { personName } from './people.ts';

export type ContactRecord = z.input<typeof contact>;

export function generateContacts(ctx: DemoContext, profiles: readonly CustomerProfile[]): ContactRecord[] {
  const rng = ctx.rng.fork('contacts');
  const contacts: ContactRecord[] = [];
  for (const p of profiles) {
    if (p.kind !== 'company') continue;
    const n = Number(rng.weighted({ '1': 40, '2': 40, '3': 20 }));
    const titles = rng.sample(CONTACT_TITLES, n);
    for (let i = 0; i < n; i++) {
      const name = personName(rng, p.lang);
      // Further contacts are added as the relationship grows.
      const createdAt = i === 0 ? p.createdAt : p.createdAt + rng.float(10, 400) * DAY;
      if (createdAt > ctx.asOf) break;
      const edited = createdAt + rng.float(1, 200) * DAY;
      const updatedAt = rng.chance(0.3) && edited <= ctx.asOf ? edited : createdAt;
      contacts.push({
        id: `con-${p.id.slice(4)}-${i + 1}`,
        updatedAt: iso(updatedAt),
        customerId: p.id,
        ...name,
        email: ctx.identities.personEmail(name.firstName, name.lastName, p.domain),
        phone: ctx.identities.phone(rng.chance(0.5) ? p.market.mobile : p.market.landline),
        title: titles[i],
        isPrimary: i === 0,
        createdAt: iso(createdAt),
      });
    }
  }
  return contacts;
}
