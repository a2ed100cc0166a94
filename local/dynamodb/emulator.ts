// Runs AWS's DynamoDB Local (a JVM) for the local mode: one process per state dir, tables kept in
// `<dir>/dynamodb/shared-local-instance.db`, stopped cleanly so SQLite closes its files.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, dirname, join, resolve } from 'node:path';
import { DynamoDBClient, ListTablesCommand, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';

export interface DynamoDbLocalOptions {
  /** Local state root (the CLI's `--dir`); the database lives in `<dir>/dynamodb/`. */
  dir: string;
  /** @default a free port (DynamoDB Local has no bind-address flag: it listens on all interfaces) */
  port?: number;
  /** SDK attempts per call for the returned client. @default 3 */
  maxAttempts?: number;
  /** How long to wait for the first answer. @default 30_000 */
  startTimeoutMs?: number;
  /** Grace period between SIGTERM and SIGKILL on stop. @default 10_000 */
  stopTimeoutMs?: number;
  /** @default the jar fetched by scripts/fetch-dynamodb-local.mjs */
  jarPath?: string;
  /** JVM flags before `-jar`. @default DEFAULT_JVM_FLAGS */
  jvmFlags?: readonly string[];
  /**
   * The caller stops the emulator itself on SIGINT/SIGTERM (crm serve drains the stream first): the JVM gets a process
   * group of its own, so a terminal's Ctrl-C does not reach it, and the signal handlers here leave it running. It is
   * still killed when this process exits.
   * @default false
   */
  callerHandlesSignals?: boolean;
  /**
   * SQLite `synchronous` for this run (needs the launcher). `FULL` fsyncs the write-ahead log at every commit, so an
   * OS crash or power loss loses nothing committed; `NORMAL` leaves that to checkpoints: a crash of this process or
   * the JVM still loses nothing and the database never corrupts, but an OS crash may roll back the last commits.
   * Only for data that can be made again (crm demo regenerates its data set from the seed).
   * @default 'FULL'
   */
  sqliteSynchronous?: 'FULL' | 'NORMAL';
  /**
   * SQLite's page cache in MB (needs the launcher). SQLite's own default, 2 MB, sends most reads of a database of
   * more than a few thousand items through the OS; the pages are allocated only as the database grows.
   * @default SQLITE_CACHE_MB
   */
  sqliteCacheMb?: number;
}

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  /** The JVM's pid. */
  pid: number;
  /** Milliseconds from spawn to the first successful ListTables. */
  startupMs: number;
  /** Config for any other client of this endpoint (e.g. DynamoDBStreamsClient). */
  clientConfig: LocalClientConfig;
  client: DynamoDBClient;
  /** SIGTERM, then SIGKILL after `stopTimeoutMs`; resolves once the JVM has exited. Idempotent. */
  stop(): Promise<void>;
}

export type LocalClientConfig = Required<Pick<DynamoDBClientConfig, 'region' | 'endpoint' | 'credentials' | 'maxAttempts'>> & { endpoint: string };

interface LockInfo {
  pid: number;
  javaPid?: number;
  port?: number;
  startedAt: string;
}

const OUTPUT_TAIL = 8_000;

