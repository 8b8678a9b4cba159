import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  bookings,
  calibrationTemplates,
  deviceDependencies,
  devices,
  downtimes,
  faults,
  rooms,
  sites,
  suiteDevices,
  suites,
  users,
  workOrders,
} from '../../server/db/schema/index.ts';
import type { DeviceKind, Severity } from '../../server/db/schema/index.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { stores } from '../helpers/db.ts';
import {
  getAs,
  okAs,
  reportBase as base,
  setMaintenanceTimezone,
  utc,
} from '../helpers/maintenance-report.ts';
import { describeWith } from '../helpers/system.ts';

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;
// Two closed months in the past, January (31 days) and February 2024 (29 days), in UTC.
const from = '2024-01-01T00:00:00.000Z';
const to = '2024-03-01T00:00:00.000Z';
const period = `from=${from}&to=${to}`;
const nobody = '00000000-0000-4000-8000-000000000000';

type WorkOrderInsert = typeof workOrders.$inferInsert;

/*
 * The fixture, every figure worked by hand below.
 *
 * Site A / Room A / suite "Grade 1": ws1 (workstation, parent: core switch, depends on san), disp1
 * Site B / Room B / suite "Mix 1":   ws2 (workstation), aud2 (audio)
 * In no suite: core (switch), san (storage), spare (other)
 *
 * Bookings (UTC):
 *   Grade 1: Dec 31 20:00 - Jan 1 02:00 (2 h in the period), Jan 10 09-18 (9 h), Jan 11 09-18 (9 h),
 *            Feb 5 10-14 (4 h)                                  Jan 20 h + Feb 4 h = 24 h
 *   Mix 1:   Jan 20 09-19 (10 h), Feb 10 09-19 (10 h), Feb 29 20:00 - Mar 1 04:00 (4 h in it)
 *                                                             Jan 10 h + Feb 14 h = 24 h
 *
 * Downtimes (critical or major, not in maintenance, unless said), each with its fault:
 *   D9 ws1   critical Dec 31 23:00 - Jan 1 01:00  started before the period: no MTTR, but
 *                                                  reliability sees Jan 1 00-01 (1 h booked)
 *   D8 spare critical Jan 5 00:00-02:00   120 min  in no suite: fleet MTTR only      ack +20
 *   D1 ws1   critical Jan 10 10:00-11:00   60 min                                    ack +5
 *   D3 core  critical Jan 10 10:30-11:30   60 min  parent of ws1: merges with D1     never acked
 *   D4 disp1 minor    Jan 10 12:00-13:00           minor: counts nowhere             ack +100
 *   D2 san   major    Jan 11 17:00-20:00  180 min  ws1 depends on it: 17-18 booked   ack +15
 *   D5 ws2   critical Feb 10 09:00-09:30   30 min                                    ack +10
 *   D6 aud2  major    Feb 10 12:00-12:30           in maintenance: counts nowhere    ack +50
 *   D7 aud2  major    Feb 29 22:00 - still down    Feb 29 22-24 booked               ack +30
 *
 * Work orders (A = Ada, B = Bo):
 *   W1  preventive ws1   due Jan 15 09:00 grace 60   done Jan 15 08:00 (started 07:00)  A  on time
 *   W2  preventive disp1 due Jan 20 09:00 grace 120  done Jan 20 10:30 (started 10:00)  B  late in grace; calibration passed
 *   W6  preventive room A due Jan 25 09:00 grace 0   pending review, completed Jan 25 08:00   on time
 *   W3  preventive ws2   due Feb 1 09:00 grace 60    done Feb 1 11:00 (started 10:00)   A  missed; calibration failed
 *   W4  preventive Mix 1 due Feb 10 09:00            skipped                            B  skipped
 *   W5  preventive aud2  due Feb 20 09:00 grace 0    scheduled, never done              A  missed; backlog 90+
 *   W7  preventive ws1   due Jan 5                   cancelled: counts nowhere
 *   W8  corrective ws1   due Jan 12                  done Jan 12 12:00 (started 10:00)  A  labour 120
 *   W9  preventive disp1 due Mar 5 (after the period) done Feb 28 12:00 (started 11:00) B  labour 60; calibration passed
 *   W10 corrective spare                             done Feb 15, no start time         A  labour not counted
 *   W11 preventive ws1   due now - 3 days            in progress                        A  backlog 0-7
 *   W12 corrective ws2   due now - 10 days grace 60  scheduled                             backlog 8-30
 *   W13 preventive ws1   due now - 1 hour grace 120  scheduled: still in grace, not in the backlog
 */

