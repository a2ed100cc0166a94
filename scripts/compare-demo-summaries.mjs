#!/usr/bin/env node
// Compares the JSON summaries of two `crm demo` runs (their stdout) and exits 1 if what the demo produced differs:
// records, lake counts, events, automation runs by rule and status, report headlines, events and scores. Only the
// state directory, paths and timings may differ. Used to check that a speed change leaves the demo's outputs as
// they were: `node scripts/compare-demo-summaries.mjs before.json after.json`.
import { readFileSync } from 'node:fs';

const [beforeFile, afterFile] = process.argv.slice(2);
if (!beforeFile || !afterFile) {
  process.stderr.write('usage: compare-demo-summaries.mjs BEFORE.json AFTER.json\n');
  process.exit(1);
}

/** The summary without what names the run rather than its outputs. */
function outputs(file) {
  const s = JSON.parse(readFileSync(file, 'utf8'));
  const { dir, seconds, next, lake, events, automation, reports, ...rest } = s;
  return {
    ...rest,
    lake: { files: lake.files, changes: lake.changes, deadLettered: lake.deadLettered },
    events: { published: events.published },
    automation: { days: automation.days, runs: automation.runs },
    reports: { asOf: reports.asOf, failed: reports.failed ?? [], written: reports.written.map(({ path, ...r }) => r) },
  };
}

/** Paths where the two values differ (leaves only). */
function differences(a, b, path = '') {
  if (typeof a !== typeof b || Array.isArray(a) !== Array.isArray(b) || a === null || b === null || typeof a !== 'object') {
    return JSON.stringify(a) === JSON.stringify(b) ? [] : [`${path || '.'}: ${JSON.stringify(a)} != ${JSON.stringify(b)}`];
  }
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return keys.flatMap((k) => differences(a[k], b[k], `${path}.${k}`));
}

const diff = differences(outputs(beforeFile), outputs(afterFile));
if (diff.length) {
  process.stderr.write(`${diff.length} difference(s):\n${diff.slice(0, 50).join('\n')}\n`);
  process.exit(1);
}
process.stderr.write('demo outputs identical (tables, lake, events, automation runs, reports)\n');
