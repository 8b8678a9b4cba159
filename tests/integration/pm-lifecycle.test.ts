import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { pmPlans, tickets, workOrders } from '../../server/db/schema/index.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { stores } from '../helpers/db.ts';
import { describeWith } from '../helpers/system.ts';

const hour = 3_600_000;
const day = 24 * hour;

interface Step {
  id: string;
  label: string;
  key?: string;
  kind: string;
  required: boolean;
  nominal: number | null;
  ok: boolean | null;
  ticketId?: string | null;
}
interface WorkOrder {
  id: string;
  number: number;
  status: string;
  type: string;
  dueAt: string | null;
  scheduledStart: string | null;
  scheduledEnd: string | null;
  windowId: string | null;
  slotNote: string;
  proposedStart: string | null;
  overrideReason: string | null;
  completedAt: string | null;
  completedBy: string | null;
  reviewedBy: string | null;
  enteredAt: string | null;
  passed: boolean | null;
  steps: Step[];
  ticket?: { id: string; number: number; title: string } | null;
}

for (const { store, needs } of stores) {
  describeWith(needs, `preventive maintenance lifecycle on ${store}`, () => {
    let t: TestApp;
    const ids = { suite: '', monitor: '', sdr: '', booking: '', plan: '', order: '', ticket: '' };
    const who = { junior: '', engineer: '', manager: '', juniorId: '' };
    const now = Date.now();
    const bookingEnd = new Date(Math.ceil((now + 10 * hour) / hour) * hour);

    const api = (
      method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
      url: string,
      cookie: string,
      payload?: object,
    ) => t.app.inject({ method, url, payload, headers: { cookie } });
    const created = async (url: string, payload: object, cookie = t.admin) => {
      const response = await api('POST', url, cookie, payload);
      if (response.statusCode !== 201) throw new Error(`${url}: ${response.body}`);
      return response.json<{ id: string }>().id;
    };
    const order = async (id: string) =>
      (await api('GET', `/api/work-orders/${id}`, t.admin)).json<WorkOrder>();

    beforeAll(async () => {
      t = await createTestApp(store);
      who.junior = await t.userWithRole('junior');
      who.engineer = await t.userWithRole('engineer');
      who.manager = await t.userWithRole('manager');
      const me = await api('GET', '/api/auth/me', who.junior);
      who.juniorId = me.json<{ id: string }>().id;
      const site = await created('/api/sites', { name: 'Soho', timezone: 'UTC' });
      const room = await created('/api/rooms', { name: 'Floor 1', siteId: site });
      ids.suite = await created('/api/suites', { name: 'Grade 1', roomId: room, kind: 'grading' });
      ids.monitor = await created('/api/devices', {
        name: 'X310 G1',
        kind: 'display',
        suiteIds: [ids.suite],
      });
      // Maintenance any time, so that only the booking decides the slot.
      const hours = await api('PATCH', '/api/maintenance/settings', t.admin, {
        hours: {
          timezone: 'UTC',
          week: Array.from({ length: 7 }, () => [['00:00', '24:00']]),
          holidays: [],
        },
      });
      expect(hours.statusCode).toBe(200);
      ids.booking = await created('/api/bookings', {
        suiteId: ids.suite,
        client: 'Northern Light',
        startsAt: new Date(now - hour).toISOString(),
        endsAt: bookingEnd.toISOString(),
      });
      const templates = (await api('GET', '/api/calibration-templates', who.manager)).json<
        Array<{ id: string; kind: string; readings: Array<{ key: string }> }>
      >();
      expect(templates.map((x) => x.kind)).toEqual(
        expect.arrayContaining(['sdr_display', 'hdr_display', 'audio_lineup', 'loudness']),
      );
      ids.sdr = templates.find((x) => x.kind === 'sdr_display')!.id;
    });
    afterAll(async () => t?.close());

    it('refuses bad plans with a 400 naming the field, and keeps nothing', async () => {
      const base = {
        title: 'Monitor calibration',
        deviceId: ids.monitor,
        startsOn: new Date(now + 2 * day).toISOString(),
        durationMin: 60,
      };
      const cases: Array<[object, RegExp]> = [
        [{}, /body\.every: a plan needs a trigger/],
        [{ every: { count: 0, unit: 'day' } }, /body\/every\/count|body\.every\.count/],
        [{ every: { count: -2, unit: 'week' } }, /every\.count|every\/count/],
        [
          { meter: { reading: 'lamp.hours', every: 500 } },
          /body\.meter\.reading: X310 G1 has no reading 'lamp\.hours'/,
        ],
        [
          {
            every: { count: 30, unit: 'day' },
            steps: [{ label: 'Gamma', kind: 'number', nominal: 2.4, tolerance: -0.1 }],
          },
          /tolerance/,
        ],
      ];
      for (const [extra, message] of cases) {
        const response = await api('POST', '/api/pm-plans', who.engineer, { ...base, ...extra });
        expect(response.statusCode, JSON.stringify(extra)).toBe(400);
        expect(response.json<{ message: string }>().message).toMatch(message);
      }
      expect(await t.ctx.db.select().from(pmPlans)).toHaveLength(0);
    });

    it('lets engineers make plans, not juniors or managers', async () => {
      const plan = {
        title: 'x',
        deviceId: ids.monitor,
        every: { count: 1, unit: 'month' },
        startsOn: new Date(now).toISOString(),
        durationMin: 30,
      };
      expect((await api('POST', '/api/pm-plans', who.junior, plan)).statusCode).toBe(403);
      expect((await api('POST', '/api/pm-plans', who.manager, plan)).statusCode).toBe(403);
    });

    it('generates a work order placed after the booking, with a record-only window', async () => {
      const response = await api('POST', '/api/pm-plans', who.engineer, {
        title: 'Monitor calibration',
        deviceId: ids.monitor,
        every: { count: 30, unit: 'day' },
        startsOn: new Date(now + 2 * day).toISOString(),
        leadDays: 7,
        durationMin: 60,
        assigneeId: who.juniorId,
        calibrationTemplateId: ids.sdr,
        required: true,
        steps: [{ label: 'Screen clean and free of marks', kind: 'check', required: true }],
      });
      expect(response.statusCode, response.body).toBe(201);
      ids.plan = response.json<{ id: string }>().id;
      const list = (await api('GET', `/api/work-orders?planId=${ids.plan}`, who.manager)).json<
        WorkOrder[]
      >();
      expect(list).toHaveLength(1);
      const wo = list[0]!;
      ids.order = wo.id;
      expect(wo.type).toBe('preventive');
      expect(wo.status).toBe('scheduled');
      expect(wo.dueAt).toBe(new Date(now + 2 * day).toISOString());
      // The suite is booked until bookingEnd: the earliest free slot starts when it ends.
      expect(wo.scheduledStart).toBe(bookingEnd.toISOString());
      expect(wo.scheduledEnd).toBe(new Date(bookingEnd.getTime() + hour).toISOString());
      expect(wo.windowId).not.toBeNull();
      const windows = (
        await api('GET', `/api/maintenance-windows?scope=device&scopeId=${ids.monitor}`, t.admin)
      ).json<
        Array<{ id: string; mode: string; startsAt: string; endsAt: string; reason: string }>
      >();
      expect(windows).toEqual([
        expect.objectContaining({
          id: wo.windowId,
          mode: 'record',
          startsAt: wo.scheduledStart,
          endsAt: wo.scheduledEnd,
        }),
      ]);
      // Six template readings, all required, then the plan's own check.
      expect(wo.steps.map((s) => s.kind)).toEqual([...Array(6).fill('number'), 'check']);
      expect(wo.steps.every((s) => s.required)).toBe(true);
      // At most one open work order per plan and target: generating again makes none.
      const again = await api('PATCH', `/api/pm-plans/${ids.plan}`, who.engineer, { leadDays: 8 });
      expect(again.statusCode).toBe(200);
      expect(
        (await api('GET', `/api/work-orders?planId=${ids.plan}`, t.admin)).json<WorkOrder[]>(),
      ).toHaveLength(1);
    });

    it('refuses a move onto the booking unless confirmed with a reason, which is logged', async () => {
      const onto = new Date(bookingEnd.getTime() - 2 * hour).toISOString();
      const refused = await api('POST', `/api/work-orders/${ids.order}/move`, who.engineer, {
        start: onto,
      });
      expect(refused.statusCode).toBe(409);
      expect(refused.json<{ message: string }>().message).toMatch(/Northern Light in Grade 1/);
      expect((await order(ids.order)).scheduledStart).toBe(bookingEnd.toISOString());
      const noReason = await api('POST', `/api/work-orders/${ids.order}/move`, who.engineer, {
        start: onto,
        confirm: true,
      });
      expect(noReason.statusCode).toBe(400);
      expect(noReason.json<{ message: string }>().message).toMatch(/body\.reason/);
      const junior = await api('POST', `/api/work-orders/${ids.order}/move`, who.junior, {
        start: onto,
        confirm: true,
        reason: 'x',
      });
      expect(junior.statusCode).toBe(403);
      const moved = await api('POST', `/api/work-orders/${ids.order}/move`, who.engineer, {
        start: onto,
        confirm: true,
        reason: 'Client asked for the check before the grade',
      });
      expect(moved.statusCode, moved.body).toBe(200);
      expect(moved.json<WorkOrder>().overrideReason).toBe(
        'Client asked for the check before the grade',
      );
      // Back to the free slot for the rest of the test.
      const back = await api('POST', `/api/work-orders/${ids.order}/move`, who.engineer, {
        start: bookingEnd.toISOString(),
      });
      expect(back.statusCode).toBe(200);
      expect(back.json<WorkOrder>().overrideReason).toBeNull();
    });

    it('opens a corrective ticket when a junior records a reading out of tolerance', async () => {
      const wo = await order(ids.order);
      const manager = await api('POST', `/api/work-orders/${ids.order}/steps/s1`, who.manager, {
        value: 2.4,
      });
      expect(manager.statusCode).toBe(403);
      const values: Record<string, number> = {
        gamma: 2.41,
        white_luminance: 112, // nominal 100 ± 3: out of tolerance
        white_x: 0.3126,
        white_y: 0.3291,
        delta_e: 0.6,
        surround: 10,
      };
      let ticket: WorkOrder['ticket'] = null;
      for (const step of wo.steps.filter((s) => s.key)) {
        const response = await api(
          'POST',
          `/api/work-orders/${ids.order}/steps/${step.id}`,
          who.junior,
          { value: values[step.key!] },
        );
        expect(response.statusCode, response.body).toBe(200);
        const body = response.json<WorkOrder>();
        expect(body.status).toBe('in_progress');
        if (body.ticket) ticket = body.ticket;
      }
      expect(ticket).not.toBeNull();
      expect(ticket!.title).toMatch(/Peak white luminance: measured 112 cd\/m² against 100 ± 3/);
      ids.ticket = ticket!.id;
      const [row] = await t.ctx.db.select().from(tickets).where(eq(tickets.id, ids.ticket));
      expect(row!.workOrderId).toBe(ids.order);
      const detail = (await api('GET', `/api/tickets/${ids.ticket}`, who.engineer)).json<{
        devices: Array<{ id: string }>;
        suites: Array<{ id: string }>;
        description: string;
        workOrder: { id: string; number: number; status: string } | null;
      }>();
      // The ticket carries its way back to the work order, for the link on its page.
      expect(detail.workOrder).toMatchObject({ id: ids.order, status: 'in_progress' });
      expect(detail.devices.map((d) => d.id)).toEqual([ids.monitor]);
      expect(detail.suites.map((s) => s.id)).toEqual([ids.suite]);
      expect(detail.description).toMatch(/Measured: 112 cd\/m²; nominal 100 ± 3/);
      // Recording the same failure again opens no second ticket.
      const step = wo.steps.find((s) => s.key === 'white_luminance')!;
      const again = await api(
        'POST',
        `/api/work-orders/${ids.order}/steps/${step.id}`,
        who.junior,
        { value: 111 },
      );
      expect(again.statusCode, again.body).toBe(200);
      expect(
        (await t.ctx.db.select().from(tickets).where(eq(tickets.workOrderId, ids.order))).length,
      ).toBe(1);
    });

    it('refuses completion with required steps empty, a future time, and a junior skip', async () => {
      const empty = await api('POST', `/api/work-orders/${ids.order}/transition`, who.junior, {
        to: 'done',
      });
      expect(empty.statusCode).toBe(400);
      expect(empty.json<{ message: string }>().message).toMatch(
        /required steps are empty: s7 Screen clean and free of marks/,
      );
      await api('POST', `/api/work-orders/${ids.order}/steps/s7`, who.junior, { result: 'pass' });
      const future = await api('POST', `/api/work-orders/${ids.order}/transition`, who.junior, {
        to: 'done',
        completedAt: new Date(Date.now() + day).toISOString(),
      });
      expect(future.statusCode).toBe(400);
      expect(future.json<{ message: string }>().message).toMatch(/body\.completedAt: .* future/);
      const skip = await api('POST', `/api/work-orders/${ids.order}/transition`, who.engineer, {
        to: 'skipped',
      });
      expect(skip.statusCode).toBe(400);
      expect(skip.json<{ message: string }>().message).toMatch(/body\.reason/);
      expect((await order(ids.order)).status).toBe('in_progress');
    });

    it("sends a junior's paper record to review, and the approval keeps who and when", async () => {
      const doneAt = new Date(Date.now() - 2 * hour).toISOString();
      const begunAt = new Date(Date.now() - 3 * hour).toISOString();
      // The steps were typed in just now, after the work; the paper says when it began.
      const backwards = await api('POST', `/api/work-orders/${ids.order}/transition`, who.junior, {
        to: 'done',
        completedAt: doneAt,
        startedAt: new Date(Date.now() - hour).toISOString(),
      });
      expect(backwards.statusCode).toBe(400);
      expect(backwards.json<{ message: string }>().message).toMatch(
        /^body\.startedAt: .* is after completedAt/,
      );
      const completed = await api('POST', `/api/work-orders/${ids.order}/transition`, who.junior, {
        to: 'done',
        completedAt: doneAt,
        startedAt: begunAt,
      });
      expect(completed.statusCode, completed.body).toBe(200);
      const pending = completed.json<WorkOrder & { startedAt: string }>();
      expect(pending.status).toBe('pending_review');
      expect(pending.completedAt).toBe(doneAt);
      expect(pending.startedAt).toBe(begunAt);
      expect(pending.enteredAt).not.toBe(doneAt);
      expect(pending.passed).toBe(false);
      const byJunior = await api('POST', '/api/work-orders/review', who.junior, {
        ids: [ids.order],
        approve: true,
      });
      expect(byJunior.statusCode).toBe(403);
      const approved = await api('POST', '/api/work-orders/review', who.engineer, {
        ids: [ids.order],
        approve: true,
        reason: 'Readings checked; white luminance on ticket',
      });
      expect(approved.statusCode, approved.body).toBe(200);
      const done = await order(ids.order);
      expect(done.status).toBe('done');
      expect(done.completedAt).toBe(doneAt);
      expect(done.completedBy).toMatch(/^junior/);
      expect(done.reviewedBy).toMatch(/^engineer/);
      // The window ended when the work finished.
      const windows = (
        await api('GET', `/api/maintenance-windows?scope=device&scopeId=${ids.monitor}`, t.admin)
      ).json<unknown[]>();
      expect(windows).toHaveLength(0);
      // The fixed schedule moves to the next occurrence: 30 days after the first due date.
      const plan = (await api('GET', `/api/pm-plans/${ids.plan}`, who.manager)).json<{
        targets: Array<{ nextDueAt: string }>;
      }>();
      expect(plan.targets[0]!.nextDueAt).toBe(new Date(now + 32 * day).toISOString());
      expect(
        (await t.ctx.db.select().from(workOrders).where(eq(workOrders.planId, ids.plan))).length,
      ).toBe(1);
    });

    it('counts the work in the maintenance report', async () => {
      const from = new Date(now - day).toISOString();
      const to = new Date(now + 30 * day).toISOString();
      const report = await api(
        'GET',
        `/api/reports/maintenance?from=${from}&to=${to}`,
        who.manager,
      );
      expect(report.statusCode, report.body).toBe(200);
      const body = report.json<{
        pmCompliance: { onTime: number; due: number; pct: number };
        calibration: { runs: number; passed: number };
      }>();
      // Due in two days, done two hours ago: on time.
      expect(body.pmCompliance).toMatchObject({ onTime: 1, due: 1, pct: 100 });
      expect(body.calibration).toMatchObject({ runs: 1, passed: 0 });
      const history = (
        await api('GET', `/api/devices/${ids.monitor}/calibrations`, who.manager)
      ).json<Array<{ passed: boolean; readings: Array<{ key: string; value: number }> }>>();
      expect(history).toHaveLength(1);
      expect(history[0]!.readings.find((r) => r.key === 'white_luminance')!.value).toBe(111);
    });

    it('lets juniors enter meter readings and managers only read them', async () => {
      const meter = await api('POST', '/api/meters', who.engineer, {
        source: 'manual',
        deviceId: ids.monitor,
        reading: 'backlight.hours',
        unit: 'h',
      });
      expect(meter.statusCode, meter.body).toBe(201);
      const id = meter.json<{ id: string }>().id;
      const entered = await api('POST', `/api/meters/${id}/readings`, who.junior, {
        value: 1200,
        at: new Date(now - day).toISOString(),
      });
      expect(entered.statusCode, entered.body).toBe(201);
      expect(
        (await api('POST', `/api/meters/${id}/readings`, who.manager, { value: 1300 })).statusCode,
      ).toBe(403);
      const future = await api('POST', `/api/meters/${id}/readings`, who.junior, {
        value: 1300,
        at: new Date(Date.now() + day).toISOString(),
      });
      expect(future.statusCode).toBe(400);
      const history = (await api('GET', `/api/meters/${id}/readings`, who.manager)).json<
        Array<{ value: number; enteredBy: string }>
      >();
      expect(history).toEqual([expect.objectContaining({ value: 1200 })]);
      expect(history[0]!.enteredBy).toMatch(/^junior/);
    });

    it('keeps templates and maintenance hours to admins, reports from juniors, and work to its assignee', async () => {
      // Templates, maintenance hours and blackout dates: admins only.
      const blackout = { holidays: ['2099-12-25'] };
      for (const cookie of [who.engineer, who.manager, who.junior]) {
        const hours = await api('PATCH', '/api/maintenance/settings', cookie, blackout);
        expect(hours.statusCode).toBe(403);
        const template = await api('PATCH', `/api/calibration-templates/${ids.sdr}`, cookie, {
          name: 'Renamed',
        });
        expect(template.statusCode).toBe(403);
      }
      const settings = (await api('GET', '/api/maintenance/settings', t.admin)).json<{
        hours: { holidays: string[] };
      }>();
      expect(settings.hours.holidays).toEqual([]);
      const byAdmin = await api('PATCH', '/api/maintenance/settings', t.admin, {
        hours: { ...settings.hours, holidays: ['2099-12-25'] },
      });
      expect(byAdmin.statusCode, byAdmin.body).toBe(200);
      expect(byAdmin.json<{ hours: { holidays: string[] } }>().hours.holidays).toEqual([
        '2099-12-25',
      ]);

      // The reports are the manager's (and the engineers'); a junior does not read them.
      const period = `from=${new Date(now - day).toISOString()}&to=${new Date(now).toISOString()}`;
      for (const [cookie, status] of [
        [who.manager, 200],
        [who.engineer, 200],
        [who.junior, 403],
      ] as const)
        expect((await api('GET', `/api/reports/maintenance?${period}`, cookie)).statusCode).toBe(
          status,
        );

      // A junior works what is theirs or nobody's; an engineer's work is left to the engineer.
      const engineerId = (await api('GET', '/api/auth/me', who.engineer)).json<{ id: string }>().id;
      const theirs = await created(
        '/api/work-orders',
        {
          type: 'corrective',
          title: 'Reseat the SDI cable',
          deviceId: ids.monitor,
          durationMin: 30,
          assigneeId: engineerId,
        },
        who.engineer,
      );
      const start = { to: 'in_progress' };
      const refused = await api('POST', `/api/work-orders/${theirs}/transition`, who.junior, start);
      expect(refused.statusCode).toBe(403);
      expect(refused.json<{ message: string }>().message).toMatch(/assigned to someone else/);
      expect((await order(theirs)).status).toBe('scheduled');
      const started = await api(
        'POST',
        `/api/work-orders/${theirs}/transition`,
        who.engineer,
        start,
      );
      expect(started.statusCode, started.body).toBe(200);
    });
  });
}
