import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { startHttpServer, type LocalServer } from '../helpers/http-server.ts';
import { buildDashboard } from '../helpers/dashboard-build.ts';
import { adminSession, launchChromium, logIn, shotsDir, watchErrors } from '../helpers/e2e.ts';
import { root, startServer, type ServerProcess } from '../helpers/server-process.ts';
import { requestJson } from '../helpers/session-api.ts';
import { describeWith, parts } from '../helpers/system.ts';

const password = 'bookings-e2e-password';
const london = 'Europe/London';
const burbank = 'America/Los_Angeles';
// The browser's clock is neither suite's: every time on screen must come from the suite's site.
const browserZone = 'America/New_York';

interface Booking {
  id: string;
  client: string;
  project: string;
  startsAt: string;
  endsAt: string;
}

/** "18:00", or "Wed 18:00" when `t` is not on the same local day as `now`: what a tile says. */
function tileTime(t: number, now: number, zone: string): string {
  const at = DateTime.fromMillis(t, { zone });
  const time = at.toFormat('HH:mm');
  return at.hasSame(DateTime.fromMillis(now, { zone }), 'day')
    ? time
    : `${at.setLocale('en-GB').toFormat('ccc')} ${time}`;
}

/** A wall-clock time on `date` in `zone`, as an instant. */
const wall = (date: string, time: string, zone: string) =>
  DateTime.fromISO(`${date}T${time}`, { zone }).toUTC().toISO()!;