// Startup is dominated by class loading: C1-only JIT and the serial GC shave a few hundred ms,
// and a small heap keeps a 2-core CI box responsive. -Xshare:auto uses the JDK's CDS archive when present.
export const DEFAULT_JVM_FLAGS: readonly string[] = ['-Xshare:auto', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xms64m', '-Xmx1g', '-Xss512k'];

/** SQLite page cache of DynamoDB Local's connection, in MB: `crm demo`'s database fits in it (see sqliteCacheMb). */
export const SQLITE_CACHE_MB = 256;

/** SQLite journal mode the launcher sets on DynamoDB Local's database (persistent in the file). */
export const SQLITE_JOURNAL_MODE = 'WAL';

export function localClientConfig(endpoint: string, maxAttempts = 3): LocalClientConfig {
  // DynamoDB Local accepts only alphanumeric keys; with -sharedDb region and keys do not matter.
  return { region: 'local', endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts };
}

export async function startDynamoDbLocal(options: DynamoDbLocalOptions): Promise<DynamoDbLocal> {
  const cacheMb = options.sqliteCacheMb;
  if (cacheMb !== undefined && !(Number.isInteger(cacheMb) && cacheMb >= 1 && cacheMb <= 99_999)) throw new Error(`sqliteCacheMb must be an integer from 1 to 99999, got ${cacheMb}`);
  const dbPath = resolve(options.dir, 'dynamodb');
  // The database holds personal data in clear: owner-only, like the pseudonym key (also for an older folder).
  mkdirSync(dbPath, { recursive: true, mode: 0o700 });
  chmodSync(dbPath, 0o700);
  restrictFiles(dbPath);
  const { jar, launcher } = options.jarPath ? { jar: options.jarPath, launcher: undefined } : await fetchJar();
  const lockFile = join(dbPath, 'emulator.lock');
  acquireLock(lockFile, dbPath);
  try {
    // A probed port can be taken before the JVM binds it; retry with another one unless the caller chose it.
    for (let attempt = 1; ; attempt++) {
      const port = options.port ?? (await freePort());
      try {
        return await launch({ ...options, jar, launcher, dbPath, lockFile, port });
      } catch (err) {
        const portTaken = err instanceof Error && /Could not start server on port|Failed to bind|Address already in use|BindException/.test(err.message);
        if (options.port !== undefined || !portTaken || attempt >= 3) throw err;
      }
    }
  } catch (err) {
    releaseLock(lockFile);
    throw err;
  }
}

async function launch(o: DynamoDbLocalOptions & { jar: string; launcher: string | undefined; dbPath: string; lockFile: string; port: number }): Promise<DynamoDbLocal> {
  const args = [
    ...(o.jvmFlags ?? DEFAULT_JVM_FLAGS),
    `-Djava.library.path=${join(dirname(o.jar), 'DynamoDBLocal_lib')}`,
    // The launcher binds to 127.0.0.1; the bare jar would listen on every interface. It also puts the database in
    // SQLite's write-ahead-log mode: DynamoDB Local commits each write on its own, and a WAL commit is one fsync
    // (durable with synchronous FULL, the default) where the default rollback journal costs three and a file delete.
    ...(o.launcher ? [`-Dcrm.sqlite.journal=${SQLITE_JOURNAL_MODE}`, `-Dcrm.sqlite.synchronous=${o.sqliteSynchronous ?? 'FULL'}`, `-Dcrm.sqlite.cacheMb=${o.sqliteCacheMb ?? SQLITE_CACHE_MB}`] : []),
    ...(o.launcher ? ['-cp', `${o.launcher}${delimiter}${o.jar}`, 'LoopbackDynamoDbLocal'] : ['-jar', o.jar]),
    '-port', String(o.port),
    '-dbPath', o.dbPath,
    '-sharedDb',
    '-disableTelemetry',
  ];
  const started = performance.now();
  // Not detached: a terminal Ctrl-C reaches the JVM's process group too, so it dies even if we cannot react.
  const child = spawn('java', args, { cwd: o.dbPath, stdio: ['ignore', 'pipe', 'pipe'], detached: o.callerHandlesSignals ?? false });
  let output = '';
  const keep = (chunk: Buffer) => { output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL); };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((done) => {
    child.once('exit', (code, signal) => done({ code, signal }));
    child.once('error', (error) => done({ code: null, signal: null, error }));
  });

  const endpoint = `http://127.0.0.1:${o.port}`;
  const clientConfig = localClientConfig(endpoint, o.maxAttempts);
  const client = new DynamoDBClient(clientConfig);
  const instance: Running = { child, lockFile: o.lockFile, exited, stopping: undefined, callerHandlesSignals: o.callerHandlesSignals ?? false };

  // When main() dies (e.g. the port is taken) Jetty's threads keep the JVM alive: watch for that too.
  const mainDied = () => (/Exception in thread "main"/.test(output) ? 'its main thread failed' : undefined);
  const failure = await waitUntilAnswering(endpoint, exited, mainDied, o.startTimeoutMs ?? 30_000);
  if (failure) {
    await terminate(instance, 2_000);
    client.destroy();
    throw new Error(`DynamoDB Local did not start on port ${o.port} (${failure}). Output:\n${output.trim()}`, {
      cause: { package: 'local/dynamodb', data: { args, dbPath: o.dbPath } },
    });
  }
  writeLock(o.lockFile, { pid: process.pid, javaPid: child.pid, port: o.port, startedAt: new Date().toISOString() });
  restrictFiles(o.dbPath);
  track(instance);
  // Later calls would only see ECONNREFUSED; say why here. A terminal's Ctrl-C also reaches the JVM: no news.
  void exited.then(({ code, signal }) => {
    // The JVM turns SIGHUP, SIGINT and SIGTERM into exit codes 129, 130 and 143.
    const bySignal = (signal && (SIGNALS as readonly string[]).includes(signal)) || [129, 130, 143].includes(code ?? 0);
    if (!instance.stopping && !bySignal) {
      process.stderr.write(`DynamoDB Local (pid ${child.pid}) exited unexpectedly with ${signal ?? `code ${code}`}. Output:\n${output.trim()}\n`);
    }
  });
  const startupMs = Math.round(performance.now() - started);

  const stopTimeoutMs = o.stopTimeoutMs ?? 10_000;
  let stopped: Promise<void> | undefined;
  return {
    endpoint,
    port: o.port,
    pid: child.pid!,
    startupMs,
    clientConfig,
    client,
    stop: () =>
      (stopped ??= (async () => {
        client.destroy();
        await terminate(instance, stopTimeoutMs);
        untrack(instance);
        releaseLock(o.lockFile);
      })()),
  };
}

