// Starts moto's server (`moto_server`, a Python package: `pip install 'moto[server]'`) on a free port of 127.0.0.1
// for wire-level adapter tests, and stops it. A missing moto_server is an error, never a skipped test.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export interface MotoServer {
  endpoint: string;
  /** SDK client settings that point at this server. */
  clientConfig: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

export async function startMotoServer(timeoutMs = 30_000): Promise<MotoServer> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  child.stderr?.on('data', (c) => (output = (output + String(c)).slice(-4000)));
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (err) =>
      reject(new Error(`moto_server could not be started (${(err as NodeJS.ErrnoException).code ?? err.message}): the wire-level adapter tests need it on PATH; install it with pip install 'moto[server]'`, { cause: err })),
    );
    child.once('exit', (code) => reject(new Error(`moto_server exited with code ${code} before it answered:\n${output}`)));
  });
  const ready = (async () => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      try {
        // moto's own API answers once the server is up.
        const res = await fetch(`${endpoint}/moto-api/data.json`, { signal: AbortSignal.timeout(2000) });
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > until) throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs} ms:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  try {
    await Promise.race([ready, failed]);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  failed.catch(() => {}); // the exit at stop() is expected
  return {
    endpoint,
    clientConfig: { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const force = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
