import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { buildDashboard } from '../helpers/dashboard-build.ts';
import { adminSession, launchChromium, shotsDir, watchErrors } from '../helpers/e2e.ts';
import { freePort, startServer, type ServerProcess } from '../helpers/server-process.ts';
import { describeWith, parts } from '../helpers/system.ts';
import { v2LinkDown } from '../helpers/traps.ts';
import { requestJson } from '../helpers/session-api.ts';

const password = 'monitoring-e2e-password';

interface Reading {
  name: string;
  value: number;
  unit: string;
  status?: 'ok' | 'warning' | 'critical' | 'unknown';
}

interface Result {
  checkId: string;
  status: 'ok' | 'warning' | 'critical' | 'unknown';
  message: string;
  at: string;
  readings: Reading[];
  facts?: Record<string, string>;
}

describeWith([parts.chromium], 'monitoring pages in headless Chromium', () => {
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;
  let cookie: string;
  let trapPort: number;
  /** The probe registered in the first test; the later ones post results with its token. */
  const probe = { name: 'soho-mcr', token: '', id: '' };
  const consoleErrors: string[] = [];
  const historyNames: string[] = [];
  const shots = shotsDir();
  const shot = async (name: string) => {
    // From the top: a full-page shot taken scrolled down draws the sticky bar mid-page.
    // Strings, not functions: this project's tsconfig has no DOM types.
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: join(shots, name), fullPage: true });
  };

  const api = <T>(method: string, path: string, body?: unknown) =>
    requestJson<T>(server.url, cookie, method, path, body);

  /** As a remote probe: bearer token, no cookie. */
  function asProbe(path: string, token: string, body: unknown) {
    return fetch(`${server.url}/api/probe/${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  async function postResults(results: Result[]) {
    const response = await asProbe('results', probe.token, {
      results: results.map((r) => ({ durationMs: 40, ...r })),
    });
    expect(response.status, await response.clone().text()).toBe(200);
    expect(((await response.json()) as { accepted: number }).accepted).toBe(results.length);
  }

  const heartbeat = (token: string) =>
    asProbe('heartbeat', token, {
      version: '0.1.0-e2e',
      stats: { checks: 3, runs: 120, failures: 4, posted: 116, pending: 2, spooledResults: 7 },
    });

  /** A check run by our remote probe, so the server's own probe leaves it alone. */
  async function remoteCheck(deviceId: string, kind: string, config: object) {
    return api<{ id: string }>('POST', '/api/checks', {
      deviceId,
      kind,
      intervalS: 60,
      config,
      probeId: probe.id,
    });
  }

  const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

  /** Marks this page load: if the dashboard reloaded, the mark would be gone. */
  const markPage = () => page.evaluate(() => Object.assign(globalThis, { e2eMark: 'same-load' }));
  const samePageLoad = () =>
    page.evaluate(() => (globalThis as unknown as { e2eMark?: string }).e2eMark);

  beforeAll(async () => {
    const dashboard = buildDashboard();
    trapPort = await freePort();
    server = await startServer({
      ...dashboard,
      SUITEWATCH_ADMIN_PASSWORD: password,
      // A probe is down after three missed heartbeats: three seconds here.
      SUITEWATCH_PROBE_HEARTBEAT_S: '1',
      SUITEWATCH_TRAP_PORT: String(trapPort),
    });
    cookie = await adminSession(server.url, password);

    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
    // Logged in already, so the page never sees the 401 of a first visit.
    await context.addCookies([
      { name: 'suitewatch_session', value: cookie.split('=')[1]!, url: server.url },
    ]);
    page = await context.newPage();
    watchErrors(page, consoleErrors);
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname.endsWith('/history'))
        historyNames.push(...(url.searchParams.get('names') ?? '').split(','));
    });
    mkdirSync(shots, { recursive: true });
    console.log(`e2e screenshots: ${shots}`);
    await page.goto(server.url);
    await page.locator('[data-testid="live"]', { hasText: /^live$/ }).waitFor({ timeout: 10_000 });
  });
  afterEach(() => {
    expect(consoleErrors.splice(0), 'browser console errors').toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('registers a probe, shows its token once, and follows it new → up → down live', async () => {
    await page.getByRole('link', { name: 'Probes' }).click();
    const embedded = page.locator('[data-testid="probe-row"][data-probe="embedded"]');
    await expect.poll(() => embedded.getAttribute('data-state')).toBe('up');

    await page.getByLabel('Probe name').fill(probe.name);
    await page.getByLabel('Description').fill('Soho machine room');
    await page.getByRole('button', { name: 'Register probe' }).click();
    const command = (await page.getByTestId('probe-command').textContent()) ?? '';
    expect(command).toMatch(
      new RegExp(`^SUITEWATCH_PROBE_TOKEN=(swp\\S+) npm run probe -- --server ${server.url}$`),
    );
    const firstToken = command.split(' ')[0]!.split('=')[1]!;
    const row = page.locator(`[data-testid="probe-row"][data-probe="${probe.name}"]`);
    await expect.poll(() => row.getAttribute('data-state')).toBe('new');
    await shot('m1-probe-registered.png');

    // A new token revokes the old one at once.
    await page.getByRole('button', { name: 'I have copied it' }).click();
    await expect.poll(() => page.getByTestId('probe-token').count()).toBe(0);
    await row.getByRole('button', { name: 'New token' }).click();
    const rotated = (await page.getByTestId('probe-command').textContent()) ?? '';
    probe.token = rotated.split(' ')[0]!.split('=')[1]!;
    expect(probe.token).not.toBe(firstToken);
    expect((await heartbeat(firstToken)).status).toBe(401);
    await page.getByRole('button', { name: 'I have copied it' }).click();

    await markPage();
    // Heartbeat as a probe would, until the page has shown it up with its counters.
    let beating = true;
    const beats = (async () => {
      while (beating) {
        const response = await heartbeat(probe.token);
        expect(response.status).toBe(200);
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
    })();
    try {
      await expect.poll(() => row.getAttribute('data-state'), { timeout: 10_000 }).toBe('up');
      await expect.poll(() => row.locator('td').nth(3).textContent()).toBe('127.0.0.1');
      await expect.poll(() => row.locator('td').nth(8).textContent()).toBe('7');
      expect(await row.locator('td').nth(4).textContent()).toBe('0.1.0-e2e');
      expect(await row.getByTestId('probe-state').getAttribute('data-status')).toBe('ok');
      await shot('m2-probe-up.png');
    } finally {
      beating = false;
      await beats;
    }
    const silentAt = Date.now();
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 15_000 }).toBe('down');
    console.log(`e2e: probe shown down ${Date.now() - silentAt} ms after its last heartbeat`);
    expect(await row.getByTestId('probe-state').getAttribute('data-status')).toBe('critical');
    // The age of the last heartbeat keeps ticking with no request.
    const age = row.getByTestId('probe-heartbeat');
    const before = await age.textContent();
    await expect.poll(() => age.textContent(), { timeout: 5000 }).not.toBe(before);
    expect(await samePageLoad()).toBe('same-load');
    await shot('m3-probe-down.png');

    const listed = await api<{ id: string; name: string }[]>('GET', '/api/probes');
    probe.id = listed.find((p) => p.name === probe.name)!.id;
  });

  it('adds an SNMP device, then shows its profile, grouped readings and colours live', async () => {
    await page.getByRole('link', { name: 'New device' }).click();
    await page.getByRole('link', { name: /SNMP device/ }).click();
    await page.getByRole('heading', { name: 'Add an SNMP device' }).waitFor();
    // v3 asks for a user and keys; the keys only at the levels that use them.
    await page.getByLabel('SNMP version').selectOption('3');
    expect(await page.getByLabel('Community').count()).toBe(0);
    expect(await page.getByLabel('Privacy key').count()).toBe(1);
    await page.getByLabel('Security level').selectOption('authNoPriv');
    expect(await page.getByLabel('Privacy key').count()).toBe(0);
    expect(await page.getByLabel('Auth key').count()).toBe(1);
    await page.getByLabel('Security level').selectOption('noAuthNoPriv');
    expect(await page.getByLabel('Auth key').count()).toBe(0);
    await shot('m4-snmp-form-v3.png');
    await page.getByLabel('SNMP version').selectOption('2c');

    await page.getByLabel('Name', { exact: true }).fill('NAS-01');
    await page.getByLabel('Kind').selectOption('storage');
    await page.getByLabel('Host').fill('192.0.2.10');
    await page.getByLabel('Community').fill('public');
    expect(await page.getByLabel('Profile').inputValue()).toBe('auto');
    expect(await page.getByLabel('Poll every (s)').inputValue()).toBe('60');
    await page.getByLabel('Polled by').selectOption({ label: `probe ${probe.name}` });
    await shot('m5-snmp-form.png');
    await page.getByRole('button', { name: 'Create device and start polling' }).click();
    await page.getByRole('heading', { name: 'NAS-01' }).waitFor({ timeout: 10_000 });
    await expect
      .poll(() => page.getByTestId('snmp-profile').textContent())
      .toMatch(/Profile:\s*auto\s*\(waiting for the first poll\)/);
    await markPage();

    const deviceId = /#\/devices\/([^/?]+)/.exec(page.url())![1]!;
    const [check] = await api<{ id: string; probeId: string; config: object }[]>(
      'GET',
      `/api/checks?deviceId=${deviceId}`,
    );
    expect(check).toMatchObject({
      probeId: probe.id,
      config: { version: '2c', community: '********', profile: 'auto' },
    });

    // Half an hour of history for the sparklines, then the poll the page is waiting for.
    const history: Result[] = Array.from({ length: 30 }, (_, i) => ({
      checkId: check!.id,
      status: 'ok',
      message: 'all well',
      at: ago((30 - i) * 60_000),
      readings: [
        { name: 'temperature_c', value: 45 + (i % 5), unit: '°C' },
        { name: 'volume.used_pct[Volume_1]', value: 90 + i / 5, unit: '%' },
        { name: 'if.in_bps[eth0]', value: (300 + 10 * (i % 7)) * 1e6, unit: 'bit/s' },
        { name: 'disk.temperature_c[Disk_1]', value: 36 + (i % 3), unit: '°C' },
      ],
    }));
    const disks = [1, 2, 3, 4].flatMap((n): Reading[] => [
      { name: `disk.status[Disk_${n}]`, value: 1, unit: '', status: 'ok' },
      {
        name: `disk.health[Disk_${n}]`,
        value: n === 3 ? 2 : 1,
        unit: '',
        status: n === 3 ? 'warning' : 'ok',
      },
      { name: `disk.temperature_c[Disk_${n}]`, value: 36 + n, unit: '°C', status: 'ok' },
    ]);
    await postResults([
      ...history,
      {
        checkId: check!.id,
        status: 'critical',
        message: 'RAID Volume_1 is degraded; volume Volume_1 96% full',
        at: new Date().toISOString(),
        readings: [
          { name: 'uptime_s', value: 30 * 86_400 + 5 * 3600, unit: 's' },
          { name: 'system.status', value: 1, unit: '', status: 'ok' },
          { name: 'power.status', value: 1, unit: '', status: 'ok' },
          { name: 'fan.system_status', value: 1, unit: '', status: 'ok' },
          { name: 'temperature_c', value: 47, unit: '°C', status: 'ok' },
          { name: 'memory.used_pct', value: 61.5, unit: '%' },
          ...disks,
          { name: 'raid.status[Volume_1]', value: 11, unit: '', status: 'critical' },
          { name: 'volume.used_pct[Volume_1]', value: 96, unit: '%', status: 'critical' },
          { name: 'volume.used_bytes[Volume_1]', value: 15.36e12, unit: 'B' },
          { name: 'volume.size_bytes[Volume_1]', value: 16e12, unit: 'B' },
          { name: 'volume.days_until_full[Volume_1]', value: 12, unit: 'd', status: 'warning' },
          { name: 'if.oper_status[eth0]', value: 1, unit: '', status: 'ok' },
          { name: 'if.oper_status[eth1]', value: 2, unit: '', status: 'critical' },
          { name: 'if.in_bps[eth0]', value: 412e6, unit: 'bit/s' },
          { name: 'if.out_bps[eth0]', value: 96.2e6, unit: 'bit/s' },
        ],
        facts: {
          profile: 'synology',
          profileChosen: 'auto',
          sysDescr: 'Linux DS1821plus 4.4.302+ #72806 SMP x86_64',
          sysObjectID: '1.3.6.1.4.1.8072.3.2.10',
        },
      },
    ]);

    await expect
      .poll(() => page.getByTestId('snmp-profile').textContent(), { timeout: 10_000 })
      .toMatch(/Profile:\s*synology \(auto-detected\)/);
    expect(await page.getByTestId('snmp-sysdescr').textContent()).toContain('DS1821plus');
    await expect
      .poll(() => page.getByTestId('device-status').getAttribute('data-status'))
      .toBe('critical');
    const groups = page.getByTestId('reading-group');
    await expect
      .poll(() => groups.evaluateAll((els) => els.map((e) => e.getAttribute('data-family'))))
      .toEqual(['System', 'CPU/memory', 'Disks', 'RAID', 'Volumes', 'Ports/interfaces']);

    const value = (name: string) => page.locator(`.value[data-reading="${name}"]`);
    const style = (selector: string, property: string) =>
      page.evaluate(
        `getComputedStyle(document.querySelector(${JSON.stringify(selector)})).getPropertyValue('${property}')`,
      );
    const critical = String(await style(':root', '--critical-text'));
    expect(await value('raid.status[Volume_1]').textContent()).toBe('degraded');
    expect(await value('raid.status[Volume_1]').getAttribute('data-status')).toBe('critical');
    expect(await style('.value[data-reading="raid.status[Volume_1]"]', 'color')).toBe(
      hexToRgb(critical.trim()),
    );
    expect(await value('disk.health[Disk_3]').getAttribute('data-status')).toBe('warning');
    expect(await value('disk.health[Disk_3]').textContent()).toBe('warning');
    expect(await value('if.oper_status[eth1]').textContent()).toBe('down');
    expect(await value('volume.used_pct[Volume_1]').textContent()).toBe('96 %');
    expect(await value('volume.used_bytes[Volume_1]').textContent()).toBe('15.4 TB');
    expect(await value('volume.size_bytes[Volume_1]').textContent()).toBe('16 TB');
    expect(await value('volume.days_until_full[Volume_1]').textContent()).toBe('12 days');
    expect(await value('if.in_bps[eth0]').textContent()).toBe('412 Mb/s');
    expect(await value('uptime_s').textContent()).toBe('30 d 5 h');
    // Judged no further than its value: no colour.
    expect(await value('memory.used_pct').getAttribute('data-status')).toBeNull();
    // Rows in trouble are marked; the disks table has a row per disk.
    const disksTable = page.locator('[data-family="Disks"] [data-testid="instance-table"]');
    expect(await disksTable.locator('tbody tr').count()).toBe(4);
    expect(await disksTable.locator('tr[data-instance="Disk_3"]').getAttribute('data-status')).toBe(
      'warning',
    );
    // Sparklines draw from the half hour of history, once they are on screen.
    const spark = page.locator('[data-family="Volumes"] .spark');
    await spark.first().scrollIntoViewIfNeeded();
    await expect
      .poll(() => spark.first().getAttribute('data-points'), { timeout: 10_000 })
      .not.toBe('0');
    // A day in 289 s buckets averages the minutes; an hour in 13 s buckets keeps each sample.
    expect(Number(await spark.first().getAttribute('data-points'))).toBeLessThan(15);
    await page.getByRole('button', { name: '1 h', exact: true }).click();
    // The click may scroll the line away; off screen it waits to be shown before it refetches.
    await spark.first().scrollIntoViewIfNeeded();
    await expect
      .poll(async () => Number(await spark.first().getAttribute('data-points')), {
        timeout: 10_000,
      })
      .toBeGreaterThanOrEqual(30);
    expect(await spark.first().locator('canvas').count()).toBe(1);
    expect(await samePageLoad()).toBe('same-load');
    await shot('m6-device-grouped.png');
  });

  it('keeps a 48-port switch page light: history only for the sparklines on screen', async () => {
    const device = await api<{ id: string }>('POST', '/api/devices', {
      name: 'Core-SW1',
      kind: 'switch',
      host: '192.0.2.30',
    });
    const check = await remoteCheck(device.id, 'snmp', {
      version: '2c',
      community: 'public',
      profile: 'switch',
    });
    const ports = Array.from({ length: 48 }, (_, i) => `Gi1_0_${i + 1}`);
    const portReadings = (minute: number, judged: boolean): Reading[] =>
      ports.flatMap((port, i): Reading[] => [
        {
          name: `if.oper_status[${port}]`,
          value: i === 6 ? 2 : 1,
          unit: '',
          ...(judged ? { status: i === 6 ? 'critical' : 'ok' } : {}),
        },
        { name: `if.in_bps[${port}]`, value: (i + 1) * 1e6 * (1 + (minute % 4)), unit: 'bit/s' },
        { name: `if.out_bps[${port}]`, value: (i + 1) * 5e5, unit: 'bit/s' },
        { name: `if.in_errors_rate[${port}]`, value: 0, unit: '/s' },
        { name: `if.out_errors_rate[${port}]`, value: 0, unit: '/s' },
      ]);
    await postResults([
      ...Array.from({ length: 10 }, (_, i) => ({
        checkId: check.id,
        status: 'ok' as const,
        message: '',
        at: ago((10 - i) * 60_000),
        readings: portReadings(i, false),
      })),
      {
        checkId: check.id,
        status: 'critical',
        message: 'Gi1/0/7 (Edit 3 workstation) is down (admin up)',
        at: new Date().toISOString(),
        readings: [{ name: 'uptime_s', value: 86_400 * 200, unit: 's' }, ...portReadings(10, true)],
      },
    ]);

    historyNames.length = 0;
    const started = Date.now();
    await page.goto(`${server.url}/#/devices/${device.id}`);
    const table = page.locator('[data-family="Ports/interfaces"] [data-testid="instance-table"]');
    await expect.poll(() => table.locator('tbody tr').count(), { timeout: 10_000 }).toBe(48);
    console.log(`e2e: 241 readings of a 48-port switch shown in ${Date.now() - started} ms`);
    expect(await table.locator('tr[data-instance="Gi1_0_7"]').getAttribute('data-status')).toBe(
      'critical',
    );
    await expect.poll(() => historyNames.length, { timeout: 10_000 }).toBeGreaterThan(0);
    // Four measured readings a port, 192 in all: only the rows near the screen ask.
    const measured = 48 * 4 + 1;
    expect(new Set(historyNames).size).toBeLessThan(measured / 2);
    await expect
      .poll(() => table.locator('.spark:not([data-points="0"])').count(), { timeout: 10_000 })
      .toBeGreaterThan(0);
    await shot('m7-switch-48-ports.png');
    const askedBeforeScroll = new Set(historyNames).size;
    expect(historyNames).not.toContain('if.in_bps[Gi1_0_48]');
    await table.locator('tr[data-instance="Gi1_0_48"]').scrollIntoViewIfNeeded();
    await expect
      .poll(() => historyNames.includes('if.in_bps[Gi1_0_48]'), { timeout: 10_000 })
      .toBe(true);
    expect(new Set(historyNames).size).toBeGreaterThan(askedBeforeScroll);
  });

  it('shows a router’s routing with the suite’s reference and highlights a difference live', async () => {
    const router = await api<{ id: string }>('POST', '/api/devices', {
      name: 'Router-1',
      kind: 'router',
      host: '192.0.2.20',
    });
    const check = await remoteCheck(router.id, 'videohub', {});
    const suite = await api<{ id: string }>('POST', '/api/suites', {
      name: 'Grade 1',
      kind: 'grading',
    });
    await api('PUT', `/api/suites/${suite.id}/routes`, {
      routes: [
        { routerId: router.id, output: 3, input: 5, label: 'Grade 1 SDI' },
        { routerId: router.id, output: 4, input: 6, label: 'Grade 1 scope' },
      ],
    });
    const inputs = [
      'Cam 1',
      'Camera 2 (spare)',
      'Playout',
      'Avid 1',
      'Resolve 1',
      'Scope',
      'Bars',
      'Camera 2',
    ];
    const outputs = [
      'MCR 1',
      'MCR 2',
      'Grade 1 SDI',
      'Grade 1 scope',
      'Edit 1',
      'Edit 2',
      'QC',
      'Spare',
    ];
    const facts: Record<string, string> = { model: 'Smart Videohub 12G 8x8' };
    inputs.forEach((label, i) => (facts[`input.${i + 1}`] = label));
    outputs.forEach((label, i) => (facts[`output.${i + 1}`] = label));
    const routing = (output3: number): Result => ({
      checkId: check.id,
      status: output3 === 5 ? 'ok' : 'critical',
      message:
        output3 === 5
          ? 'Smart Videohub 12G 8x8: 8 outputs, routing as expected'
          : 'Grade 1: output 3 (Grade 1 SDI) shows input 8 (Camera 2), expected input 5 (Resolve 1)',
      at: new Date().toISOString(),
      readings: [
        { name: 'videohub.connected', value: 1, unit: '' },
        { name: 'videohub.device_present', value: 1, unit: '' },
        { name: 'videohub.inputs', value: 8, unit: '' },
        { name: 'videohub.outputs', value: 8, unit: '' },
        ...[1, 2, output3, 6, 3, 4, 7, 1].map((input, i): Reading => ({
          name: `videohub.route[${i + 1}]`,
          value: input,
          unit: '',
          ...(i === 2 ? { status: output3 === 5 ? 'ok' : 'critical' } : {}),
          ...(i === 3 ? { status: 'ok' } : {}),
        })),
      ],
      facts,
    });
    await postResults([routing(8)]);

    await page.goto(`${server.url}/#/devices/${router.id}`);
    await page.getByTestId('router-page-link').click();
    await page.getByRole('heading', { name: 'Router-1: routing' }).waitFor({ timeout: 10_000 });
    await markPage();
    const row = (output: number) => page.locator(`tr[data-output="${output}"]`);
    await expect.poll(() => row(3).getAttribute('data-state')).toBe('differs');
    expect(await row(4).getAttribute('data-state')).toBe('ok');
    expect(await row(1).getAttribute('data-state')).toBe('free');
    expect(await row(3).textContent()).toMatch(/Grade 1 SDI\s*8\s*Camera 2\s*5\s*Resolve 1/);
    const differences = page.getByTestId('route-differences');
    expect(await differences.textContent()).toMatch(
      /Grade 1: output 3 \(Grade 1 SDI\) shows input 8 \(Camera 2\), expected\s+input 5 \(Resolve 1\)/,
    );
    expect(await page.getByTestId('routing-summary').textContent()).toContain(
      '1 of 2 referenced outputs differs',
    );
    await shot('m8-router-differs.png');

    // Someone puts the route back: the page follows without a reload.
    await postResults([routing(5)]);
    await expect.poll(() => row(3).getAttribute('data-state'), { timeout: 10_000 }).toBe('ok');
    expect(await differences.count()).toBe(0);
    expect(await page.getByTestId('routing-summary').textContent()).toContain(
      'All 2 referenced outputs show their expected input.',
    );
    expect(await samePageLoad()).toBe('same-load');
    await shot('m9-router-fixed.png');
  });

  describeWith([parts.snmptrap], 'trap log', () => {
    it('shows a linkDown trap live, newest first, linked to its device', async () => {
      const device = await api<{ id: string }>('POST', '/api/devices', {
        name: 'Edit1-Switch',
        kind: 'switch',
        host: '127.0.0.1',
      });
      await page.getByRole('link', { name: 'Traps' }).click();
      await page.getByRole('heading', { name: 'SNMP traps' }).waitFor();
      await markPage();
      v2LinkDown(trapPort, 'public', 7);
      const first = page.getByTestId('trap-row').first();
      await expect.poll(() => first.textContent(), { timeout: 10_000 }).toContain('linkDown');
      expect(await first.getByRole('link', { name: 'Edit1-Switch' }).getAttribute('href')).toBe(
        `#/devices/${device.id}`,
      );
      expect(await first.locator('td').nth(3).textContent()).toBe('7');
      v2LinkDown(trapPort, 'public', 9);
      await expect
        .poll(() => page.getByTestId('trap-row').first().locator('td').nth(3).textContent())
        .toBe('9');
      expect(await page.getByTestId('trap-row').count()).toBe(2);
      expect(await samePageLoad()).toBe('same-load');
      await shot('m10-traps.png');
    });
  });
});

function hexToRgb(hex: string): string {
  const n = Number.parseInt(hex.replace('#', ''), 16);
  return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`;
}