for (const { store, needs } of stores) {
  describeWith(needs, `maintenance report on ${store}`, () => {
    let t: TestApp;
    let engineer: string;
    let manager: string;
    let junior: string;
    const ids: Record<string, string> = {};

    const get = (url: string, cookie?: string, accept?: string) =>
      getAs(t, url, cookie ?? t.admin, accept);
    const ok = (url: string, cookie?: string) => okAs(t, url, cookie ?? t.admin);
    const setTimezone = (timezone: string) => setMaintenanceTimezone(t, timezone);

    beforeAll(async () => {
      t = await createTestApp(store);
      engineer = await t.userWithRole('engineer');
      manager = await t.userWithRole('manager');
      junior = await t.userWithRole('junior');
      const db = t.ctx.db;
      await setTimezone('UTC');

      const [ada, bo] = await db
        .insert(users)
        .values([
          { username: 'ada', displayName: 'Ada Engineer', passwordHash: '-', role: 'engineer' },
          { username: 'bo', displayName: '', passwordHash: '-', role: 'engineer' },
        ])
        .returning({ id: users.id });
      ids.ada = ada!.id;
      ids.bo = bo!.id;

      const [siteA, siteB] = await db
        .insert(sites)
        .values([{ name: 'Site A' }, { name: 'Site B' }])
        .returning({ id: sites.id });
      ids.siteA = siteA!.id;
      ids.siteB = siteB!.id;
      const [roomA, roomB] = await db
        .insert(rooms)
        .values([
          { siteId: ids.siteA, name: 'Room A' },
          { siteId: ids.siteB, name: 'Room B' },
        ])
        .returning({ id: rooms.id });
      ids.roomA = roomA!.id;
      const [grade1, mix1] = await db
        .insert(suites)
        .values([
          { name: 'Grade 1', roomId: ids.roomA },
          { name: 'Mix 1', roomId: roomB!.id },
        ])
        .returning({ id: suites.id });
      ids.grade1 = grade1!.id;
      ids.mix1 = mix1!.id;

      const device = async (name: string, kind: DeviceKind, parentId?: string) => {
        const [row] = await db
          .insert(devices)
          .values({ name, kind, parentId })
          .returning({ id: devices.id });
        ids[name] = row!.id;
        return row!.id;
      };
      const core = await device('core', 'switch');
      const san = await device('san', 'storage');
      await device('spare', 'other');
      const ws1 = await device('ws1', 'workstation', core);
      await device('disp1', 'display');
      await device('ws2', 'workstation');
      await device('aud2', 'audio');
      await db.insert(suiteDevices).values([
        { suiteId: ids.grade1, deviceId: ws1 },
        { suiteId: ids.grade1, deviceId: ids.disp1! },
        { suiteId: ids.mix1, deviceId: ids.ws2! },
        { suiteId: ids.mix1, deviceId: ids.aud2! },
      ]);
      await db.insert(deviceDependencies).values({ deviceId: ws1, dependsOnId: san });

      const booking = (suiteId: string, startsAt: string, endsAt: string) => ({
        suiteId,
        client: 'Client',
        startsAt: utc(startsAt),
        endsAt: utc(endsAt),
      });
      await db
        .insert(bookings)
        .values([
          booking(ids.grade1, '2023-12-31T20:00', '2024-01-01T02:00'),
          booking(ids.grade1, '2024-01-10T09:00', '2024-01-10T18:00'),
          booking(ids.grade1, '2024-01-11T09:00', '2024-01-11T18:00'),
          booking(ids.grade1, '2024-02-05T10:00', '2024-02-05T14:00'),
          booking(ids.mix1, '2024-01-20T09:00', '2024-01-20T19:00'),
          booking(ids.mix1, '2024-02-10T09:00', '2024-02-10T19:00'),
          booking(ids.mix1, '2024-02-29T20:00', '2024-03-01T04:00'),
        ]);

      // device, severity, start, end (null: still down), minutes to acknowledge (null: never),
      // in maintenance
      const outages: Array<[string, Severity, string, string | null, number | null, boolean?]> = [
        ['ws1', 'critical', '2023-12-31T23:00', '2024-01-01T01:00', 1], // D9
        ['spare', 'critical', '2024-01-05T00:00', '2024-01-05T02:00', 20], // D8
        ['ws1', 'critical', '2024-01-10T10:00', '2024-01-10T11:00', 5], // D1
        ['core', 'critical', '2024-01-10T10:30', '2024-01-10T11:30', null], // D3
        ['disp1', 'minor', '2024-01-10T12:00', '2024-01-10T13:00', 100], // D4
        ['san', 'major', '2024-01-11T17:00', '2024-01-11T20:00', 15], // D2
        ['ws2', 'critical', '2024-02-10T09:00', '2024-02-10T09:30', 10], // D5
        ['aud2', 'major', '2024-02-10T12:00', '2024-02-10T12:30', 50, true], // D6
        ['aud2', 'major', '2024-02-29T22:00', null, 30], // D7
      ];
      for (const [
        i,
        [name, severity, start, end, ackMin, inMaintenance = false],
      ] of outages.entries()) {
        const startedAt = utc(start);
        const endedAt = end === null ? null : utc(end);
        const condition = `check.http.${i}`;
        const [row] = await db
          .insert(faults)
          .values({
            deviceId: ids[name]!,
            condition,
            source: 'check',
            severity,
            peakSeverity: severity,
            state: endedAt ? 'cleared' : 'open',
            openedAt: startedAt,
            restoredAt: endedAt,
            clearedAt: endedAt,
            lastBadAt: startedAt,
            lastObservedAt: startedAt,
            holdDownS: 0,
            rootSince: startedAt,
            inMaintenance,
            acknowledgedAt:
              ackMin === null ? null : new Date(startedAt.getTime() + ackMin * minute),
          })
          .returning({ id: faults.id });
        await db.insert(downtimes).values({
          faultId: row!.id,
          deviceId: ids[name]!,
          condition,
          severity,
          startedAt,
          endedAt,
          inMaintenance,
        });
      }

      const [template] = await db
        .insert(calibrationTemplates)
        .values({ name: 'Grade monitor SDR', kind: 'sdr_display', readings: [] })
        .returning({ id: calibrationTemplates.id });
      const now = Date.now();
      const order = (title: string, values: Partial<WorkOrderInsert>): WorkOrderInsert => ({
        title,
        type: 'preventive',
        durationMin: 60,
        ...values,
      });
      const done = (completed: string, started?: string) => ({
        status: 'done' as const,
        completedAt: utc(completed),
        startedAt: started ? utc(started) : null,
      });
      await db.insert(workOrders).values([
        order('W1', {
          deviceId: ws1,
          dueAt: utc('2024-01-15T09:00'),
          graceMin: 60,
          assigneeId: ids.ada,
          ...done('2024-01-15T08:00', '2024-01-15T07:00'),
        }),
        order('W2', {
          deviceId: ids.disp1,
          dueAt: utc('2024-01-20T09:00'),
          graceMin: 120,
          assigneeId: ids.bo,
          calibrationTemplateId: template!.id,
          passed: true,
          ...done('2024-01-20T10:30', '2024-01-20T10:00'),
        }),
        order('W6', {
          roomId: ids.roomA,
          dueAt: utc('2024-01-25T09:00'),
          status: 'pending_review',
          completedAt: utc('2024-01-25T08:00'),
        }),
        order('W3', {
          deviceId: ids.ws2,
          dueAt: utc('2024-02-01T09:00'),
          graceMin: 60,
          assigneeId: ids.ada,
          calibrationTemplateId: template!.id,
          passed: false,
          ...done('2024-02-01T11:00', '2024-02-01T10:00'),
        }),
        order('W4', {
          suiteId: ids.mix1,
          dueAt: utc('2024-02-10T09:00'),
          assigneeId: ids.bo,
          status: 'skipped',
        }),
        order('W5', { deviceId: ids.aud2, dueAt: utc('2024-02-20T09:00'), assigneeId: ids.ada }),
        order('W7', { deviceId: ws1, dueAt: utc('2024-01-05T09:00'), status: 'cancelled' }),
        order('W8', {
          type: 'corrective',
          deviceId: ws1,
          dueAt: utc('2024-01-12T09:00'),
          assigneeId: ids.ada,
          ...done('2024-01-12T12:00', '2024-01-12T10:00'),
        }),
        order('W9', {
          deviceId: ids.disp1,
          dueAt: utc('2024-03-05T09:00'),
          assigneeId: ids.bo,
          calibrationTemplateId: template!.id,
          passed: true,
          ...done('2024-02-28T12:00', '2024-02-28T11:00'),
        }),
        order('W10', {
          type: 'corrective',
          deviceId: ids.spare,
          assigneeId: ids.ada,
          ...done('2024-02-15T12:00'),
        }),
        order('W11', {
          deviceId: ws1,
          dueAt: new Date(now - 3 * day),
          assigneeId: ids.ada,
          status: 'in_progress',
        }),
        order('W12', {
          type: 'corrective',
          deviceId: ids.ws2,
          dueAt: new Date(now - 10 * day),
          graceMin: 60,
        }),
        order('W13', { deviceId: ws1, dueAt: new Date(now - hour), graceMin: 120 }),
      ]);
    });
    afterAll(async () => t?.close());

    it('works out every figure for the period', async () => {
      const report = await ok(`${base}?${period}`, manager);
      expect(report.period).toEqual({ from, to });
      expect(report.timezone).toBe('UTC');

      // Due in the period, cancelled W7 aside: W1 on time, W2 late in grace (10:30 <= 09:00 +
      // 120 min), W6 on time (completed before due; waiting for review still counts as done),
      // W3 missed (11:00 > 09:00 + 60 min), W4 skipped, W5 missed (never done, grace long gone).
      // W9 fell due after the period. Compliant 2 + 1 = 3 of 6 due = 50 %.
      expect(report.pmCompliance).toEqual({
        pct: 50,
        onTime: 2,
        lateInGrace: 1,
        missed: 2,
        skipped: 1,
        pending: 0,
        due: 6,
        formula: 'compliant 3 / due 6 = 50.0 % (on time 2, late in grace 1, missed 2, skipped 1)',
      });

      // Open and not done, past due + grace now: W11 3 days (0-7), W12 10 days (8-30), W5 since
      // February 2024 (90+). W13 is still inside its grace.
      expect(report.backlog).toEqual([
        { bucket: '0-7', count: 1 },
        { bucket: '8-30', count: 1 },
        { bucket: '31-90', count: 0 },
        { bucket: '90+', count: 1 },
      ]);

      // Started in the period: D8 120 + D1 60 + D3 60 + D2 180 + D5 30 = 450 min over 5 restored;
      // D7 still down; D9 started before the period, D4 is minor, D6 in maintenance.
      expect(report.mttr).toEqual({
        minutes: 90,
        failures: 5,
        totalMin: 450,
        stillDown: 1,
        formula: 'restore time 450.0 min / 5 failures = 90.0 min; 1 still down, not counted',
      });
      expect(report.mttrMin).toBe(90);

      // Done with completedAt in the period: W1 60 + W2 30 + W3 60 + W8 120 + W9 60 = 330 min;
      // W10 has no start time; W6 waits for review, so it is not done.
      expect(report.labour).toEqual({
        minutes: 330,
        workOrders: 5,
        withoutStart: 1,
        formula:
          'sum of (completed - started) over 5 done work orders = 330.0 min; 1 without a start time, not counted',
      });
      expect(report.labourMin).toBe(330);

      // Faults opened in the period: D8 20 + D1 5 + D2 15 + D5 10 + D7 30 = 80 min over 5;
      // D3 never acknowledged; D4 minor, D6 in maintenance, D9 opened before.
      expect(report.mtta).toEqual({
        minutes: 16,
        acknowledged: 5,
        unacknowledged: 1,
        totalMin: 80,
        formula:
          'time to acknowledge 80.0 min / 5 acknowledged = 16.0 min; 1 unacknowledged, not counted',
      });
      expect(report.mttaMin).toBe(16);

      // Grade 1: booked 24 h. Down in booked: Jan 1 00-01 (D9, 1 h), Jan 10 10:00-11:30 (D1 on
      // ws1 and D3 on its parent switch merge: 1.5 h, one failure), Jan 11 17-18 (D2 on the
      // storage ws1 depends on, 1 h of its 3) = 3.5 h, 3 failures. MTBF 24 / 3 = 8 h;
      // availability (24 - 3.5) / 24 = 85.42 %.
      // Mix 1: booked 24 h. D5 0.5 h, D7 Feb 29 22-24 (2 h, the period ends at midnight) =
      // 2.5 h, 2 failures. MTBF 12 h; availability 21.5 / 24 = 89.58 %.
      const [grade1, mix1] = report.suites;
      expect(report.suites).toHaveLength(2);
      expect(grade1).toMatchObject({
        suiteId: ids.grade1,
        name: 'Grade 1',
        bookedH: 24,
        downInBookedH: 3.5,
        failures: 3,
        mtbfH: 8,
      });
      expect(grade1.availabilityPct).toBeCloseTo((20.5 / 24) * 100, 9);
      expect(mix1).toMatchObject({
        suiteId: ids.mix1,
        name: 'Mix 1',
        bookedH: 24,
        downInBookedH: 2.5,
        failures: 2,
        mtbfH: 12,
      });
      expect(mix1.availabilityPct).toBeCloseTo((21.5 / 24) * 100, 9);

      // Fleet: booked 48 h, down 6 h, 5 failures: MTBF 9.6 h, availability 42 / 48 = 87.5 %.
      expect(report.reliability).toEqual({
        bookedH: 48,
        downInBookedH: 6,
        failures: 5,
        mtbfH: 9.6,
        availabilityPct: 87.5,
        formula:
          'MTBF = booked 48.0 h / 5 failures = 9.6 h; availability = (booked 48.0 h - down 6.0 h) / booked 48.0 h = 87.5 %',
      });
      expect(report.mtbfH).toBe(9.6);
      expect(report.availabilityPct).toBe(87.5);

      // Calibration runs done in the period: W2 passed, W3 failed, W9 passed = 2 / 3.
      expect(report.calibration).toMatchObject({ passed: 2, runs: 3 });
      expect(report.calibration.pct).toBeCloseTo(200 / 3, 9);
      expect(report.calibration.formula).toBe('passed 2 / runs 3 = 66.7 %');

      // January: compliance W1, W2, W6 = 3 / 3; MTTR D8 120 + D1 60 + D3 60 + D2 180 = 420 / 4
      // = 105; MTTA 20 + 5 + 15 = 40 / 3; booked Grade 1 20 h + Mix 1 10 h = 30 h, down 3.5 h,
      // 3 failures: MTBF 10 h, availability 26.5 / 30; calibration W2 = 1 / 1.
      // February: compliance W3, W4, W5 = 0 / 3; MTTR D5 30 / 1 (D7 still down); MTTA 10 + 30 =
      // 40 / 2; booked 4 h + 14 h = 18 h, down 2.5 h, 2 failures: MTBF 9 h, availability 15.5 /
      // 18; calibration W3 failed, W9 passed = 1 / 2.
      expect(report.trend).toHaveLength(2);
      const [jan, feb] = report.trend;
      expect(jan).toMatchObject({ month: '2024-01', pmCompliancePct: 100, mttrMin: 105 });
      expect(jan).toMatchObject({ mtbfH: 10, calibrationPct: 100 });
      expect(jan.mttaMin).toBeCloseTo(40 / 3, 9);
      expect(jan.availabilityPct).toBeCloseTo((26.5 / 30) * 100, 9);
      expect(feb).toMatchObject({ month: '2024-02', pmCompliancePct: 0, mttrMin: 30, mttaMin: 20 });
      expect(feb).toMatchObject({ mtbfH: 9, calibrationPct: 50 });
      expect(feb.availabilityPct).toBeCloseTo((15.5 / 18) * 100, 9);

      // The sub-routes return the same lists.
      expect(await ok(`${base}/trend?${period}`, engineer)).toEqual(report.trend);
      expect(await ok(`${base}/suites?${period}`, engineer)).toEqual(report.suites);
    });

    it('lists the work orders behind compliance and the failures behind MTTR', async () => {
      const rows: Array<Record<string, unknown>> = await ok(`${base}/compliance?${period}`);
      expect(
        rows.map((r) => [r.title, r.outcome, r.assignee, r.device, r.suite, r.room, r.type]),
      ).toEqual([
        ['W1', 'on_time', 'Ada Engineer', 'ws1', 'Grade 1', null, 'preventive'],
        // A user without a display name shows as the username; a device's suite stands in.
        ['W2', 'late_in_grace', 'bo', 'disp1', 'Grade 1', null, 'preventive'],
        ['W6', 'on_time', null, null, null, 'Room A', 'preventive'],
        ['W3', 'missed', 'Ada Engineer', 'ws2', 'Mix 1', null, 'preventive'],
        ['W4', 'skipped', 'bo', null, 'Mix 1', null, 'preventive'],
        ['W5', 'missed', 'Ada Engineer', 'aud2', 'Mix 1', null, 'preventive'],
      ]);
      expect(rows[0]).toMatchObject({
        status: 'done',
        dueAt: '2024-01-15T09:00:00.000Z',
        graceMin: 60,
        completedAt: '2024-01-15T08:00:00.000Z',
      });
      expect(typeof rows[0]!.number).toBe('number');

      const failures: Array<Record<string, unknown>> = await ok(`${base}/downtimes?${period}`);
      expect(failures.map((f) => [f.device, f.severity, f.restoreMin])).toEqual([
        ['spare', 'critical', 120],
        ['ws1', 'critical', 60],
        ['core', 'critical', 60],
        ['san', 'major', 180],
        ['ws2', 'critical', 30],
        ['aud2', 'major', null],
      ]);
      expect(failures[5]).toMatchObject({
        deviceId: ids.aud2,
        deviceKind: 'audio',
        startedAt: '2024-02-29T22:00:00.000Z',
        endedAt: null,
      });
    });

    it('narrows to a site: its suites, their devices and its rooms', async () => {
      const report = await ok(`${base}?${period}&siteId=${ids.siteA}`);
      // Work orders on Grade 1's devices or on Room A: W1 on time, W2 late in grace, W6 on time.
      expect(report.pmCompliance).toMatchObject({ pct: 100, onTime: 2, lateInGrace: 1, due: 3 });
      // Only devices in Grade 1 (ws1, disp1): D1 60 min. The switch and storage it depends on
      // are in no suite, so their downtimes leave MTTR (they still cost Grade 1 booked time).
      expect(report.mttr).toMatchObject({ minutes: 60, failures: 1, stillDown: 0 });
      expect(report.mtta).toMatchObject({ minutes: 5, acknowledged: 1, unacknowledged: 0 });
      expect(report.suites.map((s: { name: string }) => s.name)).toEqual(['Grade 1']);
      expect(report.reliability).toMatchObject({ bookedH: 24, downInBookedH: 3.5, failures: 3 });
      // W1 60 + W2 30 + W8 120 + W9 60 = 270 over 4; W10 is on the spare, in no suite.
      expect(report.labour).toMatchObject({ minutes: 270, workOrders: 4, withoutStart: 0 });
      // W2 and W9 passed.
      expect(report.calibration).toMatchObject({ pct: 100, passed: 2, runs: 2 });
      // W11 on ws1; W5 and W12 are in Mix 1.
      expect(report.backlog.map((b: { count: number }) => b.count)).toEqual([1, 0, 0, 0]);
    });

    it('narrows to a suite', async () => {
      const report = await ok(`${base}?${period}&suiteId=${ids.mix1}`);
      // W3 (ws2) missed, W4 (on the suite) skipped, W5 (aud2) missed.
      expect(report.pmCompliance).toMatchObject({ pct: 0, missed: 2, skipped: 1, due: 3 });
      // D5 30 min; D7 still down.
      expect(report.mttr).toMatchObject({ minutes: 30, failures: 1, stillDown: 1 });
      // D5 10 + D7 30 = 40 / 2.
      expect(report.mtta).toMatchObject({ minutes: 20, acknowledged: 2 });
      expect(report.reliability).toMatchObject({
        bookedH: 24,
        downInBookedH: 2.5,
        failures: 2,
        mtbfH: 12,
      });
      expect(report.labour).toMatchObject({ minutes: 60, workOrders: 1 });
      expect(report.calibration).toMatchObject({ pct: 0, passed: 0, runs: 1 });
      // W5 since February 2024, W12 10 days.
      expect(report.backlog.map((b: { count: number }) => b.count)).toEqual([0, 1, 0, 1]);
      // A suite outside the site matches nothing; that is no error.
      const none = await ok(`${base}?${period}&suiteId=${ids.mix1}&siteId=${ids.siteA}`);
      expect(none.suites).toEqual([]);
      expect(none.pmCompliance.due).toBe(0);
    });

    it('narrows to a device kind, in reliability too', async () => {
      const report = await ok(`${base}?${period}&deviceKind=workstation`);
      // W1 (ws1) on time, W3 (ws2) missed; W4 (suite) and W6 (room) name no device.
      expect(report.pmCompliance).toMatchObject({ pct: 50, onTime: 1, missed: 1, due: 2 });
      // D1 60 + D5 30 = 90 / 2.
      expect(report.mttr).toMatchObject({ minutes: 45, failures: 2, stillDown: 0 });
      // D1 5 + D5 10 = 15 / 2.
      expect(report.mtta).toMatchObject({ minutes: 7.5, acknowledged: 2, unacknowledged: 0 });
      // Workstation downtimes only: Grade 1 D9 1 h + D1 1 h (the switch's D3 no longer
      // stretches it) = 2 h, 2 failures; Mix 1 D5 0.5 h, 1 failure. Booked hours are the
      // suites' own: 48 h. MTBF 48 / 3 = 16 h; availability 45.5 / 48.
      expect(report.reliability).toMatchObject({
        bookedH: 48,
        downInBookedH: 2.5,
        failures: 3,
        mtbfH: 16,
      });
      expect(report.availabilityPct).toBeCloseTo((45.5 / 48) * 100, 9);
      // W1 60 + W3 60 + W8 120.
      expect(report.labour).toMatchObject({ minutes: 240, workOrders: 3 });
      expect(report.calibration).toMatchObject({ pct: 0, runs: 1 });
    });

    it('narrows work orders, and only work orders, to an assignee', async () => {
      const report = await ok(`${base}?${period}&assigneeId=${ids.ada}`);
      // W1 on time, W3 and W5 missed: 1 / 3.
      expect(report.pmCompliance).toMatchObject({ onTime: 1, missed: 2, due: 3 });
      expect(report.pmCompliance.pct).toBeCloseTo(100 / 3, 9);
      // W1 60 + W3 60 + W8 120; W10 has no start time.
      expect(report.labour).toMatchObject({ minutes: 240, workOrders: 3, withoutStart: 1 });
      expect(report.calibration).toMatchObject({ passed: 0, runs: 1 });
      // W11 and W5.
      expect(report.backlog.map((b: { count: number }) => b.count)).toEqual([1, 0, 0, 1]);
      // Downtimes, faults and bookings have no assignee: unchanged.
      expect(report.mttr.minutes).toBe(90);
      expect(report.mtta.minutes).toBe(16);
      expect(report.reliability.failures).toBe(5);
    });

    it('counts work still inside its grace as pending, and defaults to the last 30 days', async () => {
      const before = Date.now();
      const report = await ok(base);
      const end = Date.parse(report.period.to);
      expect(end).toBeGreaterThanOrEqual(before - 1000);
      expect(end).toBeLessThanOrEqual(Date.now() + 1000);
      expect(end - Date.parse(report.period.from)).toBe(30 * day);
      // W11 (3 days ago, no grace) missed; W13 (an hour ago, 2 h grace) pending; W12 corrective.
      expect(report.pmCompliance).toEqual({
        pct: 0,
        onTime: 0,
        lateInGrace: 0,
        missed: 1,
        skipped: 0,
        pending: 1,
        due: 1,
        formula:
          'compliant 0 / due 1 = 0.0 % (on time 0, late in grace 0, missed 1, skipped 0; 1 pending not counted)',
      });
      // Nothing booked, failed or calibrated lately.
      expect(report.reliability).toMatchObject({ bookedH: 0, mtbfH: null, availabilityPct: null });
      expect(report.mttr).toMatchObject({ minutes: null, failures: 0 });
      expect(report.calibration).toMatchObject({ pct: null, runs: 0 });
    });

    it('cuts trend months in the maintenance time zone', async () => {
      await setTimezone('America/New_York');
      try {
        const trend: Array<Record<string, unknown>> = await ok(`${base}/trend?${period}`);
        // New York is UTC-5 in winter: January there starts at 05:00 UTC, so the period's first
        // five hours are its December. Grade 1 was booked 00-02 UTC and down 00-01 (D9): one
        // failure in 2 booked hours, 50 %.
        expect(trend.map((m) => m.month)).toEqual(['2023-12', '2024-01', '2024-02']);
        expect(trend[0]).toMatchObject({ mtbfH: 2, availabilityPct: 50, mttrMin: null });
        // Mix 1's Feb 29 20:00-24:00 UTC booking is 15:00-19:00 in New York: still February.
        expect(trend[2]).toMatchObject({ mtbfH: 9, mttrMin: 30 });
      } finally {
        await setTimezone('UTC');
      }
    });

    it('exports the trend and the other lists as CSV', async () => {
      const json: Array<Record<string, number | string | null>> = await ok(
        `${base}/trend?${period}`,
      );
      const response = await get(`${base}/trend?${period}`, engineer, 'text/csv');
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
      const date = new Date().toISOString().slice(0, 10);
      expect(response.headers['content-disposition']).toBe(
        `attachment; filename="trend-${date}.csv"`,
      );
      const lines = response.body.split('\r\n');
      expect(lines.pop()).toBe('');
      const columns =
        'month,pmCompliancePct,mttrMin,mttaMin,mtbfH,availabilityPct,calibrationPct'.split(',');
      expect(lines[0]).toBe(columns.join(','));
      // One line per month, each cell as the JSON has it.
      expect(lines.slice(1)).toEqual(
        json.map((month) => columns.map((c) => String(month[c] ?? '')).join(',')),
      );
      expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['2024-01', '2024-02']);

      for (const path of ['suites', 'compliance', 'downtimes']) {
        const csv = await get(`${base}/${path}?${period}`, manager, 'text/csv');
        expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
      }
      // The whole report is an object: it stays JSON.
      const whole = await get(`${base}?${period}`, engineer, 'text/csv');
      expect(whole.headers['content-type']).toMatch(/^application\/json/);
    });

    it('is for engineers, managers and admins, not juniors', async () => {
      for (const path of ['', '/trend', '/suites', '/compliance', '/downtimes']) {
        const url = `${base}${path}?${period}`;
        const refused = await get(url, junior);
        expect(refused.statusCode).toBe(403);
        expect(refused.json().message).toMatch(/needs the engineer or manager or admin role/);
        for (const cookie of [engineer, manager, t.admin])
          expect((await get(url, cookie)).statusCode).toBe(200);
        expect((await t.app.inject({ method: 'GET', url })).statusCode).toBe(401);
      }
    });

    it.each([
      ['to before from', `from=${to}&to=${from}`, /^querystring\.to: must be after from/],
      [
        'a period over 3 years',
        'from=2020-01-01T00:00:00Z&to=2023-01-02T00:00:00Z',
        /^querystring\.from: the period may be at most 3 years/,
      ],
      ['an unknown site', `siteId=${nobody}`, /^querystring\.siteId: no site with id/],
      ['an unknown suite', `suiteId=${nobody}`, /^querystring\.suiteId: no suite with id/],
      ['an unknown assignee', `assigneeId=${nobody}`, /^querystring\.assigneeId: no user with id/],
      ['a malformed id', 'siteId=site-a', /^querystring\.siteId must match format "uuid"/],
      ['an unknown device kind', 'deviceKind=toaster', /^querystring\.deviceKind must be one of/],
      ['an unknown parameter', 'format=csv', /^querystring has an unknown field 'format'/],
    ])('refuses %s with a 400 naming the field', async (_name, query, message) => {
      for (const path of ['', '/trend', '/suites', '/compliance', '/downtimes']) {
        const response = await get(`${base}${path}?${query}`);
        expect(response.statusCode).toBe(400);
        expect(response.json().message).toMatch(message);
      }
    });

    it('takes exactly 3 years', async () => {
      const report = await ok(`${base}?from=2021-01-01T00:00:00Z&to=2024-01-01T00:00:00Z`);
      expect(report.trend).toHaveLength(36);
    });
  });
}
