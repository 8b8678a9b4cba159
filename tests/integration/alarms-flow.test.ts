import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FaultView } from '../../server/live-events.ts';
import { startHttpServer, waitFor, type LocalServer } from '../helpers/http-server.ts';
import { freePort, startServer, type ServerProcess } from '../helpers/server-process.ts';
import { aiosmtpd, startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';
import { freeUdpPort, startRaidAgent, type RaidAgent, type Snmpd } from '../helpers/snmpd.ts';
import { parts, describeWith } from '../helpers/system.ts';
import { v2LinkDown } from '../helpers/traps.ts';
import { startWebhookSink, type WebhookSink } from '../helpers/webhook-sink.ts';
import { requestJson } from '../helpers/session-api.ts';

/**
 * The whole path, with nothing stood in for: Debian's snmpd (a pass script plays a Synology
 * RAID), local HTTP devices, the real server process with its embedded probe, the fault engine's
 * clock and dispatcher, a real webhook receiver and Debian's aiosmtpd.
 */
describeWith([parts.snmpd, parts.snmptrap, aiosmtpd], 'faults to notifications, end to end', () => {
  const password = 'alarm-flow-admin-pass';
  let server: ServerProcess;
  let agent: Snmpd;
  let raid: RaidAgent;
  let hook: WebhookSink;
  let smtp: SmtpSink;
  let lan: LocalServer;
  let lanUp = true;
  let flappy: LocalServer;
  let flappyRequests = 0;
  let cookie = '';
  let trapPort = 0;

  const api = <T = Record<string, unknown>>(method: string, path: string, body?: object) =>
    requestJson<T>(server.url, cookie, method, path, body);
  const faults = (query: string) => api<FaultView[]>('GET', `/api/faults?${query}`);
  const hookFor = (device: string, kind?: string) =>
    hook.requests.filter((r) => {
      const body = r.json as { kind: string; root: { deviceName: string } };
      return body.root?.deviceName === device && (!kind || body.kind === kind);
    });

  async function device(name: string, kind: string, check: object, extra: object = {}) {
    const created = await api<{ id: string }>('POST', '/api/devices', { name, kind, ...extra });
    await api('POST', '/api/checks', { deviceId: created.id, intervalS: 5, ...check });
    return created.id;
  }

  beforeAll(async () => {
    raid = await startRaidAgent();
    agent = raid.agent;
    hook = await startWebhookSink();
    smtp = await startSmtpSink();
    // One LAN for a switch and the two workstations behind it: down together, as a switch takes them.
    lan = await startHttpServer((_req, res) => {
      if (lanUp) res.end('ok');
      else res.socket?.destroy();
    });
    // Bad for one poll in four: long enough apart to clear after its hold-down, and again.
    flappy = await startHttpServer((_req, res) => {
      flappyRequests += 1;
      res.writeHead(flappyRequests % 4 === 1 ? 500 : 200).end();
    });
    trapPort = await freeUdpPort();
    server = await startServer({
      PORT: String(await freePort()),
      SUITEWATCH_ADMIN_PASSWORD: password,
      SUITEWATCH_TRAP_PORT: String(trapPort),
      SUITEWATCH_NOTIFY_GROUP_WAIT_S: '8',
      SUITEWATCH_FAULT_TICK_MS: '250',
      SUITEWATCH_NOTIFY_POLL_MS: '250',
      SUITEWATCH_FLAP_CHANGES: '3',
      SUITEWATCH_FLAP_WINDOW_S: '600',
    });
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password }),
    });
    cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
    await api('POST', '/api/notification-channels', {
      name: 'Engineering webhook',
      type: 'webhook',
      config: { url: `${hook.url}/alarms`, format: 'generic' },
    });
    await api('POST', '/api/notification-channels', {
      name: 'Engineering mail',
      type: 'email',
      minSeverity: 'critical',
      config: {
        to: ['engineering@facility.example'],
        from: 'suitewatch@facility.example',
        smtp: { host: smtp.host, port: smtp.port, secure: false },
      },
    });
    // Started now so that it has cycled a few times by the last test.
    await device('Flappy monitor', 'display', { kind: 'http', config: { url: `${flappy.url}/` } });
  }, 120_000);

  afterAll(async () => {
    await server?.stop('SIGKILL');
    await agent?.stop();
    await hook?.close();
    await smtp?.close();
    await lan?.close();
    await flappy?.close();
  });

  it('a RAID degrading on snmpd opens a critical fault, sends a webhook and a mail, and turns the tile red', async () => {
    const suite = await api<{ id: string }>('POST', '/api/suites', { name: 'Grade 1' });
    const nas = await device(
      'Grading NAS',
      'storage',
      {
        kind: 'snmp',
        config: { port: agent.port, version: '2c', community: 'public', profile: 'synology' },
      },
      { host: '127.0.0.1', suiteIds: [suite.id] },
    );
    await waitFor(
      async () =>
        (await api<{ lastRunAt: string | null }[]>('GET', `/api/checks?deviceId=${nas}`))[0]
          ?.lastRunAt,
      {
        timeoutMs: 30_000,
        what: 'the first poll of the NAS',
      },
    );
    raid.setRaid(11);
    const [fault] = await waitFor(
      async () => {
        const open = await faults(`deviceId=${nas}&state=open`);
        return open.length > 0 && open;
      },
      { timeoutMs: 30_000, what: 'the RAID fault' },
    );
    expect(fault).toMatchObject({ condition: 'raid.status[Volume_1]', severity: 'critical' });
    expect(fault!.message).toContain('RAID Volume 1 is degraded');

    const [alarm] = await waitFor(
      () => hookFor('Grading NAS', 'alarm').length > 0 && hookFor('Grading NAS', 'alarm'),
      {
        timeoutMs: 30_000,
        what: 'the alarm webhook',
      },
    );
    expect(alarm!.json).toMatchObject({
      kind: 'alarm',
      severity: 'critical',
      root: { id: fault!.id },
    });
    const mail = (await smtp.waitForMessages(1, 30_000)).find((m) =>
      m.subject.includes('Grading NAS'),
    );
    expect(mail?.subject).toMatch(/CRITICAL/);
    expect(mail?.envelopeTo).toEqual(['engineering@facility.example']);
    const tile = await api<{ health: { status: string; message: string } }>(
      'GET',
      `/api/suites/${suite.id}`,
    );
    expect(tile.health.status).toBe('critical');
  }, 90_000);

  it('the RAID recovering clears the fault only after the hold-down, then sends a resolved message', async () => {
    const [fault] = await faults('state=open&severity=critical').then((list) =>
      list.filter((f) => f.deviceName === 'Grading NAS'),
    );
    raid.setRaid(1);
    const restored = Date.now();
    const cleared = await waitFor(
      async () => {
        const [f] = await faults(`deviceId=${fault!.deviceId}&state=all`);
        return f?.state === 'cleared' && f;
      },
      { timeoutMs: 45_000, what: 'the fault to clear' },
    );
    // Two 5 s intervals of good results before it is believed.
    const heldMs = Date.parse(cleared.clearedAt!) - Date.parse(cleared.restoredAt!);
    expect(heldMs).toBeGreaterThanOrEqual(10_000);
    expect(Date.parse(cleared.clearedAt!)).toBeGreaterThanOrEqual(restored + 9_000);
    const [resolved] = await waitFor(
      () => hookFor('Grading NAS', 'resolved').length > 0 && hookFor('Grading NAS', 'resolved'),
      {
        timeoutMs: 30_000,
        what: 'the resolved webhook',
      },
    );
    expect(resolved!.json).toMatchObject({
      kind: 'resolved',
      root: { id: fault!.id, state: 'cleared' },
    });
    await smtp.waitForMessages(2, 30_000);
    expect(
      smtp.messages().some((m) => /RESOLVED/.test(m.subject) && m.subject.includes('Grading NAS')),
    ).toBe(true);
  }, 90_000);

  it('a parent switch failing folds its workstations under it, and one message goes out', async () => {
    const core = await device('Core switch', 'switch', {
      kind: 'http',
      config: { url: `${lan.url}/switch` },
    });
    const edit1 = await device(
      'Edit 1 workstation',
      'workstation',
      { kind: 'http', config: { url: `${lan.url}/edit1` } },
      { parentId: core },
    );
    const edit2 = await device(
      'Edit 2 workstation',
      'workstation',
      { kind: 'http', config: { url: `${lan.url}/edit2` } },
      { parentId: core },
    );
    await waitFor(
      async () => {
        const checks = await api<{ lastStatus: string | null }[]>('GET', '/api/checks');
        return checks.filter((c) => c.lastStatus === 'ok').length >= 3;
      },
      { timeoutMs: 30_000, what: 'the LAN devices to be polled ok' },
    );
    lanUp = false;
    const root = await waitFor(
      async () => {
        const [f] = await faults(`deviceId=${core}&state=open`);
        return f && f.consequences === 2 && f;
      },
      { timeoutMs: 30_000, what: 'the switch fault with both workstations under it' },
    );
    for (const id of [edit1, edit2]) {
      const [child] = await faults(`deviceId=${id}&state=open`);
      expect(child!.suppressedBy).toBe(root.id);
    }
    const [message] = await waitFor(
      () => hookFor('Core switch', 'alarm').length > 0 && hookFor('Core switch', 'alarm'),
      {
        timeoutMs: 30_000,
        what: 'the switch alarm',
      },
    );
    expect((message!.json as { consequences: unknown[] }).consequences).toHaveLength(2);
    expect(hookFor('Edit 1 workstation')).toHaveLength(0);
    expect(hookFor('Edit 2 workstation')).toHaveLength(0);
  }, 90_000);

  it('a snmptrap linkDown from the CLI shows on the console', async () => {
    v2LinkDown(trapPort, 'public', 2);
    const link = await waitFor(
      async () => {
        const list = await faults('state=open');
        return list.find((f) => f.condition === 'trap.link_down[2]');
      },
      { timeoutMs: 15_000, what: 'the linkDown fault' },
    );
    // The trap came from 127.0.0.1, the NAS's address.
    expect(link).toMatchObject({ deviceName: 'Grading NAS', severity: 'major', source: 'trap' });
  });

  it('a window in record mode raises no alarm, and the alarm comes when it ends', async () => {
    const port = await freePort();
    const grade = await device('Grade 2 monitor', 'display', {
      kind: 'tcp',
      config: { host: '127.0.0.1', port },
    });
    const endsAt = Date.now() + 25_000;
    await api('POST', '/api/maintenance-windows', {
      scope: 'device',
      scopeId: grade,
      mode: 'record',
      reason: 'monitor recalibration',
      startsAt: new Date(Date.now() - 1000).toISOString(),
      endsAt: new Date(endsAt).toISOString(),
      timezone: 'Europe/London',
    });
    const fault = await waitFor(async () => (await faults(`deviceId=${grade}&state=open`))[0], {
      timeoutMs: 20_000,
      what: 'the fault in maintenance',
    });
    expect(fault.inMaintenance).toBe(true);
    const [alarm] = await waitFor(
      () => hookFor('Grade 2 monitor', 'alarm').length > 0 && hookFor('Grade 2 monitor', 'alarm'),
      {
        timeoutMs: 40_000,
        what: 'the alarm once the window ended',
      },
    );
    expect(alarm!.at).toBeGreaterThanOrEqual(endsAt);
    expect(hookFor('Grade 2 monitor')).toHaveLength(1);
  }, 90_000);

  it('a flapping device is marked flapping and not announced each time it fails', async () => {
    const flapping = await waitFor(
      async () => {
        const list = await faults('state=all');
        return list.find((f) => f.deviceName === 'Flappy monitor' && f.flapping);
      },
      { timeoutMs: 90_000, what: 'the monitor to be marked flapping' },
    );
    expect(flapping.condition).toBe('check.http');
    // Let it fail (and recover) a few more times: each is a poll answered 500.
    const failedBefore = Math.ceil(flappyRequests / 4);
    await waitFor(() => Math.ceil(flappyRequests / 4) >= failedBefore + 2, {
      timeoutMs: 60_000,
      what: 'two more failures of the flapping monitor',
    });
    await waitFor(() => hookFor('Flappy monitor', 'flapping').length === 1, {
      timeoutMs: 15_000,
      what: 'the flapping notice',
    });
    // Failed again and again, but announced at most once as an alarm, and once as flapping.
    expect(Math.ceil(flappyRequests / 4)).toBeGreaterThanOrEqual(4);
    expect(hookFor('Flappy monitor', 'alarm').length).toBeLessThanOrEqual(1);
    expect(hookFor('Flappy monitor', 'flapping')).toHaveLength(1);
    const timeline = await api<{ timeline: { kind: string }[] }>(
      'GET',
      `/api/faults/${flapping.id}`,
    );
    expect(timeline.timeline.map((e) => e.kind)).toContain('flapping');
  }, 180_000);
});
