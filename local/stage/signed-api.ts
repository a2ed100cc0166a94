// Calls to the stack's HTTP API signed with SigV4 (service `execute-api`, IAM authorisation), retrying
// 503 (every write throttled), 429 and 5xx answers with full-jitter backoff.
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity } from '@smithy/types';

export interface SignedApiOptions {
  /** The ApiUrl output, e.g. `https://abc.execute-api.eu-central-1.amazonaws.com/`. */
  baseUrl: string;
  region: string;
  credentials: AwsCredentialIdentity;
  /** Attempts per request, counting the first. @default 6 */
  maxAttempts?: number;
  /** Backoff base: the wait before attempt n is random up to base × 2^n. @default 200 */
  backoffMs?: number;
  /** Injected in tests. */
  sleep?: (ms: number) => Promise<void>;
}

export interface ApiResponse {
  status: number;
  body: unknown;
  attempts: number;
}

type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (data: SourceData) => (typeof data === 'string' ? Buffer.from(data, 'utf8') : ArrayBuffer.isView(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.from(data));

/** SHA-256 (HMAC when given a secret) on node:crypto, in the checksum shape the signer takes. */
class NodeSha256 {
  private hash!: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.reset();
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(this.secret));
  }
}

const RETRYABLE = (status: number) => status === 429 || status === 503 || status === 502 || status === 504 || status === 500;

export class SignedApi {
  private readonly signer: SignatureV4;

  constructor(private readonly options: SignedApiOptions) {
    this.signer = new SignatureV4({ service: 'execute-api', region: options.region, credentials: options.credentials, sha256: NodeSha256 });
  }

  async request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<ApiResponse> {
    const url = new URL(path.replace(/^\//, ''), this.options.baseUrl.endsWith('/') ? this.options.baseUrl : `${this.options.baseUrl}/`);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const maxAttempts = this.options.maxAttempts ?? 6;
    const sleep = this.options.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
    for (let attempt = 1; ; attempt++) {
      // Signed afresh each attempt: the signature carries the time.
      const signed = await this.signer.sign({
        method,
        protocol: url.protocol,
        hostname: url.hostname,
        ...(url.port ? { port: Number(url.port) } : {}),
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: { host: url.host, ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(payload !== undefined ? { body: payload } : {}),
      });
      const response = await fetch(url, { method, headers: signed.headers as Record<string, string>, ...(payload !== undefined ? { body: payload } : {}) });
      const text = await response.text();
      if (RETRYABLE(response.status) && attempt < maxAttempts) {
        await sleep(Math.random() * (this.options.backoffMs ?? 200) * 2 ** attempt);
        continue;
      }
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        // Not JSON (a gateway error page): kept as text for the message.
      }
      return { status: response.status, body: parsed, attempts: attempt };
    }
  }
}
