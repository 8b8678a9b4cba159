import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPostgresDatabase } from '../helpers/db.ts';
import { startHttpServer, waitFor, type LocalServer } from '../helpers/http-server.ts';
import { freePort, root, startServer, type ServerProcess } from '../helpers/server-process.ts';
import { describeWith, parts } from '../helpers/system.ts';

const password = 'remote-probe-test-pw';
const intervalS = 5;
const checkCount = 4;

interface ProbeProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

function spawnProbe(server: string, token: string, spool: string): ProbeProcess {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'probes/main.ts', '--server', server, '--spool', spool],
    {
      cwd: root,
      // The token through the environment, as the README advises: argv is visible to `ps`.
      env: { ...process.env, SUITEWATCH_PROBE_TOKEN: token },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

const spooledBatches = (dir: string) => readdirSync(dir).filter((n) => n.endsWith('.json')).length;

// Real processes throughout: the server (on PostgreSQL, which survives the server's SIGKILL as
// it would in production), the probe, and an HTTP device on loopback.
describeWith([parts.postgres], 'a remote probe across a server outage', () => {
  let db: { url: string; drop(): Promise<void> };
  let sql: postgres.Sql;
  let device: LocalServer;
  let server: ServerProcess | null = null;
  let probe: ProbeProcess | null = null;
  let port: number;
  let cookie = '';
  const spool = mkdtempSync(join(tmpdir(), 'sw-spool-'));
  const env = () => ({
    DATABASE_URL: db.url,
    PORT: String(port),
    SUITEWATCH_ADMIN_PASSWORD: password,
    SUITEWATCH_SECRET_KEY: 'remote-probe-test-secret-key',
    SUITEWATCH_PROBE_HEARTBEAT_S: '1',
  });
  const api = async <T = Record<string, unknown>>(method: string, path: string, body?: object) => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, {
      method,
      headers: { cookie, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, body: (await response.json()) as T };
  };

  beforeAll(async () => {
    db = await createPostgresDatabase();
    sql = postgres(db.url, { max: 2, onnotice: () => {} });
    device = await startHttpServer((_req, res) => res.end('ok'));
    port = await freePort();
    server = await startServer(env());
    const login = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password }),
    });
    cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
  }, 90_000);
  afterAll(async () => {
    probe?.child.kill('SIGKILL');
    await server?.stop('SIGKILL');
    await device?.close();
    await sql?.end();
    await db?.drop();
  });

  it('spools results while the server is down, replays them in order, and stores each exactly once', async () => {
    const created = await api<{ probe: { id: string }; token: string }>('POST', '/api/probes', {
      name: 'Floor 2 VLAN 20',
    });
    expect(created.status).toBe(201);
    const { probe: registered, token } = created.body;
    const deviceId = (
      await api('POST', '/api/devices', { name: 'Edit 7', kind: 'workstation', host: '127.0.0.1' })
    ).body.id as string;
    const checkIds: string[] = [];
    for (let i = 0; i < checkCount; i += 1) {
      const check = await api('POST', '/api/checks', {
        deviceId,
        kind: 'http',
        intervalS,
        config: { url: `${device.url}/health/${i}` },
        probeId: registered.id,
      });
      expect(check.status).toBe(201);
      checkIds.push(check.body.id as string);
    }
    // The embedded probe must leave the remote probe's checks alone: every result below is the
    // remote probe's, so the probe's own count can be compared with the database.
    const stored = async () =>
      (
        await sql<{ n: number }[]>`
          select count(*)::int as n from check_results where check_id = any(${checkIds}::uuid[])`
      )[0]!.n;

    probe = spawnProbe(`http://127.0.0.1:${port}`, token, spool);
    await waitFor(async () => (await stored()) >= checkCount, {
      timeoutMs: 30_000,
      what: 'the first results from the remote probe',
    });
    await waitFor(
      async () =>
        ((await api('GET', `/api/probes/${registered.id}`)).body.state as string) === 'up',
      { timeoutMs: 10_000, what: 'the probe to be shown up' },
    );

    // The server dies without warning; the probe keeps polling and spools to disk.
    await server!.stop('SIGKILL');
    await waitFor(() => spooledBatches(spool) >= 3, {
      timeoutMs: 40_000,
      what: 'results to be spooled while the server is down',
    });
    expect(probe.output()).toContain('spooling them to disk');

    server = await startServer(env());
    await waitFor(() => spooledBatches(spool) === 0, {
      timeoutMs: 60_000,
      what: 'the spool to be replayed',
    });
    expect(probe.output()).toContain('replaying spooled results in order');

    probe.child.kill('SIGTERM');
    expect(await probe.exited).toBe(0);
    const summary = probe
      .output()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => line.msg === 'probe stopped');
    expect(summary).toBeDefined();
    const produced = summary!.produced as number;
    expect(summary!.spooled).toBe(0);
    expect(summary!.rejected).toBe(0);
    // Every result the probe made is stored, once: a result resent after a lost reply is
    // recognised by the server (duplicates), never stored twice.
    expect(await stored()).toBe(produced);
    expect(summary!.delivered).toBe(produced);

    // And independently of the probe's own account: no check has a gap in its history across
    // the outage. Runs are every 5 s at a fixed rate: a lost result leaves a gap of about 10 s, a
    // result stored twice one of about none. The bounds leave room for a run held up by a busy
    // machine (a late run shortens the gap after it).
    const rows = await sql<{ check_id: string; at: Date }[]>`
      select check_id, at from check_results
      where check_id = any(${checkIds}::uuid[]) order by check_id, at`;
    for (const id of checkIds) {
      const times = rows.filter((r) => r.check_id === id).map((r) => r.at.getTime());
      const gaps = times.slice(1).map((t, i) => t - times[i]!);
      expect(Math.max(...gaps)).toBeLessThan(intervalS * 1000 * 1.8);
      expect(Math.min(...gaps)).toBeGreaterThan(1000);
    }

    // A probe that has stopped heartbeating is shown down (three missed 1 s heartbeats).
    await waitFor(
      async () =>
        ((await api('GET', `/api/probes/${registered.id}`)).body.state as string) === 'down',
      { timeoutMs: 15_000, what: 'the stopped probe to be shown down' },
    );
    probe = null;
  }, 240_000);

  it('stops with exit code 2, keeping its spool, when its probe is deleted', async () => {
    const created = await api<{ probe: { id: string }; token: string }>('POST', '/api/probes', {
      name: 'Temporary probe',
    });
    const own = mkdtempSync(join(tmpdir(), 'sw-spool-'));
    const doomed = spawnProbe(`http://127.0.0.1:${port}`, created.body.token, own);
    await waitFor(
      async () =>
        ((await api('GET', `/api/probes/${created.body.probe.id}`)).body.state as string) === 'up',
      { timeoutMs: 20_000, what: 'the probe to heartbeat' },
    );
    expect((await api('DELETE', `/api/probes/${created.body.probe.id}`)).status).toBe(200);
    expect(await doomed.exited).toBe(2);
    expect(doomed.output()).toContain('the server refused this probe’s token');
  }, 60_000);
});