/** Resolves with undefined once ListTables answers, or with the reason it never will. */
async function waitUntilAnswering(endpoint: string, exited: Running['exited'], fatal: () => string | undefined, timeoutMs: number): Promise<string | undefined> {
  const probe = new DynamoDBClient({ ...localClientConfig(endpoint, 1) });
  const deadline = Date.now() + timeoutMs;
  let exit: Awaited<Running['exited']> | undefined;
  void exited.then((e) => { exit = e; });
  let lastError = 'no answer';
  try {
    while (Date.now() < deadline) {
      if (exit) return exit.error ? `could not run java: ${exit.error.message}` : `process exited with ${exit.signal ?? `code ${exit.code}`}`;
      const reason = fatal();
      if (reason) return reason;
      try {
        await probe.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(1_000) });
        return undefined;
      } catch (err) {
        lastError = err instanceof Error ? err.message : String(err);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return `no answer within ${timeoutMs} ms: ${lastError}`;
  } finally {
    probe.destroy();
  }
}

interface Running {
  child: ChildProcess;
  lockFile: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>;
  stopping: Promise<void> | undefined;
  callerHandlesSignals: boolean;
}

async function terminate(r: Running, graceMs: number): Promise<void> {
  r.stopping ??= (async () => {
    if (r.child.exitCode !== null || r.child.signalCode !== null) return;
    // SIGTERM runs the JVM's shutdown hooks, which close the SQLite database.
    r.child.kill('SIGTERM');
    const timer = new Promise<'timeout'>((done) => setTimeout(done, graceMs, 'timeout').unref());
    if ((await Promise.race([r.exited, timer])) === 'timeout') {
      process.stderr.write(`DynamoDB Local (pid ${r.child.pid}) ignored SIGTERM for ${graceMs} ms; killing it\n`);
      r.child.kill('SIGKILL');
      await r.exited;
    }
  })();
  return r.stopping;
}

// --- one JVM per state dir --------------------------------------------------------------------

