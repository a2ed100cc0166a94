// The people who own records: the sales reps and support agents the generators assign, their managers,
// and one former rep (inactive) so assignment rules have someone to skip.
import type { z } from 'zod';
import type { user } from '#schemas/entities.ts';
import { SALES_REPS, SUPPORT_AGENTS } from './catalog.ts';
import type { DemoContext } from './context.ts';
import { personName } from './people.ts';

type UserInput = z.input<typeof user>;

export function generateTeam(ctx: DemoContext): UserInput[] {
  const rng = ctx.rng.fork('team');
  const createdAt = new Date(ctx.start).toISOString();
  const person = (id: string, team: string, role: UserInput['role'], extra: Partial<UserInput> = {}): UserInput => {
    const { firstName, lastName } = personName(rng, 'en');
    return { id, updatedAt: createdAt, name: `${firstName} ${lastName}`, email: `${id}@team.example.com`, team, role, active: true, timezone: 'Europe/Berlin', createdAt, ...extra };
  };
  return [
    person('mgr-sales', 'sales', 'manager'),
    // Capacity is generous for the reps with the biggest books, so least-loaded assignment has room to choose.
    ...SALES_REPS.map((r) => person(r.id, 'sales', 'rep', { capacity: Math.round(150 * r.book) })),
    person('rep-09', 'sales', 'rep', { active: false, capacity: 100 }),
    person('mgr-service', 'service', 'manager'),
    ...SUPPORT_AGENTS.map((a) => person(a.id, 'service', 'agent', { capacity: 80 })),
    person('admin-01', 'operations', 'admin', { timezone: 'UTC' }),
  ];
}
