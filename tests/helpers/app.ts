import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, createContext, type App, type BuiltContext } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import type { Database } from '../../server/db/client.ts';
import { ensureAdmin } from '../../server/modules/users/service.ts';
import { createTestDatabase, type Store } from './db.ts';

export const adminPassword = 'correct-horse-battery';

export interface TestApp {
  app: App;
  ctx: BuiltContext;
  database: Database;
  /** Cookie header of a logged-in session. */
  login(username: string, password: string): Promise<string>;
  admin: string;
  /** Creates a user of the given role and returns its cookie header. */
  userWithRole(role: 'junior' | 'engineer' | 'manager' | 'admin'): Promise<string>;
  close(): Promise<void>;
}

export async function createTestApp(
  store: Store,
  env: Record<string, string> = {},
  /** A database already opened and migrated (benchmarks bring their own). */
  given?: Database,
): Promise<TestApp> {
  const database = given ?? (await createTestDatabase(store));
  const config = loadConfig({
    SUITEWATCH_WEB_DIR: mkdtempSync(join(tmpdir(), 'sw-web-')),
    SUITEWATCH_SECRET_KEY: 'test-secret-key-not-for-production',
    // Many PGlite databases share this process's event loop; a busy moment is not overload.
    SUITEWATCH_MAX_EVENT_LOOP_DELAY_MS: '0',
    ...env,
  });
  const ctx = createContext(database, config);
  await ctx.partitions.ensureAhead();
  await ensureAdmin(ctx.db, adminPassword);
  // Errors only: a 500 in a test prints its cause, which the response body never carries.
  const app = await buildApp(ctx, { level: process.env.TEST_LOG_LEVEL ?? 'error' });
  await app.ready();

  async function login(username: string, password: string): Promise<string> {
    const response = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username, password },
    });
    if (response.statusCode !== 200)
      throw new Error(`login ${username}: ${response.statusCode} ${response.body}`);
    const cookie = response.cookies.find((c) => c.name === 'suitewatch_session');
    if (!cookie) throw new Error('login set no session cookie');
    return `suitewatch_session=${cookie.value}`;
  }
  const admin = await login('admin', adminPassword);
  let users = 0;
  return {
    app,
    ctx,
    database,
    login,
    admin,
    async userWithRole(role) {
      users += 1;
      const username = `${role}${users}`;
      const response = await app.inject({
        method: 'POST',
        url: '/api/users',
        headers: { cookie: admin },
        payload: { username, password: 'a-long-password', role },
      });
      if (response.statusCode !== 201) throw new Error(`create ${role}: ${response.body}`);
      return login(username, 'a-long-password');
    },
    async close() {
      await app.close();
      await database.close();
    },
  };
}

/** Creates a device with one HTTP check (to a port nothing listens on) as admin. */
export async function seedDeviceWithCheck(
  t: TestApp,
  device: { name: string; kind: string; suiteIds?: string[] },
  intervalS = 30,
): Promise<{ device: { id: string }; check: { id: string } }> {
  const created = await t.app.inject({
    method: 'POST',
    url: '/api/devices',
    headers: { cookie: t.admin },
    payload: device,
  });
  const check = await t.app.inject({
    method: 'POST',
    url: '/api/checks',
    headers: { cookie: t.admin },
    payload: {
      deviceId: created.json().id,
      kind: 'http',
      intervalS,
      config: { url: 'http://127.0.0.1:9/' },
    },
  });
  return { device: created.json(), check: check.json() };
}

interface ResultInput {
  checkId: string;
  status?: string;
  message?: string;
  durationMs?: number;
  at?: string;
  readings?: Array<{ name: string; value: number; unit: string }>;
}

/** Posts results as the embedded probe does; fields left out get plain defaults. */
export function postResults(t: TestApp, results: ResultInput[]) {
  return t.app.inject({
    method: 'POST',
    url: '/api/probe/results',
    headers: { authorization: `Bearer ${t.ctx.embeddedProbeSecret}` },
    payload: {
      results: results.map((r) => ({
        status: 'ok',
        message: '',
        durationMs: 2,
        at: new Date().toISOString(),
        readings: [],
        ...r,
      })),
    },
  });
}

/** Posts one result and insists that the server took it. */
export async function postResult(t: TestApp, checkId: string, status: string, message: string) {
  const response = await postResults(t, [{ checkId, status, message }]);
  if (response.statusCode !== 200) throw new Error(`results: ${response.body}`);
}
