// SQL of the lake compaction, the same text for Athena (a CTAS writing one snapshot partition) and DuckDB
// (a COPY to the snapshot folder): a table's snapshot of day S holds, for every id, the version the current
// state needs, computed from the previous committed snapshot plus the change log since (never the whole log).
//
// Kept per id: the latest version among those dated before the end of S (`updated_at` < S + 1 day), tombstones
// included so an older version arriving later cannot bring a removed record back. Versions dated after S (a
// source clock ahead of the stream) are kept verbatim, each change once, so an as-of read of any day on or
// after S still finds the latest version dated by then: every kept-as-latest version is dated by S.
import {
  LATEST_VERSION_FIRST,
  PARTITION_COLUMN,
  quoteIdent,
  quoteString,
  recentVersionsSql,
  SNAPSHOT_OVERLAP_DAYS,
  SNAPSHOT_PARTITION,
  snapshotFileColumns,
  type LakeTable,
} from '#lib/query/lake-views.ts';

const DAY_MS = 86_400_000;
const CALENDAR_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The day as a checked `YYYY-MM-DD` (it is written into SQL and object keys as a literal). */
export function snapshotDay(day: string): string {
  const ok = CALENDAR_DAY.test(day) && new Date(`${day}T00:00:00.000Z`).toISOString().slice(0, 10) === day;
  if (!ok) throw new Error(`snapshot day must be a calendar date YYYY-MM-DD, got "${day}"`);
  return day;
}

/** `day` plus `days` (may be negative), as YYYY-MM-DD. */
export const addDays = (day: string, days: number) => new Date(Date.parse(`${snapshotDay(day)}T00:00:00.000Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** The first change partition a reader of snapshot `day` still reads (see SNAPSHOT_OVERLAP_DAYS). */
export const changesFrom = (day: string) => addDays(day, -SNAPSHOT_OVERLAP_DAYS);

/** The newest snapshot day a run at `now` may compact: yesterday (UTC), the last complete day of changes. */
export const lastCompleteDay = (now: Date = new Date()) => new Date(now.getTime() - DAY_MS).toISOString().slice(0, 10);

/**
 * SELECT producing the snapshot of `table` for `day` (columns: {@link snapshotFileColumns}), reading the newest
 * committed snapshot before `day` and the change partitions from its `changes_from` up to `day`.
 */
export function compactionSelectSql(table: LakeTable, day: string): string {
  const s = snapshotDay(day);
  const endOfDay = `TIMESTAMP ${quoteString(`${addDays(s, 1)} 00:00:00`)}`;
  const cols = snapshotFileColumns(table)
    .map((c) => quoteIdent(c.column))
    .join(', ');
  const versions = recentVersionsSql(table, `${SNAPSHOT_PARTITION} < ${quoteString(s)}`, `${PARTITION_COLUMN} <= ${quoteString(s)}`);
  return [
    `SELECT ${cols}`,
    `FROM (SELECT dated.*,`,
    `        row_number() OVER (PARTITION BY id, settled ORDER BY ${LATEST_VERSION_FIRST}) AS version_rank,`,
    `        row_number() OVER (PARTITION BY seq, settled ORDER BY ${PARTITION_COLUMN}, changed_at) AS lake_copy`,
    `      FROM (SELECT versions.*, COALESCE(updated_at < ${endOfDay}, false) AS settled`,
    `            FROM (${versions}) AS versions) AS dated) AS ranked`,
    `WHERE CASE WHEN settled THEN version_rank = 1 ELSE lake_copy = 1 OR seq IS NULL END`,
    // Rows in version-time order: neighbouring timestamps and versions compress far better than in hash order,
    // and each row group's min/max of updated_at lets an as-of read of an earlier day skip the later ones.
    `ORDER BY updated_at, id, seq`,
  ].join('\n');
}
