import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { calendarFeeds, maintenanceWindows, workOrders } from '../../server/db/schema/index.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { stores } from '../helpers/db.ts';
import { describeWith, type Part } from '../helpers/system.ts';

const hour = 60 * 60 * 1000;
const day = 24 * hour;
const missing = '00000000-0000-4000-8000-000000000000';

// Debian's interpreter, where python3-icalendar installs: the python3 first on PATH may lack it.
const python = '/usr/bin/python3';
const pythonIcalendar: Part = {
  name: 'python3-icalendar',
  missing() {
    try {
      execFileSync(python, ['-c', 'import icalendar'], { stdio: 'ignore' });
      return null;
    } catch {
      return `${python} cannot import icalendar (apt-get install python3-icalendar)`;
    }
  },
};

// An independent reader of the feed: what a subscriber's calendar would see.
const parser = `
import json, sys, datetime
from icalendar import Calendar
cal = Calendar.from_ical(sys.stdin.read())
def when(event, key):
    value = event.get(key)
    if value is None:
        return None
    dt = value.dt
    if isinstance(dt, datetime.datetime):
        if dt.tzinfo is None or dt.utcoffset() != datetime.timedelta(0):
            raise SystemExit(f"{key} {dt!r} is not UTC")
        return dt.isoformat()
    return dt.isoformat()
events = [
    {
        "uid": str(e.get("UID")),
        "summary": str(e.get("SUMMARY")),
        "dtstart": when(e, "DTSTART"),
        "dtend": when(e, "DTEND"),
        "sequence": int(e.get("SEQUENCE", 0)),
        "status": str(e.get("STATUS")),
        "description": str(e.get("DESCRIPTION", "")),
        "url": str(e.get("URL", "")),
    }
    for e in cal.walk("VEVENT")
]
print(json.dumps({
    "name": str(cal.get("X-WR-CALNAME")),
    "timezones": len(cal.walk("VTIMEZONE")),
    "events": events,
}))
`;

interface ParsedEvent {
  uid: string;
  summary: string;
  dtstart: string;
  dtend: string;
  sequence: number;
  status: string;
  description: string;
  url: string;
}
interface ParsedCalendar {
  name: string;
  timezones: number;
  events: ParsedEvent[];
}

function parseIcs(ics: string): ParsedCalendar {
  return JSON.parse(execFileSync(python, ['-c', parser], { input: ics, encoding: 'utf8' }));
}

interface Feed {
  id: string;
  name: string;
  scope: string;
  suiteId: string | null;
  userId: string | null;
  createdBy: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}
interface CreatedFeed extends Feed {
  token: string;
  url: string;
}

/** A UTC instant as python's isoformat writes it. */
const pyIso = (at: Date) => at.toISOString().replace('.000Z', '+00:00');
const pyDate = (at: Date) => at.toISOString().slice(0, 10);

