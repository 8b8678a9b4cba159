import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { buildDashboard } from '../helpers/dashboard-build.ts';
import { adminSession, launchChromium, openDesk, shotsDir } from '../helpers/e2e.ts';
import { root, startServer, type ServerProcess } from '../helpers/server-process.ts';
import { requestJson } from '../helpers/session-api.ts';
import { describeWith, parts } from '../helpers/system.ts';

const password = 'helpdesk-e2e-password';
const userPassword = 'a-long-password-for-e2e';
const london = 'Europe/London';
const hour = 3_600_000;

interface Ticket {
  id: string;
  number: number;
  status: string;
  priority: number;
  assigneeId: string | null;
  resolution: string;
}

describeWith([parts.chromium], 'helpdesk in headless Chromium', () => {
  let server: ServerProcess;
  let browser: Browser;
  let cookie: string;
  /** One browser context each: two people at two desks, each with their own session. */
  let junior: Page;
  let engineer: Page;
  const ids = { grade1: '', workstation: '', juniorId: '', ticket: '', runbook: '' };
  /** How far the story got: each step needs the one before it. */
  let stage = 0;
  const consoleErrors: string[] = [];
  const shots = shotsDir();
  const shot = async (page: Page, name: string, path = join(shots, name)) => {
    // From the top: a full-page shot taken scrolled down draws the sticky bar mid-page.
    await page.evaluate('window.scrollTo(0, 0)');
    await page.mouse.move(0, 0);
    await page.screenshot({ path, fullPage: true });
  };

  const api = <T>(method: string, path: string, body?: unknown) =>
    requestJson<T>(server.url, cookie, method, path, body);
  const created = async (path: string, body: unknown) =>
    (await api<{ id: string }>('POST', path, body)).id;
  const ticketNow = () => api<Ticket>('GET', `/api/tickets/${ids.ticket}`);

  const title = 'Grade 1: client monitor loses picture every few minutes';
  const statusOf = (page: Page) =>
    page.locator('header [data-testid="ticket-status"]').first().textContent();

  const open = (role: 'junior' | 'engineer', username: string): Promise<Page> =>
    openDesk(browser, server.url, username, userPassword, {
      viewport: { width: 1440, height: 900 },
      timezoneId: london,
      errors: consoleErrors,
      who: role,
    });

  beforeAll(async () => {
    const dashboard = buildDashboard();
    server = await startServer({
      ...dashboard,
      SUITEWATCH_ADMIN_PASSWORD: password,
    });
    cookie = await adminSession(server.url, password);

    ids.juniorId = await created('/api/users', {
      username: 'sam',
      displayName: 'Sam Okafor',
      password: userPassword,
      role: 'junior',
    });
    const priya = await created('/api/users', {
      username: 'priya',
      displayName: 'Priya Nair',
      password: userPassword,
      role: 'engineer',
    });

    // A grading floor: Grade 1 is in session with a client now; its Resolve drives the
    // client monitor, and NEXIS serves both grading suites.
    const site = await created('/api/sites', { name: 'Soho', timezone: london });
    const room = await created('/api/rooms', { name: 'Grading floor', siteId: site });
    ids.grade1 = await created('/api/suites', { name: 'Grade 1', roomId: room, kind: 'grading' });
    const grade2 = await created('/api/suites', {
      name: 'Grade 2',
      roomId: room,
      kind: 'grading',
    });
    const mix = await created('/api/suites', { name: 'Mix A', roomId: room, kind: 'mix' });
    const edit = await created('/api/suites', { name: 'Edit 3', roomId: room, kind: 'edit' });
    const nexis = await created('/api/devices', { name: 'NEXIS E4', kind: 'storage' });
    ids.workstation = await created('/api/devices', {
      name: 'Resolve G1',
      kind: 'workstation',
      suiteIds: [ids.grade1],
    });
    await created('/api/devices', {
      name: 'X310 client monitor',
      kind: 'display',
      parentId: ids.workstation,
      suiteIds: [ids.grade1],
    });
    const ws2 = await created('/api/devices', {
      name: 'Resolve G2',
      kind: 'workstation',
      suiteIds: [grade2],
    });
    for (const ws of [ids.workstation, ws2])
      await api('PUT', `/api/devices/${ws}/dependencies`, { dependsOn: [nexis] });
    await created('/api/bookings', {
      suiteId: ids.grade1,
      client: 'Northlight',
      project: 'The Long Field',
      operator: 'Tom Reyes',
      startsAt: new Date(Date.now() - hour).toISOString(),
      endsAt: new Date(Date.now() + 3 * hour).toISOString(),
    });
    await created('/api/bookings', {
      suiteId: mix,
      client: 'Acme Films',
      startsAt: new Date(Date.now() + 2 * hour).toISOString(),
      endsAt: new Date(Date.now() + 6 * hour).toISOString(),
    });

    const runbook = await created('/api/runbooks', {
      title: 'Picture drops on a client monitor: check the SDI path',
      body: '1. Swap the SDI cable\n2. Check the monitor input card',
      categories: ['picture'],
      deviceKinds: ['display'],
    });
    ids.runbook = runbook;

    // The rest of the morning's queue, so the junior's ticket lands among others.
    const storage = await created('/api/tickets', {
      title: 'NEXIS E4: workspaces offline on Grade 1 and Grade 2',
      category: 'storage',
      suiteIds: [ids.grade1, grade2],
      deviceIds: [nexis],
      tags: ['nexis'],
    });
    await api('POST', `/api/tickets/${storage}/triage`, { assigneeId: priya, team: 'Storage' });
    await api('POST', `/api/tickets/${storage}/transition`, { to: 'in_progress' });
    const talkback = await created('/api/tickets', {
      title: 'Mix A talkback crackles on the producer desk',
      category: 'sound',
      suiteIds: [mix],
    });
    await api('POST', `/api/tickets/${talkback}/triage`, { team: 'Sound' });
    const waiting = await created('/api/tickets', {
      title: 'Edit 3 needs the client drive for the conform',
      category: 'other',
      suiteIds: [edit],
      urgency: 'high',
    });
    await api('POST', `/api/tickets/${waiting}/transition`, { to: 'in_progress' });
    await api('POST', `/api/tickets/${waiting}/transition`, {
      to: 'waiting_client',
      note: 'Asked the producer to bring the drive',
    });
    await created('/api/tickets', {
      title: 'Label printer in the machine room jams',
      category: 'facilities',
    });

    browser = await launchChromium();
    junior = await open('junior', 'sam');
    engineer = await open('engineer', 'priya');
    // A first visit asks who is logged in and hears 401: that is the login page, not an error.
    consoleErrors.splice(0);
    mkdirSync(shots, { recursive: true });
    console.log(`e2e screenshots: ${shots}`);
  });
  afterEach(() => {
    expect(consoleErrors.splice(0), 'browser console errors').toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('logs a ticket from the suite page in seconds, prefilled, and the queue shows it live', async () => {
    // The engineer watches the queue; nothing reloads it but the live socket.
    await engineer.getByRole('link', { name: 'Tickets', exact: true }).click();
    const rows = engineer.getByTestId('ticket-row');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(4);
    await engineer.evaluate(() => Object.assign(globalThis, { e2eMark: 'same-load' }));

    // The junior finds Grade 1 on the wall and opens its page from the tile.
    await junior.locator(`[data-suite-id="${ids.grade1}"]`).click();
    await junior.getByRole('heading', { name: 'Grade 1', level: 1 }).waitFor();
    const session = junior.getByTestId('suite-session');
    await session.waitFor({ timeout: 10_000 });
    expect(await session.textContent()).toContain('Northlight, The Long Field');
    expect(await session.textContent()).toContain('in session');
    expect(await junior.getByTestId('suite-devices').textContent()).toContain('Resolve G1');
    await shot(junior, 'h1-suite.png');

    const started = Date.now();
    await junior.getByRole('link', { name: 'Log ticket' }).click();
    await junior.getByRole('heading', { name: 'Log a ticket' }).waitFor();
    // The suite came with the link; the preview already knows who is in it.
    const suites = junior.getByTestId('ticket-suites-picker');
    await expect.poll(() => suites.getByTestId('chip').textContent()).toContain('Grade 1');
    const line = junior.getByTestId('preview-line');
    await expect
      .poll(() => line.textContent(), { timeout: 10_000 })
      .toMatch(
        /^P3 · Grade 1, no device named · in session: Northlight in Grade 1 until \d\d:\d\d$/,
      );
    // The title has the focus: the junior just types.
    expect(await junior.evaluate('document.activeElement?.id')).toBe('ticket-title');
    await junior.keyboard.type(title);
    await junior.getByLabel('Category').selectOption('picture');

    // The device picker: type, arrow, Enter; the chip can be removed again.
    await junior.getByRole('combobox', { name: 'Devices' }).fill('x31');
    await junior.getByRole('option', { name: /X310 client monitor/ }).waitFor();
    await junior.keyboard.press('Enter');
    await junior.getByRole('combobox', { name: 'Devices' }).fill('res');
    const suggestions = junior.getByRole('listbox', { name: 'Devices suggestions' });
    await expect.poll(() => suggestions.getByRole('option').count()).toBe(2);
    await junior.keyboard.press('ArrowDown');
    expect(await suggestions.getByRole('option', { selected: true }).textContent()).toContain(
      'Resolve G2',
    );
    await junior.keyboard.press('ArrowUp');
    await junior.keyboard.press('Enter');
    const devices = junior.getByTestId('ticket-devices-picker').getByTestId('chip');
    await expect
      .poll(() => devices.allTextContents())
      .toEqual(['X310 client monitor×', 'Resolve G1×']);
    await junior.getByRole('button', { name: 'Remove X310 client monitor' }).click();
    await expect.poll(() => devices.count()).toBe(1);
    // Resolve G1 carries the suite's client monitor: the whole suite is down, and in session.
    await expect
      .poll(() => line.textContent(), { timeout: 10_000 })
      .toMatch(
        /^P2 · a whole suite: Grade 1 depends on Resolve G1 · in session: Northlight in Grade 1 until \d\d:\d\d$/,
      );
    await junior
      .getByLabel('Description')
      .fill('Black for 2-3 s, then back. Client noticed twice.');
    await junior.getByLabel('Client is waiting', { exact: false }).check();
    await shot(junior, 'h2-new-ticket.png');
    await junior.getByLabel('Description').press('Control+Enter');

    await junior.waitForURL(/#\/tickets\/[0-9a-f-]{36}$/, { timeout: 10_000 });
    ids.ticket = /#\/tickets\/([0-9a-f-]{36})$/.exec(junior.url())![1]!;
    await junior.getByRole('heading', { name: title }).waitFor();
    const seconds = (Date.now() - started) / 1000;
    console.log(`e2e: ticket logged ${seconds.toFixed(1)} s after opening the form`);
    expect(seconds).toBeLessThan(30);
    expect(await statusOf(junior)).toBe('New');
    expect(await junior.getByTestId('ticket-reasons').textContent()).toContain(
      'a whole suite: Grade 1 depends on Resolve G1',
    );
    const ticket = await ticketNow();
    expect(ticket).toMatchObject({ status: 'new', priority: 2, assigneeId: null });
    // What to try first: the runbook for picture trouble.
    const runbooks = junior.getByTestId('ticket-runbooks');
    await runbooks.waitFor({ timeout: 5_000 });
    expect(await runbooks.getByRole('link').getAttribute('href')).toBe(`#/runbooks/${ids.runbook}`);

    // The engineer's queue has it, in priority order, without a reload.
    const row = engineer.locator('[data-testid="ticket-row"]', { hasText: title });
    await row.waitFor({ timeout: 10_000 });
    expect(await rows.count()).toBe(5);
    expect(await engineer.evaluate(() => (globalThis as { e2eMark?: string }).e2eMark)).toBe(
      'same-load',
    );
    expect(await row.getByTestId('priority').textContent()).toBe('P2');
    expect(await row.textContent()).toContain('Grade 1');
    expect(await row.getByTestId('sla').textContent()).toMatch(/^\d h( \d+ min)? left$/);
    const paused = engineer.locator('[data-testid="ticket-row"]', { hasText: 'client drive' });
    expect(await paused.getByTestId('sla').textContent()).toBe('paused');
    const priorities = await rows.getByTestId('priority').allTextContents();
    expect(priorities).toEqual([...priorities].sort());
    await shot(engineer, 'h3-queue.png');
    // For the README: just the table, without a screen of empty page under it.
    await engineer.setViewportSize({ width: 1440, height: 520 });
    await shot(engineer, '', join(root, 'docs', 'tickets.png'));
    await engineer.setViewportSize({ width: 1440, height: 900 });

    // The list as CSV, through the server's own export.
    const [download] = await Promise.all([
      engineer.waitForEvent('download'),
      engineer.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^tickets-queue-\d{4}-\d\d-\d\d\.csv$/);
    const csv = readFileSync(await download.path(), 'utf8').split('\r\n');
    expect(csv[0]).toMatch(/^id,number,title,/);
    expect(csv.filter((l) => l !== '')).toHaveLength(6);
    expect(csv.find((l) => l.includes(title))).toContain(',new,');

    // Tabs and search narrow the list.
    await engineer.getByRole('link', { name: 'New', exact: true }).click();
    await expect.poll(() => rows.count()).toBe(2);
    await engineer.getByTestId('ticket-search').fill('monitor picture');
    await expect.poll(() => rows.count(), { timeout: 5_000 }).toBe(1);
    await engineer.getByRole('button', { name: 'Clear filters' }).click();
    await engineer.getByRole('link', { name: 'Queue', exact: true }).click();
    await expect.poll(() => rows.count()).toBe(5);
    stage = 1;
  });

  it('is triaged and assigned by the engineer, started and resolved into review by the junior', async ({
    skip,
  }) => {
    if (stage < 1) skip('the ticket was not logged');
    await engineer
      .locator('[data-testid="ticket-row"]', { hasText: title })
      .getByRole('link', { name: title })
      .click();
    await engineer.getByRole('heading', { name: title }).waitFor();
    const triage = engineer.getByTestId('triage-panel');
    await triage.getByLabel('Assign to').selectOption({ label: 'Sam Okafor · junior' });
    await triage.getByRole('button', { name: 'Triage' }).click();
    await expect.poll(() => statusOf(engineer)).toBe('Triaged');
    expect(await engineer.getByTestId('ticket-assignee').textContent()).toBe('Sam Okafor');

    // The junior's page follows: triaged, theirs, with Start offered.
    await expect.poll(() => statusOf(junior), { timeout: 10_000 }).toBe('Triaged');
    expect(await junior.getByTestId('ticket-assignee').textContent()).toBe('Sam Okafor');
    await junior.getByRole('button', { name: 'Start', exact: true }).click();
    await expect.poll(() => statusOf(junior)).toBe('In progress');

    // Work on it: a comment, time spent, an attachment.
    await junior.getByLabel('Comment', { exact: true }).fill('Reseated the SDI on the X310 input.');
    await junior.getByRole('button', { name: 'Comment', exact: true }).click();
    await junior
      .locator('[data-testid="timeline-entry"][data-kind="comment"]')
      .waitFor({ timeout: 5_000 });
    await junior.getByLabel('Time spent (min)').fill('25');
    await junior.getByLabel('What you did').fill('Cable check');
    await junior.getByRole('button', { name: 'Log time' }).click();
    await junior
      .locator('[data-testid="timeline-entry"][data-kind="worklog"]')
      .waitFor({ timeout: 5_000 });
    await junior.locator('#attach-file').setInputFiles({
      name: 'scope grab.png',
      mimeType: 'image/png',
      buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]),
    });
    await expect
      .poll(() => junior.getByTestId('attachments').textContent(), { timeout: 5_000 })
      .toContain('scope grab.png');

    // Resolving asks for the fix, and lands in review.
    await junior.getByRole('button', { name: 'Resolve', exact: true }).click();
    const form = junior.getByTestId('move-form');
    await form.getByLabel('What fixed it').fill('Reseated the SDI cable on the monitor input.');
    await form.getByRole('button', { name: 'Resolve' }).click();
    await expect.poll(() => statusOf(junior)).toBe('Pending review');
    await expect.poll(async () => (await ticketNow()).status).toBe('pending_review');
    stage = 2;
  });

  it('goes back once with feedback the junior reads, then is approved and closed', async ({
    skip,
  }) => {
    if (stage < 2) skip('the ticket did not reach review');
    await expect.poll(() => statusOf(engineer), { timeout: 10_000 }).toBe('Pending review');
    await engineer.getByRole('button', { name: 'Return', exact: true }).click();
    const form = engineer.getByTestId('move-form');
    const feedback = 'Reseating is a workaround. Find out why the SDI output drops.';
    await form.getByLabel('What still needs doing').fill(feedback);
    await form.getByRole('button', { name: 'Return' }).click();
    await expect.poll(() => statusOf(engineer)).toBe('In progress');

    // The junior's timeline shows the feedback, marked, as soon as it is written.
    const returned = junior.locator('[data-testid="timeline-entry"][data-kind="review_returned"]');
    await returned.waitFor({ timeout: 10_000 });
    expect(await returned.getByTestId('timeline-body').textContent()).toBe(feedback);
    expect(await returned.textContent()).toContain('Returned for rework');
    expect(await returned.textContent()).toContain('priya');
    await expect.poll(() => statusOf(junior)).toBe('In progress');
    // And heads the page until the work is resolved again.
    expect(await junior.getByTestId('review-feedback').textContent()).toContain(feedback);
    await shot(junior, 'h4-returned.png');

    // The second resolve starts from the first resolution.
    await junior.getByRole('button', { name: 'Resolve', exact: true }).click();
    const again = junior.getByTestId('move-form').getByLabel('What fixed it');
    expect(await again.inputValue()).toBe('Reseated the SDI cable on the monitor input.');
    const fix =
      'Replaced the SDI cable; the old one failed under flex. Monitor clean for 30 min of playback.';
    await again.fill(fix);
    await again.press('Control+Enter');
    await expect.poll(() => statusOf(junior)).toBe('Pending review');
    expect(await junior.getByTestId('review-feedback').count()).toBe(0);

    await expect.poll(() => statusOf(engineer), { timeout: 10_000 }).toBe('Pending review');
    // A note for the engineers only, then the review.
    await engineer.getByLabel('Internal note').check();
    await engineer
      .getByLabel('Comment', { exact: true })
      .fill('Cable was from the 2019 batch; swapping the rest of that batch this week.');
    await engineer.getByRole('button', { name: 'Add note' }).click();
    const note = engineer.locator('[data-testid="timeline-entry"][data-kind="note"]');
    await note.waitFor({ timeout: 5_000 });
    expect(await note.textContent()).toContain('Internal note');
    await shot(engineer, 'h5-review.png');
    await shot(engineer, '', join(root, 'docs', 'ticket.png'));
    await engineer.getByRole('button', { name: 'Approve', exact: true }).click();
    await expect.poll(() => statusOf(engineer)).toBe('Closed');
    await expect.poll(() => statusOf(junior), { timeout: 10_000 }).toBe('Closed');
    expect(await ticketNow()).toMatchObject({ status: 'closed', resolution: fix });

    const kinds = await engineer
      .locator('[data-testid="timeline-entry"]')
      .evaluateAll((entries) => entries.map((e) => e.getAttribute('data-kind')));
    expect(kinds).toContain('review_approved');
    expect(kinds.filter((k) => k === 'review_returned')).toHaveLength(1);
    await shot(engineer, 'h6-closed.png');
  });
});
