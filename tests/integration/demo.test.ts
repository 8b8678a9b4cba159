import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/http-server.ts';
import { freePort, root } from '../helpers/server-process.ts';

interface Device {
  id: string;
  name: string;
  status: string;
  statusMessage: string;
}
interface Check {
  deviceId: string;
  lastStatus: string | null;
  lastRunAt: string | null;
}

const facility = [
  'Core switch',
  'Dub 1 WS',
  'Edit 1 WS',
  'Edit 2 WS',
  'Grade 1 WS',
  'Grade 1 client monitor',
  'Grade 1 projector',
  'Grade 1 reference monitor',
  'MCR Videohub',
  'NAS-1',
  'NEXIS',
];

const portIsClosed = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });

const running: ChildProcess[] = [];
const folders: string[] = [];

/** Runs server/main.ts's demo as `npm run demo` does, minus the dashboard build. */
async function startDemo(port: number, dataDir: string) {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    SUITEWATCH_DATA_DIR: dataDir,
    SUITEWATCH_DEMO_EVERY_S: '20',
    LOG_LEVEL: 'warn',
  };
  delete env.SUITEWATCH_ADMIN_PASSWORD;
  delete env.HOST;
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/demo/main.ts'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so that cleanup can take the demo's server child down with it.
    detached: true,
  });
  running.push(child);
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const ready = await waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`the demo exited: ${err}${out}`);
      return /Suitewatch demo is running at (\S+) — log in as admin \/ (\S+)/.exec(out);
    },
    { timeoutMs: 180_000, everyMs: 200, what: 'the demo to be ready' },
  );
  return {
    url: ready[1],
    password: ready[2]!,
    output: () => out,
    /** SIGTERM, as Ctrl-C's stand-in; resolves with the exit code, or a note past 40 s. */
    async stop(): Promise<number | null | string> {
      child.kill('SIGTERM');
      const deadline = new Promise<string>((resolve) => {
        setTimeout(() => resolve('still running after 40 s'), 40_000).unref();
      });
      return Promise.race([exited, deadline]);
    },
  };
}

async function logIn(port: number, password: string) {
  const base = `http://127.0.0.1:${port}`;
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password }),
  });
  expect(login.status).toBe(200);
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return async <T = Device[]>(path: string): Promise<T> => {
    const response = await fetch(`${base}${path}`, { headers: { cookie } });
    expect(response.status).toBe(200);
    return (await response.json()) as T;
  };
}

type Get = Awaited<ReturnType<typeof logIn>>;

interface WorkOrder {
  id: string;
  title: string;
  status: string;
  type: string;
  dueState: string | null;
}
interface CalibrationRun {
  passed: boolean | null;
  completedAt: string;
  readings: Array<{ key: string; value: number | null }>;
}

/** Plans, a year of calibrations drifting, meters with history, due work and sign-offs. */
async function expectMaintenance(get: Get, devices: Device[]) {
  const id = (name: string) => devices.find((d) => d.name === name)!.id;
  const plans = await get<Array<{ title: string }>>('/api/pm-plans');
  expect(plans.map((p) => p.title).sort()).toEqual([
    'Dub 1 audio line-up (EBU R68)',
    'Grade 1 client monitor calibration',
    'Grade 1 projector lamp replacement',
    'Grade 1 reference monitor calibration',
    'NAS-1 disk health check',
    'Switch health check',
  ]);

  // The reference monitor's white slides from 100 towards 94 cd/m², fails, and is recalibrated.
  const runs = await get<CalibrationRun[]>(
    `/api/devices/${id('Grade 1 reference monitor')}/calibrations`,
  );
  const white = runs.map((r) => r.readings.find((x) => x.key === 'white_luminance')?.value);
  expect(white).toEqual([100.1, 98.7, 97.4, 94.6, 100]);
  expect(runs.map((r) => r.passed)).toEqual([true, true, true, false, true]);
  const deltaE = runs.map((r) => r.readings.find((x) => x.key === 'delta_e')?.value ?? 0);
  expect(deltaE.slice(0, 4)).toEqual([...deltaE.slice(0, 4)].sort((a, b) => a - b));
  const tickets = await get<Array<{ title: string; status: string }>>('/api/tickets?view=all');
  expect(tickets.find((t) => t.title.includes('Peak white luminance'))?.status).toBe('resolved');

  const open = await get<WorkOrder[]>('/api/work-orders?open=true');
  expect(open.filter((w) => w.dueState === 'overdue').map((w) => w.title)).toEqual([
    'Switch health check: Core switch',
  ]);
  expect(open.filter((w) => w.dueState === 'due_soon').length).toBeGreaterThanOrEqual(3);
  expect(open.filter((w) => w.status === 'pending_review').map((w) => w.title)).toEqual([
    'Clean the Grade 1 projector air filter',
  ]);

  const meters =
    await get<Array<{ id: string; reading: string; ratePerDay: number | null }>>('/api/meters');
  for (const [reading, sources] of [
    ['lamp.hours', ['manual']],
    ['disk.power_on_hours', ['manual', 'probe']],
  ] as const) {
    const meter = meters.find((m) => m.reading === reading)!;
    expect(meter.ratePerDay).toBeGreaterThan(0);
    const history = await get<Array<{ source: string }>>(`/api/meters/${meter.id}/readings`);
    expect(history.length).toBeGreaterThanOrEqual(5);
    expect([...new Set(history.map((h) => h.source))].sort()).toEqual(sources);
  }

  const from = new Date(Date.now() - 365 * 86_400_000).toISOString();
  const report = await get<{
    pmCompliance: {
      due: number;
      onTime: number;
      lateInGrace: number;
      missed: number;
      skipped: number;
    };
    calibration: { runs: number; passed: number };
  }>(`/api/reports/maintenance?from=${from}&to=${new Date().toISOString()}`);
  expect(report.pmCompliance).toMatchObject({ lateInGrace: 2, missed: 2, skipped: 1 });
  expect(report.pmCompliance.onTime).toBeGreaterThanOrEqual(5);
  expect(report.calibration).toEqual(expect.objectContaining({ runs: 8, passed: 7 }));

  // The grade sign-off warns: the suite's last passing calibration is months old. The mix
  // sign-off has this month's line-up.
  const week = await get<Array<{ signoff: string | null; signoffRisk: { reason: string } | null }>>(
    `/api/bookings?from=${new Date().toISOString()}&to=${new Date(Date.now() + 7 * 86_400_000).toISOString()}`,
  );
  const grade = week.find((b) => b.signoff === 'grade');
  expect(grade?.signoffRisk?.reason).toMatch(
    /Grade 1 reference monitor last passed \d+ days before/,
  );
  expect(week.find((b) => b.signoff === 'mix')?.signoffRisk).toBeNull();
}

