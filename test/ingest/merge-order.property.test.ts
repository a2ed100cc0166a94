// Property: whatever order twins (one person under several ids) and the records that refer to them
// arrive in, with duplicates, re-sent batches and two writers racing, the stored state is the same:
// the same survivor (earliest createdAt, then smallest id), every twin id an alias of it, every identity
// pointing at it, and every order and contact reachable from the profile of any twin id.
// Runs on DynamoDB Local (one emulator; each case uses its own id prefix).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynamoDbLocal, type DynamoDbLocal } from '#local/dynamodb/emulator.ts';
import { ensureTable } from '#local/dynamodb/table.ts';
import { RecordWriter } from '#functions/ingest/record-writer.ts';
import { validateRecord, type CrmRecord } from '#functions/ingest/validate.ts';
import { queryCustomerCollection } from '#lib/table/customer-collection.ts';
import { aliasKey, identityKey, recordKey } from '#lib/table/design.ts';
import { entities } from '#schemas/registry.ts';

// Two tables: each case is ingested in one arrival order into the first and in another into the second,
// under the same ids, so the two final states must be equal item for item (ties in updatedAt included).
const TABLES = ['merge_property_a', 'merge_property_b'] as const;
let ddb: DynamoDbLocal;

beforeAll(async () => {
  ddb = await startDynamoDbLocal({ dir: mkdtempSync(join(tmpdir(), 'crm-merge-')) });
  for (const t of TABLES) await ensureTable(ddb.client, t);
});
afterAll(async () => ddb?.stop());

// A twin: which shared identity it carries (the first twin carries both, so all are one person,
// sometimes only through a bridge), when it was created and updated, and a name to tell versions apart.
interface Twin {
  createdDay: number;
  updatedDay: number;
  ids: 'email' | 'phone' | 'both';
  name: string;
  orders: number;
  contact: boolean;
}
const twinArb = fc.record({
  createdDay: fc.integer({ min: 1, max: 4 }),
  updatedDay: fc.integer({ min: 5, max: 9 }),
  ids: fc.constantFrom('email', 'phone', 'both'),
  name: fc.constantFrom('Lee', 'Li', 'Lea', 'Leigh'),
  orders: fc.integer({ min: 0, max: 2 }),
  contact: fc.boolean(),
}) as fc.Arbitrary<Twin>;

const day = (d: number) => `2025-03-0${d}T00:00:00Z`;

// Each case gets its own phone number (cases share the table): 7nnn is the case's number.
const phoneOf = (prefix: string, spaced: boolean) => {
  const n = String(caseNumber(prefix)).padStart(3, '0');
  return spaced ? `+44 (0)20 7${n} 0958` : `+44 20 7${n}-0958`;
};
const caseNumber = (prefix: string) => Number(prefix.replace(/\D/g, ''));

function records(prefix: string, twins: Twin[]) {
  const customers: CrmRecord[] = twins.map((t, k) => ({
    id: `${prefix}c${k}`,
    updatedAt: day(t.updatedDay),
    kind: 'person',
    lastName: t.name,
    // Phones written differently on purpose: the trunk prefix "(0)" and spacing must not split the person.
    ...(k === 0 || t.ids !== 'phone' ? { email: k % 2 ? `${prefix}Twin@Example.com` : `${prefix}twin@example.com` } : {}),
    ...(k === 0 || t.ids !== 'email' ? { phone: phoneOf(prefix, k % 2 === 1) } : {}),
    status: 'active',
    source: 'web',
    createdAt: day(t.createdDay),
  }));
  const orders: CrmRecord[] = twins.flatMap((t, k) =>
    Array.from({ length: t.orders }, (_, n) => ({
      id: `${prefix}o${k}-${n}`,
      updatedAt: day(9),
      customerId: `${prefix}c${k}`,
      orderedAt: day(8),
      status: 'paid',
      channel: 'web',
      currency: 'EUR',
      lineItems: [{ sku: 'S', quantity: 1, unitPrice: 10 + k }],
      itemCount: 1,
      subtotal: 10 + k,
      total: 10 + k,
    })),
  );
  const contacts: CrmRecord[] = twins.flatMap((t, k) =>
    t.contact ? [{ id: `${prefix}p${k}`, updatedAt: day(9), customerId: `${prefix}c${k}`, lastName: `Contact${k}`, email: `${prefix}contact${k}@example.com`, createdAt: day(8) }] : [],
  );
  const valid = (entity: keyof typeof entities, r: CrmRecord) => {
    const v = validateRecord(entities[entity], r);
    if (!v.ok) throw new Error(`test data invalid: ${JSON.stringify(v.errors)}`);
    return { entity, record: v.record };
  };
  return [...customers.map((r) => valid('customer', r)), ...orders.map((r) => valid('order', r)), ...contacts.map((r) => valid('contact', r))];
}

type Arrival = ReturnType<typeof records>[number];

/** Replays arrivals as ingest would: consecutive arrivals of one entity form a batch; two lanes write concurrently. */
async function ingest(table: string, arrivals: Arrival[], lanes: number) {
  const writers = Array.from({ length: lanes }, () => new RecordWriter({ client: ddb.client, tableName: table, writeGroupSize: 25, backoffMs: 2, maxAttempts: 12 }));
  const laneOf = arrivals.map((_, i) => i % lanes);
  await Promise.all(
    writers.map(async (writer, lane) => {
      const mine = arrivals.filter((_, i) => laneOf[i] === lane);
      for (let i = 0; i < mine.length; ) {
        let j = i;
        while (j < mine.length && mine[j]!.entity === mine[i]!.entity && j - i < 3) j++;
        // Fresh copies: the writer re-points customer ids in place, as a re-sent file would not be.
        const results = await writer.write(entities[mine[i]!.entity], mine.slice(i, j).map((a) => structuredClone(a.record)));
        for (const r of results) if (r.status === 'failed') throw new Error(`write failed: ${r.message}`);
        i = j;
      }
    }),
  );
}

