import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { startHttpServer, type LocalServer } from '../helpers/http-server.ts';
import { buildDashboard } from '../helpers/dashboard-build.ts';
import { adminSession, launchChromium, logIn, shotsDir, watchErrors } from '../helpers/e2e.ts';
import { root, startServer, type ServerProcess } from '../helpers/server-process.ts';
import { describeWith, parts } from '../helpers/system.ts';
import { requestJson } from '../helpers/session-api.ts';

const password = 'alarms-e2e-password';
// The browser's clock reads London time, so maintenance times typed in the form are known here.
const timezoneId = 'Europe/London';

interface Reading {
  name: string;
  value: number;
  unit: string;
  status?: 'ok' | 'warning' | 'critical' | 'unknown';
}

interface Fault {
  id: string;
  deviceName: string;
  condition: string;
  severity: string;
  console: string;
  acknowledgedBy: string | null;
  ackComment: string | null;
  shelvedUntil: string | null;
  shelveReason: string | null;
  suppressedBy: string | null;
  dismissedAt: string | null;
}

describeWith([parts.chromium], 'alarm console in headless Chromium', () => {
  let server: ServerProcess;
  let receiver: LocalServer;
  let browser: Browser;
  let page: Page;
  let cookie: string;
  const probe = { id: '', token: '' };
  const devices: Record<string, { id: string; checkId: string }> = {};
  const consoleErrors: string[] = [];
  const shots = shotsDir();
  const shot = async (name: string, path = join(shots, name)) => {
    // From the top: a full-page shot taken scrolled down draws the sticky bar mid-page.
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path, fullPage: true });
  };

  const api = <T>(method: string, path: string, body?: unknown) =>
    requestJson<T>(server.url, cookie, method, path, body);

  /** A device with one check that our remote probe runs, so the server's own probe leaves it. */
  async function device(name: string, kind: string, parent?: string) {
    const created = await api<{ id: string }>('POST', '/api/devices', {
      name,
      kind,
      host: '192.0.2.40',
      ...(parent ? { parentId: devices[parent]!.id } : {}),
    });
    const check = await api<{ id: string }>('POST', '/api/checks', {
      deviceId: created.id,
      kind: 'http',
      intervalS: 60,
      config: { url: `http://192.0.2.40/${name}` },
      probeId: probe.id,
    });
    devices[name] = { id: created.id, checkId: check.id };
  }

  // Each result gets its own moment: the server drops a second result for a check at one time.
  let clock = Date.now();
  async function post(
    name: string,
    status: 'ok' | 'warning' | 'critical',
    message: string,
    readings: Reading[] = [],
  ) {
    clock = Math.max(clock + 1000, Date.now());
    const response = await fetch(`${server.url}/api/probe/results`, {
      method: 'POST',
      headers: { authorization: `Bearer ${probe.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        results: [
          {
            checkId: devices[name]!.checkId,
            status,
            message,
            at: new Date(clock).toISOString(),
            durationMs: 40,
            readings,
          },
        ],
      }),
    });
    expect(response.status, await response.clone().text()).toBe(200);
    expect(((await response.json()) as { accepted: number }).accepted).toBe(1);
  }

  /** A run that reached nothing: the engine calls that unreachable, critical. */
  const unreachable = (name: string) => post(name, 'critical', 'connection timed out after 5 s');

  const faultsOf = async (name: string) =>
    (await api<Fault[]>('GET', '/api/faults?state=all')).filter((f) => f.deviceName === name);

  const rows = () => page.getByTestId('alarm-row');
  const row = (name: string, depth = 0): Locator =>
    page.locator(`[data-testid="alarm-row"][data-device="${name}"][data-depth="${depth}"]`);
  const oscillators = () =>
    page.evaluate(() => (globalThis as unknown as { e2eOscillators: number }).e2eOscillators);

  /** Marks this page load: if the dashboard reloaded, the mark would be gone. */
  const markPage = () => page.evaluate(() => Object.assign(globalThis, { e2eMark: 'same-load' }));
  const samePageLoad = () =>
    page.evaluate(() => (globalThis as unknown as { e2eMark?: string }).e2eMark);

  beforeAll(async () => {
    const dashboard = buildDashboard();
    receiver = await startHttpServer((req, res) => {
      req.resume();
      res.statusCode = req.url === '/broken' ? 503 : 200;
      res.end(req.url === '/broken' ? 'maintenance' : 'ok');
    });
    server = await startServer({
      ...dashboard,
      SUITEWATCH_ADMIN_PASSWORD: password,
      // A good result clears a fault at once, so a latched alarm is quick to make.
      SUITEWATCH_HOLD_DOWN_INTERVALS: '0',
      // The checks here only hear from the test: they must not fall silent into no_data faults.
      SUITEWATCH_NO_DATA_INTERVALS: '1000',
      SUITEWATCH_NOTIFY_GROUP_WAIT_S: '0',
      SUITEWATCH_NOTIFY_MAX_ATTEMPTS: '1',
    });
    cookie = await adminSession(server.url, password);
    const registered = await api<{ probe: { id: string }; token: string }>('POST', '/api/probes', {
      name: 'mcr-probe',
    });
    probe.id = registered.probe.id;
    probe.token = registered.token;

    browser = await launchChromium();
    const context = await browser.newContext({
      viewport: { width: 1600, height: 900 },
      timezoneId,
    });
    // Counts the beeps: every pip of the alarm sound is one oscillator started.
    await context.addInitScript(() => {
      const g = globalThis as unknown as {
        e2eOscillators: number;
        OscillatorNode: { prototype: { start: (when?: number) => void } };
      };
      g.e2eOscillators = 0;
      const start = g.OscillatorNode.prototype.start;
      g.OscillatorNode.prototype.start = function (this: unknown, when?: number) {
        g.e2eOscillators += 1;
        start.call(this, when);
      };
    });
    page = await context.newPage();
    watchErrors(page, consoleErrors);
    mkdirSync(shots, { recursive: true });
    console.log(`e2e screenshots: ${shots}`);
  });
  afterEach(() => {
    expect(consoleErrors.splice(0), 'browser console errors').toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await receiver?.close();
  });

  it('logs in as admin and shows a new critical fault live; acknowledging it with a comment', async () => {
    await logIn(page, server.url, 'admin', password);
    // A first visit asks who is logged in and hears 401: that is the login page, not an error.
    consoleErrors.splice(0);

    await device('Grade1-Resolve', 'workstation');
    await page.getByRole('link', { name: 'Alarms' }).click();
    await page.getByRole('heading', { name: 'Alarm console' }).waitFor();
    await page.getByTestId('alarms-empty').waitFor();
    await markPage();

    await unreachable('Grade1-Resolve');
    const resolve = row('Grade1-Resolve');
    await resolve.waitFor({ timeout: 10_000 });
    expect(await resolve.getAttribute('data-severity')).toBe('critical');
    expect(await resolve.getAttribute('data-console')).toBe('current');
    expect(await resolve.getByTestId('severity').textContent()).toBe('critical');
    expect(await resolve.getByRole('link', { name: 'Grade1-Resolve' }).getAttribute('href')).toBe(
      `#/devices/${devices['Grade1-Resolve']!.id}`,
    );
    expect(await resolve.textContent()).toContain('connection timed out after 5 s');
    await expect.poll(() => page.getByTestId('alarm-count').textContent()).toBe('1');

    await resolve.getByRole('button', { name: 'Acknowledge' }).click();
    const form = page.getByRole('form', { name: 'Acknowledge' });
    await form.getByLabel('Comment (optional)').fill('rebooting the Resolve host');
    await form.getByRole('button', { name: 'Acknowledge' }).click();
    await expect.poll(() => resolve.getAttribute('data-console')).toBe('acknowledged');
    expect(await resolve.getByTestId('console-state').textContent()).toMatch(
      /acknowledged\s*by admin/,
    );
    // The live event may beat the answer to the request, which is what closes the form.
    await expect.poll(() => form.count()).toBe(0);
    // Nothing critical or major is waiting for anyone now.
    await expect.poll(() => page.getByTestId('alarm-count').count()).toBe(0);
    const [fault] = await faultsOf('Grade1-Resolve');
    expect(fault).toMatchObject({
      console: 'acknowledged',
      acknowledgedBy: 'admin',
      ackComment: 'rebooting the Resolve host',
    });

    // The row opens the alarm's page, with its timeline and downtime.
    await resolve.locator('td.message').click();
    await page.getByRole('heading', { name: /Grade1-Resolve/ }).waitFor();
    expect(page.url()).toContain(`#/alarms/${fault!.id}`);
    expect(await page.getByTestId('alarm-ack').textContent()).toContain(
      'rebooting the Resolve host',
    );
    const timeline = page.getByTestId('alarm-timeline');
    await expect.poll(() => timeline.locator('tbody tr[data-kind="acknowledged"]').count()).toBe(1);
    expect(await page.getByTestId('downtime').textContent()).toMatch(/and counting/);
    await shot('a1-alarm-detail.png');
    await page.getByRole('link', { name: 'Alarm console' }).click();
    await resolve.waitFor();
    expect(await samePageLoad()).toBe('same-load');
  });

  it('will not shelve without a reason; with one, the row leaves the console', async () => {
    await device('NAS-02', 'storage');
    await post('NAS-02', 'critical', 'volume Projects 97% full; enclosure warm', [
      { name: 'volume.used_pct[Projects]', value: 97, unit: '%', status: 'critical' },
      { name: 'temperature_c', value: 58, unit: '°C', status: 'warning' },
      { name: 'volume.days_until_full[Projects]', value: 9, unit: 'd', status: 'warning' },
    ]);
    // One fault per bad reading, graded by what it means: major, minor and warning.
    await expect.poll(() => row('NAS-02').count(), { timeout: 10_000 }).toBe(3);
    expect(
      await row('NAS-02').evaluateAll((els) => els.map((e) => e.getAttribute('data-severity'))),
    ).toEqual(['major', 'minor', 'warning']);
    const major = page.locator('[data-testid="alarm-row"][data-device="NAS-02"]', {
      hasText: 'volume.used_pct[Projects]',
    });

    await major.getByRole('button', { name: 'Shelve' }).click();
    const form = page.getByRole('form', { name: 'Shelve' });
    const save = form.getByRole('button', { name: 'Save' });
    expect(await save.isDisabled()).toBe(true);
    await form.getByLabel('Reason (required)').fill('   ');
    expect(await save.isDisabled()).toBe(true);
    await form.getByLabel('Reason (required)').fill('cleanup booked tonight with the vendor');
    await form.getByLabel('For').selectOption({ label: '4 h' });
    expect(await save.isEnabled()).toBe(true);
    const shelvedId = await major.getAttribute('data-fault-id');
    await save.click();
    await expect.poll(() => major.count()).toBe(0);
    expect(await row('NAS-02').count()).toBe(2);
    const shelved = (await faultsOf('NAS-02')).find((f) => f.id === shelvedId)!;
    expect(shelved.shelveReason).toBe('cleanup booked tonight with the vendor');
    const minutes = (Date.parse(shelved.shelvedUntil!) - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(235);
    expect(minutes).toBeLessThanOrEqual(240);

    // Shown again on request, flagged, and put back.
    await page.getByLabel('Show shelved').check();
    await major.waitFor();
    expect(await major.textContent()).toContain('shelved');
    await major.getByRole('button', { name: 'Unshelve' }).click();
    await expect.poll(() => major.getByRole('button', { name: 'Shelve' }).count()).toBe(1);
    await page.getByLabel('Show shelved').uncheck();
    await major.waitFor();
  });

  it('folds consequences under their root, beeps once for the root, and shows it on the wall', async () => {
    await device('Core-SW1', 'switch');
    await device('Edit3-Avid', 'workstation', 'Core-SW1');
    await device('Edit4-Mac', 'workstation', 'Core-SW1');
    await device('Playout-2', 'workstation');

    const sound = page.getByRole('button', { name: /^Sound: / });
    expect(await sound.textContent()).toBe('Sound: off');
    expect(await oscillators()).toBe(0);
    await sound.click();
    expect(await sound.textContent()).toBe('Sound: on');
    expect(await sound.getAttribute('aria-pressed')).toBe('true');
    // The click that turns it on plays one pip, so the room knows it can be heard.
    await expect.poll(oscillators).toBe(1);

    // The core switch goes first; its children cannot be reached behind it.
    await unreachable('Core-SW1');
    await row('Core-SW1').waitFor({ timeout: 10_000 });
    await expect.poll(oscillators).toBe(4);
    await unreachable('Edit3-Avid');
    await unreachable('Edit4-Mac');
    const toggle = row('Core-SW1').getByTestId('consequences-toggle');
    await expect.poll(() => toggle.textContent(), { timeout: 10_000 }).toBe('+2 consequences');
    const edit3 = (await faultsOf('Edit3-Avid'))[0]!;
    expect(edit3.suppressedBy).toBe((await faultsOf('Core-SW1'))[0]!.id);
    // Folded: never top-level while the root is listed, and no beep of their own.
    expect(await row('Edit3-Avid').count()).toBe(0);
    expect(await row('Edit3-Avid', 1).count()).toBe(0);
    await toggle.click();
    await expect
      .poll(() => page.locator('[data-testid="alarm-row"][data-depth="1"]').count())
      .toBe(2);
    expect(await row('Edit3-Avid', 1).count()).toBe(1);
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    expect(await oscillators()).toBe(4);

    // A check failing with nothing to blame it on is major; cleared unseen, it latches.
    await post('Playout-2', 'critical', 'HTTP 500 from the playout API', [
      { name: 'http.response_ms', value: 18, unit: 'ms' },
    ]);
    await row('Playout-2').waitFor({ timeout: 10_000 });
    await post('Playout-2', 'ok', 'HTTP 200', [
      { name: 'http.response_ms', value: 12, unit: 'ms' },
    ]);
    await expect
      .poll(() => row('Playout-2').getAttribute('data-console'), { timeout: 10_000 })
      .toBe('latched');

    // Worst first, then oldest: the order an operator works in.
    await expect
      .poll(() => rows().evaluateAll((els) => els.map((e) => e.getAttribute('data-device'))))
      .toEqual([
        'Grade1-Resolve',
        'Core-SW1',
        'Edit3-Avid',
        'Edit4-Mac',
        'NAS-02',
        'Playout-2',
        'NAS-02',
        'NAS-02',
      ]);
    await expect.poll(() => page.getByTestId('alarm-count').textContent()).toBe('2');

    // Taking a fault makes it yours; there is nothing more to take.
    const core = row('Core-SW1');
    await core.getByRole('button', { name: 'Take' }).click();
    await expect.poll(() => core.locator('td.owner').textContent()).toBe('admin');
    expect(await core.getByRole('button', { name: 'Take' }).count()).toBe(0);
    // The live event can come before the answer; the buttons wait for the answer.
    await expect
      .poll(() => core.getByRole('button', { name: 'Acknowledge' }).isEnabled())
      .toBe(true);
    await page.mouse.move(0, 0);

    mkdirSync(join(root, 'docs'), { recursive: true });
    await shot('a2-console.png');
    await shot('', join(root, 'docs', 'console.png'));

    // Filters: by severity, by device kind, and by place (the suite added now shows up live).
    const shown = () => rows().evaluateAll((els) => els.map((e) => e.getAttribute('data-device')));
    await page.getByRole('checkbox', { name: 'critical' }).uncheck();
    await page.getByRole('checkbox', { name: 'warning' }).uncheck();
    await expect.poll(shown).toEqual(['NAS-02', 'Playout-2', 'NAS-02']);
    expect(await page.getByTestId('alarm-summary').textContent()).toContain('5 hidden by filters');
    await page.getByLabel('Device kind').selectOption('storage');
    await expect.poll(shown).toEqual(['NAS-02', 'NAS-02']);
    await page.getByRole('checkbox', { name: 'critical' }).check();
    await page.getByRole('checkbox', { name: 'warning' }).check();
    await page.getByLabel('Device kind').selectOption('');
    const site = await api<{ id: string }>('POST', '/api/sites', { name: 'Soho' });
    const room = await api<{ id: string }>('POST', '/api/rooms', {
      siteId: site.id,
      name: 'Grading floor',
    });
    await api('POST', '/api/suites', {
      name: 'Grade 1',
      kind: 'grading',
      roomId: room.id,
      deviceIds: [devices['Grade1-Resolve']!.id],
    });
    await page
      .getByLabel('Site')
      .locator('option', { hasText: 'Soho' })
      .waitFor({ state: 'attached' });
    await page.getByLabel('Site', { exact: true }).selectOption({ label: 'Soho' });
    await expect.poll(shown).toEqual(['Grade1-Resolve']);
    await page.getByLabel('Suite', { exact: true }).selectOption({ label: 'Grade 1' });
    await expect.poll(shown).toEqual(['Grade1-Resolve']);
    await page.getByLabel('Site', { exact: true }).selectOption('');
    await expect.poll(async () => (await shown()).length).toBe(8);

    // Dismissing the latched alarm takes it off the console.
    await row('Playout-2').getByRole('button', { name: 'Dismiss' }).click();
    await expect.poll(() => row('Playout-2').count()).toBe(0);
    expect((await faultsOf('Playout-2'))[0]!.dismissedAt).not.toBeNull();

    // The wall names the newest critical that nobody has acknowledged, in display mode too.
    await page.getByRole('link', { name: 'Wall' }).click();
    const strip = page.getByTestId('critical-strip');
    await strip.waitFor();
    expect(await strip.textContent()).toMatch(
      /1 critical alarm\s.*Core-SW1.*connection timed out/s,
    );
    await page.getByRole('button', { name: 'Wall display' }).click();
    await strip.waitFor();
    await shot('a3-wall-display.png');
    await strip.click();
    await page.getByRole('heading', { name: 'Alarm console' }).waitFor();
    expect(await samePageLoad()).toBe('same-load');

    // Remembered in this browser across a reload; off again for whoever comes next.
    await page.reload();
    // Clicked only once the page is running again: a click on the reloading page is lost.
    await page.locator('[data-testid="live"]', { hasText: /^live$/ }).waitFor({ timeout: 10_000 });
    expect(await sound.textContent()).toBe('Sound: on');
    await sound.click();
    await page.getByRole('button', { name: 'Sound: off' }).waitFor({ timeout: 5_000 });
  });

  it('books a maintenance window and shows the server’s refusal next to the form', async () => {
    await page.getByRole('link', { name: 'Windows', exact: true }).click();
    await page.getByRole('heading', { name: 'Maintenance windows' }).waitFor();
    expect(await page.getByLabel('Time zone').inputValue()).toBe(timezoneId);
    await page.getByLabel('Applies to').selectOption('device');
    await page.getByLabel('Device', { exact: true }).selectOption({ label: 'NAS-02' });
    // The wall clock of London: started ten minutes ago, for two hours.
    const london = (ms: number) =>
      new Date(ms).toLocaleString('sv-SE', { timeZone: timezoneId }).replace(' ', 'T').slice(0, 16);
    await page.getByLabel('Starts').fill(london(Date.now() - 10 * 60_000));
    await page.getByLabel('Ends').fill(london(Date.now() + 110 * 60_000));

    await page.getByRole('button', { name: 'Create window' }).click();
    await expect
      .poll(() => page.getByRole('alert').allTextContents())
      .toContain('body.reason: say what the work is; it must not be blank');
    consoleErrors.splice(0).forEach((e) => expect(e).toMatch(/400|Bad Request/));

    await page.getByLabel('Reason').fill('firmware update on the NAS');
    await page.getByRole('button', { name: 'Create window' }).click();
    const booked = page.getByTestId('window-row');
    await booked.waitFor({ timeout: 10_000 });
    expect(await booked.getAttribute('data-active')).toBe('true');
    expect(await booked.textContent()).toMatch(/active now.*NAS-02.*firmware update on the NAS/s);
    await expect.poll(() => booked.locator('td').nth(5).textContent()).toMatch(/^running until/);
    const [window] = await api<{ timezone: string; startsAt: string }[]>(
      'GET',
      '/api/maintenance-windows?active=true',
    );
    expect(window!.timezone).toBe(timezoneId);
    expect(Math.abs(Date.parse(window!.startsAt) - (Date.now() - 10 * 60_000))).toBeLessThan(
      90_000,
    );

    // A weekly window: kept on London's wall clock, next occurrence worked out by the server.
    const tomorrow = london(Date.now() + 24 * 3600_000).slice(0, 10);
    await page.getByLabel('Reason').fill('weekly RAID scrub');
    await page.getByLabel('Mode').selectOption('skip');
    await page.getByLabel('Starts').fill(`${tomorrow}T02:00`);
    await page.getByLabel('Ends').fill(`${tomorrow}T04:00`);
    await page.getByLabel('Repeats').selectOption('weekly');
    await page.getByRole('checkbox', { name: 'Tue' }).check();
    await page.getByRole('checkbox', { name: 'Thu' }).check();
    await page.getByRole('button', { name: 'Create window' }).click();
    const weekly = page.locator('[data-testid="window-row"]', { hasText: 'weekly RAID scrub' });
    await weekly.waitFor({ timeout: 10_000 });
    expect(await weekly.getAttribute('data-active')).toBe('false');
    expect(await weekly.textContent()).toContain('Every week on Tue, Thu');
    await expect.poll(() => weekly.locator('td').nth(5).textContent()).toMatch(/(Tue|Thu).*02:00/);
    // Running windows first.
    expect(await page.getByTestId('window-row').first().getAttribute('data-active')).toBe('true');
    const stored = await api<{ reason: string; weekdays: number[]; recurrence: string }[]>(
      'GET',
      '/api/maintenance-windows',
    );
    expect(stored.find((w) => w.reason === 'weekly RAID scrub')).toMatchObject({
      recurrence: 'weekly',
      weekdays: [2, 4],
    });
    await shot('a4-maintenance.png');
  });

  it('adds webhook channels, sends tests, and shows a failed delivery in red', async () => {
    await page.getByRole('link', { name: 'Notifications' }).click();
    await page.getByRole('heading', { name: 'Notifications' }).waitFor();
    const add = async (name: string, path: string) => {
      await page.getByLabel('Name').fill(name);
      await page.getByLabel('Type').selectOption('webhook');
      await page.getByLabel('Webhook URL').fill(`${receiver.url}${path}`);
      await page.getByLabel('Format').selectOption('chat');
      await page.getByLabel('At least').selectOption('critical');
      await page.getByRole('button', { name: 'Add channel' }).click();
      await page.locator(`[data-testid="channel-row"][data-channel="${name}"]`).waitFor();
    };
    await add('MCR chat', '/hook');
    await add('Old pager', '/broken');

    const good = page.locator('[data-testid="channel-row"][data-channel="MCR chat"]');
    await good.getByRole('button', { name: 'Send test' }).click();
    await expect.poll(() => good.getByTestId('test-result').textContent()).toBe('Test delivered');
    const bad = page.locator('[data-testid="channel-row"][data-channel="Old pager"]');
    await bad.getByRole('button', { name: 'Send test' }).click();
    await expect
      .poll(() => bad.getByTestId('test-result').textContent())
      .toMatch(/^Test failed: .*503/);
    await expect.poll(() => bad.locator('td.error').textContent()).toMatch(/503/);

    const failed = page.locator('[data-testid="delivery-row"].failed');
    await expect.poll(() => failed.count(), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await failed.first().textContent()).toContain('Old pager');
    await shot('a5-notifications.png');
  });
});