for (const { store, needs } of stores) {
  describeWith(needs, `calendar feeds on ${store}`, () => {
    let t: TestApp;
    let baseUrl = '';
    const cookies = { engineer: '', manager: '', junior: '', junior2: '' };
    const users = { admin: '', engineer: '', manager: '', junior: '', junior2: '' };
    const ids = { room: '', grade1: '', dub1: '', pc: '', storage: '', dubPc: '', router: '' };
    const wo = { grade: '', device: '', dub: '', cancelled: '', old: '', done: '' };
    const numbers: Record<string, number> = {};
    const mw = { room: '', router: '', dub: '', storage: '', old: '' };
    // Whole hours, so that epoch seconds in UIDs and python's isoformat need no rounding.
    const now = new Date(Math.floor(Date.now() / hour) * hour);
    const at = (days: number, hours = 0) => new Date(now.getTime() + days * day + hours * hour);
    const roomWindowStart = at(-14, 1);
    const anHourAgo = new Date(Date.now() - hour);

    const api = (
      method: 'GET' | 'POST' | 'DELETE',
      url: string,
      payload?: object,
      cookie?: string,
    ) => t.app.inject({ method, url, payload, headers: { cookie: cookie ?? t.admin } });
    const created = async (url: string, payload: object, cookie?: string) => {
      const response = await api('POST', url, payload, cookie);
      if (response.statusCode !== 201) throw new Error(`${url}: ${response.body}`);
      return response.json<{ id: string }>().id;
    };
    const me = async (cookie: string) =>
      (await api('GET', '/api/auth/me', undefined, cookie)).json<{ id: string }>().id;
    const createFeed = async (payload: object, cookie?: string) => {
      const response = await api('POST', '/api/calendar-feeds', payload, cookie);
      if (response.statusCode !== 201) throw new Error(`create feed: ${response.body}`);
      return response.json<CreatedFeed>();
    };
    const insertWorkOrder = async (values: Partial<typeof workOrders.$inferInsert>) => {
      const [row] = await t.ctx.db
        .insert(workOrders)
        .values({
          type: 'preventive',
          title: 'Check',
          durationMin: 60,
          createdAt: anHourAgo,
          updatedAt: anHourAgo,
          ...values,
        })
        .returning({ id: workOrders.id, number: workOrders.number });
      if (!row) throw new Error('no work order');
      numbers[row.id] = row.number;
      return row.id;
    };
    const insertWindow = async (values: Partial<typeof maintenanceWindows.$inferInsert>) => {
      const [row] = await t.ctx.db
        .insert(maintenanceWindows)
        .values({
          scope: 'device',
          scopeId: ids.router,
          mode: 'record',
          reason: 'Work',
          startsAt: at(5),
          endsAt: at(5, 2),
          timezone: 'UTC',
          createdAt: anHourAgo,
          updatedAt: anHourAgo,
          ...values,
        })
        .returning({ id: maintenanceWindows.id });
      if (!row) throw new Error('no window');
      return row.id;
    };
    /** Over real HTTP, as a calendar client fetches it. */
    const fetchFeed = (url: string) => fetch(`${baseUrl}${url}`);

    beforeAll(async () => {
      t = await createTestApp(store);
      baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
      cookies.engineer = await t.userWithRole('engineer');
      cookies.manager = await t.userWithRole('manager');
      cookies.junior = await t.userWithRole('junior');
      cookies.junior2 = await t.userWithRole('junior');
      users.admin = await me(t.admin);
      users.engineer = await me(cookies.engineer);
      users.manager = await me(cookies.manager);
      users.junior = await me(cookies.junior);
      users.junior2 = await me(cookies.junior2);

      // Grade 1 (in Floor 2) holds the grading PC and the SAN; Dub 1 (no room) its Pro Tools;
      // the MCR router is in no suite.
      const site = await created('/api/sites', { name: 'Soho' });
      ids.room = await created('/api/rooms', { name: 'Floor 2', siteId: site });
      ids.pc = await created('/api/devices', { name: 'Grade 1 Resolve', kind: 'workstation' });
      ids.storage = await created('/api/devices', { name: 'SAN 1', kind: 'storage' });
      ids.dubPc = await created('/api/devices', { name: 'Dub 1 Pro Tools', kind: 'audio' });
      ids.router = await created('/api/devices', { name: 'MCR router', kind: 'router' });
      ids.grade1 = await created('/api/suites', {
        name: 'Grade 1',
        roomId: ids.room,
        deviceIds: [ids.pc, ids.storage],
      });
      ids.dub1 = await created('/api/suites', { name: 'Dub 1', deviceIds: [ids.dubPc] });

      wo.grade = await insertWorkOrder({
        title: 'Monitor calibration',
        suiteId: ids.grade1,
        dueAt: at(3),
        scheduledStart: at(2, 9),
        scheduledEnd: at(2, 11),
        assigneeId: users.junior,
      });
      // Due but not yet given a slot: an all-day event on its due date. Noon UTC is the same
      // calendar day in any zone the facility may be set to.
      wo.device = await insertWorkOrder({
        title: 'Resolve panel clean',
        deviceId: ids.pc,
        dueAt: new Date(
          Date.UTC(at(10).getUTCFullYear(), at(10).getUTCMonth(), at(10).getUTCDate(), 12),
        ),
        assigneeId: users.engineer,
      });
      wo.dub = await insertWorkOrder({
        title: 'Speaker alignment',
        suiteId: ids.dub1,
        scheduledStart: at(3, 20),
        scheduledEnd: at(3, 22),
      });
      wo.cancelled = await insertWorkOrder({
        title: 'Cancelled check',
        suiteId: ids.grade1,
        status: 'cancelled',
        scheduledStart: at(4),
        scheduledEnd: at(4, 1),
        assigneeId: users.junior,
      });
      wo.old = await insertWorkOrder({
        title: 'Long ago',
        suiteId: ids.grade1,
        status: 'done',
        scheduledStart: at(-60),
        scheduledEnd: at(-60, 1),
        assigneeId: users.junior,
      });
      wo.done = await insertWorkOrder({
        title: 'SAN disk check',
        deviceId: ids.storage,
        status: 'done',
        scheduledStart: at(-5),
        scheduledEnd: at(-5, 1),
        assigneeId: users.junior,
      });

      mw.room = await insertWindow({
        scope: 'room',
        scopeId: ids.room,
        reason: 'Floor 2 power test',
        startsAt: roomWindowStart,
        endsAt: new Date(roomWindowStart.getTime() + 2 * hour),
        recurrence: 'weekly',
      });
      mw.router = await insertWindow({ reason: 'Router firmware', scopeId: ids.router });
      mw.dub = await insertWindow({
        scope: 'suite',
        scopeId: ids.dub1,
        reason: 'Dub 1 rewire',
        startsAt: at(7),
        endsAt: at(7, 4),
      });
      mw.storage = await insertWindow({
        scopeId: ids.storage,
        reason: 'SAN firmware',
        startsAt: at(6),
        endsAt: at(6, 3),
      });
      mw.old = await insertWindow({
        scopeId: ids.storage,
        reason: 'Old SAN work',
        startsAt: at(-40),
        endsAt: at(-40, 1),
      });
    });
    afterAll(async () => t?.close());

    it('returns the token once, keeps only its SHA-256, and never lists it', async () => {
      const feed = await createFeed({ name: 'Everything', scope: 'facility' });
      expect(feed).toMatchObject({
        name: 'Everything',
        scope: 'facility',
        suiteId: null,
        userId: null,
        createdBy: 'admin',
        revokedAt: null,
        lastUsedAt: null,
      });
      expect(feed.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(feed.token, 'base64url')).toHaveLength(32);
      expect(feed.url).toBe(`/calendar/${feed.token}.ics`);

      const [stored] = await t.ctx.db
        .select()
        .from(calendarFeeds)
        .where(eq(calendarFeeds.id, feed.id));
      expect(stored?.tokenHash).toBe(createHash('sha256').update(feed.token).digest('hex'));
      expect(JSON.stringify(stored)).not.toContain(feed.token);

      const list = await api('GET', '/api/calendar-feeds');
      expect(list.statusCode).toBe(200);
      expect(list.body).not.toContain(feed.token);
      expect(list.body).not.toContain(stored?.tokenHash);
      const listed = list.json<Feed[]>().find((f) => f.id === feed.id);
      expect(listed).toEqual({
        id: feed.id,
        name: 'Everything',
        scope: 'facility',
        suiteId: null,
        userId: null,
        createdById: users.admin,
        createdBy: 'admin',
        createdAt: expect.any(String),
        revokedAt: null,
        lastUsedAt: null,
      });

      const audit = await api('GET', `/api/audit?entity=calendar-feed&entityId=${feed.id}`);
      expect(audit.json<Array<{ action: string }>>().map((a) => a.action)).toEqual(['create']);
      expect(audit.body).not.toContain(feed.token);
    });

    it('serves the feed over HTTP without a login, as UTC iCalendar', async () => {
      const feed = await createFeed({ name: 'Everything', scope: 'facility' });
      const response = await fetchFeed(feed.url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
      const text = await response.text();
      expect(text.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
      expect(text).toContain('X-WR-CALNAME:Everything (Suitewatch: all planned work)');
      expect(text).not.toContain('TZID');
      expect(text).not.toContain('VTIMEZONE');
      expect(text).toContain(
        `DTSTART:${at(2, 9)
          .toISOString()
          .replace(/[-:]|\.\d+/g, '')}`,
      );
      expect(text).not.toContain('Cancelled check');

      const listed = (await api('GET', '/api/calendar-feeds')).json<Feed[]>();
      expect(listed.find((f) => f.id === feed.id)?.lastUsedAt).not.toBeNull();
    });

    it('a token with - and _ in it matches the route', async () => {
      const token = 'Ab-_cd-_ef-_gh-_ij-_kl-_mn-_op-_qr-_st-_uvw';
      await t.ctx.db.insert(calendarFeeds).values({
        name: 'Hand made',
        scope: 'facility',
        tokenHash: createHash('sha256').update(token).digest('hex'),
      });
      const response = await fetchFeed(`/calendar/${token}.ics`);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('X-WR-CALNAME:Hand made');
    });

    it('unknown and revoked tokens both get the same 404', async () => {
      const feed = await createFeed({ name: 'Short lived', scope: 'facility' });
      expect((await fetchFeed(feed.url)).status).toBe(200);
      const revoked = await api('POST', `/api/calendar-feeds/${feed.id}/revoke`);
      expect(revoked.statusCode).toBe(200);
      expect(revoked.json<Feed>().revokedAt).not.toBeNull();
      // Revoking again changes nothing.
      const again = await api('POST', `/api/calendar-feeds/${feed.id}/revoke`);
      expect(again.json<Feed>().revokedAt).toBe(revoked.json<Feed>().revokedAt);

      const gone = await fetchFeed(feed.url);
      expect(gone.status).toBe(404);
      const goneBody = (await gone.json()) as { message: string };
      expect(goneBody.message).toMatch(/revoked/);

      const unknown = await fetchFeed(`/calendar/${'x'.repeat(43)}.ics`);
      expect(unknown.status).toBe(404);
      expect(((await unknown.json()) as { message: string }).message).toBe(goneBody.message);
      const garbage = await fetchFeed('/calendar/not%20a%20token.ics');
      expect(garbage.status).toBe(404);
      expect(((await garbage.json()) as { message: string }).message).toBe(goneBody.message);

      const audit = await api('GET', `/api/audit?entity=calendar-feed&entityId=${feed.id}`);
      expect(audit.json<Array<{ action: string }>>().map((a) => a.action)).toEqual([
        'revoke',
        'create',
      ]);

      const deleted = await createFeed({ name: 'Deleted', scope: 'facility' });
      expect((await api('DELETE', `/api/calendar-feeds/${deleted.id}`)).json()).toEqual({
        ok: true,
      });
      expect((await fetchFeed(deleted.url)).status).toBe(404);
      expect((await api('DELETE', `/api/calendar-feeds/${deleted.id}`)).statusCode).toBe(404);
      expect((await api('POST', `/api/calendar-feeds/${missing}/revoke`)).statusCode).toBe(404);
    });

    it('refuses bad input with a 400 naming the field', async () => {
      const cases: Array<[object, RegExp]> = [
        [{ name: 'S', scope: 'suite' }, /^body\.suiteId: a suite feed needs/],
        [{ name: 'S', scope: 'suite', suiteId: missing }, /^body\.suiteId: no suite with id/],
        [{ name: 'F', scope: 'facility', userId: users.junior }, /^body\.userId: only a user feed/],
        [{ name: 'F', scope: 'facility', suiteId: ids.grade1 }, /^body\.suiteId: only a suite/],
        [{ name: 'U', scope: 'user', suiteId: ids.grade1 }, /^body\.suiteId: only a suite/],
        [{ name: 'U', scope: 'user', userId: missing }, /^body\.userId: no user with id/],
        [{ name: '   ', scope: 'facility' }, /^body\.name: /],
        [{ name: 'X', scope: 'team' }, /^body\.scope must be one of: facility, suite, user/],
        [{ name: 'X', scope: 'suite', suiteId: 'grade-1' }, /^body\.suiteId /],
        [{ scope: 'facility' }, /^body\.name is required/],
        [{ name: 'X', scope: 'facility', token: 'mine' }, /^body has an unknown field 'token'/],
      ];
      for (const [payload, message] of cases) {
        const response = await api('POST', '/api/calendar-feeds', payload);
        expect(response.statusCode, JSON.stringify(payload)).toBe(400);
        expect(response.json().message, JSON.stringify(payload)).toMatch(message);
      }
    });

    it('lets anyone make a feed of their own work, and only makers the rest', async () => {
      const refused = async (payload: object, cookie: string, message: RegExp) => {
        const response = await api('POST', '/api/calendar-feeds', payload, cookie);
        expect(response.statusCode, JSON.stringify(payload)).toBe(403);
        expect(response.json().message).toMatch(message);
      };
      await refused(
        { name: 'All', scope: 'facility' },
        cookies.junior,
        /engineer, manager or admin/,
      );
      await refused(
        { name: 'Grade 1', scope: 'suite', suiteId: ids.grade1 },
        cookies.junior,
        /junior\d+ is junior/,
      );
      await refused(
        { name: 'Spy', scope: 'user', userId: users.engineer },
        cookies.junior,
        /someone else's work/,
      );

      const own = await createFeed({ name: 'My work', scope: 'user' }, cookies.junior);
      expect(own).toMatchObject({ scope: 'user', userId: users.junior });
      const ownById = await createFeed(
        { name: 'My work too', scope: 'user', userId: users.junior },
        cookies.junior,
      );
      expect(ownById.userId).toBe(users.junior);
      const managers = await createFeed({ name: 'Facility', scope: 'facility' }, cookies.manager);
      const forJunior = await createFeed(
        { name: 'Junior rota', scope: 'user', userId: users.junior },
        cookies.engineer,
      );

      // A junior sees the feeds they made and those of their own work; others see them all.
      const juniorSees = (await api('GET', '/api/calendar-feeds', undefined, cookies.junior))
        .json<Feed[]>()
        .map((f) => f.id);
      expect(juniorSees.sort()).toEqual([own.id, ownById.id, forJunior.id].sort());
      expect((await api('GET', '/api/calendar-feeds', undefined, cookies.junior2)).json()).toEqual(
        [],
      );
      const managerSees = (await api('GET', '/api/calendar-feeds', undefined, cookies.manager))
        .json<Feed[]>()
        .map((f) => f.id);
      expect(managerSees).toEqual(expect.arrayContaining([own.id, managers.id, forJunior.id]));

      // Revoking: whoever made the feed, or an engineer or admin.
      const revoke = (id: string, cookie: string) =>
        api('POST', `/api/calendar-feeds/${id}/revoke`, undefined, cookie);
      expect((await revoke(forJunior.id, cookies.junior)).statusCode).toBe(403);
      expect((await revoke(own.id, cookies.manager)).statusCode).toBe(403);
      expect((await revoke(managers.id, cookies.junior)).statusCode).toBe(404);
      expect((await revoke(own.id, cookies.junior2)).statusCode).toBe(404);
      expect((await revoke(own.id, cookies.junior)).statusCode).toBe(200);
      expect((await revoke(managers.id, cookies.manager)).statusCode).toBe(200);
      expect((await revoke(forJunior.id, cookies.engineer)).statusCode).toBe(200);
      expect((await revoke(ownById.id, cookies.engineer)).statusCode).toBe(200);
      const del = await api(
        'DELETE',
        `/api/calendar-feeds/${ownById.id}`,
        undefined,
        cookies.manager,
      );
      expect(del.statusCode).toBe(403);
      expect((await api('GET', '/api/calendar-feeds', undefined, '')).statusCode).toBe(401);
    });

    describeWith([pythonIcalendar], 'read by python icalendar', () => {
      const feedOf = async (payload: object, cookie?: string) => {
        const feed = await createFeed(payload, cookie);
        const read = async () => {
          const response = await fetchFeed(feed.url);
          expect(response.status).toBe(200);
          return parseIcs(await response.text());
        };
        return { feed, read };
      };
      const woUid = (id: string) => `wo-${id}@suitewatch`;
      const mwUid = (id: string, start: Date) => `mw-${id}-${start.getTime() / 1000}@suitewatch`;
      // Weekly from 14 days back: the 28 starts before 180 days ahead.
      const roomUids = () =>
        Array.from({ length: 28 }, (_, k) =>
          mwUid(mw.room, new Date(roomWindowStart.getTime() + k * 7 * day)),
        );
      const uids = (calendar: ParsedCalendar) => calendar.events.map((e) => e.uid).sort();

      it('the facility feed holds all planned work, event by event', async () => {
        const { read } = await feedOf({ name: 'Facility', scope: 'facility' });
        const calendar = await read();
        expect(calendar.name).toBe('Facility (Suitewatch: all planned work)');
        expect(calendar.timezones).toBe(0);
        expect(uids(calendar)).toEqual(
          [
            woUid(wo.grade),
            woUid(wo.device),
            woUid(wo.dub),
            woUid(wo.done),
            ...roomUids(),
            mwUid(mw.router, at(5)),
            mwUid(mw.dub, at(7)),
            mwUid(mw.storage, at(6)),
          ].sort(),
        );
        const event = (uid: string) => calendar.events.find((e) => e.uid === uid);

        const grade = event(woUid(wo.grade));
        expect(grade).toMatchObject({
          summary: `WO-${numbers[wo.grade]} Monitor calibration (scheduled)`,
          dtstart: pyIso(at(2, 9)),
          dtend: pyIso(at(2, 11)),
          sequence: Math.floor(anHourAgo.getTime() / 1000) - Date.UTC(2024, 0, 1) / 1000,
          status: 'CONFIRMED',
          url: `${baseUrl}/#/work-orders/${wo.grade}`,
        });
        expect(grade?.description).toContain('Status: scheduled');
        expect(grade?.description).toContain('Suite: Grade 1');
        expect(grade?.description).toContain('Due: ');
        expect(grade?.description).toContain(`${baseUrl}/#/work-orders/${wo.grade}`);

        const device = event(woUid(wo.device));
        const dueDay = new Date(
          Date.UTC(at(10).getUTCFullYear(), at(10).getUTCMonth(), at(10).getUTCDate()),
        );
        expect(device).toMatchObject({
          summary: `WO-${numbers[wo.device]} Resolve panel clean (scheduled)`,
          dtstart: pyDate(dueDay),
          dtend: pyDate(new Date(dueDay.getTime() + day)),
        });
        expect(device?.description).toContain('Device: Grade 1 Resolve');
        expect(device?.description).toContain('Assignee: engineer');

        expect(event(woUid(wo.done))).toMatchObject({
          summary: `WO-${numbers[wo.done]} SAN disk check (done)`,
          status: 'CONFIRMED',
        });

        const room = event(roomUids()[3] ?? '');
        const fourth = new Date(roomWindowStart.getTime() + 3 * 7 * day);
        expect(room).toMatchObject({
          summary: 'Maintenance: Floor 2 power test (Floor 2)',
          dtstart: pyIso(fourth),
          dtend: pyIso(new Date(fourth.getTime() + 2 * hour)),
          status: 'CONFIRMED',
        });
        expect(room?.description).toContain('Repeats: weekly');
        expect(event(mwUid(mw.router, at(5)))).toMatchObject({
          summary: 'Maintenance: Router firmware (MCR router)',
          dtstart: pyIso(at(5)),
          dtend: pyIso(at(5, 2)),
        });
      });

      it('a moved work order keeps its UID, with the new time and a higher SEQUENCE', async () => {
        const { read } = await feedOf({ name: 'Facility', scope: 'facility' });
        const before = (await read()).events.find((e) => e.uid === woUid(wo.grade));
        await t.ctx.db
          .update(workOrders)
          .set({ scheduledStart: at(4, 14), scheduledEnd: at(4, 16), updatedAt: new Date() })
          .where(eq(workOrders.id, wo.grade));
        const after = (await read()).events.filter((e) => e.uid === woUid(wo.grade));
        expect(after).toHaveLength(1);
        expect(after[0]).toMatchObject({ dtstart: pyIso(at(4, 14)), dtend: pyIso(at(4, 16)) });
        expect(after[0]?.sequence).toBeGreaterThan(before?.sequence ?? Infinity);
      });

      it("a suite feed holds only that suite's work", async () => {
        const { read } = await feedOf({ name: 'Grade 1', scope: 'suite', suiteId: ids.grade1 });
        const calendar = await read();
        expect(calendar.name).toBe('Grade 1 (Suitewatch: planned work in Grade 1)');
        // Its own work, its devices' work, and windows on its room and its devices.
        expect(uids(calendar)).toEqual(
          [
            woUid(wo.grade),
            woUid(wo.device),
            woUid(wo.done),
            ...roomUids(),
            mwUid(mw.storage, at(6)),
          ].sort(),
        );

        const dub = await (
          await feedOf({ name: 'Dub 1', scope: 'suite', suiteId: ids.dub1 }, cookies.engineer)
        ).read();
        expect(uids(dub)).toEqual([woUid(wo.dub), mwUid(mw.dub, at(7))].sort());
      });

      it("a user feed holds only the assignee's work", async () => {
        const { read } = await feedOf({ name: 'Mine', scope: 'user' }, cookies.junior);
        const calendar = await read();
        expect(calendar.name).toMatch(/^Mine \(Suitewatch: work for junior\d+\)$/);
        expect(uids(calendar)).toEqual([woUid(wo.grade), woUid(wo.done)].sort());

        const engineers = await (
          await feedOf({ name: 'Eng', scope: 'user', userId: users.engineer })
        ).read();
        expect(uids(engineers)).toEqual([woUid(wo.device)]);
        const nobody = await (
          await feedOf({ name: 'Quiet', scope: 'user' }, cookies.junior2)
        ).read();
        expect(nobody.events).toEqual([]);
      });
    });
  });
}