const get = async (table: string, key: { pk: string; sk: string }) => {
  const res = await ddb.client.send(new GetItemCommand({ TableName: table, Key: marshall(key), ConsistentRead: true }));
  return res.Item ? unmarshall(res.Item) : undefined;
};

/** The observable final state, with the case prefix removed for readable failures. */
async function finalState(table: string, prefix: string, twins: Twin[]) {
  const strip = (v: unknown) => JSON.parse(JSON.stringify(v).replaceAll(prefix, ''));
  const profiles = [];
  for (let k = 0; k < twins.length; k++) {
    const id = `${prefix}c${k}`;
    // The survivor's record and every record filed under it or an id merged into it (a full read, not the bounded profile).
    const survivorId = ((await get(table, aliasKey('customers', id)))?.targetId as string | undefined) ?? id;
    const survivor = await get(table, recordKey('customers', survivorId));
    const items = (await Promise.all([survivorId, ...((survivor?.mergedIds as string[] | undefined) ?? [])].map((cid) => queryCustomerCollection(ddb.client, table, cid)))).flat();
    const ids = (entity: string) => items.filter((i) => i.entity === entity).map((i) => String(i.id)).sort();
    profiles.push(strip({ customer: survivor?.data ?? null, orders: ids('order'), contacts: ids('contact') }));
  }
  const aliases = [];
  for (let k = 0; k < twins.length; k++) aliases.push(strip((await get(table, aliasKey('customers', `${prefix}c${k}`)))?.targetId ?? null));
  const records = [];
  for (let k = 0; k < twins.length; k++) records.push(!!(await get(table, recordKey('customers', `${prefix}c${k}`))));
  const identities = [];
  const phone = `4420${7000 + caseNumber(prefix)}0958`;
  for (const [field, value] of [['email', `${prefix}twin@example.com`], ['phone', phone]] as const) {
    identities.push(strip((await get(table, identityKey('customers', field, value)))?.targetId ?? null));
  }
  return { profiles, aliases, records, identities };
}

let cases = 0;
describe('twin merges do not depend on arrival order', () => {
  it('reaches one final state for random permutations with duplicates, re-sent batches and racing writers', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(twinArb, { minLength: 2, maxLength: 4 }),
        fc.infiniteStream(fc.integer({ min: 0, max: 1_000_000 })),
        async (twins, randomness) => {
          const n = cases++;
          const seeds = randomness.take(8)[Symbol.iterator]();
          const next = () => seeds.next().value as number;
          const arrange = (table: string, prefix: string, lanes: number) => {
            const arrivals = records(prefix, twins);
            // A random permutation (Fisher–Yates from the drawn seeds), then duplicates of a few arrivals.
            let s = next();
            const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
            for (let i = arrivals.length - 1; i > 0; i--) {
              const j = Math.floor(rand() * (i + 1));
              [arrivals[i], arrivals[j]] = [arrivals[j]!, arrivals[i]!];
            }
            const dupes = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => arrivals[Math.floor(rand() * arrivals.length)]!);
            for (const d of dupes) arrivals.splice(Math.floor(rand() * (arrivals.length + 1)), 0, d);
            return ingest(table, arrivals, lanes);
          };
          const prefix = `m${n}-`;
          await arrange(TABLES[0], prefix, 1);
          await arrange(TABLES[1], prefix, 2);
          // A re-sent file changes nothing.
          await arrange(TABLES[1], prefix, 1);

          // The rule, computed from the test data: earliest createdAt, then smallest id.
          const order = twins.map((t, k) => ({ k, key: `${day(t.createdDay)}|c${k}` })).sort((x, y) => (x.key < y.key ? -1 : 1));
          const survivor = `c${order[0]!.k}`;
          const latest = Math.max(...twins.map((t) => t.updatedDay));
          const newestNames = twins.filter((t) => t.updatedDay === latest).map((t) => t.name);
          const stateA = await finalState(TABLES[0], prefix, twins);
          const stateB = await finalState(TABLES[1], prefix, twins);

          for (const p of stateA.profiles) {
            expect(p.customer.id).toBe(survivor);
            expect(p.customer.createdAt).toBe(new Date(day(twins[order[0]!.k]!.createdDay)).toISOString());
            expect(newestNames).toContain(p.customer.lastName);
            expect(p.orders).toEqual(twins.flatMap((t, k) => Array.from({ length: t.orders }, (_, i) => `o${k}-${i}`)).sort());
            expect(p.contacts).toEqual(twins.flatMap((t, k) => (t.contact ? [`p${k}`] : [])).sort());
          }
          expect(stateA.aliases).toEqual(twins.map((_, k) => (`c${k}` === survivor ? null : survivor)));
          expect(stateA.records).toEqual(twins.map((_, k) => `c${k}` === survivor));
          expect(stateA.identities).toEqual([survivor, survivor]);
          // The same final state, whatever the arrival order, lanes and duplicates.
          expect(stateB).toEqual(stateA);
        },
      ),
      { numRuns: 25, seed: Number(process.env.FC_SEED ?? 20261130), endOnFailure: true },
    );
  }, 300_000);
});
