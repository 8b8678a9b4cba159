import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { stores } from '../helpers/db.ts';
import { describeWith } from '../helpers/system.ts';

const hour = 3_600_000;
const day = 24 * hour;

interface Calendar {
  from: string;
  to: string;
  timezone: string;
  bookings: Array<{
    id: string;
    suiteId: string;
    title: string;
    start: string;
    end: string;
    signoff: string | null;
    signoffRisk: { reason: string; lastPassAt: string | null } | null;
    movedWork: Array<{ id: string; reason: string }>;
  }>;
  workOrders: Array<{
    id: string;
    number: number;
    title: string;
    status: string;
    scheduledStart: string | null;
    scheduledEnd: string | null;
    dueAt: string | null;
    overdue: boolean;
    overrideReason: string | null;
  }>;
  windows: Array<{
    windowId: string;
    title: string;
    start: string;
    end: string;
    mode: string;
    scope: string;
    scopeId: string;
    workOrderId: string | null;
  }>;
  maintenanceHours: Array<{ start: string; end: string }>;
}

for (const { store, needs } of stores) {
  describeWith(needs, `maintenance calendar on ${store}`, () => {
    let t: TestApp;
    let engineer = '';
    let junior = '';
    const ids = {
      soho: '',
      leeds: '',
      floor1: '',
      floor2: '',
      grade1: '',
      edit1: '',
      mix1: '',
      leedsSuite: '',
      monitor: '',
      workstation: '',
      nexis: '',
      speaker: '',
    };
    const orders = { monitor: '', nexis: '', room: '', leeds: '', late: '' };
    const bookings = { grade1: '', edit1: '', leeds: '' };
    const windows = { mix: '', nexis: '' };
    // A Monday at least two days ahead, 00:00 UTC: every fixed time below hangs off it.
    const now = Date.now();
    const firstDay = Math.ceil((now + 2 * day) / day) * day;
    const monday = firstDay + ((8 - new Date(firstDay).getUTCDay()) % 7) * day;
    const at = (offset: number) => new Date(monday + offset).toISOString();
    // From yesterday (the late work is placed from now on) to two weeks after that Monday.
    const period = {
      from: new Date(Math.floor(now / day) * day - day).toISOString(),
      to: at(14 * day),
    };

    const api = (method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: object) =>
      t.app.inject({ method, url, payload, headers: { cookie: t.admin } });
    const created = async (url: string, payload: object) => {
      const response = await api('POST', url, payload);
      if (response.statusCode !== 201) throw new Error(`${url}: ${response.body}`);
      return response.json<{ id: string }>().id;
    };
    const calendarOf = async (scope: Record<string, string> = {}, cookie = t.admin) => {
      const query = new URLSearchParams({ ...period, ...scope }).toString();
      const response = await t.app.inject({
        method: 'GET',
        url: `/api/maintenance/calendar?${query}`,
        headers: { cookie },
      });
      expect(response.statusCode, response.body).toBe(200);
      return response.json<Calendar>();
    };
    const move = async (id: string, start: string) => {
      const response = await t.app.inject({
        method: 'POST',
        url: `/api/work-orders/${id}/move`,
        payload: { start },
        headers: { cookie: engineer },
      });
      expect(response.statusCode, response.body).toBe(200);
    };
    const orderIds = (c: Calendar) => c.workOrders.map((w) => w.id).sort();
    const sorted = (list: string[]) => [...list].sort();

    beforeAll(async () => {
      t = await createTestApp(store);
      engineer = await t.userWithRole('engineer');
      junior = await t.userWithRole('junior');
      // Weeknight-style hours every day, in UTC, so the free intervals are easy to state.
      const hours = await api('PATCH', '/api/maintenance/settings', {
        hours: {
          timezone: 'UTC',
          week: Array.from({ length: 7 }, () => [
            ['00:00', '08:00'],
            ['19:00', '24:00'],
          ]),
          holidays: [],
        },
      });
      expect(hours.statusCode, hours.body).toBe(200);

      ids.soho = await created('/api/sites', { name: 'Soho', timezone: 'UTC' });
      ids.leeds = await created('/api/sites', { name: 'Leeds', timezone: 'UTC' });
      ids.floor1 = await created('/api/rooms', { name: 'Floor 1', siteId: ids.soho });
      ids.floor2 = await created('/api/rooms', { name: 'Floor 2', siteId: ids.soho });
      const leedsRoom = await created('/api/rooms', { name: 'Ground', siteId: ids.leeds });
      ids.grade1 = await created('/api/suites', { name: 'Grade 1', roomId: ids.floor1 });
      ids.edit1 = await created('/api/suites', { name: 'Edit 1', roomId: ids.floor1 });
      ids.mix1 = await created('/api/suites', { name: 'Mix 1', roomId: ids.floor2 });
      ids.leedsSuite = await created('/api/suites', { name: 'Leeds Edit', roomId: leedsRoom });

      ids.monitor = await created('/api/devices', {
        name: 'X310 G1',
        kind: 'display',
        suiteIds: [ids.grade1],
      });
      ids.workstation = await created('/api/devices', {
        name: 'Baselight G1',
        kind: 'workstation',
        suiteIds: [ids.grade1],
      });
      // Shared storage in no suite: Grade 1 depends on it through its workstation.
      ids.nexis = await created('/api/devices', { name: 'NEXIS', kind: 'storage' });
      const depends = await api('PUT', `/api/devices/${ids.workstation}/dependencies`, {
        dependsOn: [ids.nexis],
      });
      expect(depends.statusCode, depends.body).toBe(200);
      ids.speaker = await created('/api/devices', {
        name: 'Mix 1 monitors',
        kind: 'other',
        suiteIds: [ids.mix1],
      });

      bookings.grade1 = await created('/api/bookings', {
        suiteId: ids.grade1,
        client: 'Northern Light',
        project: 'Reel 3',
        startsAt: at(10 * hour),
        endsAt: at(18 * hour),
      });
      bookings.edit1 = await created('/api/bookings', {
        suiteId: ids.edit1,
        client: 'Harbour Films',
        startsAt: at(day + 9 * hour),
        endsAt: at(day + 17 * hour),
      });
      bookings.leeds = await created('/api/bookings', {
        suiteId: ids.leedsSuite,
        client: 'Dales TV',
        startsAt: at(9 * hour),
        endsAt: at(12 * hour),
      });

      const adHoc = async (title: string, where: object, dueAt = at(10 * day)) => {
        const response = await t.app.inject({
          method: 'POST',
          url: '/api/work-orders',
          payload: { type: 'preventive', title, durationMin: 60, dueAt, ...where },
          headers: { cookie: engineer },
        });
        expect(response.statusCode, response.body).toBe(201);
        return response.json<{ id: string }>().id;
      };
      orders.monitor = await adHoc('Calibrate X310', { deviceId: ids.monitor });
      orders.nexis = await adHoc('NEXIS firmware', { deviceId: ids.nexis });
      orders.room = await adHoc('Floor 1 air filters', { roomId: ids.floor1 });
      orders.leeds = await adHoc('Leeds suite check', { suiteId: ids.leedsSuite });
      // Fixed slots, so the assertions below know where each one sits.
      await move(orders.monitor, at(19 * hour));
      await move(orders.nexis, at(day + 20 * hour));
      await move(orders.room, at(2 * day + 21 * hour));
      await move(orders.leeds, at(3 * day + 19 * hour));
      // Due two days ago: overdue, placed from now on.
      orders.late = await adHoc(
        'Overdue lamp check',
        { suiteId: ids.mix1 },
        new Date(now - 2 * day).toISOString(),
      );

      windows.mix = await created('/api/maintenance-windows', {
        scope: 'suite',
        scopeId: ids.mix1,
        mode: 'record',
        reason: 'Weekly desk reboot',
        startsAt: at(20 * hour),
        endsAt: at(22 * hour),
        timezone: 'UTC',
        recurrence: 'weekly',
        weekdays: [1, 3],
      });
      windows.nexis = await created('/api/maintenance-windows', {
        scope: 'device',
        scopeId: ids.nexis,
        mode: 'skip',
        reason: 'NEXIS migration',
        startsAt: at(4 * day + 1 * hour),
        endsAt: at(4 * day + 5 * hour),
        timezone: 'UTC',
      });
    });
    afterAll(async () => t?.close());

    it('shows the whole facility when no place is given', async () => {
      const c = await calendarOf({}, junior);
      expect(c.from).toBe(period.from);
      expect(c.to).toBe(period.to);
      expect(c.timezone).toBe('UTC');
      expect(c.bookings.map((b) => b.id).sort()).toEqual(sorted(Object.values(bookings)));
      expect(orderIds(c)).toEqual(sorted(Object.values(orders)));
      const grade = c.bookings.find((b) => b.id === bookings.grade1)!;
      expect(grade).toMatchObject({
        suiteId: ids.grade1,
        title: 'Northern Light · Reel 3',
        start: at(10 * hour),
        end: at(18 * hour),
        signoff: null,
        signoffRisk: null,
      });
      const monitor = c.workOrders.find((w) => w.id === orders.monitor)!;
      expect(monitor).toMatchObject({
        title: 'Calibrate X310',
        status: 'scheduled',
        scheduledStart: at(19 * hour),
        scheduledEnd: at(20 * hour),
        overdue: false,
      });
      expect(c.workOrders.find((w) => w.id === orders.late)!.overdue).toBe(true);
    });

    it('expands repeating windows into their occurrences and ties work windows to their work', async () => {
      const c = await calendarOf();
      const mix = c.windows.filter((w) => w.windowId === windows.mix);
      // Mondays and Wednesdays 20:00-22:00 from the first Monday: four in the fortnight.
      expect(mix.map((w) => [w.start, w.end])).toEqual([
        [at(20 * hour), at(22 * hour)],
        [at(2 * day + 20 * hour), at(2 * day + 22 * hour)],
        [at(7 * day + 20 * hour), at(7 * day + 22 * hour)],
        [at(9 * day + 20 * hour), at(9 * day + 22 * hour)],
      ]);
      expect(mix[0]).toMatchObject({
        title: 'Weekly desk reboot',
        mode: 'record',
        scope: 'suite',
        scopeId: ids.mix1,
        workOrderId: null,
      });
      // A work order's slot made a record-only window over the same time, naming the work.
      const ofMonitor = c.windows.filter((w) => w.workOrderId === orders.monitor);
      expect(ofMonitor).toHaveLength(1);
      expect(ofMonitor[0]).toMatchObject({
        start: at(19 * hour),
        end: at(20 * hour),
        mode: 'record',
        scope: 'device',
        scopeId: ids.monitor,
      });
      // Occurrences are in time order.
      const starts = c.windows.map((w) => w.start);
      expect(starts).toEqual([...starts].sort());
    });

    it('cuts repeating windows at the period edges', async () => {
      const from = at(2 * day);
      const to = at(3 * day);
      const response = await api(
        'GET',
        `/api/maintenance/calendar?from=${from}&to=${to}&suiteId=${ids.mix1}`,
      );
      expect(response.statusCode, response.body).toBe(200);
      const c = response.json<Calendar>();
      expect(c.windows.filter((w) => w.windowId === windows.mix).map((w) => w.start)).toEqual([
        at(2 * day + 20 * hour),
      ]);
      // Maintenance hours each day 00:00-08:00 and 19:00-24:00, joined across midnight.
      expect(c.maintenanceHours).toEqual([
        { start: at(2 * day), end: at(2 * day + 8 * hour) },
        { start: at(2 * day + 19 * hour), end: at(3 * day) },
      ]);
    });

    it('shows a suite its bookings, its work, its room’s work and the devices it depends on', async () => {
      const c = await calendarOf({ suiteId: ids.grade1 });
      expect(c.bookings.map((b) => b.id)).toEqual([bookings.grade1]);
      expect(orderIds(c)).toEqual(sorted([orders.monitor, orders.nexis, orders.room]));
      const windowIds = new Set(c.windows.map((w) => w.windowId));
      expect(windowIds.has(windows.nexis)).toBe(true);
      expect(windowIds.has(windows.mix)).toBe(false);
      for (const w of c.windows)
        expect([ids.monitor, ids.nexis, ids.floor1, ids.grade1, ids.workstation]).toContain(
          w.scopeId,
        );

      // Edit 1 shares the room, not the devices.
      const edit = await calendarOf({ suiteId: ids.edit1 });
      expect(edit.bookings.map((b) => b.id)).toEqual([bookings.edit1]);
      expect(orderIds(edit)).toEqual([orders.room]);
      expect(edit.windows.some((w) => w.windowId === windows.nexis)).toBe(false);
    });

    it('shows a room and a site as the union of their suites', async () => {
      const room = await calendarOf({ roomId: ids.floor1 });
      expect(room.bookings.map((b) => b.id).sort()).toEqual(
        sorted([bookings.grade1, bookings.edit1]),
      );
      expect(orderIds(room)).toEqual(sorted([orders.monitor, orders.nexis, orders.room]));
      expect(room.windows.some((w) => w.windowId === windows.mix)).toBe(false);

      const soho = await calendarOf({ siteId: ids.soho });
      expect(soho.bookings.map((b) => b.id).sort()).toEqual(
        sorted([bookings.grade1, bookings.edit1]),
      );
      expect(orderIds(soho)).toEqual(
        sorted([orders.monitor, orders.nexis, orders.room, orders.late]),
      );
      expect(soho.windows.filter((w) => w.windowId === windows.mix)).toHaveLength(4);

      const leeds = await calendarOf({ siteId: ids.leeds });
      expect(leeds.bookings.map((b) => b.id)).toEqual([bookings.leeds]);
      expect(orderIds(leeds)).toEqual([orders.leeds]);
      expect(leeds.windows.map((w) => w.workOrderId)).toEqual([orders.leeds]);
    });

    it('follows a moved work order and shows the reason it was moved onto a booking', async () => {
      const response = await t.app.inject({
        method: 'POST',
        url: `/api/work-orders/${orders.monitor}/move`,
        payload: { start: at(11 * hour), confirm: true, reason: 'Client asked for it' },
        headers: { cookie: engineer },
      });
      expect(response.statusCode, response.body).toBe(200);
      const c = await calendarOf({ suiteId: ids.grade1 });
      expect(c.workOrders.find((w) => w.id === orders.monitor)).toMatchObject({
        scheduledStart: at(11 * hour),
        overrideReason: 'Client asked for it',
      });
      expect(c.windows.find((w) => w.workOrderId === orders.monitor)?.start).toBe(at(11 * hour));
      // The booking it landed on says so, with the reason.
      expect(c.bookings.find((b) => b.id === bookings.grade1)?.movedWork).toEqual([
        expect.objectContaining({ id: orders.monitor, reason: 'Client asked for it' }),
      ]);
      await move(orders.monitor, at(19 * hour));
      const after = await calendarOf({ suiteId: ids.grade1 });
      expect(after.bookings.find((b) => b.id === bookings.grade1)?.movedWork).toEqual([]);
    });

    it('refuses bad periods and places with a 400 naming the field', async () => {
      const ask = (query: string) => api('GET', `/api/maintenance/calendar?${query}`);
      const cases: Array<[string, RegExp]> = [
        [`to=${period.to}`, /querystring\.from is required/],
        [`from=${period.from}`, /querystring\.to is required/],
        [`from=yesterday&to=${period.to}`, /querystring\.from/],
        [`from=${period.to}&to=${period.from}`, /querystring\.to: must be after from/],
        [`from=${period.from}&to=${period.from}`, /querystring\.to: must be after from/],
        [`from=${at(0)}&to=${at(63 * day)}`, /querystring\.to: the period may be at most 62 days/],
        [
          `from=${at(0)}&to=${at(day)}&suiteId=${ids.grade1}&roomId=${ids.floor1}`,
          /querystring\.roomId: give at most one of siteId, suiteId, roomId/,
        ],
        [`from=${at(0)}&to=${at(day)}&suiteId=nope`, /querystring\.suiteId/],
        [
          `from=${at(0)}&to=${at(day)}&roomId=00000000-0000-4000-8000-000000000000`,
          /querystring\.roomId: no room with id/,
        ],
        [
          `from=${at(0)}&to=${at(day)}&siteId=00000000-0000-4000-8000-000000000000`,
          /querystring\.siteId: no site with id/,
        ],
        [`from=${at(0)}&to=${at(day)}&deviceId=${ids.monitor}`, /deviceId/],
      ];
      for (const [query, message] of cases) {
        const response = await ask(query);
        expect(response.statusCode, query).toBe(400);
        expect(response.json<{ message: string }>().message, query).toMatch(message);
      }
      // 62 days exactly is allowed.
      expect((await ask(`from=${at(0)}&to=${at(62 * day)}`)).statusCode).toBe(200);
      const anonymous = await t.app.inject({
        method: 'GET',
        url: `/api/maintenance/calendar?from=${at(0)}&to=${at(day)}`,
      });
      expect(anonymous.statusCode).toBe(401);
    });

    // Last: it adds a booking the scope tests above do not expect.
    it('marks a sign-off booking whose suite has no passing calibration', async () => {
      const signoff = await created('/api/bookings', {
        suiteId: ids.grade1,
        client: 'Northern Light',
        project: 'Final grade approval',
        startsAt: at(5 * day + 10 * hour),
        endsAt: at(5 * day + 16 * hour),
        signoff: 'grade',
      });
      const c = await calendarOf({ suiteId: ids.grade1 });
      const marked = c.bookings.find((b) => b.id === signoff)!;
      expect(marked.signoff).toBe('grade');
      expect(marked.signoffRisk).not.toBeNull();
      expect(marked.signoffRisk!.reason).toMatch(/X310 G1 has no passing calibration/);
      expect(marked.signoffRisk!.lastPassAt).toBeNull();
      // An ordinary session carries no sign-off and no risk.
      expect(c.bookings.find((b) => b.id === bookings.grade1)).toMatchObject({
        signoff: null,
        signoffRisk: null,
      });
    });
  });
}
