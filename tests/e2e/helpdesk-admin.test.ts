import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { durationText, type HelpdeskReport } from '../../web/src/lib/helpdesk.ts';
import { buildDashboard } from '../helpers/dashboard-build.ts';
import { adminSession, launchChromium, openDesk } from '../helpers/e2e.ts';
import { root, startServer, type ServerProcess } from '../helpers/server-process.ts';
import { requestJson } from '../helpers/session-api.ts';
import { describeWith, parts } from '../helpers/system.ts';

const password = 'helpdesk-admin-e2e-password';
const userPassword = 'a-long-password-for-e2e';
const london = 'Europe/London';
const dayMinutes = 24 * 60;

interface Ticket {
  id: string;
  number: number;
  status: string;
}

/**
 * A month of helpdesk history. Each ticket is created and worked through the API, then moved back
 * in time (the API stamps everything "now"): created `ago` minutes before now, answered `respond`
 * minutes after that, resolved `resolve` minutes after that.
 */
interface Seed {
  title: string;
  category: string;
  priority: number;
  suites?: string[];
  devices?: string[];
  ago: number;
  /** Answered (triaged, then worked) this long after creation; unanswered ones stay new. */
  respond?: number;
  resolve?: number;
  /** Where it ends when not resolved. */
  end?: 'new' | 'in_progress' | 'waiting_vendor';
}

const history: Seed[] = [
  {
    title: 'NEXIS E4: workspaces offline on Grade 1 and Grade 2',
    category: 'storage',
    priority: 1,
    devices: ['NEXIS E4'],
    ago: 3 * dayMinutes,
    respond: 8,
    resolve: 95,
  },
  {
    title: 'Grade 1 client monitor loses picture every few minutes',
    category: 'picture',
    priority: 2,
    devices: ['X310 client monitor'],
    ago: 6 * dayMinutes,
    respond: 25,
    resolve: 200,
  },
  {
    title: 'Mix A talkback crackles on the producer desk',
    category: 'sound',
    priority: 3,
    suites: ['Mix A'],
    ago: 9 * dayMinutes,
    respond: 70,
    resolve: 1300,
  },
  {
    title: 'Edit 3: Avid bin locking errors on shared project',
    category: 'software',
    priority: 3,
    suites: ['Edit 3'],
    ago: 12 * dayMinutes,
    respond: 150,
    resolve: 2900,
  },
  {
    title: 'Videohub output 12 drops to black intermittently',
    category: 'network',
    priority: 2,
    devices: ['Videohub 40x40'],
    ago: 2 * dayMinutes,
    respond: 40,
    end: 'in_progress',
  },
  {
    title: 'RAID 2 degraded: disk 4 predictive failure',
    category: 'hardware',
    priority: 2,
    devices: ['Areca RAID 2'],
    ago: 14 * dayMinutes,
    respond: 12,
    resolve: 600,
  },
  {
    title: 'Grade 2 Resolve crashes on render to ProRes 4444',
    category: 'software',
    priority: 3,
    devices: ['Resolve G2'],
    ago: 20 * dayMinutes,
    respond: 90,
    end: 'in_progress',
  },
  {
    title: 'Label printer in the machine room jams',
    category: 'facilities',
    priority: 5,
    ago: 40 * dayMinutes,
    end: 'new',
  },
  {
    title: 'QC suite scopes show the wrong LUT',
    category: 'picture',
    priority: 4,
    suites: ['QC 1'],
    ago: 5 * dayMinutes,
    respond: 200,
    resolve: 3000,
  },
  {
    title: 'Mix A Pro Tools HDX card not detected after update',
    category: 'hardware',
    priority: 2,
    devices: ['Pro Tools Mix A'],
    ago: dayMinutes,
    respond: 18,
    end: 'waiting_vendor',
  },
  {
    title: 'Core switch port 24 counting CRC errors',
    category: 'network',
    // Unanswered, so never triaged: a device in no suite, no booking, is P5.
    priority: 5,
    devices: ['Core switch'],
    ago: 150,
    end: 'new',
  },
  {
    title: 'Grade 1 grading panel unresponsive after reboot',
    category: 'hardware',
    priority: 3,
    suites: ['Grade 1'],
    ago: 25 * dayMinutes,
    respond: 60,
    resolve: 240,
  },
  {
    title: 'NEXIS quota warning on the features project',
    category: 'storage',
    priority: 4,
    devices: ['NEXIS E4'],
    ago: 45 * dayMinutes,
    respond: 30,
    resolve: 500,
  },
  {
    title: 'Edit 3 near-field monitors buzz',
    category: 'sound',
    priority: 4,
    suites: ['Edit 3'],
    ago: 4 * dayMinutes,
    respond: 300,
    end: 'in_progress',
  },
];

