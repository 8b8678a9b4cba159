import { afterAll, beforeAll, expect, it } from 'vitest';
import { workOrders } from '../../server/db/schema/index.ts';
import type { CalibrationKind } from '../../server/domain.ts';
import { signoffRisks } from '../../server/modules/pm/signoff.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { stores } from '../helpers/db.ts';
import { describeWith } from '../helpers/system.ts';

const hour = 3_600_000;
const day = 24 * hour;

interface Booking {
  id: string;
  suiteId: string;
  signoff: 'grade' | 'mix' | null;
  signoffRisk: { reason: string; lastPassAt: string | null } | null;
  movedWork: Array<{ id: string; number: number; title: string; reason: string }>;
}

interface Summary {
  suiteId: string;
  nextWork: {
    id: string;
    number: number;
    title: string;
    start: string | null;
    status: string;
  } | null;
  overdue: number;
  signoffRisks: Array<{ bookingId: string; suiteId: string; kind: string; reason: string }>;
}

for (const { store, needs } of stores) {
  describeWith(needs, `calibration sign-off gate on ${store}`, () => {
    let t: TestApp;
    let room = '';
    let site = '';
    const templates = {} as Record<CalibrationKind, string>;
    // Whole hours, so that "N days before the session" is exact.
    const now = Math.ceil(Date.now() / hour) * hour;
    const iso = (ms: number) => new Date(ms).toISOString();

    const api = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
      t.app.inject({ method, url, payload, headers: { cookie: t.admin } });
    const created = async (url: string, payload: object) => {
      const response = await api('POST', url, payload);
      if (response.statusCode !== 201) throw new Error(`${url}: ${response.body}`);
      return response.json<{ id: string }>().id;
    };
    let suites = 0;
    const suite = async (kind = 'grading', roomId = room) =>
      created('/api/suites', { name: `Suite ${++suites}`, roomId, kind });
    const device = (suiteId: string, kind: string, name: string) =>
      created('/api/devices', { name, kind, suiteIds: [suiteId] });
    const book = async (
      suiteId: string,
      startsAt: number,
      signoff: 'grade' | 'mix' | null = 'grade',
      hours = 8,
    ) => {
      const response = await api('POST', '/api/bookings', {
        suiteId,
        client: 'Northern Light',
        startsAt: iso(startsAt),
        endsAt: iso(startsAt + hours * hour),
        signoff,
      });
      if (response.statusCode !== 201) throw new Error(response.body);
      return response.json<Booking>();
    };
    const booking = async (id: string) => (await api('GET', `/api/bookings/${id}`)).json<Booking>();
    /** A finished calibration as an engineer would have recorded it (seeded straight in). */
    const calibrated = async (
      where: { deviceId?: string; suiteId?: string; roomId?: string },
      kind: CalibrationKind,
      completedAt: number,
      passed: boolean,
    ) => {
      await t.ctx.db.insert(workOrders).values({
        type: 'preventive',
        title: `${kind} calibration`,
        status: 'done',
        durationMin: 60,
        calibrationTemplateId: templates[kind],
        completedAt: new Date(completedAt),
        completedBy: 'admin',
        passed,
        ...where,
      });
    };

    beforeAll(async () => {
      t = await createTestApp(store);
      site = await created('/api/sites', { name: 'Soho', timezone: 'UTC' });
      room = await created('/api/rooms', { name: 'Floor 2', siteId: site });
      const list = (await api('GET', '/api/calibration-templates')).json<
        Array<{ id: string; kind: CalibrationKind }>
      >();
      for (const x of list) templates[x.kind] ??= x.id;
      // Maintenance any time, so that ad-hoc work is placed without waiting for the night.
      const hours = await api('PATCH', '/api/maintenance/settings', {
        hours: {
          timezone: 'UTC',
          week: Array.from({ length: 7 }, () => [['00:00', '24:00']]),
          holidays: [],
        },
      });
      expect(hours.statusCode).toBe(200);
    });
    afterAll(async () => t?.close());

    it('passes a grade sign-off whose display passed calibration 10 days before, recorded through the API', async () => {
      const s = await suite();
      const monitor = await device(s, 'display', 'X310 passing');
      const order = await created('/api/work-orders', {
        type: 'preventive',
        title: 'Monitor calibration',
        deviceId: monitor,
        durationMin: 60,
        calibrationTemplateId: templates.sdr_display,
      });
      const { steps } = (await api('GET', `/api/work-orders/${order}`)).json<{
        steps: Array<{ id: string; nominal: number }>;
      }>();
      for (const step of steps) {
        const r = await api('POST', `/api/work-orders/${order}/steps/${step.id}`, {
          value: step.nominal,
        });
        expect(r.statusCode, r.body).toBe(200);
      }
      const done = await api('POST', `/api/work-orders/${order}/transition`, {
        to: 'done',
        completedAt: iso(now - 8 * day),
      });
      expect(done.statusCode, done.body).toBe(200);
      expect(done.json<{ passed: boolean }>().passed).toBe(true);

      const b = await book(s, now + 2 * day);
      expect(b.signoff).toBe('grade');
      expect(b.signoffRisk).toBeNull();
      expect((await booking(b.id)).signoffRisk).toBeNull();
    });

    it('flags a grade sign-off whose last pass is 40 days old at the session, naming the age', async () => {
      const s = await suite();
      const monitor = await device(s, 'display', 'X310 stale');
      await calibrated({ deviceId: monitor }, 'sdr_display', now - 38 * day, true);
      const b = await book(s, now + 2 * day);
      expect(b.signoffRisk?.reason).toMatch(/X310 stale last passed 40 days before the session/);
      expect(b.signoffRisk?.reason).toMatch(/within 30 days/);
      expect(b.signoffRisk?.lastPassAt).toBe(iso(now - 38 * day));
      // The setting decides: 60 days makes the same calibration good enough.
      const wider = await api('PATCH', '/api/maintenance/settings', { signoffValidDays: 60 });
      expect(wider.statusCode, wider.body).toBe(200);
      expect((await booking(b.id)).signoffRisk).toBeNull();
      await api('PATCH', '/api/maintenance/settings', { signoffValidDays: 30 });
      expect((await booking(b.id)).signoffRisk).not.toBeNull();
    });

    it('judges at the session start: 25 days old now but 31 at the session is not enough', async () => {
      const s = await suite();
      const monitor = await device(s, 'display', 'X310 ageing');
      await calibrated({ deviceId: monitor }, 'hdr_display', now - 25 * day, true);
      const soon = await book(s, now + 4 * day);
      const later = await book(s, now + 6 * day);
      expect(soon.signoffRisk).toBeNull();
      expect(later.signoffRisk?.reason).toMatch(/last passed 31 days before the session/);
    });

    it('flags a failed calibration, even after an earlier pass', async () => {
      const onlyFailed = await suite();
      const a = await device(onlyFailed, 'display', 'X310 north');
      await calibrated({ deviceId: a }, 'sdr_display', now - 5 * day, false);
      const first = await book(onlyFailed, now + day);
      expect(first.signoffRisk?.reason).toMatch(
        /the calibration of X310 north failed 6 days before the session/,
      );
      expect(first.signoffRisk?.lastPassAt).toBeNull();

      const passThenFail = await suite();
      const b = await device(passThenFail, 'display', 'X310 drifted');
      await calibrated({ deviceId: b }, 'sdr_display', now - 20 * day, true);
      await calibrated({ deviceId: b }, 'sdr_display', now - 2 * day, false);
      const second = await book(passThenFail, now + day);
      expect(second.signoffRisk?.reason).toMatch(/X310 drifted failed 3 days before the session/);
      expect(second.signoffRisk?.lastPassAt).toBe(iso(now - 20 * day));
    });

    it('does not count a calibration finished after the session started', async () => {
      const s = await suite();
      const monitor = await device(s, 'display', 'X310 late');
      await calibrated({ deviceId: monitor }, 'sdr_display', now - 50 * day, true);
      await calibrated({ deviceId: monitor }, 'sdr_display', now - day, true);
      // Started three days ago: only the 50-day-old run was there when it began.
      const past = await book(s, now - 3 * day, 'grade', 4);
      expect(past.signoffRisk?.reason).toMatch(/last passed 47 days before the session/);
      const next = await book(s, now + day);
      expect(next.signoffRisk).toBeNull();
    });

    it('takes the calibrated display as the reference and ignores an uncalibrated GUI monitor', async () => {
      const s = await suite();
      const grade = await device(s, 'display', 'X310 reference');
      await device(s, 'display', 'GUI monitor');
      await calibrated({ deviceId: grade }, 'sdr_display', now - 3 * day, true);
      expect((await book(s, now + day)).signoffRisk).toBeNull();

      // With no calibration history, every display is a reference and each one is named.
      const fresh = await suite();
      await device(fresh, 'display', 'Left display');
      await device(fresh, 'display', 'Right display');
      const risk = (await book(fresh, now + day)).signoffRisk;
      expect(risk?.reason).toMatch(/Left display has no passing calibration before the session/);
      expect(risk?.reason).toMatch(/Right display has no passing calibration/);
    });

    it('says when the suite has no reference display at all', async () => {
      const s = await suite('edit');
      await device(s, 'workstation', 'Edit 5 workstation');
      const b = await book(s, now + day);
      expect(b.signoffRisk).toEqual({
        reason: 'no reference display in this suite',
        lastPassAt: null,
      });
      // Not a sign-off: nothing to warn about.
      const plain = await book(s, now + 3 * day, null);
      expect(plain.signoff).toBeNull();
      expect(plain.signoffRisk).toBeNull();
    });

    it('gates a mix on the room line-up: an audio device, the suite or its room', async () => {
      const s = await suite('mix');
      const speakers = await device(s, 'audio', 'Mix A monitors');
      const monitor = await device(s, 'display', 'Mix A picture');
      const mix = await book(s, now + 2 * day, 'mix');
      expect(mix.signoffRisk?.reason).toBe('no passing room line-up before the session');
      // A picture calibration is no line-up.
      await calibrated({ deviceId: monitor }, 'sdr_display', now - day, true);
      expect((await booking(mix.id)).signoffRisk).not.toBeNull();
      await calibrated({ deviceId: speakers }, 'audio_lineup', now - 3 * day, true);
      expect((await booking(mix.id)).signoffRisk).toBeNull();

      // A dubbing stage with no audio device of its own: its room's line-up counts.
      const stageRoom = await created('/api/rooms', { name: 'Stage', siteId: site });
      const stage = await suite('dubbing', stageRoom);
      const dub = await book(stage, now + 2 * day, 'mix');
      expect(dub.signoffRisk?.reason).toBe('no audio device or room line-up in this suite');
      await calibrated({ roomId: stageRoom }, 'loudness', now - 40 * day, true);
      expect((await booking(dub.id)).signoffRisk?.reason).toMatch(
        /room line-up last passed 42 days before the session/,
      );
      await calibrated({ roomId: stageRoom }, 'loudness', now - 2 * day, true);
      expect((await booking(dub.id)).signoffRisk).toBeNull();
    });

    it('finds the risks of many bookings in one call, filtered by suite', async () => {
      const a = await suite();
      const b = await suite('edit');
      await device(a, 'display', 'X310 batch');
      const one = await book(a, now + day);
      const two = await book(b, now + day);
      const three = await book(b, now + 3 * day, 'mix');
      const risks = await signoffRisks(t.ctx.db, {
        suiteIds: [a, b],
        from: new Date(now),
        to: new Date(now + 7 * day),
      });
      expect(risks.map((r) => r.bookingId).sort()).toEqual([one.id, two.id, three.id].sort());
      expect(risks.find((r) => r.bookingId === three.id)?.kind).toBe('mix');
      const onlyTwo = await signoffRisks(t.ctx.db, {
        bookingIds: [two.id],
        from: new Date(now),
        to: new Date(now + 7 * day),
      });
      expect(onlyTwo).toEqual([
        {
          bookingId: two.id,
          suiteId: b,
          kind: 'grade',
          reason: 'no reference display in this suite',
          lastPassAt: null,
        },
      ]);
    });

    it('refuses a bad signoff with a 400 naming body.signoff, and clears one with null', async () => {
      const s = await suite();
      const bad = await api('POST', '/api/bookings', {
        suiteId: s,
        client: 'Acme',
        startsAt: iso(now + 20 * day),
        endsAt: iso(now + 20 * day + hour),
        signoff: 'colour',
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json<{ message: string }>().message).toMatch(/body\.signoff/);
      const b = await book(s, now + 20 * day);
      const patch = await api('PATCH', `/api/bookings/${b.id}`, { signoff: 42 });
      expect(patch.statusCode).toBe(400);
      expect(patch.json<{ message: string }>().message).toMatch(/body\.signoff/);
      const cleared = await api('PATCH', `/api/bookings/${b.id}`, { signoff: null });
      expect(cleared.statusCode, cleared.body).toBe(200);
      expect(cleared.json<Booking>()).toMatchObject({ signoff: null, signoffRisk: null });
      const set = await api('PATCH', `/api/bookings/${b.id}`, { signoff: 'mix' });
      expect(set.json<Booking>().signoff).toBe('mix');
      // Editing another field keeps the sign-off.
      const moved = await api('PATCH', `/api/bookings/${b.id}`, { client: 'Acme Films' });
      expect(moved.json<Booking>().signoff).toBe('mix');
    });

    it('shows work moved onto a booking with its reason', async () => {
      const s = await suite();
      const monitor = await device(s, 'display', 'X310 moved');
      const b = await book(s, now + 5 * day, null);
      const order = await created('/api/work-orders', {
        type: 'corrective',
        title: 'Replace the backlight',
        deviceId: monitor,
        durationMin: 60,
      });
      expect((await booking(b.id)).movedWork).toEqual([]);
      const refused = await api('POST', `/api/work-orders/${order}/move`, {
        start: iso(now + 5 * day + hour),
      });
      expect(refused.statusCode).toBe(409);
      const moved = await api('POST', `/api/work-orders/${order}/move`, {
        start: iso(now + 5 * day + hour),
        confirm: true,
        reason: 'The client agreed to a one-hour break',
      });
      expect(moved.statusCode, moved.body).toBe(200);
      expect((await booking(b.id)).movedWork).toEqual([
        expect.objectContaining({
          id: order,
          title: 'Replace the backlight',
          reason: 'The client agreed to a one-hour break',
        }),
      ]);
      // Moved off again: the booking no longer shows it.
      const away = await api('POST', `/api/work-orders/${order}/move`, {
        start: iso(now + 9 * day),
      });
      expect(away.statusCode, away.body).toBe(200);
      expect((await booking(b.id)).movedWork).toEqual([]);
    });

    it('sums up each suite for the wall: next work, overdue count and sign-off risks', async () => {
      const s = await suite();
      const monitor = await device(s, 'display', 'X310 wall');
      await t.ctx.db.insert(workOrders).values([
        {
          type: 'preventive',
          title: 'Filter clean',
          suiteId: s,
          status: 'scheduled',
          durationMin: 30,
          dueAt: new Date(now - 3 * day),
        },
        {
          type: 'preventive',
          title: 'Fan check',
          deviceId: monitor,
          status: 'in_progress',
          durationMin: 30,
          dueAt: new Date(now - 2 * day),
          graceMin: 60,
        },
        {
          type: 'preventive',
          title: 'Within grace',
          deviceId: monitor,
          status: 'scheduled',
          durationMin: 30,
          dueAt: new Date(now - hour),
          graceMin: 24 * 60,
        },
        {
          type: 'preventive',
          title: 'Done late',
          deviceId: monitor,
          status: 'done',
          durationMin: 30,
          dueAt: new Date(now - 9 * day),
          completedAt: new Date(now - day),
        },
      ]);
      const soon = await book(s, now + 3 * day);
      await book(s, now + 10 * day);
      const response = await api('GET', '/api/maintenance/summary');
      expect(response.statusCode, response.body).toBe(200);
      const rows = response.json<Summary[]>();
      const row = rows.find((r) => r.suiteId === s)!;
      expect(row.overdue).toBe(2);
      // In progress comes first; after it, the earliest due.
      expect(row.nextWork).toMatchObject({ title: 'Fan check', status: 'in_progress' });
      expect(row.signoffRisks).toEqual([
        expect.objectContaining({ bookingId: soon.id, kind: 'grade' }),
      ]);
      expect(row.signoffRisks[0]?.reason).toMatch(/X310 wall has no passing calibration/);

      // A suite with only scheduled work: the earliest slot or due date.
      const quiet = await suite();
      await t.ctx.db.insert(workOrders).values([
        {
          type: 'preventive',
          title: 'Later',
          suiteId: quiet,
          status: 'scheduled',
          durationMin: 30,
          scheduledStart: new Date(now + 5 * day),
          scheduledEnd: new Date(now + 5 * day + hour),
        },
        {
          type: 'preventive',
          title: 'Sooner',
          suiteId: quiet,
          status: 'scheduled',
          durationMin: 30,
          dueAt: new Date(now + 2 * day),
        },
      ]);
      const again = (await api('GET', '/api/maintenance/summary')).json<Summary[]>();
      const q = again.find((r) => r.suiteId === quiet)!;
      expect(q).toMatchObject({ overdue: 0, signoffRisks: [] });
      expect(q.nextWork).toMatchObject({ title: 'Sooner', start: iso(now + 2 * day) });
      expect(again.find((r) => r.suiteId === s)!.overdue).toBe(2);
    });
  });
}
