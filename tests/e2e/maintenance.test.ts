import { join } from 'node:path';
import { DateTime } from 'luxon';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildDashboard } from '../helpers/dashboard-build.ts';
import { adminSession, launchChromium, openDesk, shotsDir } from '../helpers/e2e.ts';
import { startServer, type ServerProcess } from '../helpers/server-process.ts';
import { requestJson } from '../helpers/session-api.ts';
import { describeWith, parts } from '../helpers/system.ts';

const password = 'maintenance-e2e-password';
const userPassword = 'a-long-password-for-e2e';
const london = 'Europe/London';
const hour = 3_600_000;

interface WorkOrder {
  id: string;
  number: number;
  status: string;
  scheduledStart: string | null;
  scheduledEnd: string | null;
}

/**
 * The manager's side of planned maintenance: the schedule shows the calibration placed around a
 * client's grade sign-off (and warns that the sign-off has no recent calibration), and the report
 * counts the work that fell due. The junior's and the engineer's side is work-orders.test.ts.
 */
describeWith([parts.chromium], 'maintenance schedule and report in headless Chromium', () => {
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;
  let cookie: string;
  let planned: WorkOrder;
  let bookingStart: string;
  const consoleErrors: string[] = [];
  const shots = shotsDir();
  const shot = async (name: string) => {
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: join(shots, name), fullPage: true });
  };

  const api = <T>(method: string, path: string, body?: unknown) =>
    requestJson<T>(server.url, cookie, method, path, body);
  const created = async (path: string, body: unknown) =>
    (await api<{ id: string }>('POST', path, body)).id;

  beforeAll(async () => {
    const dashboard = buildDashboard();
    server = await startServer({ ...dashboard, SUITEWATCH_ADMIN_PASSWORD: password });
    cookie = await adminSession(server.url, password);

    await created('/api/users', {
      username: 'maria',
      displayName: 'Maria Lopez',
      password: userPassword,
      role: 'manager',
    });
    const site = await created('/api/sites', { name: 'Soho', timezone: london });
    const room = await created('/api/rooms', { name: 'Grading floor', siteId: site });
    const grade1 = await created('/api/suites', { name: 'Grade 1', roomId: room, kind: 'grading' });
    const monitor = await created('/api/devices', {
      name: 'X310 G1',
      kind: 'display',
      suiteIds: [grade1],
    });

    // The client approves the grade tomorrow, 09:00–18:00 in London.
    const tomorrow = DateTime.now().setZone(london).plus({ days: 1 }).startOf('day');
    bookingStart = tomorrow.set({ hour: 9 }).toUTC().toISO()!;
    await created('/api/bookings', {
      suiteId: grade1,
      client: 'Northlight Pictures',
      project: 'The Long Field',
      startsAt: bookingStart,
      endsAt: tomorrow.set({ hour: 18 }).toUTC().toISO()!,
      signoff: 'grade',
    });

    // A quarterly calibration that falls due in two days: made at once (lead time 7 days) and
    // placed in the maintenance hours, clear of the session.
    const templates = await api<Array<{ id: string; name: string }>>(
      'GET',
      '/api/calibration-templates',
    );
    const sdr = templates.find((t) => /SDR/.test(t.name));
    if (!sdr) throw new Error('no seeded SDR calibration template');
    const plan = await created('/api/pm-plans', {
      title: 'Calibrate X310 G1',
      deviceId: monitor,
      every: { count: 3, unit: 'month' },
      schedule: 'fixed',
      startsOn: new Date(Date.now() + 2 * 24 * hour).toISOString(),
      leadDays: 7,
      durationMin: 90,
      calibrationTemplateId: sdr.id,
    });
    const orders = await api<WorkOrder[]>('GET', `/api/work-orders?planId=${plan}`);
    if (orders.length !== 1) throw new Error(`the plan made ${orders.length} work orders`);
    planned = orders[0]!;

    // Last week's filter clean, done the day before it fell due: the report's one on-time job.
    const clean = await created('/api/work-orders', {
      type: 'preventive',
      title: 'Clean G1 projector filters',
      deviceId: monitor,
      dueAt: new Date(Date.now() - 2 * 24 * hour).toISOString(),
      durationMin: 30,
    });
    await api('POST', `/api/work-orders/${clean}/transition`, { to: 'in_progress' });
    await api('POST', `/api/work-orders/${clean}/transition`, {
      to: 'done',
      completedAt: new Date(Date.now() - 3 * 24 * hour).toISOString(),
    });

    browser = await launchChromium();
    page = await openDesk(browser, server.url, 'maria', userPassword, {
      viewport: { width: 1400, height: 900 },
      timezoneId: london,
      errors: consoleErrors,
    });
    // The first visit asks who is logged in and hears 401: that is the login page, not an error.
    consoleErrors.length = 0;
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('places the calibration clear of the client session, in the maintenance hours', async () => {
    expect(planned.status).toBe('scheduled');
    expect(planned.scheduledStart).not.toBeNull();
    const start = Date.parse(planned.scheduledStart!);
    const end = Date.parse(planned.scheduledEnd!);
    const sessionStart = Date.parse(bookingStart);
    // Either wholly before the session or wholly after it ends, nine hours later.
    expect(end <= sessionStart || start >= sessionStart + 9 * hour).toBe(true);
    // The default maintenance hours: weeknights 19:00–08:00 and weekends, in the facility's zone.
    const settings = await api<{ hours: { timezone: string } }>('GET', '/api/maintenance/settings');
    const local = DateTime.fromMillis(start, { zone: settings.hours.timezone });
    expect(local.weekday >= 6 || local.hour >= 19 || local.hour < 8).toBe(true);
  });

  it('shows the week with the session, the planned calibration and the sign-off warning', async () => {
    await page.getByRole('link', { name: 'Schedule' }).click();
    const grid = page.getByTestId('schedule-grid');
    await grid.waitFor({ timeout: 10_000 });
    expect(await grid.getAttribute('data-view')).toBe('week');
    const block = page.getByTestId(`wo-${planned.number}`).first();
    await block.waitFor({ timeout: 10_000 });
    expect(await block.textContent()).toContain('Calibrate X310 G1');
    const session = page.getByTestId('booking').filter({ hasText: 'Northlight' }).first();
    await session.waitFor();
    // The grade is approved on a monitor nobody has calibrated: the gate warns on the booking.
    expect(await page.getByTestId('schedule-summary').textContent()).toMatch(/sign-off/i);
    // A manager reads the schedule; moving work is an engineer's.
    expect(await page.getByRole('button', { name: `Move WO-${planned.number}` }).count()).toBe(0);
    await shot('schedule-week.png');

    await page.getByRole('button', { name: 'Month' }).click();
    await page.locator('[data-testid="schedule-grid"][data-view="month"]').waitFor();
    await page.getByTestId(`wo-${planned.number}`).first().waitFor();
    await shot('schedule-month.png');
  });

  it('opens the maintenance report with the on-time work counted', async () => {
    await page.getByRole('link', { name: 'Reports' }).click();
    await page.getByRole('link', { name: 'Maintenance' }).click();
    const compliance = page.getByTestId('pm-compliance');
    await compliance.waitFor({ timeout: 10_000 });
    // Twelve months, so the job done three days ago is inside the period on the 1st of a month.
    await page.getByRole('button', { name: 'Last 12 months' }).click();
    // One preventive job fell due and was done early: 1 of 1, on time. (The calibration is due
    // in two days; work still inside its grace is listed, not counted.)
    await expect
      .poll(async () => compliance.getByTestId('figure-value').textContent(), { timeout: 10_000 })
      .toMatch(/100\s*%/);
    expect(await page.getByTestId('trend-chart').count()).toBeGreaterThan(0);
    await page.getByTestId('suite-reliability').waitFor();
    expect(await page.getByTestId('suite-reliability').textContent()).toContain('Grade 1');
    await shot('maintenance-report.png');
    expect(consoleErrors).toEqual([]);
  });

  it("lets an admin change the digest hour, holding a wrong one back with the field's reason", async () => {
    const admin = await openDesk(browser, server.url, 'admin', password, {
      viewport: { width: 1400, height: 900 },
      timezoneId: london,
      errors: consoleErrors,
      who: 'admin',
    });
    // As for the manager: the first visit's 401 is the login page, not an error.
    consoleErrors.length = 0;
    await admin.goto(`${server.url}/#/plans`);
    const form = admin.getByTestId('maintenance-hours');
    const hour = form.getByLabel('Send the due-work digest at (hour)');
    await hour.waitFor({ timeout: 10_000 });
    const save = form.getByRole('button', { name: 'Save maintenance hours' });
    await hour.fill('30');
    await form
      .getByText(/Digest hour: a local hour, 0 to 23/)
      .first()
      .waitFor();
    expect(await save.isDisabled()).toBe(true);
    await hour.fill('6');
    await save.click();
    await form
      .getByRole('status')
      .filter({ hasText: /^Saved at/ })
      .waitFor({ timeout: 10_000 });
    const settings = await api<{ digestHour: number }>('GET', '/api/maintenance/settings');
    expect(settings.digestHour).toBe(6);
    await admin.screenshot({ path: join(shots, 'maintenance-hours.png'), fullPage: true });
    await admin.context().close();
    expect(consoleErrors, consoleErrors.join('\n')).toEqual([]);
  });
});
