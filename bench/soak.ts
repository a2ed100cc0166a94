// `npm run soak`: the fault-injection soak (test/faults/soak.ts) at full size: 100,000 record versions through
// import, ingest and the stream, with at least 1,000 injected faults of every class. Prints the report as JSON;
// exits 1 when anything was lost, doubled, out of order or handled twice, or a fault class fell short.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FAULT_CLASSES, runSoak } from '../test/faults/soak.ts';

const { values } = parseArgs({
  options: { records: { type: 'string', default: '100000' }, 'min-faults': { type: 'string', default: '1000' }, seed: { type: 'string', default: '1' }, tmp: { type: 'string' } },
});
const records = Number(values.records);
const minFaults = Number(values['min-faults']);
// The state is thrown away afterwards, so it lives in memory where the machine has a tmpfs (/dev/shm): DynamoDB
// Local commits every write to SQLite, and on a disk the fsync per commit, not the code under test, set the pace.
const writable = (path: string) => {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
};
const parent = values.tmp ?? (writable('/dev/shm') ? '/dev/shm' : tmpdir());
const dir = mkdtempSync(join(parent, 'crm-soak-'));
process.stderr.write(`soak: ${records} records, state in ${dir}\n`);
try {
  const report = await runSoak({
    dir,
    records,
    seed: Number(values.seed),
    // Per request, entry, put, batch or delivery; sized so 100,000 records draw well over 1,000 of each while a file
    // still needs few deliveries (every failed delivery re-imports the whole file, every duplicate too).
    rates: { throttle: 0.06, unprocessedKeys: 0.15, lostWriteResponse: 0.3, failedPutEventsEntry: 0.05, s3ServerError: 0.18, crashMidBatch: 0.22, duplicateImportDelivery: 0.4 },
    drainEvery: 200,
    log: (m) => process.stderr.write(`${m}\n`),
  });
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  const short = FAULT_CLASSES.filter((c) => report.faults[c] < minFaults);
  const broken = (['lost', 'doubled', 'outOfOrder', 'lostEvents', 'duplicateEvents', 'deadLettered'] as const).filter((k) => report[k] !== 0);
  if (short.length) process.stderr.write(`soak: fewer than ${minFaults} injected faults of ${short.join(', ')}\n`);
  if (broken.length) process.stderr.write(`soak: non-zero ${broken.join(', ')}\n`);
  process.exitCode = short.length || broken.length ? 1 : 0;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
