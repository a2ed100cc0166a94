// `crm serve [--dir D] [--port 8787]`: the HTTP API's routes on 127.0.0.1 with the local stack behind them, and an
// index of the report dashboards. Prints its URL on stdout; Ctrl-C (SIGINT) or SIGTERM stops it cleanly: no new
// requests, the stream drained and the rules settled, DynamoDB Local stopped.
import { withLocalStack } from '../stack.ts';
import { startLocalApiServer } from '../serve/local-api-server.ts';
import { intOption, type Options } from './main.ts';
import { UsageError } from './usage.ts';

export const DEFAULT_SERVE_PORT = 8787;

const log = (m: string) => process.stderr.write(`crm serve: ${m}\n`);

export async function serveCommand(positionals: string[], options: Options): Promise<number> {
  if (positionals.length) throw new UsageError(`unexpected arguments: ${positionals.join(' ')}`);
  const port = intOption(options, 'port', DEFAULT_SERVE_PORT, 0);
  if (port > 65_535) throw new UsageError(`--port must be at most 65535, got ${port}`);
  const dir = String(options.dir);
  // The port first: a busy one is refused before DynamoDB Local starts.
  const api = await startLocalApiServer(dir, port, log);
  let stop!: () => void;
  const stopped = new Promise<void>((done) => (stop = done));
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping (no new requests, draining the stream, stopping DynamoDB Local)`);
    stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await withLocalStack(
      dir,
      async (stack) => {
        // Changes left by an earlier command (or a crash) are processed before the first request.
        await stack.settle();
        api.attach(stack);
        log(`listening on ${api.url} (API: POST /v1/{entity}, GET /v1/customers/{id}, GET /v1/customers?phone=|email=; dashboards at /); Ctrl-C stops`);
        process.stdout.write(`${api.url}\n`);
        await stopped;
        await api.close();
      },
      { callerHandlesSignals: true },
    );
    log('stopped');
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (api.server.listening) await api.close();
  }
}