function acquireLock(lockFile: string, dbPath: string): void {
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      writeFileSync(lockFile, JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() } satisfies LockInfo), { flag: 'wx' });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const raw = readText(lockFile);
    if (raw === undefined) continue; // released meanwhile
    let held: LockInfo | undefined;
    try {
      held = JSON.parse(raw) as LockInfo;
    } catch {
      held = undefined; // being written right now, or garbage from a crash: look again shortly
    }
    if (held && isAlive(held.pid)) {
      throw new Error(
        `${dbPath} is in use by process ${held.pid} (DynamoDB Local on port ${held.port ?? '?'}); ` +
          `stop it first, or delete ${lockFile} if that process is not a crm command`,
      );
    }
    if (held?.javaPid !== undefined && isAlive(held.javaPid)) {
      // The owner died without stopping its JVM (SIGKILL): that JVM still has the database open.
      if (!isOurJvm(held.javaPid, dbPath)) {
        throw new Error(`stale lock ${lockFile}: process ${held.javaPid} is alive but is not DynamoDB Local for ${dbPath}; delete the lock file`);
      }
      process.stderr.write(`stopping orphaned DynamoDB Local (pid ${held.javaPid}) left by process ${held.pid}\n`);
      killAndWait(held.javaPid);
    }
    if (held === undefined && attempt < 10) {
      sleepSync(100);
      continue;
    }
    // Remove only the lock we judged stale, not one a concurrent starter has just written.
    if (readText(lockFile) === raw) {
      process.stderr.write(`removing stale DynamoDB Local lock ${lockFile}\n`);
      try { unlinkSync(lockFile); } catch { /* already gone */ }
    }
  }
  throw new Error(`could not acquire ${lockFile}`);
}

function writeLock(lockFile: string, info: LockInfo): void {
  writeFileSync(lockFile, JSON.stringify(info));
}

function releaseLock(lockFile: string): void {
  const raw = readText(lockFile);
  try {
    if (raw !== undefined && (JSON.parse(raw) as LockInfo).pid === process.pid) unlinkSync(lockFile);
  } catch { /* not ours or already gone */ }
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Guards against pid reuse: only a DynamoDB Local serving this dbPath may be killed. */
function isOurJvm(pid: number, dbPath: string): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return cmdline.some((a) => a.endsWith('DynamoDBLocal.jar')) && cmdline.includes(dbPath);
  } catch {
    return false; // no /proc (macOS): refuse rather than guess
  }
}

function killAndWait(pid: number): void {
  try { process.kill(pid, 'SIGTERM'); } catch { return; }
  for (let waited = 0; waited < 10_000 && isAlive(pid); waited += 100) sleepSync(100);
  if (isAlive(pid)) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    for (let waited = 0; waited < 5_000 && isAlive(pid); waited += 100) sleepSync(100);
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port'))));
    });
  });
}

async function fetchJar(): Promise<{ jar: string; launcher: string | undefined }> {
  // A plain .mjs script without typings: import it by URL and state the functions used.
  const script = new URL('../../scripts/fetch-dynamodb-local.mjs', import.meta.url).href;
  const { ensureDynamoDbLocal, ensureLoopbackLauncher } = (await import(script)) as {
    ensureDynamoDbLocal: (o?: { quiet?: boolean }) => string;
    ensureLoopbackLauncher: (o?: { quiet?: boolean }) => string | undefined;
  };
  return { jar: ensureDynamoDbLocal(), launcher: ensureLoopbackLauncher() };
}

// --- no JVM outlives this process -------------------------------------------------------------

const running = new Set<Running>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function track(r: Running): void {
  if (running.size === 0) {
    process.on('exit', onExit);
    for (const s of SIGNALS) process.on(s, onSignal);
  }
  running.add(r);
}

function untrack(r: Running): void {
  running.delete(r);
  if (running.size === 0) {
    process.off('exit', onExit);
    for (const s of SIGNALS) process.off(s, onSignal);
  }
}

function onExit(): void {
  // Only synchronous work is possible here: the JVM finishes its own shutdown after we are gone.
  for (const r of running) {
    r.child.kill('SIGTERM');
    releaseLock(r.lockFile);
  }
}

async function onSignal(signal: NodeJS.Signals): Promise<void> {
  const mine = [...running].filter((r) => !r.callerHandlesSignals);
  if (mine.length) process.stderr.write(`${signal}: stopping DynamoDB Local\n`);
  await Promise.all(mine.map(async (r) => {
    await terminate(r, 5_000);
    untrack(r);
    releaseLock(r.lockFile);
  }));
  // Our listener kept the process alive; if nobody else handles the signal, die of it as usual.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

/** Makes the files DynamoDB Local created (SQLite database, journal) owner-only: the JVM writes them with the default umask. */
export function restrictFiles(dbPath: string): void {
  for (const entry of readdirSync(dbPath, { withFileTypes: true })) if (entry.isFile()) chmodSync(join(dbPath, entry.name), 0o600);
}
