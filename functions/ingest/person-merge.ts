// Merging records of the same person (twins: two ids sharing a normalised e-mail or phone). Pure: given
// what is stored for the twins' cluster and the record just sent, it decides the one final state.
//
// The rule, independent of arrival order, retries and duplicates:
// - survivor: the twin with the earliest `createdAt`, then the smallest id (both fixed facts of a twin,
//   so the minimum over any arrival order is the same); the merged record keeps that `createdAt`;
// - content: the twin version with the greatest version string (`<updatedAt>#<hash of the record as
//   sent>`), stored under the survivor's id; an identical re-send compares equal and changes nothing;
// - every other id of the cluster is an alias of the survivor; identities point at the survivor;
//   the survivor's item lists the merged ids (`mergedIds`), so readers find records that still refer
//   to them, and its identities (`identityPks`), so a later merge can re-point them.
// A record whose identities belong to two clusters joins them (transitively the same person).
import type { CrmRecord } from './validate.ts';

export interface StoredPerson {
  id: string;
  data: CrmRecord;
  version: string;
  /** Optimistic-concurrency counter of the item; undefined for items written before it existed. */
  rev?: number;
  mergedIds: string[];
  identityPks: string[];
}

export interface MergeInput {
  sent: CrmRecord;
  sentVersion: string;
  sentIdentityPks: string[];
  /** Identity pk -> the id it points at now (only for identities that exist). */
  identityOwners: Map<string, string>;
  /** The stored survivors whose clusters the sent record belongs to (its own record, its alias target, identity owners). */
  candidates: StoredPerson[];
  /** The sent id's alias target, when it was merged before. */
  sentAliasTarget?: string;
}

export interface MergePlan {
  survivorId: string;
  /** Stored survivor the new state replaces in place (same id), for its concurrency condition. */
  previous?: StoredPerson;
  data: CrmRecord;
  version: string;
  mergedIds: string[];
  identityPks: string[];
  /** Stored survivors that become aliases: their record items are deleted. */
  demoted: StoredPerson[];
  /** Ids whose alias item must (newly) point at the survivor. */
  aliases: string[];
  /** The survivor had an alias item (an id merged earlier came back as the earliest twin): delete it. */
  dropSurvivorAlias: boolean;
  /** Identity pks to point at the survivor: `claim` ones are unowned (write only if still absent). */
  identities: { pk: string; claim: boolean }[];
  /** True when nothing stored changes (a duplicate, or an older twin already merged). */
  noop: boolean;
  status: 'created' | 'updated' | 'unchanged' | 'stale';
}

const rank = (createdAt: unknown, id: string) => `${new Date(String(createdAt)).toISOString()}\u0000${id}`;

export function planMerge(input: MergeInput): MergePlan {
  const { sent, sentVersion, candidates } = input;
  // Stored candidates first: on a tie with the sent record of the same id, the stored createdAt is kept.
  const members = [
    ...candidates.map((c) => ({ id: c.id, createdAt: c.data.createdAt, rank: rank(c.data.createdAt, c.id) })),
    { id: sent.id, createdAt: sent.createdAt, rank: rank(sent.createdAt, sent.id) },
  ];
  const best = members.reduce((a, b) => (b.rank < a.rank ? b : a));
  const survivorId = best.id;

  const newest = candidates.reduce<{ data: CrmRecord; version: string }>((a, c) => (c.version > a.version ? c : a), { data: sent, version: sentVersion });
  const storedMax = candidates.reduce<string | undefined>((m, c) => (m === undefined || c.version > m ? c.version : m), undefined);
  const data: CrmRecord = { ...newest.data, id: survivorId, createdAt: best.createdAt as string };

  const previous = candidates.find((c) => c.id === survivorId);
  const demoted = candidates.filter((c) => c.id !== survivorId);
  const merged = new Set<string>();
  for (const c of candidates) for (const m of c.mergedIds) merged.add(m);
  for (const m of members) merged.add(m.id);
  merged.delete(survivorId);
  const mergedIds = [...merged].sort();

  // Aliases already pointing at the survivor: its own merged ids, and the sent id's alias if it targets it.
  const pointing = new Set(previous?.mergedIds ?? []);
  if (input.sentAliasTarget === survivorId) pointing.add(sent.id);
  const aliases = mergedIds.filter((m) => !pointing.has(m));

  // Identities: the demoted survivors' ones are re-pointed; the sent record's ones are claimed when
  // unowned and re-pointed when owned by anyone but the survivor.
  const targets = new Map<string, boolean>();
  for (const c of demoted) for (const pk of c.identityPks) targets.set(pk, false);
  for (const pk of input.sentIdentityPks) {
    const owner = input.identityOwners.get(pk);
    if (owner === undefined) targets.set(pk, true);
    else if (owner !== survivorId) targets.set(pk, false);
    else targets.delete(pk);
  }
  const identities = [...targets].sort(([a], [b]) => (a < b ? -1 : 1)).map(([pk, claim]) => ({ pk, claim }));
  const identityPks = [...new Set([...candidates.flatMap((c) => c.identityPks), ...input.sentIdentityPks])].sort();

  const dropSurvivorAlias = input.sentAliasTarget !== undefined && survivorId === sent.id;
  const metadataSame =
    previous !== undefined &&
    previous.rev !== undefined &&
    demoted.length === 0 &&
    aliases.length === 0 &&
    identities.length === 0 &&
    !dropSurvivorAlias &&
    sameList(previous.mergedIds, mergedIds) &&
    sameList(previous.identityPks, identityPks);
  const dataSame = previous !== undefined && newest.version === previous.version && previous.data.createdAt === data.createdAt;
  const status = storedMax === undefined ? 'created' : sentVersion > storedMax ? 'updated' : sentVersion === storedMax ? 'unchanged' : 'stale';
  return {
    survivorId,
    ...(previous ? { previous } : {}),
    data,
    version: newest.version,
    mergedIds,
    identityPks,
    demoted,
    aliases,
    dropSurvivorAlias,
    identities,
    noop: metadataSame && dataSame,
    status,
  };
}

const sameList = (a: string[], b: string[]) => a.length === b.length && [...a].sort().every((v, i) => v === b[i]);
