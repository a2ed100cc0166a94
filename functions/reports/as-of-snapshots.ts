// `<table>_as_of` snapshots for report SQL: each lake table as it stood at the end of the as-of day.
// Report SQL reads `orders_as_of`, `opportunities_as_of`, ... as if they were tables; the framework
// adds their definitions as leading CTEs (over `<table>_history`, which both engines have). Written
// once here so every report means the same thing by "as of", and a report run on the same data and
// date always reads the same rows, whatever has been ingested since.
//
// A snapshot holds the records whose time field (the registry's `timeField`: ordered_at, created_at,
// ...) falls on or before the as-of day, each in the latest version the lake has with updated_at by the
// end of that day. A record the lake only learnt about later (an import, or a source that sends the
// final state: an order placed on the 30th arriving as 'delivered' on the 2nd) has no such version; it
// is taken in its earliest known version rather than left out. Records erased by then (tombstones) are
// left out.
//
// Each snapshot reads the lake's newest compacted snapshot of a day on or before the as-of date plus the change
// log from a little before it on (lib/query/lake-views.ts, recentVersionsSql), not the whole history: every
// version the compaction kept as an id's latest is dated by its snapshot day, so by the as-of day too, and the
// versions it left out are older than that one, or later and kept verbatim.
import { lakeColumns, lakeMetaColumns, snakeCase } from '#schemas/columns.ts';
import { recentVersionsSql, SNAPSHOT_PARTITION } from '#lib/query/lake-views.ts';
import { entities, type AnyEntity } from '#schemas/registry.ts';
import { splitSql } from './sql-text.ts';

/** The snapshot a report reads for a lake table: `orders` → `orders_as_of`. */
export const snapshotName = (table: string) => `${table}_as_of`;

const END_OF_AS_OF_DAY = `CAST(date_add('day', 1, :as_of) AS TIMESTAMP)`;

/** The CTE `<table>_as_of AS (...)`, in Athena dialect with the `:as_of` placeholder. */
export function snapshotCte(entity: AnyEntity): string {
  const meta = new Set(lakeMetaColumns.map((c) => c.column));
  const columns = lakeColumns(entity).filter((c) => !meta.has(c.column));
  const time = columns.find((c) => c.column === snakeCase(entity.timeField));
  if (!time) throw new Error(`entity ${entity.name}: time field ${entity.timeField} is not a lake column`);
  const existed = time.kind === 'date' ? `${time.column} <= :as_of` : `${time.column} < ${END_OF_AS_OF_DAY}`;
  return [
    `${snapshotName(entity.table)} AS (`,
    `  SELECT ${columns.map((c) => c.column).join(', ')}`,
    `  FROM (`,
    `    SELECT h.*, row_number() OVER (`,
    `      PARTITION BY h.id`,
    // Versions known by the end of the as-of day first, latest first; then later ones, earliest first.
    `      ORDER BY CASE WHEN h.updated_at < ${END_OF_AS_OF_DAY} THEN h.version END DESC NULLS LAST, h.version, length(h.seq) DESC NULLS LAST, h.seq DESC NULLS LAST`,
    `    ) AS version_rank`,
    `    FROM (${recentVersionsSql({ table: entity.table, columns: lakeColumns(entity) }, `${SNAPSHOT_PARTITION} <= CAST(:as_of AS VARCHAR)`)}) AS h`,
    `  ) AS versions`,
    `  WHERE version_rank = 1 AND op IS DISTINCT FROM 'remove' AND ${existed}`,
    `)`,
  ].join('\n');
}

const snapshotEntities = () => Object.values(entities) as AnyEntity[];

/** The entities whose snapshots the SQL reads (in registry order, so the expansion is stable). */
export function snapshotsUsed(sql: string): AnyEntity[] {
  const code = splitSql(sql)
    .filter((s) => s.kind === 'code')
    .map((s) => s.text)
    .join(' ');
  return snapshotEntities().filter((e) => new RegExp(`\\b${snapshotName(e.table)}\\b`, 'i').test(code));
}

/**
 * The SQL with the CTEs of the snapshots it reads put in front: merged into its own WITH clause when it
 * has one, else as a new one. A CTE of the report with the same name would be ambiguous and is refused.
 */
export function withSnapshots(sql: string): string {
  const used = snapshotsUsed(sql);
  if (!used.length) return sql;
  const ctes = used.map(snapshotCte).join(',\n');
  const firstCode = splitSql(sql).find((s) => s.kind === 'code' && s.text.trim());
  const leading = firstCode ? /^(\s*)WITH\b(\s+RECURSIVE\b)?/i.exec(firstCode.text) : null;
  if (leading?.[2]) throw new Error('WITH RECURSIVE cannot be combined with as-of snapshots');
  for (const entity of used) {
    if (new RegExp(`\\b${snapshotName(entity.table)}\\s+AS\\s*\\(`, 'i').test(sql)) throw new Error(`the SQL defines its own ${snapshotName(entity.table)}: rename it`);
  }
  if (!firstCode || !leading) return `WITH\n${ctes}\n${sql}`;
  const at = firstCode.offset + leading[0].length;
  return `${sql.slice(0, at)}\n${ctes},${sql.slice(at)}`;
}
