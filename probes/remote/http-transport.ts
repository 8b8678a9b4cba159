import type { HeartbeatReply, SendHeartbeat } from '../heartbeat.ts';
import { BatchRejected, type CheckResult, type CheckSpec } from '../types.ts';
import type { Delivery } from './sender.ts';

const requestTimeoutMs = 30_000;

/** Refused for good: a revoked or mistyped token. Retrying will not help; a person must act. */
export class TokenRefused extends Error {
  override name = 'TokenRefused';
}

/** The probe API over HTTP: what a remote probe uses where the embedded one uses app.inject. */
export class HttpTransport {
  private readonly headers: Record<string, string>;

  constructor(
    private readonly server: URL,
    token: string,
  ) {
    this.headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  }

  private async call<T>(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    gone = false,
  ): Promise<T> {
    const response = await fetch(new URL(path, this.server), {
      method,
      headers: body === undefined ? { authorization: this.headers.authorization! } : this.headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(requestTimeoutMs),
    });
    const text = await response.text();
    if (response.ok) return JSON.parse(text) as T;
    const message = `${method} ${path}: HTTP ${response.status} ${text.slice(0, 500)}`;
    if (response.status === 401 || response.status === 403) throw new TokenRefused(message);
    // The probe was deleted between the token check and the heartbeat: as final as a 401.
    if (gone && response.status === 404) throw new TokenRefused(message);
    // Refused for what the batch holds: sending it again would be refused again.
    if ([400, 413, 422].includes(response.status))
      throw new BatchRejected(message, response.status);
    throw new Error(message);
  }

  async fetchChecks(): Promise<CheckSpec[]> {
    return (await this.call<{ checks: CheckSpec[] }>('GET', '/api/probe/checks')).checks;
  }

  /**
   * A proxy in front of the server may cap bodies lower than the server does (nginx: 1 MB by
   * default). A batch refused as too large goes again in halves, in order; the server's dedupe
   * makes a half it already stored harmless.
   */
  async postResults(results: CheckResult[]): Promise<Delivery> {
    try {
      return await this.call<Delivery>('POST', '/api/probe/results', { results });
    } catch (error) {
      if (!(error instanceof BatchRejected && error.status === 413) || results.length < 2)
        throw error;
      const middle = Math.ceil(results.length / 2);
      const first = await this.postResults(results.slice(0, middle));
      const second = await this.postResults(results.slice(middle));
      return {
        accepted: first.accepted + second.accepted,
        duplicates: first.duplicates + second.duplicates,
      };
    }
  }

  heartbeat: SendHeartbeat = (body) =>
    this.call<HeartbeatReply>('POST', '/api/probe/heartbeat', body, true);
}
