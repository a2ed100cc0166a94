// Finds the previous run of a report in the object store — the latest as_of before this one that has a
// summary.json (written last, so it marks a complete run) — and reads its tables on demand. Only the
// store is used, so a report Lambda finds its previous run on S3 exactly as `crm report` does locally.
import { decodeParquet } from '#lib/lake/parquet.ts';
import type { ObjectStore } from '#lib/store/object-store.ts';
import type { PreviousRun } from './report-definition.ts';
import { AS_OF_PARTITION, runPrefix, SUMMARY_FILE, tableFile } from './report-layout.ts';

export async function findPreviousRun(store: ObjectStore, report: string, asOf: string): Promise<PreviousRun | undefined> {
  const partition = `${report}/${AS_OF_PARTITION}=`;
  const summaryKey = new RegExp(`^${escapeRegExp(partition)}(\\d{4}-\\d{2}-\\d{2})/${escapeRegExp(SUMMARY_FILE)}$`);
  let latest: string | undefined;
  for await (const key of store.list(partition)) {
    const date = summaryKey.exec(key)?.[1];
    // ISO dates order as strings.
    if (date && date < asOf && (!latest || date > latest)) latest = date;
  }
  if (!latest) return undefined;
  const prefix = runPrefix(report, latest);
  const bytes = await store.get(`${prefix}${SUMMARY_FILE}`);
  if (!bytes) return undefined;
  const summary = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  return {
    asOf: latest,
    summary,
    async table(name) {
      const parquet = await store.get(`${prefix}${tableFile(name)}`);
      return parquet ? decodeParquet(parquet) : undefined;
    },
  };
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
