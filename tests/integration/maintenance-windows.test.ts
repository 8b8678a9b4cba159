import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LiveEvent } from '../../server/live-events.ts';
import { activeWindows, devicesInWindow } from '../../server/modules/maintenance/service.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { stores } from '../helpers/db.ts';
import { describeWith } from '../helpers/system.ts';

const hour = 60 * 60 * 1000;
const missing = '00000000-0000-4000-8000-000000000000';

for (const { store, needs } of stores) {
  describeWith(needs, `maintenance windows on ${store}`, () => {
    let t: TestApp;
    const events: LiveEvent[] = [];
    // Grade 1 (in room A) holds the grading PC and the shared storage; Grade 2 (also in room A)
    // the storage too; the MCR router is in no suite.
    const ids = { room: '', grade1: '', grade2: '', pc: '', storage: '', router: '', other: '' };

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

    beforeAll(async () => {
      t = await createTestApp(store);
      t.ctx.bus.subscribe((event) => events.push(event));
      const site = await created('/api/sites', { name: 'Soho' });
      ids.room = await created('/api/rooms', { name: 'Floor 2', siteId: site });
      ids.pc = await created('/api/devices', { name: 'Grade 1 Resolve', kind: 'workstation' });
      ids.storage = await created('/api/devices', { name: 'SAN 1', kind: 'storage' });
      ids.router = await created('/api/devices', { name: 'MCR router', kind: 'router' });
      ids.other = await created('/api/devices', { name: 'Dub 1 Pro Tools', kind: 'audio' });
      ids.grade1 = await created('/api/suites', {
        name: 'Grade 1',
        roomId: ids.room,
        deviceIds: [ids.pc, ids.storage],
      });
      ids.grade2 = await created('/api/suites', {
        name: 'Grade 2',
        roomId: ids.room,
        deviceIds: [ids.storage],
      });
      // Dub 1 has no room: a room window must not reach it.
      await created('/api/suites', { name: 'Dub 1', deviceIds: [ids.other] });
    });
    afterAll(async () => t?.close());

    /** A one-off window running from an hour ago to an hour from now, unless told otherwise. */
    const body = (more: object = {}) => ({
      scope: 'device',
      scopeId: ids.router,
      mode: 'record',
      reason: 'Router firmware upgrade',
      startsAt: new Date(Date.now() - hour).toISOString(),
      endsAt: new Date(Date.now() + hour).toISOString(),
      timezone: 'Europe/London',
      ...more,
    });
    const create = async (more: object = {}) => {
      const response = await api('POST', '/api/maintenance-windows', body(more));
      if (response.statusCode !== 201) throw new Error(response.body);
      return response.json<{ id: string }>().id;
    };
    const audit = async (id: string) =>
      (await api('GET', `/api/audit?entity=maintenance-window&entityId=${id}`))
        .json<Array<{ action: string; actor: string }>>()
        .map((e) => `${e.action} by ${e.actor}`);

    it('creates, reads, changes and deletes a window, auditing and announcing each change', async () => {
      events.length = 0;
      const response = await api(
        'POST',
        '/api/maintenance-windows',
        body({ timezone: 'europe/london' }),
      );
      expect(response.statusCode).toBe(201);
      const window = response.json();
      expect(window).toMatchObject({
        scope: 'device',
        scopeId: ids.router,
        mode: 'record',
        reason: 'Router firmware upgrade',
        timezone: 'Europe/London',
        recurrence: 'none',
        weekdays: [],
        until: null,
        createdBy: 'admin',
        activeNow: true,
      });
      expect(window.createdById).toMatch(/^[0-9a-f-]{36}$/);
      expect(window.nextOccurrences).toEqual([{ start: window.startsAt, end: window.endsAt }]);
      const id = window.id as string;

      const read = await api('GET', `/api/maintenance-windows/${id}`);
      expect(read.statusCode).toBe(200);
      expect(read.json()).toEqual(window);
      const listed = (await api('GET', '/api/maintenance-windows')).json<Array<{ id: string }>>();
      expect(listed.find((w) => w.id === id)).toMatchObject({ activeNow: true });
      expect(listed.find((w) => w.id === id)).not.toHaveProperty('nextOccurrences');

      const changed = await api('PATCH', `/api/maintenance-windows/${id}`, {
        reason: '  Router firmware 4.2  ',
        mode: 'skip',
      });
      expect(changed.statusCode).toBe(200);
      expect(changed.json()).toMatchObject({ reason: 'Router firmware 4.2', mode: 'skip' });

      expect((await api('DELETE', `/api/maintenance-windows/${id}`)).json()).toEqual({ ok: true });
      expect((await api('GET', `/api/maintenance-windows/${id}`)).statusCode).toBe(404);

      expect(await audit(id)).toEqual(['delete by admin', 'update by admin', 'create by admin']);
      expect(events.filter((e) => e.type === 'changed')).toEqual(
        Array(3).fill({ type: 'changed', entity: 'maintenance-window', id }),
      );
    });

    it('lets any user read, engineers and admins change, and refuses a junior', async () => {
      const junior = await t.userWithRole('junior');
      const engineer = await t.userWithRole('engineer');
      const refused = await api('POST', '/api/maintenance-windows', body(), junior);
      expect(refused.statusCode).toBe(403);
      expect(refused.json().message).toContain('needs the engineer or admin role');

      const made = await api('POST', '/api/maintenance-windows', body(), engineer);
      expect(made.statusCode).toBe(201);
      expect(made.json().createdBy).toMatch(/^engineer/);
      const id = made.json().id as string;
      expect(
        (await api('GET', `/api/maintenance-windows/${id}`, undefined, junior)).statusCode,
      ).toBe(200);
      expect((await api('GET', '/api/maintenance-windows', undefined, junior)).statusCode).toBe(
        200,
      );
      expect(
        (await api('PATCH', `/api/maintenance-windows/${id}`, { reason: 'x' }, junior)).statusCode,
      ).toBe(403);
      expect(
        (await api('DELETE', `/api/maintenance-windows/${id}`, undefined, junior)).statusCode,
      ).toBe(403);
      expect(
        (await api('DELETE', `/api/maintenance-windows/${id}`, undefined, engineer)).statusCode,
      ).toBe(200);
      expect(
        (await t.app.inject({ method: 'GET', url: '/api/maintenance-windows' })).statusCode,
      ).toBe(401);
    });

    it('refuses a bad window with a 400 naming the field', async () => {
      const start = '2026-06-01T22:00:00Z';
      const cases: Array<[object, string]> = [
        [{ endsAt: body().startsAt }, 'body.endsAt: the window ends before it starts'],
        [
          { endsAt: '2026-06-01T21:00:00Z', startsAt: start },
          'body.endsAt: the window ends before it starts',
        ],
        [{ reason: '   ' }, 'body.reason: '],
        [{ reason: undefined }, 'body.reason is required'],
        [{ timezone: 'Mars/Olympus' }, "body.timezone: 'Mars/Olympus' is not an IANA time zone"],
        [{ scopeId: missing }, `body.scopeId: no device with id ${missing}`],
        // A suite's id is not a room's.
        [{ scope: 'room', scopeId: ids.grade1 }, `body.scopeId: no room with id ${ids.grade1}`],
        [{ scope: 'floor' }, 'body.scope must be one of: device, suite, room'],
        [
          { recurrence: 'daily', weekdays: [1] },
          'body.weekdays: only a weekly window has weekdays',
        ],
        [{ recurrence: 'weekly', weekdays: [0] }, 'body.weekdays.0 must be >= 1'],
        [{ recurrence: 'weekly', weekdays: [8] }, 'body.weekdays.0 must be <= 7'],
        [{ recurrence: 'weekly', weekdays: [2, 2] }, 'body.weekdays must NOT have duplicate items'],
        [
          { recurrence: 'daily', startsAt: start, endsAt: '2026-06-02T22:00:01Z' },
          'body.endsAt: a daily window may last at most 24 hours',
        ],
        [
          { recurrence: 'weekly', startsAt: start, endsAt: '2026-06-08T23:00:00Z' },
          'body.endsAt: a weekly window may last at most 7 days',
        ],
        [
          {
            recurrence: 'weekly',
            weekdays: [1, 3],
            startsAt: start,
            endsAt: '2026-06-04T00:00:00Z',
          },
          'body.endsAt: a weekly window on these weekdays may last at most 2 days',
        ],
        [
          {
            recurrence: 'daily',
            startsAt: start,
            endsAt: '2026-06-01T23:00:00Z',
            until: '2026-05-01T00:00:00Z',
          },
          'body.until: the repeats end before the window first starts',
        ],
        [{ until: '2027-01-01T00:00:00Z' }, 'body.until: only a repeating window has an end date'],
        [{ startsAt: 'tomorrow' }, 'body.startsAt must match format "date-time"'],
      ];
      for (const [more, message] of cases) {
        const response = await api('POST', '/api/maintenance-windows', body(more));
        expect(response.statusCode, JSON.stringify(more)).toBe(400);
        expect(response.json().message).toContain(message);
      }
    });

    it('checks a change as the whole window it makes', async () => {
      const id = await create({
        recurrence: 'weekly',
        weekdays: [1, 4],
        until: '2030-01-01T00:00:00Z',
      });
      const early = await api('PATCH', `/api/maintenance-windows/${id}`, {
        endsAt: new Date(Date.now() - 2 * hour).toISOString(),
      });
      expect(early.statusCode).toBe(400);
      expect(early.json().message).toBe('body.endsAt: the window ends before it starts');
      const wrongScope = await api('PATCH', `/api/maintenance-windows/${id}`, { scope: 'suite' });
      expect(wrongScope.json().message).toBe(`body.scopeId: no suite with id ${ids.router}`);
      expect(
        (await api('PATCH', `/api/maintenance-windows/${id}`, { timezone: 'Mars/Olympus' })).json()
          .message,
      ).toBe("body.timezone: 'Mars/Olympus' is not an IANA time zone");
      // A partial change leaves the repeat alone.
      const renamed = await api('PATCH', `/api/maintenance-windows/${id}`, { reason: 'Patching' });
      expect(renamed.json()).toMatchObject({ recurrence: 'weekly', weekdays: [1, 4] });
      // Making it one-off drops the weekdays and the end date that only a repeat can have.
      const once = await api('PATCH', `/api/maintenance-windows/${id}`, { recurrence: 'none' });
      expect(once.statusCode).toBe(200);
      expect(once.json()).toMatchObject({ recurrence: 'none', weekdays: [], until: null });
      expect((await api('PATCH', `/api/maintenance-windows/${id}`, {})).statusCode).toBe(400);
      await api('DELETE', `/api/maintenance-windows/${id}`);
    });

    it('answers 404 for an unknown window', async () => {
      for (const [method, payload] of [
        ['GET', undefined],
        ['PATCH', { reason: 'x' }],
        ['DELETE', undefined],
      ] as const) {
        const response = await api(method, `/api/maintenance-windows/${missing}`, payload);
        expect(response.statusCode, method).toBe(404);
        expect(response.json().message).toBe(`maintenance window ${missing} does not exist`);
      }
    });

    it('filters the list by running now and by scope', async () => {
      const running = await create({ scope: 'suite', scopeId: ids.grade1 });
      const later = await create({
        scope: 'suite',
        scopeId: ids.grade1,
        startsAt: new Date(Date.now() + 24 * hour).toISOString(),
        endsAt: new Date(Date.now() + 25 * hour).toISOString(),
      });
      const elsewhere = await create({ scope: 'room', scopeId: ids.room });
      const list = async (query: string) =>
        (await api('GET', `/api/maintenance-windows?${query}`))
          .json<Array<{ id: string }>>()
          .map((w) => w.id);

      const active = await list('active=true');
      expect(active).toEqual(expect.arrayContaining([running, elsewhere]));
      expect(active).not.toContain(later);
      const idle = await list('active=false');
      expect(idle).toContain(later);
      expect(idle).not.toContain(running);
      expect(new Set(await list(`scope=suite&scopeId=${ids.grade1}`))).toEqual(
        new Set([running, later]),
      );
      expect(await list(`scope=suite&scopeId=${ids.grade1}&active=true`)).toEqual([running]);
      expect(await list(`scope=room`)).toEqual([elsewhere]);

      const detail = (await api('GET', `/api/maintenance-windows/${later}`)).json();
      expect(detail).toMatchObject({ activeNow: false });
      expect(detail.nextOccurrences).toHaveLength(1);
      for (const id of [running, later, elsewhere])
        await api('DELETE', `/api/maintenance-windows/${id}`);
    });

    it('finds the window covering each device through its device, suite or room', async () => {
      const at = new Date('2026-07-01T12:00:00Z');
      const around = {
        startsAt: '2026-07-01T10:00:00Z',
        endsAt: '2026-07-01T14:00:00Z',
        timezone: 'UTC',
      };
      const all = [ids.pc, ids.storage, ids.router, ids.other];
      expect(await activeWindows(t.ctx.db, all, at)).toEqual(new Map());

      const device = await create({ ...around, scopeId: ids.router });
      const suite = await create({
        ...around,
        scope: 'suite',
        scopeId: ids.grade2,
        reason: 'SAN rebuild',
      });
      let found = await activeWindows(t.ctx.db, all, at);
      expect(found).toEqual(
        new Map([
          [
            ids.router,
            {
              windowId: device,
              mode: 'record',
              reason: 'Router firmware upgrade',
              endsAt: new Date(around.endsAt),
            },
          ],
          [
            ids.storage,
            {
              windowId: suite,
              mode: 'record',
              reason: 'SAN rebuild',
              endsAt: new Date(around.endsAt),
            },
          ],
        ]),
      );
      // Only the devices asked about, and nothing before or after.
      expect([...(await activeWindows(t.ctx.db, [ids.pc, ids.router], at)).keys()]).toEqual([
        ids.router,
      ]);
      expect(await activeWindows(t.ctx.db, all, new Date('2026-07-01T14:00:00Z'))).toEqual(
        new Map(),
      );
      expect(await activeWindows(t.ctx.db, all, new Date('2026-07-01T09:59:59Z'))).toEqual(
        new Map(),
      );

      // Windows are read latest start first; the starts below make each rule decide both ways
      // round (the winner read first, and read last).
      // The room reaches both of its suites' devices, not the roomless Dub 1. Among record windows
      // the one ending last rules.
      const room = await create({
        ...around,
        startsAt: '2026-07-01T09:30:00Z',
        endsAt: '2026-07-01T16:00:00Z',
        scope: 'room',
        scopeId: ids.room,
        reason: 'Floor 2 power work',
      });
      found = await activeWindows(t.ctx.db, all, at);
      expect(found.get(ids.pc)?.windowId).toBe(room);
      expect(found.get(ids.storage)).toMatchObject({
        windowId: room,
        endsAt: new Date('2026-07-01T16:00:00Z'),
      });
      expect(found.has(ids.other)).toBe(false);
      const longer = await create({
        ...around,
        startsAt: '2026-07-01T11:00:00Z',
        endsAt: '2026-07-01T15:00:00Z',
      });
      expect((await activeWindows(t.ctx.db, all, at)).get(ids.router)?.windowId).toBe(longer);

      // A skip window outranks record windows that end later.
      const skip = await create({
        ...around,
        startsAt: '2026-07-01T11:00:00Z',
        mode: 'skip',
        scope: 'suite',
        scopeId: ids.grade1,
      });
      const skipRouter = await create({
        ...around,
        startsAt: '2026-07-01T09:00:00Z',
        endsAt: '2026-07-01T13:00:00Z',
        mode: 'skip',
      });
      found = await activeWindows(t.ctx.db, all, at);
      expect(found.get(ids.pc)).toMatchObject({ windowId: skip, mode: 'skip' });
      expect(found.get(ids.storage)).toMatchObject({ windowId: skip, mode: 'skip' });
      expect(found.get(ids.router)).toMatchObject({
        windowId: skipRouter,
        mode: 'skip',
        endsAt: new Date('2026-07-01T13:00:00Z'),
      });

      expect(await devicesInWindow(t.ctx.db, device)).toEqual([ids.router]);
      expect(await devicesInWindow(t.ctx.db, suite)).toEqual([ids.storage]);
      expect(await devicesInWindow(t.ctx.db, room)).toEqual([ids.pc, ids.storage].sort());
      expect(await devicesInWindow(t.ctx.db, missing)).toEqual([]);
      for (const id of [device, suite, room, longer, skip, skipRouter])
        await api('DELETE', `/api/maintenance-windows/${id}`);
    });

    it('runs a weekly window on its weekdays at its local time', async () => {
      // 22:00–02:00 New York time on Tuesdays and Thursdays from Tuesday 6 January 2026, to June.
      const id = await create({
        mode: 'skip',
        startsAt: '2026-01-07T03:00:00Z',
        endsAt: '2026-01-07T07:00:00Z',
        timezone: 'America/New_York',
        recurrence: 'weekly',
        weekdays: [2, 4],
        until: '2026-06-30T00:00:00Z',
      });
      const ruled = async (instant: string) =>
        (await activeWindows(t.ctx.db, [ids.router], new Date(instant))).get(ids.router);
      // Thursday 8 January, 23:00 EST.
      expect(await ruled('2026-01-09T04:00:00Z')).toMatchObject({
        windowId: id,
        mode: 'skip',
        endsAt: new Date('2026-01-09T07:00:00Z'),
      });
      // Wednesday 7 January, 23:00 EST; Thursday 8 January at 02:00 EST (the end, so outside).
      expect(await ruled('2026-01-08T04:00:00Z')).toBeUndefined();
      expect(await ruled('2026-01-08T07:00:00Z')).toBeUndefined();
      // Tuesday 5 May, 22:00 EDT: the wall-clock time held through the spring change.
      expect(await ruled('2026-05-06T02:00:00Z')).toMatchObject({ windowId: id });
      expect(await ruled('2026-05-06T01:59:59Z')).toBeUndefined();
      // Tuesday 7 July is after `until`.
      expect(await ruled('2026-07-08T03:00:00Z')).toBeUndefined();
      await api('DELETE', `/api/maintenance-windows/${id}`);
    });
  });
}