describe('the demo (server/demo/main.ts as npm run demo runs it, without the build)', () => {
  afterAll(() => {
    for (const child of running)
      if (child.pid && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });

  it('simulates the facility, seeds it, goes green, plays an incident that recovers, stops on SIGTERM, and reuses its data on a second run', async () => {
    const port = await freePort();
    const folder = mkdtempSync(join(tmpdir(), 'sw-demo-'));
    folders.push(folder);
    const dataDir = join(folder, 'data');
    const demo = await startDemo(port, dataDir);
    expect(demo.url).toBe(`http://localhost:${port}`);
    expect(demo.output()).toMatch(/starting simulators 9\/9…/);
    expect(demo.output()).toMatch(/seeding devices 11\/11…/);
    expect(demo.output()).toContain('seeded 11 devices in 4 suites\n');
    expect(demo.output()).toMatch(/seeding maintenance 7\/7…/);
    expect(demo.output()).toMatch(
      /seeded 6 maintenance plans, \d+ work orders \(8 calibrations over the past year\) and 2 client sign-offs/,
    );

    const get = await logIn(port, demo.password);
    const suites =
      await get<Array<{ id: string; name: string; deviceIds: string[] }>>('/api/suites');
    expect(suites.map((s) => s.name).sort()).toEqual(['Dub 1', 'Edit 1', 'Edit 2', 'Grade 1']);
    for (const suite of suites) {
      // Its workstation and its storage (Grade 1 its displays too); the router is in no suite,
      // each holds its own outputs.
      expect(suite.deviceIds).toHaveLength(suite.name === 'Grade 1' ? 5 : 2);
      const routes = await get<Array<{ output: number }>>(`/api/suites/${suite.id}/routes`);
      expect(routes.length).toBeGreaterThan(0);
    }
    const devices = await get('/api/devices');
    expect(devices.map((d) => d.name).sort()).toEqual(facility);
    await expectMaintenance(get, devices);

    // Every device turns green once polled. The scenario may already have struck one, so each
    // is seen ok at some point, rather than all at the same moment.
    const seenOk = new Set<string>();
    await waitFor(
      async () => {
        for (const d of await get('/api/devices')) if (d.status === 'ok') seenOk.add(d.name);
        return seenOk.size === devices.length;
      },
      { timeoutMs: 120_000, everyMs: 500, what: 'every device to be seen ok' },
    );

    const struck = await waitFor(
      async () => (await get('/api/devices')).find((d) => d.status !== 'ok'),
      { timeoutMs: 120_000, everyMs: 500, what: 'the scenario to make a device non-ok' },
    );
    expect(['warning', 'critical']).toContain(struck.status);
    expect(struck.statusMessage).not.toBe('');
    await waitFor(async () => (await get<Device>(`/api/devices/${struck.id}`)).status === 'ok', {
      timeoutMs: 120_000,
      everyMs: 500,
      what: `${struck.name} to recover from "${struck.statusMessage}"`,
    });
    expect(demo.output()).toMatch(/\d\d:\d\d:\d\d {2}incident {2}/);
    expect(demo.output()).toMatch(/\d\d:\d\d:\d\d {2}recovered {2}/);

    expect(await demo.stop()).toBe(0);
    expect(demo.output()).toContain('Suitewatch demo stopped.');
    // The server child went with it.
    expect(await portIsClosed(port)).toBe(true);

    // Again on the same data: nothing is made twice, and the checks follow the simulators to
    // their new ports (every check runs ok after the restart).
    const restartedAt = Date.now();
    const again = await startDemo(port, dataDir);
    expect(again.output()).toContain(
      'seeded 11 devices in 4 suites (11 devices and 4 suites were there from an earlier run)',
    );
    expect(again.output()).toMatch(/maintenance: 6 plans and \d+ open work orders were there/);
    const getAgain = await logIn(port, again.password);
    expect((await getAgain('/api/devices')).map((d) => d.name).sort()).toEqual(facility);
    expect(await getAgain<unknown[]>('/api/suites')).toHaveLength(4);
    const checks = await waitFor(
      async () => {
        const all = await getAgain<Check[]>('/api/checks');
        const fresh = all.filter(
          (c) => c.lastStatus === 'ok' && Date.parse(c.lastRunAt ?? '') >= restartedAt,
        );
        return fresh.length === facility.length && all;
      },
      { timeoutMs: 60_000, everyMs: 500, what: 'every check to run ok after the restart' },
    );
    expect(checks).toHaveLength(facility.length);
    expect(await again.stop()).toBe(0);
  }, 600_000);
});
