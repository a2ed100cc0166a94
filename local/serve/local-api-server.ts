// `crm serve`: the HTTP API's routes on 127.0.0.1 with the local stack behind them. Requests become the API Gateway
// events the Lambdas get, handled by the same code (functions/ingest/http-ingest.ts, functions/customers/http-customers.ts).
// After records are accepted the stream is drained and the rules run (as in the demo), one settle at a time;
// customer look-ups wait for the settle in progress, so a look-up sees what was posted before it.
import { createReadStream, realpathSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { resolve, sep } from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { handleIngestRequest, MAX_BODY_BYTES } from '#functions/ingest/http-ingest.ts';
import { handleCustomerRequest } from '#functions/customers/http-customers.ts';
import type { LocalStack } from '../stack.ts';
import { indexPage, listDashboards } from './dashboard-index.ts';

/** Bodies past this are refused without reading them into memory (the API's own limit, 1 MiB, answers below it). */
const READ_LIMIT_BYTES = 4 * MAX_BODY_BYTES;

export class PortInUseError extends Error {
  override readonly name = 'PortInUse';
}

export interface LocalApiServer {
  server: Server;
  url: string;
  /** Connects the stack: until then every API request gets 503. */
  attach(stack: LocalStack): void;
  /** Stops accepting, closes connections, waits for the settle in progress. */
  close(): Promise<void>;
}

const send = (res: ServerResponse, status: number, body: string, headers: Record<string, string | number>) => {
  res.writeHead(status, { 'x-content-type-options': 'nosniff', ...headers });
  res.end(body);
};
const sendJson = (res: ServerResponse, status: number, body: unknown) => send(res, status, JSON.stringify(body), { 'content-type': 'application/json' });

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > READ_LIMIT_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function toEvent(req: IncomingMessage, url: URL, body: Buffer | undefined, pathParameters: Record<string, string>): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
  const query = Object.fromEntries(url.searchParams.entries());
  return {
    version: '2.0',
    routeKey: `${req.method} ${url.pathname}`,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(url.search ? { queryStringParameters: query } : {}),
    pathParameters,
    // Base64, as API Gateway sends binary-safe bodies: the handler decodes it strictly (invalid UTF-8 is refused).
    ...(body && body.length ? { body: body.toString('base64'), isBase64Encoded: true } : { isBase64Encoded: false }),
    requestContext: { http: { method: req.method ?? 'GET', path: url.pathname, protocol: 'HTTP/1.1', sourceIp: req.socket.remoteAddress ?? '', userAgent: headers['user-agent'] ?? '' } },
  } as unknown as APIGatewayProxyEventV2;
}

function reply(res: ServerResponse, r: APIGatewayProxyStructuredResultV2) {
  send(res, r.statusCode ?? 200, String(r.body ?? ''), Object.fromEntries(Object.entries(r.headers ?? {}).map(([k, v]) => [k, String(v)])));
}

/** Listens on 127.0.0.1:port (0 = any free port); a busy port is refused with PortInUseError before anything starts. */
export async function startLocalApiServer(dir: string, port: number, log: (m: string) => void): Promise<LocalApiServer> {
  let stack: LocalStack | undefined;
  let settling: Promise<unknown> = Promise.resolve();
  const settleSoon = () => {
    const s = stack!;
    settling = settling.then(() => s.settle()).catch((err) => log(`settle failed: ${(err as Error).message}`));
  };
  const reportsRoot = resolve(dir, 'reports');

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    if (path === '/' || path === '/index.html') {
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { error: 'MethodNotAllowed', message: `${req.method} is not allowed on ${path}` });
      return send(res, 200, indexPage(resolve(dir), listDashboards(dir)), { 'content-type': 'text/html; charset=utf-8' });
    }
    if (path.startsWith('/reports/')) return serveReportFile(req, res, reportsRoot, decodeURIComponent(path.slice('/reports/'.length)));
    const api = /^\/v1\/([^/]+)(?:\/([^/]+))?\/?$/.exec(path);
    if (!api) return sendJson(res, 404, { error: 'NotFound', message: `no route ${req.method} ${path}: the API has POST /v1/{entity}, GET /v1/customers/{id} and GET /v1/customers?phone=|email=` });
    if (!stack) return sendJson(res, 503, { error: 'Starting', message: 'the local stack is starting: try again in a moment' });
    const [, first, second] = api;
    if (req.method === 'GET' && first === 'customers') {
      await settling;
      return reply(res, await handleCustomerRequest(stack.client, stack.tableName, toEvent(req, url, undefined, second ? { id: second } : {})));
    }
    if (second !== undefined) return sendJson(res, 404, { error: 'NotFound', message: `no route ${req.method} ${path}` });
    const body = await readBody(req);
    if (!body) return sendJson(res, 413, { error: 'PayloadTooLarge', message: `body is over ${READ_LIMIT_BYTES} bytes; the limit is ${MAX_BODY_BYTES} bytes: split the batch` });
    const response = await handleIngestRequest(stack.writer, toEvent(req, url, body, { entity: decodeURIComponent(first!) }));
    if (response.statusCode === 200 || response.statusCode === 207) settleSoon();
    reply(res, response);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      log(`${req.method} ${req.url}: ${(err as Error).stack ?? err}`);
      if (!res.headersSent) sendJson(res, 500, { error: 'InternalError', message: (err as Error).message });
      else res.destroy();
    });
  });
  await new Promise<void>((done, fail) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      fail(err.code === 'EADDRINUSE' ? new PortInUseError(`port ${port} on 127.0.0.1 is in use (another crm serve?): stop it or choose another port with --port`) : err),
    );
    server.listen(port, '127.0.0.1', () => done());
  });
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}/`;
  return {
    server,
    url,
    attach: (s) => {
      stack = s;
    },
    close: async () => {
      const closed = new Promise<void>((done) => server.close(() => done()));
      server.closeIdleConnections();
      await settling;
      server.closeAllConnections();
      await closed;
    },
  };
}

/** Dashboards and summaries of report runs, nothing else under the state directory. */
function serveReportFile(req: IncomingMessage, res: ServerResponse, root: string, relative: string) {
  const file = resolve(root, relative);
  const allowed = /(^|\/)as_of=\d{4}-\d{2}-\d{2}\/(dashboard\.html|summary\.json)$/.test(relative);
  let real: string | undefined;
  try {
    real = realpathSync(file);
  } catch {
    real = undefined;
  }
  if (!allowed || !real || !real.startsWith(realpathSync(root) + sep) || !statSync(real).isFile()) {
    return sendJson(res, 404, { error: 'NotFound', message: `no report file ${relative}` });
  }
  res.writeHead(200, { 'content-type': real.endsWith('.html') ? 'text/html; charset=utf-8' : 'application/json', 'x-content-type-options': 'nosniff' });
  if (req.method === 'HEAD') return res.end();
  createReadStream(real).pipe(res);
}