/** The means the report must show for the last `days` days, worked out from the seeds. */
function expected(days: number) {
  const within = (minutesAgo: number) => minutesAgo < days * dayMinutes;
  const answered = history.filter((s) => s.respond !== undefined && within(s.ago));
  const resolved = history.filter(
    (s) => s.resolve !== undefined && within(s.ago - (s.resolve ?? 0)),
  );
  const mean = (xs: number[]) =>
    Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 100) / 100;
  return {
    mtta: { count: answered.length, minutes: mean(answered.map((s) => s.respond!)) },
    mttr: { count: resolved.length, minutes: mean(resolved.map((s) => s.resolve!)) },
  };
}

describeWith([parts.chromium], 'helpdesk administration in headless Chromium', () => {
  let server: ServerProcess;
  let browser: Browser;
  let cookie: string;
  const dataDir = mkdtempSync(join(tmpdir(), 'sw-helpdesk-admin-'));
  const shots = mkdtempSync(join(tmpdir(), 'sw-helpdesk-shots-'));
  const ids: Record<string, string> = {};
  const fault = { id: '', condition: '' };
  const consoleErrors: string[] = [];
  const pages: Page[] = [];

  const api = <T>(method: string, path: string, body?: unknown) =>
    requestJson<T>(server.url, cookie, method, path, body);
  const created = async (path: string, body: unknown) =>
    (await api<{ id: string }>('POST', path, body)).id;

  const shot = async (page: Page, name: string, path = join(shots, name)) => {
    // A viewport as tall as the page: sticky bars (the nav, the settings' save bar) then sit
    // where a reader expects them, not wherever the window happened to end.
    const size = page.viewportSize()!;
    await page.evaluate('window.scrollTo(0, 0)');
    await page.mouse.move(0, 0);
    const height = await page.evaluate<number>('document.documentElement.scrollHeight');
    await page.setViewportSize({ width: size.width, height: Math.max(size.height, height) });
    await page.screenshot({ path });
    await page.setViewportSize(size);
  };
  /** Refusals the test provoked on purpose: the console logs each failed request. */
  const expectRefusals = (pattern: RegExp) => {
    const seen = consoleErrors.splice(0);
    expect(seen.length).toBeGreaterThan(0);
    seen.forEach((e) => expect(e).toMatch(pattern));
  };

  async function open(username: string, pass = userPassword): Promise<Page> {
    const page = await openDesk(browser, server.url, username, pass, {
      viewport: { width: 1440, height: 900 },
      timezoneId: london,
      errors: consoleErrors,
      who: username,
    });
    pages.push(page);
    // The first visit asks who is logged in and hears 401: that is the login page, not an error.
    consoleErrors.splice(0);
    return page;
  }

  /** Moves the seeded tickets back in time, with the server stopped: it owns the data dir. */
  async function backdate(seeded: Array<{ id: string; seed: Seed }>) {
    const db = new PGlite(dataDir);
    try {
      for (const { id, seed } of seeded) {
        await db.query(
          `update tickets set
             created_at = created_at - make_interval(mins => $2),
             updated_at = updated_at - make_interval(mins => $2),
             response_due_at = response_due_at - make_interval(mins => $2),
             resolution_due_at = resolution_due_at - make_interval(mins => $2),
             alert_at = alert_at - make_interval(mins => $2),
             responded_at = case when responded_at is null then null
               else created_at - make_interval(mins => $2) + make_interval(mins => $3) end,
             resolved_at = case when resolved_at is null then null
               else created_at - make_interval(mins => $2) + make_interval(mins => $4) end
           where id = $1`,
          [id, seed.ago, seed.respond ?? 0, seed.resolve ?? 0],
        );
        await db.query(
          `update ticket_events set at = at - make_interval(mins => $2) where ticket_id = $1`,
          [id, seed.ago],
        );
      }
    } finally {
      await db.close();
    }
  }

  beforeAll(async () => {
    const dashboard = buildDashboard();
    const env = {
      SUITEWATCH_ADMIN_PASSWORD: password,
      SUITEWATCH_DATA_DIR: dataDir,
      // The fault below only hears from the test: it must not fall silent into no_data.
      SUITEWATCH_NO_DATA_INTERVALS: '1000',
    };
    server = await startServer({ ...dashboard, ...env });
    cookie = await adminSession(server.url, password);

    for (const [username, role] of [
      ['priya', 'engineer'],
      ['mira', 'manager'],
      ['sam', 'junior'],
    ] as const)
      await created('/api/users', {
        username,
        displayName: username,
        password: userPassword,
        role,
      });

    const site = await created('/api/sites', { name: 'Soho', timezone: london });
    const room = await created('/api/rooms', { name: 'Post floor', siteId: site });
    for (const [name, kind] of [
      ['Grade 1', 'grading'],
      ['Grade 2', 'grading'],
      ['Mix A', 'mix'],
      ['Edit 3', 'edit'],
      ['QC 1', 'qc'],
    ] as const)
      ids[name] = await created('/api/suites', { name, kind, roomId: room });
    for (const [name, kind, suites] of [
      ['NEXIS E4', 'storage', ['Grade 1', 'Grade 2', 'Edit 3']],
      ['Resolve G1', 'workstation', ['Grade 1']],
      ['X310 client monitor', 'display', ['Grade 1']],
      ['Resolve G2', 'workstation', ['Grade 2']],
      ['Videohub 40x40', 'router', ['Grade 1', 'Grade 2', 'QC 1']],
      ['Areca RAID 2', 'raid', ['Edit 3']],
      ['Pro Tools Mix A', 'audio', ['Mix A']],
      ['Core switch', 'switch', []],
    ] as const)
      ids[name] = await created('/api/devices', {
        name,
        kind,
        host: '192.0.2.50',
        suiteIds: suites.map((s) => ids[s]),
      });

    const seeded: Array<{ id: string; seed: Seed }> = [];
    for (const seed of history) {
      const id = await created('/api/tickets', {
        title: seed.title,
        category: seed.category,
        suiteIds: (seed.suites ?? []).map((s) => ids[s]),
        deviceIds: (seed.devices ?? []).map((d) => ids[d]),
      });
      // Triage is the first response; a ticket nobody answered yet stays new.
      if (seed.respond !== undefined) {
        await api('POST', `/api/tickets/${id}/triage`, {
          priority: seed.priority,
          reason: 'set for the report e2e',
        });
        await api('POST', `/api/tickets/${id}/transition`, { to: 'in_progress' });
      }
      if (seed.resolve !== undefined)
        await api('POST', `/api/tickets/${id}/transition`, {
          to: 'resolved',
          resolution: 'Fixed and checked with the suite.',
        });
      else if (seed.end === 'waiting_vendor')
        await api('POST', `/api/tickets/${id}/transition`, {
          to: 'waiting_vendor',
          note: 'Card sent back to the vendor',
        });
      seeded.push({ id, seed });
    }
    await server.stop();
    await backdate(seeded);
    server = await startServer({ ...dashboard, ...env });
    cookie = await adminSession(server.url, password);

    // A live fault for the alarm page's runbook panel: an HTTP check on the RAID that times out.
    const probe = await api<{ probe: { id: string }; token: string }>('POST', '/api/probes', {
      name: 'e2e-probe',
    });
    const check = await created('/api/checks', {
      deviceId: ids['Areca RAID 2'],
      kind: 'http',
      intervalS: 60,
      config: { url: 'http://192.0.2.50/status' },
      probeId: probe.probe.id,
    });
    const posted = await fetch(`${server.url}/api/probe/results`, {
      method: 'POST',
      headers: { authorization: `Bearer ${probe.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        results: [
          {
            checkId: check,
            status: 'critical',
            message: 'connection timed out after 5 s',
            at: new Date().toISOString(),
            durationMs: 40,
            readings: [],
          },
        ],
      }),
    });
    expect(posted.status, await posted.text()).toBe(200);
    const faults = await api<Array<{ id: string; condition: string; deviceName: string }>>(
      'GET',
      '/api/faults?state=all',
    );
    const raid = faults.find((f) => f.deviceName === 'Areca RAID 2');
    if (!raid) throw new Error(`no fault on the RAID: ${JSON.stringify(faults)}`);
    Object.assign(fault, { id: raid.id, condition: raid.condition });

    browser = await launchChromium();
    mkdirSync(join(root, 'docs'), { recursive: true });
    console.log(`e2e screenshots: ${shots}`);
  });
  afterEach(() => {
    expect(consoleErrors.splice(0), 'browser console errors').toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('lets an admin edit the matrix and the calendar, and names a bad span', async () => {
    const admin = await open('admin', password);
    await admin.getByRole('link', { name: 'Settings' }).click();
    await admin.getByRole('heading', { name: 'Helpdesk settings' }).waitFor();
    const cell = admin.getByLabel('Impact low, urgency low');
    await expect.poll(() => cell.inputValue(), { timeout: 10_000 }).toBe('5');

    // Low impact, low urgency becomes P4; Monday stays open until 20:00.
    await cell.selectOption('4');
    await admin.getByLabel('Monday span 1 closes').fill('20');
    await admin.getByLabel('Monday span 1 closes').blur();
    expect(await admin.getByLabel('Monday span 1 closes').inputValue()).toBe('20:00');
    // P3's resolution target: a business day of 9 h becomes 10 h 30 min.
    await admin.getByLabel('P3 resolution hours').fill('10');
    await admin.getByLabel('P3 resolution minutes').fill('30');
    await expect
      .poll(() =>
        admin.locator('[data-priority-row="3"] [data-testid="duration-text"]').allTextContents(),
      )
      .toEqual(['2 h', '10 h 30 min']);
    await admin.getByRole('button', { name: 'Save settings' }).click();
    await admin
      .getByRole('status')
      .filter({ hasText: /^Saved at/ })
      .waitFor({ timeout: 10_000 });
    const stored = await api<{
      matrix: { low: { low: number } };
      calendar: { week: string[][][] };
      sla: Record<string, { resolutionMinutes: number }>;
    }>('GET', '/api/helpdesk/settings');
    expect(stored.matrix.low.low).toBe(4);
    expect(stored.calendar.week[0]).toEqual([['09:00', '20:00']]);
    expect(stored.sla['3']!.resolutionMinutes).toBe(630);

    // Wednesday closing before it opens: named beside the span as typed, and by the server.
    await admin.getByLabel('Wednesday span 1 closes').fill('08:00');
    const spanError = admin.locator('[data-day="2"] [data-testid="span-error"]');
    await spanError.waitFor();
    expect(await spanError.textContent()).toBe('end 08:00 is not after start 09:00');
    expect(await admin.getByLabel('Wednesday span 1 closes').getAttribute('aria-invalid')).toBe(
      'true',
    );
    await admin.getByRole('button', { name: 'Save settings' }).click();
    const refusal = admin.getByTestId('save-bar').getByRole('alert');
    await expect
      .poll(() => refusal.textContent(), { timeout: 10_000 })
      .toBe('body.calendar.week[2][0]: end 08:00 is not after start 09:00');
    expectRefusals(/400/);
    expect((await api<typeof stored>('GET', '/api/helpdesk/settings')).calendar.week[2]).toEqual([
      ['09:00', '18:00'],
    ]);
    await shot(admin, 'settings-bad-span.png');

    // 24/7 fills every day; Discard goes back to what is stored.
    await admin.getByRole('button', { name: '24/7' }).click();
    await expect.poll(() => admin.locator('[data-testid="calendar-week"] input').count()).toBe(14);
    await admin.getByRole('button', { name: 'Discard', exact: true }).click();
    await expect.poll(() => admin.getByLabel('Wednesday span 1 closes').inputValue()).toBe('18:00');
    await shot(admin, 'settings.png');
    await admin.context().close();
  });

  it('shows a manager the figures for the period, and exports each list as CSV', async () => {
    const manager = await open('mira');
    const report = manager.waitForResponse((r) => r.url().includes('/api/reports/helpdesk?'));
    await manager.getByRole('link', { name: 'Reports' }).click();
    const json = (await (await report).json()) as HelpdeskReport;
    const want = expected(30);
    expect(json.mtta).toEqual(want.mtta);
    expect(json.mttr).toMatchObject(want.mttr);

    const figure = (id: string) => manager.getByTestId(id).locator('.value');
    await expect.poll(() => figure('mtta').textContent()).toBe(durationText(want.mtta.minutes));
    await expect.poll(() => figure('mttr').textContent()).toBe(durationText(want.mttr.minutes));
    expect(await manager.getByTestId('mtta').textContent()).toContain(
      `over ${want.mtta.count} tickets`,
    );
    expect(await manager.getByTestId('backlog-total').locator('.value').textContent()).toBe(
      String(json.backlog.totals.total),
    );
    // The backlog: an age band per row, a column per priority; the old label printer is 30+ days.
    const backlog = manager.getByTestId('backlog');
    const bands = await backlog.locator('tbody th').allTextContents();
    expect(bands).toEqual(json.backlog.buckets.map((b) => b.age));
    const oldest = backlog.locator('tbody tr').last();
    expect(await oldest.locator('td').nth(4).textContent()).toBe('1');
    // SLA attainment per priority, each with the server's own figure.
    const sla = manager.getByTestId('sla');
    for (const row of json.sla.filter((r) => r.attainment !== null)) {
      const pct = `${Math.round(row.attainment! * 1000) / 10}`;
      expect(await sla.locator(`tr[data-priority="${row.priority}"]`).textContent()).toContain(
        `${pct} %`,
      );
    }
    const suites = manager.getByTestId('per-suite').locator('tbody tr');
    expect(await suites.count()).toBe(json.perSuite.length);
    expect(json.perSuite.map((s) => s.suiteName)).toContain('Edit 3');
    expect(await manager.getByTestId('per-device-kind').textContent()).toContain('Storage');
    await shot(manager, 'reports.png');
    await manager.setViewportSize({ width: 1440, height: 1000 });
    await shot(manager, '', join(root, 'docs', 'reports.png'));

    // Each list-shaped part downloads as the server's CSV.
    for (const [what, file, header] of [
      [
        'SLA attainment',
        /^sla-\d{4}-\d\d-\d\d\.csv$/,
        'measure,priority,withTarget,met,breached,attainment',
      ],
      ['the backlog', /^backlog-\d{4}-\d\d-\d\d\.csv$/, 'age,minDays,maxDays,p1,p2,p3,p4,p5,total'],
      ['tickets per suite', /^per-suite-\d{4}-\d\d-\d\d\.csv$/, 'suiteId,suiteName,count,open'],
    ] as const) {
      const [download] = await Promise.all([
        manager.waitForEvent('download'),
        manager.getByRole('button', { name: `Export ${what} as CSV` }).click(),
      ]);
      expect(download.suggestedFilename()).toMatch(file);
      const csv = readFileSync(await download.path(), 'utf8').split('\r\n');
      expect(csv[0]).toBe(header);
    }

    // A custom period: sixty days back takes in the quota warning resolved 45 days ago.
    const custom = manager.waitForResponse(
      (r) => r.url().includes('/api/reports/helpdesk?') && r.status() === 200,
    );
    await manager.getByRole('button', { name: 'Custom' }).click();
    await custom;
    const day = (daysAgo: number) =>
      new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
    await manager.getByLabel('First day').fill(day(60));
    await manager.getByLabel('Last day').fill(day(0));
    const sixty = manager.waitForResponse(
      (r) => r.url().includes('/api/reports/helpdesk?') && r.status() === 200,
    );
    await manager.getByRole('button', { name: 'Apply' }).click();
    expect(((await (await sixty).json()) as HelpdeskReport).mttr.count).toBe(
      expected(60).mttr.count,
    );
    await expect
      .poll(() => manager.getByTestId('mttr').textContent())
      .toContain(`over ${expected(60).mttr.count} tickets`);
    await manager.context().close();
  });

  it('lets an engineer open a problem, link incidents and close it, leaving them open', async () => {
    const monitor = await api<Ticket>('POST', '/api/tickets', {
      title: 'Grade 2 client monitor shows banding in dark gradients',
      category: 'picture',
      suiteIds: [ids['Grade 2']],
    });
    const other = await api<Ticket>('POST', '/api/tickets', {
      title: 'Grade 1 client monitor banding after the LUT box swap',
      category: 'picture',
      suiteIds: [ids['Grade 1']],
    });

    const engineer = await open('priya');
    await engineer.getByRole('link', { name: 'Problems' }).click();
    await engineer.getByRole('heading', { name: 'Problems', level: 1 }).waitFor();
    await engineer
      .getByLabel('Title', { exact: true })
      .fill('Client monitors band after LUT box firmware 3.2');
    await engineer
      .getByLabel('What goes wrong, and where')
      .fill('Banding in dark gradients on every client monitor fed through the new LUT boxes.');
    await engineer.getByRole('button', { name: 'Open problem' }).click();
    await engineer.waitForURL(/#\/problems\/[0-9a-f-]{36}$/, { timeout: 10_000 });
    const problemId = /#\/problems\/([0-9a-f-]{36})$/.exec(engineer.url())![1]!;
    await engineer.getByRole('heading', { name: /Client monitors band/ }).waitFor();

    // One by its number, one picked from a search on its words.
    const field = engineer.getByTestId('link-ticket-input');
    await field.fill(`#${monitor.number}`);
    await engineer.getByRole('button', { name: `Link #${monitor.number}` }).click();
    const rows = engineer.getByTestId('incident-row');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(1);
    await field.fill('LUT box swap');
    const match = engineer
      .getByTestId('ticket-matches')
      .getByRole('button', { name: `Link #${other.number}` });
    await match.click({ timeout: 10_000 });
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(2);
    expect(await rows.first().locator('a').getAttribute('href')).toMatch(/^#\/tickets\//);

    // The root cause goes on the record.
    await engineer
      .getByLabel('Root cause analysis')
      .fill('Firmware 3.2 truncates to 8 bits when the box runs a 33-point LUT.');
    await engineer.getByLabel('Workaround').fill('Load the 17-point LUT until the fix ships.');
    await engineer.getByRole('button', { name: 'Save record' }).click();
    await engineer.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();

    // One incident is fixed; closing the problem leaves the other one open.
    await api('POST', `/api/tickets/${other.id}/transition`, { to: 'in_progress' });
    await api('POST', `/api/tickets/${other.id}/transition`, {
      to: 'resolved',
      resolution: 'Rolled the LUT box back to 3.1',
    });
    await expect
      .poll(() => engineer.getByTestId('open-incidents').textContent(), { timeout: 10_000 })
      .toContain('1 open');
    await engineer.getByRole('button', { name: 'Close problem' }).click();
    const note = engineer.getByTestId('status-note');
    await note.waitFor({ timeout: 10_000 });
    expect(await note.textContent()).toContain('Problem closed. 1 incident stays open');
    expect(await engineer.locator('header [data-testid="problem-status"]').textContent()).toBe(
      'Closed',
    );
    expect((await api<Ticket>('GET', `/api/tickets/${monitor.id}`)).status).toBe('new');
    const problem = await api<{ status: string; openIncidents: number }>(
      'GET',
      `/api/problems/${problemId}`,
    );
    expect(problem).toMatchObject({ status: 'closed', openIncidents: 1 });
    expect(await rows.count()).toBe(2);
    await shot(engineer, 'problem.png');

    await engineer.getByRole('link', { name: 'Problems', exact: true }).first().click();
    await engineer.getByTestId('problem-row').first().waitFor();
    await shot(engineer, 'problems.png');
    await engineer.context().close();
  });

  it('renders a runbook with a script in it as inert text, and offers it on the alarm', async () => {
    const engineer = await open('priya');
    await engineer.getByRole('link', { name: 'Runbooks' }).click();
    await engineer.getByRole('heading', { name: 'Runbooks', level: 1 }).waitFor();
    await engineer.getByLabel('Title', { exact: true }).fill('RAID controller unreachable');
    await engineer
      .getByLabel('Steps (Markdown)')
      .fill(
        [
          '## Check the controller',
          '',
          '1. Ping the **Areca** management port.',
          '2. If it answers, restart the web UI from the front panel.',
          '',
          '<script>window.e2ePwned = 1</script>',
          '',
          '<img src="x" onerror="window.e2ePwned = 2">',
          '',
          '| Symptom | Action |',
          '|---|---|',
          '| No ping | Check the switch port |',
        ].join('\n'),
      );
    await engineer.getByLabel('Fault conditions').fill(fault.condition);
    await engineer.getByLabel('Fault conditions').press('Enter');
    await engineer.getByLabel('Device kinds').fill('raid');
    await engineer.getByLabel('Device kinds').press('Enter');
    await engineer.getByLabel('Device kinds').fill('toaster');
    await engineer.getByLabel('Device kinds').press('Enter');
    expect(
      await engineer.getByTestId('runbook-kinds-chips').getByTestId('chip').allTextContents(),
    ).toEqual(['raid×']);
    await engineer.getByRole('button', { name: 'Create runbook' }).click();
    await engineer.waitForURL(/#\/runbooks\/[0-9a-f-]{36}$/, { timeout: 10_000 });

    const body = engineer.getByTestId('runbook-body');
    await body.waitFor();
    expect(await body.locator('script').count()).toBe(0);
    expect(await body.locator('img').count()).toBe(0);
    expect(await body.locator('[onerror]').count()).toBe(0);
    expect(await body.getByRole('heading', { name: 'Check the controller' }).count()).toBe(1);
    expect(await body.locator('table td').first().textContent()).toBe('No ping');
    const text = await body.innerText();
    expect(text).toContain('<script>window.e2ePwned = 1</script>');
    expect(text).toContain('<img src="x" onerror="window.e2ePwned = 2">');
    expect(await engineer.evaluate(() => (globalThis as { e2ePwned?: number }).e2ePwned)).toBe(
      undefined,
    );
    await shot(engineer, 'runbook.png');

    // Editing shows the saved rendering beside the Markdown.
    await engineer.getByRole('link', { name: 'Edit', exact: true }).click();
    await engineer.getByLabel('Steps (Markdown)').waitFor();
    await shot(engineer, 'runbook-edit.png');

    // The alarm on the RAID offers it.
    await engineer.goto(`${server.url}/#/alarms/${fault.id}`);
    const panel = engineer.getByTestId('alarm-runbooks');
    await panel.getByRole('link', { name: 'RAID controller unreachable' }).waitFor({
      timeout: 10_000,
    });
    expect(await panel.textContent()).toContain('matches its condition, device kind');
    await shot(engineer, 'alarm-runbooks.png');
    await engineer.context().close();
  });

  it('shows a junior the settings read-only and no reports', async () => {
    const junior = await open('sam');
    expect(await junior.getByRole('link', { name: 'Reports' }).count()).toBe(0);
    await junior.getByRole('link', { name: 'Settings' }).click();
    await junior.getByTestId('read-only').waitFor();
    expect(await junior.getByRole('button', { name: 'Save settings' }).count()).toBe(0);
    expect((await junior.locator('[data-cell="low-low"]').textContent())?.trim()).toBe('P4');
    expect(await junior.locator('[data-day="0"]').textContent()).toContain('09:00–20:00');
    await shot(junior, 'settings-read-only.png');
    await junior.goto(`${server.url}/#/reports`);
    await junior.getByText('Helpdesk reports are for engineers, managers and admins').waitFor();
    await junior.context().close();
  });
});
