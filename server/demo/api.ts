import { setTimeout as sleep } from 'node:timers/promises';

/** A failed API call, with the server's own words for what was wrong. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The few calls the demo makes, as a logged-in user, over the real HTTP API. */
export class Api {
  private cookie = '';

  constructor(readonly baseUrl: string) {}

  async login(username: string, password: string): Promise<void> {
    const response = await this.send('POST', '/api/auth/login', { username, password });
    const session = response.headers
      .getSetCookie()
      .map((c) => c.split(';')[0]!)
      .find((c) => c.startsWith('suitewatch_session='));
    if (!session) throw new ApiError(response.status, 'login set no session cookie');
    this.cookie = session;
  }

  get<T>(path: string): Promise<T> {
    return this.json<T>('GET', path);
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.json<T>('POST', path, body);
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.json<T>('PATCH', path, body);
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.json<T>('PUT', path, body);
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    return (await (await this.send(method, path, body)).json()) as T;
  }

  private async send(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = {};
    if (this.cookie) headers.cookie = this.cookie;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const request = () =>
      fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    let response = await request();
    // 503 is the server saying it is too busy right now (a slow machine, the database starting):
    // nothing was done, so the same request is tried again a little later.
    for (let wait = 500; response.status === 503 && wait <= 8000; wait *= 2) {
      await response.body?.cancel();
      await sleep(wait);
      response = await request();
    }
    if (!response.ok) {
      const text = await response.text();
      let message = text;
      try {
        message = (JSON.parse(text) as { message?: string }).message ?? text;
      } catch {
        // not JSON: the text says it
      }
      throw new ApiError(response.status, `${method} ${path}: HTTP ${response.status} ${message}`);
    }
    return response;
  }
}
