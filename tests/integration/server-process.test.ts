import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startHttpServer, waitFor } from '../helpers/http-server.ts';
import {
  freePort,
  spawnServer,
  startServer,
  type ServerProcess,
} from '../helpers/server-process.ts';

const noStack = (text: string) => expect(text).not.toMatch(/^\s+at /m);

describe('the server process', () => {
  const running: ServerProcess[] = [];
  afterAll(async () => {
    for (const server of running) await server.stop('SIGKILL');
  });

  it('exits with one line when DATABASE_URL cannot be reached', async () => {
    const server = spawnServer({
      DATABASE_URL: 'postgres://suitewatch@127.0.0.1:1/suitewatch',
      PORT: String(await freePort()),
    });
    expect(await server.exited).toBe(1);
    const lines = server.errors().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^suitewatch: cannot use the PostgreSQL at 127\.0\.0\.1:1\/suitewatch: .*ECONNREFUSED/,
    );
    noStack(server.errors());
  });

  it('exits with one line when DATABASE_URL is not a PostgreSQL URL', async () => {
    const server = spawnServer({ DATABASE_URL: 'mysql://root@localhost/db' });
    expect(await server.exited).toBe(1);
    expect(server.errors().trim()).toBe(
      'suitewatch: DATABASE_URL must start with postgres:// or postgresql://',
    );
  });

  it('exits with one line when the port is taken', async () => {
    const blocker = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const server = spawnServer({ PORT: String(port) });
      expect(await server.exited).toBe(1);
      expect(server.errors().trim()).toBe(
        `suitewatch: port ${port} is already in use; set PORT to another port`,
      );
      noStack(server.errors());
    } finally {
      blocker.close();
    }
  });

  it('prints a generated admin password once, keeps data across restarts and stops cleanly on SIGTERM', async () => {
    const device = await startHttpServer((_req, res) => res.end('up'));
    const env = {
      SUITEWATCH_DATA_DIR: mkdtempSync(join(tmpdir(), 'sw-restart-')),
      PORT: String(await freePort()),
    };
    const first = await startServer(env);
    running.push(first);
    const match = /created user 'admin' with password: (\S+)/.exec(first.output());
    expect(match).not.toBeNull();
    const password = match![1]!;

    const login = await fetch(`${first.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password }),
    });
    expect(login.status).toBe(200);
    const setCookie = login.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const cookie = setCookie.split(';')[0]!;
    const api = async (method: string, path: string, body?: object) =>
      fetch(`${first.url}${path}`, {
        method,
        headers: { cookie, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
    const created = (await (
      await api('POST', '/api/devices', { name: 'Playout', kind: 'other' })
    ).json()) as { id: string };
    await api('POST', '/api/checks', {
      deviceId: created.id,
      kind: 'http',
      intervalS: 5,
      config: { url: device.url },
    });
    // The embedded probe runs the new check and its result reaches the device.
    await waitFor(
      async () => {
        const device = (await (await api('GET', `/api/devices/${created.id}`)).json()) as {
          status: string;
        };
        return device.status === 'ok';
      },
      {
        timeoutMs: 15_000,
        what: 'the embedded probe to mark the device ok',
      },
    );

    expect(await first.stop('SIGTERM')).toBe(0);
    expect(first.errors()).toBe('');
    await device.close();

    const second = await startServer(env);
    running.push(second);
    expect(second.output()).not.toMatch(/password/);
    const again = await fetch(`${second.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password }),
    });
    const cookie2 = (again.headers.get('set-cookie') ?? '').split(';')[0]!;
    const kept = await fetch(`${second.url}/api/devices/${created.id}`, {
      headers: { cookie: cookie2 },
    });
    expect(((await kept.json()) as { name: string }).name).toBe('Playout');
    expect(await second.stop('SIGTERM')).toBe(0);
  });

  it('finishes the start-up step under way when stopped while starting, and starts again on the same data', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sw-early-stop-'));
    const port = String(await freePort());
    const early = spawnServer({ SUITEWATCH_DATA_DIR: dataDir, PORT: port });
    running.push(early);
    // Creating and migrating a new embedded database takes seconds: stop it in the middle.
    await waitFor(() => early.output().includes('applying migrations'), {
      timeoutMs: 60_000,
      what: 'the migrations to start',
    });
    early.child.kill('SIGTERM');
    expect(await early.exited).toBe(0);
    expect(early.output()).toContain('SIGTERM: stopping once the current start-up step is done');
    expect(early.output()).not.toContain('dashboard at');

    const again = await startServer({ SUITEWATCH_DATA_DIR: dataDir, PORT: port });
    running.push(again);
    expect((await fetch(`${again.url}/readyz`)).status).toBe(200);
    expect(await again.stop()).toBe(0);
  });

  it('refuses to start with a new secret key when the database holds secrets sealed with the old one', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sw-key-'));
    const env = {
      SUITEWATCH_DATA_DIR: dataDir,
      SUITEWATCH_ADMIN_PASSWORD: 'key-test-password',
      SUITEWATCH_EMBEDDED_PROBE: 'false',
    };
    const first = await startServer(env);
    running.push(first);
    const login = await fetch(`${first.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'key-test-password' }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const post = (path: string, body: object) =>
      fetch(`${first.url}${path}`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const device = (await (
      await post('/api/devices', { name: 'NAS', kind: 'storage', host: '127.0.0.1' })
    ).json()) as { id: string };
    const check = await post('/api/checks', {
      deviceId: device.id,
      kind: 'snmp',
      intervalS: 60,
      config: { version: '2c', community: 'nas-ro' },
    });
    expect(check.status).toBe(201);
    expect(await first.stop('SIGTERM')).toBe(0);

    rmSync(join(dataDir, 'secret.key'));
    const second = spawnServer({ ...env, PORT: String(await freePort()) });
    expect(await second.exited).toBe(1);
    expect(second.errors().trim()).toMatch(
      /^suitewatch: cannot prepare the embedded database in .*: the database holds SNMP secrets sealed with another key/,
    );
    expect(existsSync(join(dataDir, 'secret.key'))).toBe(false);
  });
});
