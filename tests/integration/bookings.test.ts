import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LiveEvent } from '../../server/live-events.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { stores } from '../helpers/db.ts';
import { startHttpServer, type LocalServer } from '../helpers/http-server.ts';
import { describeWith, parts, sharedReferenceDir } from '../helpers/system.ts';

const missing = '00000000-0000-4000-8000-000000000000';
const ics = (name: string) => readFileSync(new URL(`ics/${name}`, sharedReferenceDir), 'utf8');

interface Booking {
  id: string;
  client: string;
  startsAt: string;
  endsAt: string;
  source: string;
  sourceUid: string | null;
}
interface ImportResult {
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
  errors: string[];
}

for (const { store, needs } of stores) {
  describeWith(needs, `bookings on ${store}`, () => {
    let t: TestApp;
    const events: LiveEvent[] = [];
    // Grade 1 is at a Berlin site; Dub 1 has no room and so no site (all-day bookings in UTC).
    const ids = { grade1: '', grade2: '', dub1: '' };

    const api = (
      method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
      url: string,
      payload?: object,
      cookie?: string,
    ) => t.app.inject({ method, url, payload, headers: { cookie: cookie ?? t.admin } });
    const created = async (url: string, payload: object) => {
      const response = await api('POST', url, payload);
      if (response.statusCode !== 201) throw new Error(`${url}: ${response.body}`);
      return response.json<{ id: string }>().id;
    };
    const list = async (suiteId: string, from: string, to: string) => {
      const response = await api('GET', `/api/bookings?suiteId=${suiteId}&from=${from}&to=${to}`);
      expect(response.statusCode).toBe(200);
      return response.json<Booking[]>();
    };

    beforeAll(async () => {
      t = await createTestApp(store);
      t.ctx.bus.subscribe((event) => events.push(event));
      const site = await created('/api/sites', { name: 'Berlin', timezone: 'Europe/Berlin' });
      const room = await created('/api/rooms', { name: 'Floor 1', siteId: site });
      ids.grade1 = await created('/api/suites', { name: 'Grade 1', roomId: room });
      ids.grade2 = await created('/api/suites', { name: 'Grade 2', roomId: room });
      ids.dub1 = await created('/api/suites', { name: 'Dub 1' });
    });
    afterAll(async () => t?.close());

    const session = (more: object = {}) => ({
      suiteId: ids.grade2,
      client: 'Acme Films',
      project: 'Trailer v3',
      operator: 'Sam',
      startsAt: '2030-05-01T09:00:00.000Z',
      endsAt: '2030-05-01T17:00:00.000Z',
      ...more,
    });

    it('creates, lists, changes and deletes a booking, auditing and announcing each change', async () => {
      events.length = 0;
      const response = await api('POST', '/api/bookings', session({ client: '  Acme Films ' }));
      expect(response.statusCode).toBe(201);
      const booking = response.json<Booking>();
      expect(booking).toMatchObject({
        suiteId: ids.grade2,
        client: 'Acme Films',
        project: 'Trailer v3',
        operator: 'Sam',
        startsAt: '2030-05-01T09:00:00.000Z',
        endsAt: '2030-05-01T17:00:00.000Z',
        source: 'manual',
        sourceUid: null,
        createdBy: 'admin',
      });
      const id = booking.id;

      expect((await api('GET', `/api/bookings/${id}`)).json()).toEqual(booking);
      // Overlapping the range counts, whichever end pokes in.
      expect(
        (await list(ids.grade2, '2030-05-01T16:00:00Z', '2030-05-02T00:00:00Z')).map((b) => b.id),
      ).toEqual([id]);
      expect(await list(ids.grade2, '2030-05-01T17:00:00Z', '2030-05-02T00:00:00Z')).toEqual([]);
      // The default range is around now.
      expect((await api('GET', '/api/bookings')).json<Booking[]>().map((b) => b.id)).not.toContain(
        id,
      );

      const changed = await api('PATCH', `/api/bookings/${id}`, {
        endsAt: '2030-05-01T19:00:00.000Z',
        operator: 'Jo',
      });
      expect(changed.statusCode).toBe(200);
      expect(changed.json()).toMatchObject({ endsAt: '2030-05-01T19:00:00.000Z', operator: 'Jo' });

      expect((await api('DELETE', `/api/bookings/${id}`)).json()).toEqual({ ok: true });
      expect((await api('GET', `/api/bookings/${id}`)).statusCode).toBe(404);

      const audit = (await api('GET', `/api/audit?entity=booking&entityId=${id}`))
        .json<Array<{ action: string }>>()
        .map((e) => e.action);
      expect(audit).toEqual(['delete', 'update', 'create']);
      expect(events.filter((e) => e.type === 'changed')).toEqual(
        Array(3).fill({ type: 'changed', entity: 'booking', id }),
      );
    });

    it('refuses a manual booking that overlaps another in the suite, naming the clash', async () => {
      const first = await created(
        '/api/bookings',
        session({
          startsAt: '2030-06-01T09:00:00Z',
          endsAt: '2030-06-01T13:00:00Z',
          client: 'Northern Light',
        }),
      );
      const clash = await api(
        'POST',
        '/api/bookings',
        session({ startsAt: '2030-06-01T12:00:00Z', endsAt: '2030-06-01T15:00:00Z' }),
      );
      expect(clash.statusCode).toBe(409);
      expect(clash.json().message).toBe(
        'the suite is already booked for Northern Light from 2030-06-01T09:00:00.000Z to 2030-06-01T13:00:00.000Z',
      );
      // Back to back is fine, and so is the same time in another suite.
      const after = await created(
        '/api/bookings',
        session({ startsAt: '2030-06-01T13:00:00Z', endsAt: '2030-06-01T15:00:00Z' }),
      );
      await created(
        '/api/bookings',
        session({
          suiteId: ids.dub1,
          startsAt: '2030-06-01T12:00:00Z',
          endsAt: '2030-06-01T15:00:00Z',
        }),
      );
      const moved = await api('PATCH', `/api/bookings/${after}`, {
        startsAt: '2030-06-01T12:30:00Z',
      });
      expect(moved.statusCode).toBe(409);
      expect(moved.json().message).toContain('Northern Light');
      // A booking does not clash with itself.
      expect(
        (await api('PATCH', `/api/bookings/${first}`, { endsAt: '2030-06-01T12:00:00Z' }))
          .statusCode,
      ).toBe(200);
    });

    it('removes imported occurrences the calendar no longer has, and leaves other calendars alone', async () => {
      const calendar = (uid: string, rule: string, exdate = '') =>
        [
          'BEGIN:VCALENDAR',
          'VERSION:2.0',
          'PRODID:-//Suitewatch test//EN',
          'BEGIN:VEVENT',
          `UID:${uid}`,
          'DTSTAMP:20300101T000000Z',
          'DTSTART:20300107T090000Z',
          'DTEND:20300107T170000Z',
          `RRULE:${rule}`,
          ...(exdate ? [`EXDATE:${exdate}`] : []),
          'SUMMARY:Weekly review',
          'END:VEVENT',
          'END:VCALENDAR',
          '',
        ].join('\r\n');
      const window = { from: '2030-01-01T00:00:00Z', to: '2030-03-01T00:00:00Z' };
      const load = async (text: string) => {
        const response = await api('POST', '/api/bookings/import', {
          suiteId: ids.dub1,
          ics: text,
          ...window,
        });
        expect(response.statusCode, response.body).toBe(200);
        return response.json<ImportResult & { removed: number }>();
      };
      expect(await load(calendar('series-a', 'FREQ=WEEKLY;COUNT=4'))).toMatchObject({
        created: 4,
        removed: 0,
      });
      expect(await load(calendar('series-b', 'FREQ=WEEKLY;COUNT=2'))).toMatchObject({
        created: 2,
        removed: 0,
      });
      // One week cancelled and the series cut short: two go; the other calendar's stay.
      const changed = await load(calendar('series-a', 'FREQ=WEEKLY;COUNT=3', '20300114T090000Z'));
      expect(changed).toMatchObject({ created: 0, unchanged: 2, removed: 2 });
      const left = await list(ids.dub1, window.from, window.to);
      expect(left.map((b) => b.sourceUid).sort()).toEqual([
        'series-a/2030-01-07T09:00:00.000Z',
        'series-a/2030-01-21T09:00:00.000Z',
        'series-b/2030-01-07T09:00:00.000Z',
        'series-b/2030-01-14T09:00:00.000Z',
      ]);
    });

    it('refuses calendars too large, too frequent or over too long a window, whole', async () => {
      const event = (uid: string, rule: string) => [
        'BEGIN:VEVENT',
        `UID:${uid}`,
        'DTSTAMP:20300101T000000Z',
        'DTSTART:20300107T090000Z',
        'DTEND:20300107T100000Z',
        `RRULE:${rule}`,
        'SUMMARY:Loop',
        'END:VEVENT',
      ];
      const calendar = (...events: string[][]) =>
        ['BEGIN:VCALENDAR', 'VERSION:2.0', ...events.flat(), 'END:VCALENDAR', ''].join('\r\n');
      const load = (ics: string, from = '2030-01-01T00:00:00Z', to = '2031-12-31T00:00:00Z') =>
        api('POST', '/api/bookings/import', { suiteId: ids.grade2, ics, from, to });
      const before = (await list(ids.grade2, '2030-01-01T00:00:00Z', '2032-01-01T00:00:00Z'))
        .length;

      const minutely = await load(calendar(event('every-minute', 'FREQ=MINUTELY')));
      expect(minutely.statusCode).toBe(200);
      expect(minutely.json()).toMatchObject({
        created: 0,
        errors: ['event every-minute: it repeats more often than daily; not imported'],
      });
      const many = await load(
        calendar(...Array.from({ length: 15 }, (_, i) => event(`daily-${i}`, 'FREQ=DAILY'))),
      );
      expect(many.statusCode).toBe(400);
      expect(many.json().message).toBe(
        'body.ics: the calendar has more than 10,000 sessions between from and to; import a shorter window',
      );
      const long = await load(
        calendar(event('weekly', 'FREQ=WEEKLY')),
        '2030-01-01T00:00:00Z',
        '2045-01-01T00:00:00Z',
      );
      expect(long.statusCode).toBe(400);
      expect(long.json().message).toBe('body.to: import at most 3660 days at a time');
      const huge = await load(
        `BEGIN:VCALENDAR\r\n${'X'.repeat(2 * 1024 * 1024)}\r\nEND:VCALENDAR\r\n`,
      );
      expect(huge.statusCode).toBe(400);
      expect(huge.json().message).toMatch(/^body\.ics must NOT have more than 2097152 characters/);
      const past = await t.app.inject({
        method: 'POST',
        url: '/api/bookings/import',
        headers: { cookie: t.admin, 'content-type': 'application/json' },
        payload: JSON.stringify({ suiteId: ids.grade2, ics: 'x'.repeat(3 * 1024 * 1024) }),
      });
      expect(past.statusCode).toBe(413);
      expect(await list(ids.grade2, '2030-01-01T00:00:00Z', '2032-01-01T00:00:00Z')).toHaveLength(
        before,
      );
    });

    it('answers 400 naming the field, and 403 to those who may not edit', async () => {
      const cases: Array<[object, string]> = [
        [
          session({ endsAt: '2030-05-01T08:00:00Z' }),
          'body.endsAt: the booking ends before it starts',
        ],
        [session({ suiteId: missing }), `body.suiteId: no suite with id ${missing}`],
        [
          session({ client: '   ' }),
          'body.client: say who the session is for; it must not be blank',
        ],
        [session({ startsAt: 'tomorrow' }), 'body.startsAt must match format "date-time"'],
      ];
      for (const [payload, message] of cases) {
        const response = await api('POST', '/api/bookings', payload);
        expect(response.statusCode, message).toBe(400);
        expect(response.json().message).toBe(message);
      }
      const bad = await api('POST', '/api/bookings/import', { suiteId: ids.grade1, ics: 'hello' });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().message).toBe(
        'body.ics: not an iCalendar file: it does not start with BEGIN:VCALENDAR',
      );
      const truncated = await api('POST', '/api/bookings/import', {
        suiteId: ids.grade1,
        ics: 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\n',
      });
      expect(truncated.json().message).toBe(
        'body.ics: not an iCalendar file: it does not end with END:VCALENDAR',
      );
      const ftp = await api('POST', '/api/bookings/import', {
        suiteId: ids.grade1,
        url: 'ftp://example.com/cal.ics',
      });
      expect(ftp.statusCode).toBe(400);
      expect(ftp.json().message).toBe(
        'body.url: only http and https calendars can be fetched, not ftp:',
      );
      const both = await api('POST', '/api/bookings/import', { suiteId: ids.grade1 });
      expect(both.json().message).toBe(
        'body: give either ics (the file text) or url, not both or neither',
      );

      const viewer = await t.userWithRole('junior');
      expect((await api('GET', '/api/bookings', undefined, viewer)).statusCode).toBe(200);
      expect((await api('POST', '/api/bookings', session(), viewer)).statusCode).toBe(403);
    });

    describeWith([parts.sharedReference], 'importing the reference calendars', () => {
      const importIcs = async (suiteId: string, name: string, from: string, to: string) => {
        const response = await api('POST', '/api/bookings/import', {
          suiteId,
          ics: ics(name),
          from,
          to,
        });
        expect(response.statusCode, response.body).toBe(200);
        return response.json<ImportResult>();
      };
      const starts = (rows: Booking[], client: RegExp) =>
        rows.filter((b) => client.test(b.client)).map((b) => [b.startsAt, b.endsAt]);

      it('books Exchange all-day occurrences as whole Berlin days, with the moved one moved', async () => {
        const window = ['2026-02-15T00:00:00Z', '2026-03-01T00:00:00Z'] as const;
        const result = await importIcs(ids.grade1, 'exchange-windows-tz-allday.ics', ...window);
        expect(result).toEqual({
          created: 3,
          updated: 0,
          unchanged: 0,
          skipped: 0,
          removed: 0,
          errors: [],
        });
        const rows = await list(ids.grade1, ...window);
        // RRULE TU,TH from Thu 19 Feb 2026; the Thursday 26 Feb (RECURRENCE-ID given in the
        // Windows zone "W. Europe Standard Time") moved to Friday 27 Feb.
        expect(rows.map((b) => [b.startsAt, b.endsAt, b.sourceUid])).toEqual([
          [
            '2026-02-18T23:00:00.000Z',
            '2026-02-19T23:00:00.000Z',
            'exchange-moved-recurrence/2026-02-19',
          ],
          [
            '2026-02-23T23:00:00.000Z',
            '2026-02-24T23:00:00.000Z',
            'exchange-moved-recurrence/2026-02-24',
          ],
          [
            '2026-02-26T23:00:00.000Z',
            '2026-02-27T23:00:00.000Z',
            'exchange-moved-recurrence/2026-02-26',
          ],
        ]);
        expect(
          rows.every((b) => b.client === 'Exchange Recurring Test' && b.source === 'ics'),
        ).toBe(true);

        // A suite without a site books the same days in UTC.
        await importIcs(ids.dub1, 'exchange-windows-tz-allday.ics', ...window);
        expect(starts(await list(ids.dub1, ...window), /Exchange/)[0]).toEqual([
          '2026-02-19T00:00:00.000Z',
          '2026-02-20T00:00:00.000Z',
        ]);

        // The same file again changes nothing.
        expect(await importIcs(ids.grade1, 'exchange-windows-tz-allday.ics', ...window)).toEqual({
          created: 0,
          updated: 0,
          unchanged: 3,
          skipped: 0,
          removed: 0,
          errors: [],
        });
        expect(await list(ids.grade1, ...window)).toEqual(rows);
      });

      it('expands a yearly Los Angeles event, moving the overridden year and leaving out the EXDATE', async () => {
        const window = ['2014-01-01T00:00:00Z', '2018-12-31T00:00:00Z'] as const;
        const result = await importIcs(ids.grade2, 'google-la-yearly-override.ics', ...window);
        expect(result).toMatchObject({ created: 4, skipped: 0, errors: [] });
        // 1 Aug 19:00 PDT is 02:00Z the next day; 2014 moved to 18:30; 2016 is an EXDATE.
        expect(starts(await list(ids.grade2, ...window), /Vespers/)).toEqual([
          ['2014-08-02T01:30:00.000Z', '2014-08-02T02:30:00.000Z'],
          ['2015-08-02T02:00:00.000Z', '2015-08-02T03:00:00.000Z'],
          ['2017-08-02T02:00:00.000Z', '2017-08-02T03:00:00.000Z'],
          ['2018-08-02T02:00:00.000Z', '2018-08-02T03:00:00.000Z'],
        ]);
        expect(
          (await importIcs(ids.grade2, 'google-la-yearly-override.ics', ...window)).unchanged,
        ).toBe(4);
      });

      it('imports the Google Berlin export: weekly EXDATE, moved monthly occurrence, overlaps reported', async () => {
        const window = ['2019-02-10T00:00:00Z', '2019-03-20T00:00:00Z'] as const;
        const result = await importIcs(ids.grade1, 'google-machbar-berlin.ics', ...window);
        expect(result.created).toBeGreaterThan(10);
        // The calendar double-books; the import keeps both and says so.
        expect(result.errors.length).toBeGreaterThan(0);
        expect(result.errors.every((e) => e.startsWith('overlap: '))).toBe(true);
        const rows = await list(ids.grade1, ...window);
        // Thursdays 08:30 Berlin (07:30Z) from 28 Feb; 7 March is an EXDATE.
        expect(
          starts(rows, /Montessori/).filter(
            ([s]) => s?.includes('T07:30') && new Date(s).getUTCDay() === 4,
          ),
        ).toEqual([
          ['2019-02-28T07:30:00.000Z', '2019-02-28T13:30:00.000Z'],
          ['2019-03-14T07:30:00.000Z', '2019-03-14T13:30:00.000Z'],
        ]);
        // The third Saturday's repair café of 16 Feb moved to Sunday 24 Feb, 11:00 Berlin.
        const repair = rows.filter((b) => b.client.includes('repairCaf'));
        expect(repair.map((b) => b.startsAt)).toContain('2019-02-24T10:00:00.000Z');
        expect(repair.map((b) => b.startsAt)).not.toContain('2019-02-16T10:00:00.000Z');
        expect(repair.find((b) => b.startsAt === '2019-02-24T10:00:00.000Z')?.sourceUid).toBe(
          'ome5r9735mpdoo3n6lpf8oi0c4@google.com/2019-02-16T10:00:00.000Z',
        );

        const again = await importIcs(ids.grade1, 'google-machbar-berlin.ics', ...window);
        expect(again).toMatchObject({ created: 0, updated: 0, unchanged: result.created });
        expect(await list(ids.grade1, ...window)).toEqual(rows);
      });

      it('fetches a calendar from an http URL', async () => {
        let server: LocalServer | undefined;
        try {
          server = await startHttpServer((_req, res) => {
            res.writeHead(200, { 'content-type': 'text/calendar' });
            res.end(ics('google-la-yearly-override.ics'));
          });
          const response = await api('POST', '/api/bookings/import', {
            suiteId: ids.dub1,
            url: `${server.url}/cal.ics`,
            from: '2017-01-01T00:00:00Z',
            to: '2017-12-31T00:00:00Z',
          });
          expect(response.statusCode, response.body).toBe(200);
          expect(response.json()).toMatchObject({ created: 1, errors: [] });
        } finally {
          await server?.close();
        }
      });
    });
  });
}