/** An iCalendar file with UTC times, as Google exports them. */
function ics(events: { uid: string; summary: string; start: string; end: string }[]): string {
  const stamp = (iso: string) =>
    DateTime.fromISO(iso, { zone: 'utc' }).toFormat("yyyyMMdd'T'HHmmss'Z'");
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Suitewatch e2e//EN',
    ...events.flatMap((e) => [
      'BEGIN:VEVENT',
      `UID:${e.uid}`,
      `DTSTAMP:${stamp(e.start)}`,
      `DTSTART:${stamp(e.start)}`,
      `DTEND:${stamp(e.end)}`,
      `SUMMARY:${e.summary}`,
      'END:VEVENT',
    ]),
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

describeWith([parts.chromium], 'suite bookings in headless Chromium', () => {
  let server: ServerProcess;
  let feed: LocalServer;
  let feedBody = '';
  let browser: Browser;
  let page: Page;
  let cookie: string;
  const suite: Record<string, string> = {};
  const consoleErrors: string[] = [];
  const shots = shotsDir();
  const shot = async (name: string, path = join(shots, name), target = page) => {
    // From the top: a full-page shot taken scrolled down draws the sticky bar mid-page.
    await target.evaluate('window.scrollTo(0, 0)');
    await target.screenshot({ path, fullPage: true });
  };

  const api = <T>(method: string, path: string, body?: unknown) =>
    requestJson<T>(server.url, cookie, method, path, body);

  const today = () => DateTime.now().setZone(london).toISODate()!;
  const addDays = (date: string, days: number) =>
    DateTime.fromISO(date, { zone: 'utc' }).plus({ days }).toISODate()!;
  const mondayOf = (date: string) =>
    DateTime.fromISO(date, { zone: 'utc' }).startOf('week').toISODate()!;

  const tile = (name: string) => page.locator(`[data-suite-id="${suite[name]}"]`);
  const tileLine = (name: string) => tile(name).getByTestId('suite-booking');
  const day = (date: string) => page.locator(`[data-testid="day"][data-date="${date}"]`);
  const card = (client: string): Locator =>
    page.locator('[data-testid="booking"]', { has: page.getByText(client, { exact: true }) });
  const alerts = () => page.getByRole('alert').allTextContents();
  /** Refusals the test provoked on purpose: the console logs each failed request. */
  const expectRefusals = (pattern: RegExp) =>
    consoleErrors.splice(0).forEach((e) => expect(e).toMatch(pattern));

  beforeAll(async () => {
    const dashboard = buildDashboard();
    feed = await startHttpServer((req, res) => {
      req.resume();
      res.setHeader('content-type', 'text/calendar');
      res.end(feedBody);
    });
    server = await startServer({
      ...dashboard,
      SUITEWATCH_ADMIN_PASSWORD: password,
    });
    cookie = await adminSession(server.url, password);

    const soho = await api<{ id: string }>('POST', '/api/sites', {
      name: 'Soho',
      timezone: london,
    });
    const lot = await api<{ id: string }>('POST', '/api/sites', {
      name: 'Burbank',
      timezone: burbank,
    });
    const grading = await api<{ id: string }>('POST', '/api/rooms', {
      siteId: soho.id,
      name: 'Grading floor',
    });
    const stage = await api<{ id: string }>('POST', '/api/rooms', {
      siteId: lot.id,
      name: 'Stage 4',
    });
    for (const [name, kind, roomId] of [
      ['Grade 1', 'grading', grading.id],
      ['Grade 2', 'grading', grading.id],
      ['Mix A', 'dubbing', stage.id],
    ] as const) {
      suite[name] = (await api<{ id: string }>('POST', '/api/suites', { name, kind, roomId })).id;
    }

    browser = await launchChromium();
    const context = await browser.newContext({
      viewport: { width: 1600, height: 900 },
      timezoneId: browserZone,
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
    await feed?.close();
  });

  it('puts who is in session, and who is next, on the suite tiles; live and on the clock', async () => {
    const now = Date.now();
    // Northlight is in Grade 1 now; Acme has Grade 2 tomorrow afternoon, London time.
    const running = await api<Booking>('POST', '/api/bookings', {
      suiteId: suite['Grade 1'],
      client: 'Northlight',
      project: 'The Long Field',
      operator: 'Sam Okafor',
      startsAt: new Date(now - 3600_000).toISOString(),
      endsAt: new Date(now + 2 * 3600_000).toISOString(),
    });
    const tomorrow = addDays(today(), 1);
    const acme = await api<Booking>('POST', '/api/bookings', {
      suiteId: suite['Grade 2'],
      client: 'Acme',
      startsAt: wall(tomorrow, '14:00', london),
      endsAt: wall(tomorrow, '19:00', london),
    });

    await logIn(page, server.url, 'admin', password);
    // A first visit asks who is logged in and hears 401: that is the login page, not an error.
    consoleErrors.splice(0);

    const northlight = tileLine('Grade 1');
    await expect
      .poll(() => northlight.textContent(), { timeout: 10_000 })
      .toBe(`in session: Northlight until ${tileTime(Date.parse(running.endsAt), now, london)}`);
    expect(await northlight.getAttribute('data-kind')).toBe('now');
    expect(await northlight.getAttribute('title')).toContain('The Long Field, with Sam Okafor');
    const weekday = DateTime.fromISO(tomorrow).setLocale('en-GB').toFormat('ccc');
    expect(await tileLine('Grade 2').textContent()).toBe(`next: Acme ${weekday} 14:00`);
    expect(await tileLine('Grade 2').getAttribute('data-kind')).toBe('next');
    expect(await tileLine('Mix A').count()).toBe(0);
    // The tile's description carries the line, for screen readers.
    const described = (await tile('Grade 1').getAttribute('aria-describedby'))!.split(' ');
    expect(described).toContain(await northlight.getAttribute('id'));

    // A session booked elsewhere shows at once; it starts, runs and ends with no reload, on
    // Burbank's clock.
    const start = Date.now() + 4_000;
    const quick = await api<Booking>('POST', '/api/bookings', {
      suiteId: suite['Mix A'],
      client: 'Quickfire ADR',
      startsAt: new Date(start).toISOString(),
      endsAt: new Date(start + 5_000).toISOString(),
    });
    const mix = tileLine('Mix A');
    await expect
      .poll(() => mix.textContent(), { timeout: 3_000 })
      .toBe(`next: Quickfire ADR ${tileTime(start, Date.now(), burbank)}`);
    await expect.poll(() => mix.getAttribute('data-kind'), { timeout: 8_000 }).toBe('now');
    expect(await mix.textContent()).toBe(
      `in session: Quickfire ADR until ${tileTime(start + 5_000, start, burbank)}`,
    );
    // A long client is cut short; the time after it stays in the tile.
    const [tail, box] = await Promise.all([
      mix.locator('.tail').boundingBox(),
      tile('Mix A').boundingBox(),
    ]);
    expect(tail!.x + tail!.width).toBeLessThanOrEqual(box!.x + box!.width);
    await shot('b1-wall-in-session.png');
    await expect.poll(() => mix.count(), { timeout: 8_000 }).toBe(0);

    // Moved and deleted elsewhere: the tiles follow the events.
    await api('PATCH', `/api/bookings/${acme.id}`, {
      startsAt: wall(tomorrow, '09:30', london),
    });
    await expect.poll(() => tileLine('Grade 2').textContent()).toBe(`next: Acme ${weekday} 09:30`);
    await api('DELETE', `/api/bookings/${quick.id}`);
    await api('DELETE', `/api/bookings/${acme.id}`);
    await expect.poll(() => tileLine('Grade 2').count()).toBe(0);

    await page.getByRole('button', { name: 'Wall display' }).click();
    await northlight.waitFor();
    await shot('b2-wall-display.png');
    await page.getByRole('button', { name: 'Exit wall display' }).click();
  });

  it('shows a suite’s week on its own clock, the running session marked', async () => {
    // A busy week for the picture: H and B on each day, where they do not clash with Northlight.
    const monday = mondayOf(today());
    const pattern = ['HB', 'H', 'B', 'HB', 'HB', 'H', ''];
    const sessions = {
      H: ['Halcyon Films', 'Tidewater — grade', 'Priya Nair', '09:00', '13:00'],
      B: ['BBC Studios', 'Coastline S2 ep 4', 'Tom Reyes', '14:00', '19:30'],
    } as const;
    for (const [i, letters] of pattern.entries()) {
      for (const letter of letters as Iterable<'H' | 'B'>) {
        const [client, project, operator, from, to] = sessions[letter];
        const date = addDays(monday, i);
        await api('POST', '/api/bookings', {
          suiteId: suite['Grade 1'],
          client,
          project,
          operator,
          startsAt: wall(date, from, london),
          endsAt: wall(date, to, london),
        }).catch((error: Error) => expect(error.message).toMatch(/^POST \/api\/bookings: 409/));
      }
    }

    await page.getByRole('link', { name: 'Bookings' }).click();
    await page.getByRole('heading', { name: 'Bookings' }).waitFor();
    // Suites grouped by site and room.
    const picker = page.getByLabel('Suite', { exact: true });
    expect(
      await picker
        .locator('optgroup')
        .evaluateAll((groups) => groups.map((g) => g.getAttribute('label'))),
    ).toEqual(['Burbank · Stage 4', 'Soho · Grading floor']);
    await picker.selectOption({ label: 'Grade 1' });
    await expect.poll(() => page.url()).toContain(`suite=${suite['Grade 1']}`);

    // first(): a session that runs past midnight is listed under both days.
    const now = page.locator('[data-testid="booking"][data-now="true"]').first();
    await now.waitFor({ timeout: 10_000 });
    expect(await now.textContent()).toContain('Northlight');
    expect(await now.textContent()).toContain('with Sam Okafor');
    expect(await page.getByTestId('bookings-now').textContent()).toMatch(
      /in session\s+Northlight until/,
    );
    expect(await page.locator('[data-testid="day"]').count()).toBe(7);
    expect(await day(today()).textContent()).toContain('today');
    const halcyon = page.locator('[data-testid="booking"]', { hasText: 'Halcyon Films' });
    await expect.poll(() => halcyon.count()).toBeGreaterThan(2);
    // 09:00 in Soho, though this browser's clock is New York's.
    expect(await halcyon.first().textContent()).toMatch(/^\s*09:00–13:00/);
    expect(await page.getByText(london, { exact: true }).count()).toBe(1);
    await page.mouse.move(0, 0);
    await shot('b3-bookings-week.png');
    mkdirSync(join(root, 'docs'), { recursive: true });
    await shot('', join(root, 'docs', 'bookings.png'));
  });

  it('books, refuses a clash beside the form, edits and deletes a session', async () => {
    // A week with nothing in it yet, two weeks on.
    await page.getByRole('button', { name: 'Next week ›' }).click();
    await page.getByRole('button', { name: 'Next week ›' }).click();
    const date = addDays(today(), 14);
    await day(date).waitFor();
    await expect.poll(() => page.locator('[data-testid="booking"]').count()).toBe(0);

    await day(date)
      .getByRole('button', { name: /^Add a session/ })
      .click();
    const form = page.getByRole('form', { name: 'New session' });
    expect(await form.getByLabel('Starts').inputValue()).toBe(`${date}T10:00`);
    expect(await form.getByLabel('Ends').inputValue()).toBe(`${date}T19:00`);
    expect(await form.textContent()).toContain(`on the suite's clock: ${london}`);

    // A blank client: the server's words, under the field they are about.
    await form.getByRole('button', { name: 'Book session' }).click();
    const client = form.getByLabel('Client');
    await expect.poll(() => client.getAttribute('aria-invalid')).toBe('true');
    expect(await alerts()).toContain('Say who the session is for; it must not be blank');
    await client.fill('Halcyon Films');
    await form.getByLabel('Ends').fill(`${date}T09:00`);
    await form.getByRole('button', { name: 'Book session' }).click();
    await expect.poll(alerts).toContain('The booking ends before it starts');
    expect(await form.getByLabel('Ends').getAttribute('aria-invalid')).toBe('true');
    expect(await client.getAttribute('aria-invalid')).toBeNull();
    expectRefusals(/400|Bad Request/);

    await form.getByLabel('Project (optional)').fill('Tidewater');
    await form.getByLabel('Ends').fill(`${date}T19:00`);
    await form.getByRole('button', { name: 'Book session' }).click();
    const halcyon = card('Halcyon Films');
    await halcyon.waitFor({ timeout: 10_000 });
    expect(await halcyon.textContent()).toMatch(/10:00–19:00.*Halcyon Films.*Tidewater/s);
    expect(await day(date).locator('[data-testid="booking"]').count()).toBe(1);
    const [stored] = await api<Booking[]>(
      'GET',
      `/api/bookings?suiteId=${suite['Grade 1']}&from=${wall(date, '00:00', london)}&to=${wall(addDays(date, 1), '00:00', london)}`,
    );
    expect(stored).toMatchObject({
      client: 'Halcyon Films',
      project: 'Tidewater',
      startsAt: new Date(wall(date, '10:00', london)).toISOString(),
      endsAt: new Date(wall(date, '19:00', london)).toISOString(),
    });
    // The form keeps the times for the next session, not the names.
    expect(await client.inputValue()).toBe('');

    // An overlap is a 409, said above the buttons with its times on the suite's clock.
    await client.fill('Acme');
    await form.getByLabel('Starts').fill(`${date}T18:00`);
    await form.getByLabel('Ends').fill(`${date}T21:00`);
    await form.getByRole('button', { name: 'Book session' }).click();
    const clash = form.getByTestId('booking-error');
    await expect
      .poll(() => clash.textContent())
      .toMatch(/^The suite is already booked for Halcyon Films from \w{3} \d+ \w{3} 10:00 to /);
    expect(await clash.getAttribute('data-conflict')).toBe('true');
    expect(await clash.textContent()).toContain('19:00');
    expectRefusals(/409|Conflict/);
    await shot('b4-clash.png');

    // Edited in place: the form takes the session's values, and gives them back changed.
    await halcyon.getByRole('button', { name: 'Edit Halcyon Films' }).click();
    const edit = page.getByRole('form', { name: 'Edit session' });
    expect(await edit.getByLabel('Client').inputValue()).toBe('Halcyon Films');
    expect(await edit.getByLabel('Starts').inputValue()).toBe(`${date}T10:00`);
    expect(await halcyon.getAttribute('class')).toContain('editing');
    await edit.getByLabel('Operator (optional)').fill('Priya Nair');
    await edit.getByLabel('Ends').fill(`${date}T20:30`);
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => halcyon.textContent()).toMatch(/10:00–20:30.*with Priya Nair/s);
    await page.getByRole('form', { name: 'New session' }).waitFor();
    await shot('b4-edited.png');

    await halcyon.getByRole('button', { name: 'Delete Halcyon Films' }).click();
    await halcyon.getByRole('button', { name: 'Delete session' }).click();
    await expect.poll(() => halcyon.count()).toBe(0);
    await expect(api('GET', `/api/bookings/${stored!.id}`)).rejects.toThrow(/: 404 /);
  });

  it('imports a calendar file and a feed, with counts and problems on the suite’s clock', async () => {
    // The day the last test emptied, in the week on screen.
    const date = addDays(today(), 14);
    const file = join(mkdtempSync(join(tmpdir(), 'sw-ics-')), 'grade-1.ics');
    writeFileSync(
      file,
      ics([
        {
          uid: 'conform-1@e2e',
          summary: 'Conform: Tidewater',
          start: wall(date, '09:00', london),
          end: wall(date, '12:00', london),
        },
        {
          uid: 'review-1@e2e',
          summary: 'Client review',
          start: wall(date, '13:00', london),
          end: wall(date, '15:00', london),
        },
        {
          uid: 'broken-1@e2e',
          summary: 'Backwards',
          start: wall(date, '17:00', london),
          end: wall(date, '16:00', london),
        },
      ]),
    );
    const form = page.getByRole('form', { name: 'Import a calendar' });
    await form.getByLabel('Calendar file').setInputFiles(file);
    await form.getByRole('button', { name: 'Import .ics' }).click();
    const result = page.getByTestId('import-result');
    await expect
      .poll(() => result.locator('.counts').textContent(), { timeout: 10_000 })
      .toBe('2 created · 0 updated · 0 unchanged · 1 skipped');
    expect(await result.getByTestId('import-errors').textContent()).toContain(
      'broken-1@e2e (Backwards): it ends when or before it starts; skipped',
    );
    // The week on screen shows them as soon as the import's events arrive.
    await card('Conform: Tidewater').waitFor();
    expect(await card('Conform: Tidewater').textContent()).toMatch(/09:00–12:00.*ics/s);
    await card('Client review').waitFor();

    // The same file again changes nothing.
    await form.getByRole('button', { name: 'Import .ics' }).click();
    await expect
      .poll(() => result.locator('.counts').textContent())
      .toBe('0 created · 0 updated · 2 unchanged · 1 skipped');

    // A feed by URL; its session clashes with the review, which is kept and reported.
    feedBody = ics([
      {
        uid: 'dub-1@e2e',
        summary: 'Temp mix',
        start: wall(date, '14:00', london),
        end: wall(date, '16:00', london),
      },
    ]);
    await form.getByLabel('From a URL').check();
    const url = form.getByLabel('Calendar URL', { exact: true });
    await url.fill(`${feed.url}/grade-1.ics`);
    await form.getByRole('button', { name: 'Import .ics' }).click();
    await expect
      .poll(() => result.locator('.counts').textContent())
      .toBe('1 created · 0 updated · 0 unchanged · 0 skipped');
    const problems = await result.getByTestId('import-errors').textContent();
    expect(problems).toMatch(
      /^overlap: Client review \(\w{3} \d+ \w{3} 13:00–\w{3} \d+ \w{3} 15:00\)/,
    );
    expect(problems).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
    await card('Temp mix').waitFor();
    // Both kept, both flagged; the conform before them is not.
    await expect.poll(() => card('Temp mix').getByText('overlap').count()).toBe(1);
    expect(await card('Client review').getByText('overlap').count()).toBe(1);
    expect(await card('Conform: Tidewater').getByText('overlap').count()).toBe(0);
    await shot('b5-imported.png');

    // A URL the server cannot use: its 400, in words, beside the form.
    await url.fill('ftp://example.com/cal.ics');
    await form.getByRole('button', { name: 'Import .ics' }).click();
    await expect
      .poll(alerts)
      .toContain('Calendar URL: only http and https calendars can be fetched, not ftp:');
    expectRefusals(/400|Bad Request/);
    await shot('b6-import-refused.png');
  });

  it('shows a manager the schedule with nothing to change', async () => {
    await api('POST', '/api/users', {
      username: 'manager1',
      password: 'manager-password-1',
      role: 'manager',
    });
    const context = await browser.newContext({
      viewport: { width: 1600, height: 900 },
      timezoneId: browserZone,
    });
    const other = await context.newPage();
    try {
      await other.goto(`${server.url}/#/login`);
      await other.getByLabel('Username').fill('manager1');
      await other.getByLabel('Password').fill('manager-password-1');
      await other.getByRole('button', { name: 'Log in' }).click();
      await other.getByRole('link', { name: 'Bookings' }).click();
      await other.getByLabel('Suite', { exact: true }).selectOption({ label: 'Grade 1' });
      await other.locator('[data-testid="booking"][data-now="true"]').waitFor({ timeout: 10_000 });
      expect(await other.getByText('Only engineers and admins can book sessions').count()).toBe(1);
      expect(await other.getByRole('button', { name: /^(Edit|Delete) / }).count()).toBe(0);
      expect(await other.getByRole('form').count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});
