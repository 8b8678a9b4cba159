import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { buildDashboard } from '../helpers/dashboard-build.ts';
import { adminSession, launchChromium, openDesk, shotsDir } from '../helpers/e2e.ts';
import { startServer, type ServerProcess } from '../helpers/server-process.ts';
import { requestJson } from '../helpers/session-api.ts';
import { describeWith, parts } from '../helpers/system.ts';

const password = 'work-orders-e2e-password';
const userPassword = 'a-long-password-for-e2e';
const london = 'Europe/London';
const hour = 3_600_000;
const day = 24 * hour;

/** A real PNG of 75% colour bars, for the photo step: big enough to see on the page. */
function colourBars(width = 168, height = 96): Buffer {
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Buffer) => {
    let c = 0xffffffff;
    for (const b of bytes) c = table[(c ^ b) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bits per sample
  header[9] = 2; // RGB
  const bars = [
    [191, 191, 191],
    [191, 191, 0],
    [0, 191, 191],
    [0, 191, 0],
    [191, 0, 191],
    [191, 0, 0],
    [0, 0, 191],
  ];
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const bar = bars[Math.floor((x * bars.length) / width)]!;
      rows.set(bar, y * (width * 3 + 1) + 1 + x * 3);
    }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

interface Step {
  id: string;
  key?: string;
  label: string;
  ticketId?: string | null;
}
interface WorkOrder {
  id: string;
  number: number;
  title: string;
  status: string;
  steps: Step[];
  completedBy: string | null;
  completedById: string | null;
  reviewedBy: string | null;
  passed: boolean | null;
}

describeWith([parts.chromium], 'work orders in headless Chromium', () => {
  let server: ServerProcess;
  let browser: Browser;
  let cookie: string;
  let junior: Page;
  let engineer: Page;
  const ids = { sam: '', monitor: '', order: '', ticket: '' };
  let stage = 0;
  const consoleErrors: string[] = [];
  const shots = shotsDir();
  const shot = async (page: Page, name: string) => {
    await page.evaluate('window.scrollTo(0, 0)');
    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(shots, name), fullPage: true });
  };

  const api = <T>(method: string, path: string, body?: unknown) =>
    requestJson<T>(server.url, cookie, method, path, body);
  const created = async (path: string, body: unknown) =>
    (await api<{ id: string }>('POST', path, body)).id;
  const orderNow = () => api<WorkOrder>('GET', `/api/work-orders/${ids.order}`);
  const title = 'Grade 1 monitor calibration';
  const statusOf = (page: Page) =>
    page.locator('header [data-testid="work-order-status"]').first().textContent();
  const stepOf = (page: Page, label: string) =>
    page.locator('[data-testid="step"]', {
      has: page.getByText(label, { exact: true }),
    });

  async function open(role: 'junior' | 'engineer', username: string): Promise<Page> {
    const page = await openDesk(browser, server.url, username, userPassword, {
      viewport: { width: 1440, height: 900 },
      timezoneId: london,
      errors: consoleErrors,
      who: role,
    });
    // A step that cannot find its element fails naming it, well inside the test's own timeout.
    page.setDefaultTimeout(15_000);
    return page;
  }

  beforeAll(async () => {
    const dashboard = buildDashboard();
    server = await startServer({ ...dashboard, SUITEWATCH_ADMIN_PASSWORD: password });
    cookie = await adminSession(server.url, password);

    ids.sam = await created('/api/users', {
      username: 'sam',
      displayName: 'Sam Okafor',
      password: userPassword,
      role: 'junior',
    });
    await created('/api/users', {
      username: 'priya',
      displayName: 'Priya Nair',
      password: userPassword,
      role: 'engineer',
    });

    // Grade 1's reference monitor, and the machine room's storage beside it.
    const site = await created('/api/sites', { name: 'Soho', timezone: london });
    const room = await created('/api/rooms', { name: 'Grading floor', siteId: site });
    const grade1 = await created('/api/suites', {
      name: 'Grade 1',
      roomId: room,
      kind: 'grading',
    });
    ids.monitor = await created('/api/devices', {
      name: 'X310 Grade 1',
      kind: 'display',
      suiteIds: [grade1],
    });
    const nexis = await created('/api/devices', { name: 'NEXIS E4', kind: 'storage' });
    await created('/api/bookings', {
      suiteId: grade1,
      client: 'Northlight',
      project: 'The Long Field',
      startsAt: new Date(Date.now() - hour).toISOString(),
      endsAt: new Date(Date.now() + 3 * hour).toISOString(),
    });

    // The seeded SDR template: six readings, each against nominal ± tolerance.
    const templates = await api<Array<{ id: string; name: string }>>(
      'GET',
      '/api/calibration-templates',
    );
    const sdr = templates.find((t) => t.name.startsWith('SDR grading monitor'));
    if (!sdr) throw new Error('the SDR grading monitor template is not seeded');
    const plan = await created('/api/pm-plans', {
      title,
      deviceId: ids.monitor,
      every: { count: 1, unit: 'month' },
      startsOn: new Date(Date.now() + 2 * day).toISOString(),
      timezone: london,
      leadDays: 7,
      durationMin: 60,
      assigneeId: ids.sam,
      calibrationTemplateId: sdr.id,
      required: true,
      steps: [
        { label: 'Screen clean and free of marks', kind: 'check', required: true },
        { label: 'Photo of the probe on the screen', kind: 'photo', required: false },
      ],
    });
    const orders = await api<WorkOrder[]>('GET', `/api/work-orders?planId=${plan}`);
    expect(orders).toHaveLength(1);
    ids.order = orders[0]!.id;

    // Other work on the list: overdue filters nobody has taken, and a job due next week.
    await created('/api/work-orders', {
      type: 'preventive',
      title: 'NEXIS E4: clean the dust filters',
      deviceId: nexis,
      dueAt: new Date(Date.now() - 2 * day).toISOString(),
      durationMin: 30,
    });
    await created('/api/work-orders', {
      type: 'corrective',
      title: 'Grade 1: replace the worn desk fader',
      suiteId: grade1,
      dueAt: new Date(Date.now() + 5 * day).toISOString(),
      durationMin: 90,
      steps: [{ label: 'Fader travels cleanly', kind: 'check', required: true }],
    });

    browser = await launchChromium();
    junior = await open('junior', 'sam');
    engineer = await open('engineer', 'priya');
    // A first visit asks who is logged in and hears 401: that is the login page, not an error.
    consoleErrors.splice(0);
    mkdirSync(shots, { recursive: true });
    console.log(`e2e screenshots: ${shots}`);
  });
  afterEach(async ({ task }) => {
    // A failed step leaves a picture of both desks, to see what the page said instead.
    if (task.result?.state === 'fail') {
      if (junior) await shot(junior, `failed-${task.name.slice(0, 30)}-junior.png`);
      if (engineer) await shot(engineer, `failed-${task.name.slice(0, 30)}-engineer.png`);
    }
    expect(consoleErrors.splice(0), 'browser console errors').toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('lists the junior’s work with counts, and opens it from #/work', async () => {
    await junior.getByRole('link', { name: 'Work orders', exact: true }).click();
    await junior.getByRole('heading', { name: 'Work orders', level: 1 }).waitFor();
    // A junior lands on their own work: one calibration, assigned to them.
    const mine = junior.getByRole('link', { name: /^Mine/ });
    expect(await mine.getAttribute('aria-current')).toBe('page');
    await expect.poll(() => mine.getByTestId('tab-count').textContent()).toBe('1');
    const overdue = junior.getByRole('link', { name: /^Overdue/ });
    expect(await overdue.getByTestId('tab-count').textContent()).toBe('1');
    expect(await junior.getByRole('link', { name: /^All open/ }).textContent()).toContain('3');
    const row = junior.locator('[data-testid="work-order-row"]', { hasText: title });
    await row.waitFor();
    expect(await junior.getByTestId('work-order-row').count()).toBe(1);
    expect(await row.textContent()).toContain('X310 Grade 1');
    expect(await row.textContent()).toContain('Sam Okafor');
    expect(await row.getByTestId('due').textContent()).toMatch(/^due soon · in \d+ (h|d)$/);
    expect(await row.getByTestId('work-order-status').textContent()).toBe('Scheduled');
    await shot(junior, 'w1-junior-list.png');

    // The whole open list shows the overdue filters in red words.
    await junior.getByRole('link', { name: /^All open/ }).click();
    const filters = junior.locator('[data-testid="work-order-row"]', { hasText: 'dust filters' });
    expect(await filters.getByTestId('due').textContent()).toBe('overdue by 2 d');
    expect(await filters.getByTestId('due').getAttribute('data-due-state')).toBe('overdue');

    await junior.getByRole('link', { name: title }).click();
    await junior.waitForURL(new RegExp(`#/work/${ids.order}$`));
    await junior.getByRole('heading', { name: title, level: 1 }).waitFor();
    expect(await statusOf(junior)).toBe('Scheduled');
    expect(await junior.getByTestId('work-order-assignee').textContent()).toContain('Sam Okafor');
    // Placed after the client's session, never on it.
    expect(await junior.getByTestId('work-order-slot').textContent()).toMatch(/\d\d:\d\d–/);
    stage = 1;
  });

  it('is started, read, and opens a corrective ticket for the reading out of tolerance', async ({
    skip,
  }) => {
    if (stage < 1) skip('the work order did not open');
    await junior.getByRole('button', { name: 'Start', exact: true }).click();
    await expect.poll(() => statusOf(junior)).toBe('In progress');

    const white = stepOf(junior, 'Peak white luminance');
    expect(await white.getByTestId('step-target').textContent()).toBe('100 ± 3 cd/m²');
    const readings: Array<[string, string, string]> = [
      ['EOTF gamma', '2.41', 'in tolerance'],
      ['Peak white luminance', '112', 'out of tolerance'],
      ['White point x (D65)', '0,3126', 'in tolerance'],
      ['White point y (D65)', '0.3291', 'in tolerance'],
      ['Mean ΔE2000 over the patch set', '0.6', 'in tolerance'],
      ['Surround luminance', '10', 'in tolerance'],
    ];
    for (const [label, value, verdict] of readings) {
      const input = junior.getByLabel(label, { exact: true });
      await input.fill(value);
      await input.press('Enter');
      // The server's judgement shows as soon as the value is saved.
      await expect
        .poll(() => stepOf(junior, label).getByTestId('step-verdict').textContent(), {
          timeout: 5_000,
        })
        .toBe(verdict);
    }
    expect(await white.getByTestId('step-value').textContent()).toBe('112 cd/m²');
    const link = white.getByTestId('step-ticket');
    await expect
      .poll(() => link.textContent(), { timeout: 5_000 })
      .toMatch(/Corrective ticket #\d+ opened/);
    const order = await orderNow();
    ids.ticket = order.steps.find((s) => s.key === 'white_luminance')!.ticketId!;
    expect(await link.getByRole('link').getAttribute('href')).toBe(`#/tickets/${ids.ticket}`);
    // Only the out-of-tolerance reading opened one.
    expect(order.steps.filter((s) => s.ticketId)).toHaveLength(1);
    expect(await junior.getByTestId('work-order-tickets').textContent()).toContain(
      'Peak white luminance: measured 112 cd/m² against 100 ± 3 cd/m²',
    );

    // A photo of the probe, shown on the step.
    await junior.getByLabel('Photo for Photo of the probe on the screen').setInputFiles({
      name: 'probe.png',
      mimeType: 'image/png',
      buffer: colourBars(),
    });
    const photo = stepOf(junior, 'Photo of the probe on the screen').getByTestId('step-photo');
    await photo.waitFor({ timeout: 5_000 });
    await expect
      .poll(() =>
        photo.evaluate((img) => {
          // Loaded and decoded: the server's bytes are a real picture, not a broken icon.
          const loaded = img as unknown as { complete: boolean; naturalWidth: number };
          return loaded.complete ? loaded.naturalWidth : 0;
        }),
      )
      .toBe(168);
    await shot(junior, 'w2-readings.png');

    // The junior follows the link to the ticket the reading opened.
    await link.getByRole('link').click();
    await junior.waitForURL(new RegExp(`#/tickets/${ids.ticket}$`));
    await junior
      .getByRole('heading', { name: /Peak white luminance: measured 112 cd\/m²/ })
      .waitFor({ timeout: 10_000 });
    expect(await junior.getByText('X310 Grade 1').count()).toBeGreaterThan(0);
    // And the ticket links back to the work order that opened it.
    expect(
      await junior.getByTestId('ticket-work-order').getByRole('link').getAttribute('href'),
    ).toBe(`#/work/${ids.order}`);
    await shot(junior, 'w3-ticket.png');
    await junior.goBack();
    await junior.getByRole('heading', { name: title, level: 1 }).waitFor();
    stage = 2;
  });

  it('refuses completion with a required step empty, then goes to review', async ({ skip }) => {
    if (stage < 2) skip('the readings were not entered');
    await junior.getByRole('button', { name: 'Complete…' }).click();
    const form = junior.getByTestId('complete-form');
    expect(await form.textContent()).toContain(
      'Still empty and required: Screen clean and free of marks.',
    );
    await form.getByRole('button', { name: 'Complete', exact: true }).click();
    // The server's own words, next to the form.
    const refusal = junior.getByTestId('work-order-actions').getByRole('alert');
    await expect
      .poll(() => refusal.textContent(), { timeout: 5_000 })
      .toMatch(/required steps are empty: s7 Screen clean and free of marks/);
    // That 400 was the point; nothing else may have failed.
    const expected = consoleErrors.filter((e) => /400|Bad Request/.test(e));
    expect(expected.length).toBeGreaterThan(0);
    for (const e of expected) consoleErrors.splice(consoleErrors.indexOf(e), 1);
    await shot(junior, 'w4-refused.png');

    await stepOf(junior, 'Screen clean and free of marks')
      .getByRole('button', { name: 'Pass' })
      .click();
    await expect
      .poll(() =>
        stepOf(junior, 'Screen clean and free of marks').getByTestId('step-verdict').textContent(),
      )
      .toBe('pass');
    await expect.poll(() => form.textContent()).not.toContain('Still empty');
    await form.getByRole('button', { name: 'Complete', exact: true }).click();
    await expect.poll(() => statusOf(junior), { timeout: 5_000 }).toBe('Pending review');
    expect(await junior.getByText('Waiting for an engineer').count()).toBe(1);
    // Steps close once the work waits for review.
    expect(await junior.getByLabel('Surround luminance', { exact: true }).count()).toBe(0);
    const order = await orderNow();
    expect(order).toMatchObject({ status: 'pending_review', completedBy: 'sam', passed: false });
    await shot(junior, 'w5-pending.png');
    stage = 3;
  });

  it('is approved by an engineer from the review queue; the junior stays who did it', async ({
    skip,
  }) => {
    if (stage < 3) skip('the work order did not reach review');
    await engineer.getByRole('link', { name: 'Tickets', exact: true }).click();
    await engineer.getByRole('link', { name: 'Review', exact: true }).click();
    const queue = engineer.getByTestId('work-order-review');
    const row = queue.locator('[data-testid="work-order-row"]', { hasText: title });
    await row.waitFor({ timeout: 10_000 });
    expect(await queue.getByRole('heading').textContent()).toContain(
      'Work orders awaiting review (1)',
    );
    expect(await row.textContent()).toContain('Sam Okafor');
    await row.getByRole('checkbox').check();
    await shot(engineer, 'w6-review-queue.png');
    await queue.getByRole('button', { name: 'Approve', exact: true }).click();
    await queue.getByText('No completed work orders waiting for review.').waitFor({
      timeout: 10_000,
    });

    // The junior's page follows live.
    await expect.poll(() => statusOf(junior), { timeout: 10_000 }).toBe('Done');

    await engineer.goto(`${server.url}/#/work/${ids.order}`);
    await engineer.getByRole('heading', { name: title, level: 1 }).waitFor();
    expect(await statusOf(engineer)).toBe('Done');
    expect(await engineer.getByTestId('work-order-done-by').textContent()).toContain('Sam Okafor');
    expect(await engineer.getByTestId('work-order-reviewed-by').textContent()).toContain(
      'Priya Nair',
    );
    const kinds = await engineer
      .locator('[data-testid="timeline-entry"]')
      .evaluateAll((entries) => entries.map((e) => e.getAttribute('data-kind')));
    expect(kinds).toEqual(expect.arrayContaining(['ticket', 'attachment', 'review_approved']));
    const order = await orderNow();
    expect(order).toMatchObject({
      status: 'done',
      completedBy: 'sam',
      completedById: ids.sam,
      reviewedBy: 'priya',
    });
    await shot(engineer, 'w7-done.png');

    // The engineer's list: the done tab has it; the calibration no longer counts as open.
    await engineer
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Work orders', exact: true })
      .click();
    await engineer.getByRole('heading', { name: 'Work orders', level: 1 }).waitFor();
    const open = engineer.getByRole('link', { name: /^All open/ });
    await expect.poll(() => open.getByTestId('tab-count').textContent()).toBe('2');
    await shot(engineer, 'w8-engineer-list.png');
    await engineer.getByRole('link', { name: /^Done/ }).click();
    await engineer
      .locator('[data-testid="work-order-row"]', { hasText: title })
      .waitFor({ timeout: 5_000 });
    stage = 4;
  });

  it('lets an engineer make ad-hoc work, and move it onto a booking only with a reason', async ({
    skip,
  }) => {
    if (stage < 4) skip('the list did not load');
    await engineer.getByRole('button', { name: 'New work order' }).click();
    const form = engineer.getByRole('form', { name: 'New work order' });
    const adHoc = 'Grade 1: re-run the client monitor SDI cable';
    await form.getByLabel('Title').fill(adHoc);
    await form.getByLabel('Type').selectOption('corrective');
    await form.getByLabel('a suite').check();
    await form.getByLabel('Suite', { exact: true }).selectOption({ label: 'Grade 1' });
    await form.getByLabel('Assignee').selectOption({ label: 'Sam Okafor · junior' });
    await form.getByRole('button', { name: 'Add step' }).click();
    await form.getByLabel('Step 1 label').fill('Photo of the new cable run');
    await form.getByLabel('Step 1 kind').selectOption('photo');
    await shot(engineer, 'w9-new-work-order.png');
    await form.getByRole('button', { name: 'Create work order' }).click();
    await engineer.waitForURL(/#\/work\/[0-9a-f-]{36}$/);
    await engineer.getByRole('heading', { name: adHoc, level: 1 }).waitFor();
    const id = /#\/work\/([0-9a-f-]{36})$/.exec(engineer.url())![1]!;
    const made = await api<WorkOrder & { type: string; assigneeId: string }>(
      'GET',
      `/api/work-orders/${id}`,
    );
    expect(made).toMatchObject({ type: 'corrective', assigneeId: ids.sam, status: 'scheduled' });

    // An hour from now Grade 1 is in session: the move is refused, naming the booking.
    const wall = new Date(Date.now() + hour)
      .toLocaleString('sv-SE', { timeZone: london })
      .replace(' ', 'T')
      .slice(0, 16);
    const move = engineer.getByTestId('move-form');
    await move.getByLabel('New start').fill(wall);
    await move.getByRole('button', { name: 'Move', exact: true }).click();
    const clash = engineer.getByTestId('move-clash');
    await clash.waitFor({ timeout: 5_000 });
    expect(await clash.textContent()).toContain('Northlight');
    const refused = consoleErrors.filter((e) => /409|Conflict/.test(e));
    expect(refused.length).toBeGreaterThan(0);
    for (const e of refused) consoleErrors.splice(consoleErrors.indexOf(e), 1);
    await clash.getByLabel('Reason').fill('Client asked for the swap during their lunch break');
    await clash.getByRole('button', { name: 'Move onto the booking' }).click();
    const override = engineer.getByTestId('work-order-override');
    await override.waitFor({ timeout: 5_000 });
    expect(await override.textContent()).toContain(
      'Client asked for the swap during their lunch break',
    );
    expect(await engineer.getByTestId('move-clash').count()).toBe(0);
    await shot(engineer, 'w10-moved.png');
  });
});
