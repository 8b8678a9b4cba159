import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  calibrationTemplates,
  devices,
  faults,
  rooms,
  sites,
  suiteDevices,
  suites,
  users,
  workOrders,
} from '../../server/db/schema/index.ts';
import type { Severity } from '../../server/db/schema/index.ts';
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
const day = 24 * 60 * minute;
// January 2024 in UTC, a closed month.
const period = 'from=2024-01-01T00:00:00.000Z&to=2024-02-01T00:00:00.000Z';

/*
 * The lists behind the figures that have no list of their own in maintenance-report.test.ts:
 * MTTA's faults, the overdue backlog, labour and calibration runs. Each list must hold exactly
 * the rows its figure counts, so a manager's CSV adds up to the figure on the page.
 *
 * Site A / Room A / suite "Grade 1": ws1 (workstation), disp1 (display); spare (other) in no suite.
 *
 * Faults opened in January (minutes to acknowledge):
 *   F1 spare critical Jan 5 00:00   never acknowledged
 *   F2 ws1   critical Jan 10 10:00  5
 *   F3 disp1 minor    Jan 11 10:00  2    minor: not a failure
 *   F4 ws1   major    Jan 12 10:00  1    in maintenance: not counted
 *
 * Work orders (Ada assigned where said):
 *   W1 preventive ws1   done Jan 15 07:00-08:00                    Ada   labour 60
 *   W2 preventive disp1 done Jan 20 10:00-10:30, calibration fail        labour 30
 *   W3 corrective spare done Jan 16, no start time                       labour not summed
 *   W4 preventive ws1   due now - 40 days, grace 0, scheduled      Ada   backlog 31-90
 *   W5 preventive ws1   due now - 1 hour, grace 120, scheduled           still in grace
 *   W6 preventive ws1   due now - 5 days, cancelled                      not open
 */
for (const { store, needs } of stores) {
  describeWith(needs, `maintenance report lists on ${store}`, () => {
    let t: TestApp;
    let manager: string;
    const ids: Record<string, string> = {};

    const get = (url: string, accept?: string) => getAs(t, url, manager, accept);
    const ok = (url: string) => okAs(t, url, manager);

    beforeAll(async () => {
      t = await createTestApp(store);
      manager = await t.userWithRole('manager');
      const db = t.ctx.db;
      await setMaintenanceTimezone(t, 'UTC');
      const [ada] = await db
        .insert(users)
        .values({ username: 'ada', displayName: 'Ada', passwordHash: '-', role: 'engineer' })
        .returning({ id: users.id });
      ids.ada = ada!.id;
      const [site] = await db.insert(sites).values({ name: 'Site A' }).returning();
      const [room] = await db
        .insert(rooms)
        .values({ siteId: site!.id, name: 'Room A' })
        .returning();
      const [grade1] = await db
        .insert(suites)
        .values({ name: 'Grade 1', roomId: room!.id })
        .returning();
      ids.grade1 = grade1!.id;
      for (const [name, kind] of [
        ['ws1', 'workstation'],
        ['disp1', 'display'],
        ['spare', 'other'],
      ] as const) {
        const [row] = await db.insert(devices).values({ name, kind }).returning();
        ids[name] = row!.id;
      }
      await db.insert(suiteDevices).values([
        { suiteId: ids.grade1, deviceId: ids.ws1! },
        { suiteId: ids.grade1, deviceId: ids.disp1! },
      ]);

      const fault = (
        device: string,
        severity: Severity,
        opened: string,
        ackMin: number | null,
        inMaintenance = false,
      ) => {
        const openedAt = utc(opened);
        return {
          deviceId: ids[device]!,
          condition: `check.http.${device}.${opened}`,
          source: 'check' as const,
          severity,
          peakSeverity: severity,
          state: 'cleared' as const,
          openedAt,
          restoredAt: new Date(openedAt.getTime() + 30 * minute),
          clearedAt: new Date(openedAt.getTime() + 30 * minute),
          lastBadAt: openedAt,
          lastObservedAt: openedAt,
          holdDownS: 0,
          rootSince: openedAt,
          inMaintenance,
          acknowledgedAt: ackMin === null ? null : new Date(openedAt.getTime() + ackMin * minute),
        };
      };
      await db
        .insert(faults)
        .values([
          fault('spare', 'critical', '2024-01-05T00:00', null),
          fault('ws1', 'critical', '2024-01-10T10:00', 5),
          fault('disp1', 'minor', '2024-01-11T10:00', 2),
          fault('ws1', 'major', '2024-01-12T10:00', 1, true),
        ]);

      const [template] = await db
        .insert(calibrationTemplates)
        .values({ name: 'Grade monitor SDR', kind: 'sdr_display', readings: [] })
        .returning({ id: calibrationTemplates.id });
      const now = Date.now();
      await db.insert(workOrders).values([
        {
          title: 'W1',
          type: 'preventive',
          durationMin: 60,
          deviceId: ids.ws1,
          assigneeId: ids.ada,
          dueAt: utc('2024-01-15T09:00'),
          status: 'done',
          startedAt: utc('2024-01-15T07:00'),
          completedAt: utc('2024-01-15T08:00'),
        },
        {
          title: 'W2',
          type: 'preventive',
          durationMin: 30,
          deviceId: ids.disp1,
          dueAt: utc('2024-01-20T09:00'),
          calibrationTemplateId: template!.id,
          passed: false,
          status: 'done',
          startedAt: utc('2024-01-20T10:00'),
          completedAt: utc('2024-01-20T10:30'),
        },
        {
          title: 'W3',
          type: 'corrective',
          durationMin: 30,
          deviceId: ids.spare,
          status: 'done',
          completedAt: utc('2024-01-16T12:00'),
        },
        {
          title: 'W4',
          type: 'preventive',
          durationMin: 30,
          deviceId: ids.ws1,
          assigneeId: ids.ada,
          dueAt: new Date(now - 40 * day),
          graceMin: 0,
        },
        {
          title: 'W5',
          type: 'preventive',
          durationMin: 30,
          deviceId: ids.ws1,
          dueAt: new Date(now - 60 * minute),
          graceMin: 120,
        },
        {
          title: 'W6',
          type: 'preventive',
          durationMin: 30,
          deviceId: ids.ws1,
          dueAt: new Date(now - 5 * day),
          status: 'cancelled',
        },
      ]);
    });
    afterAll(async () => t?.close());

    it('lists the faults behind MTTA, and they add up to it', async () => {
      const rows = await ok(`${base}/faults?${period}`);
      // F3 is minor and F4 in maintenance: neither is a failure.
      expect(
        rows.map((r: { device: string; severity: string; acknowledgeMin: number | null }) => [
          r.device,
          r.severity,
          r.acknowledgeMin,
        ]),
      ).toEqual([
        ['spare', 'critical', null],
        ['ws1', 'critical', 5],
      ]);
      expect(rows[1]).toMatchObject({
        deviceId: ids.ws1,
        deviceKind: 'workstation',
        openedAt: '2024-01-10T10:00:00.000Z',
        acknowledgedAt: '2024-01-10T10:05:00.000Z',
      });
      const report = await ok(`${base}?${period}`);
      expect(report.mtta).toMatchObject({ acknowledged: 1, unacknowledged: 1, totalMin: 5 });
      // The suite filter keeps the devices in the suite: spare is in none.
      const inSuite = await ok(`${base}/faults?${period}&suiteId=${ids.grade1}`);
      expect(inSuite.map((r: { device: string }) => r.device)).toEqual(['ws1']);
    });

    it('lists the overdue backlog as the figure buckets it', async () => {
      const rows = await ok(`${base}/backlog?${period}`);
      // W5 is still in its grace, W6 cancelled, the done ones not open.
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        title: 'W4',
        type: 'preventive',
        status: 'scheduled',
        daysOverdue: 40,
        bucket: '31-90',
        assignee: 'Ada',
        device: 'ws1',
        suite: 'Grade 1',
      });
      const report = await ok(`${base}?${period}`);
      expect(report.backlog).toEqual([
        { bucket: '0-7', count: 0 },
        { bucket: '8-30', count: 0 },
        { bucket: '31-90', count: 1 },
        { bucket: '90+', count: 0 },
      ]);
      // The backlog is about now: a period long past lists the same work.
      const older = await ok(`${base}/backlog?from=2023-01-01T00:00:00Z&to=2023-02-01T00:00:00Z`);
      expect(older.map((r: { title: string }) => r.title)).toEqual(['W4']);
    });

    it('lists the work behind labour, the one without a start time unsummed', async () => {
      const rows = await ok(`${base}/labour?${period}`);
      expect(
        rows.map((r: { title: string; labourMin: number | null }) => [r.title, r.labourMin]),
      ).toEqual([
        ['W1', 60],
        ['W3', null],
        ['W2', 30],
      ]);
      const report = await ok(`${base}?${period}`);
      expect(report.labour).toMatchObject({ minutes: 90, workOrders: 2, withoutStart: 1 });
      // An assignee narrows work orders.
      const ada = await ok(`${base}/labour?${period}&assigneeId=${ids.ada}`);
      expect(ada.map((r: { title: string }) => r.title)).toEqual(['W1']);
    });

    it('lists the calibration runs behind the pass rate', async () => {
      const rows = await ok(`${base}/calibration?${period}`);
      expect(rows).toEqual([
        {
          number: expect.any(Number),
          title: 'W2',
          template: 'Grade monitor SDR',
          completedAt: '2024-01-20T10:30:00.000Z',
          passed: false,
          assignee: null,
          device: 'disp1',
          suite: 'Grade 1',
          room: null,
        },
      ]);
      const report = await ok(`${base}?${period}`);
      expect(report.calibration).toMatchObject({ pct: 0, passed: 0, runs: 1 });
    });

    it('gives each list as CSV and refuses a period that ends before it starts', async () => {
      for (const [path, header] of [
        ['faults', 'faultId,deviceId,device,deviceKind,condition,severity,openedAt'],
        ['backlog', 'number,title,type,status,dueAt,graceMin,daysOverdue,bucket'],
        ['labour', 'number,title,type,startedAt,completedAt,labourMin'],
        ['calibration', 'number,title,template,completedAt,passed'],
      ]) {
        const csv = await get(`${base}/${path}?${period}`, 'text/csv');
        expect(csv.statusCode).toBe(200);
        expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
        expect(csv.body.startsWith(header!)).toBe(true);
      }
      const backwards = await get(
        `${base}/labour?from=2024-02-01T00:00:00Z&to=2024-01-01T00:00:00Z`,
      );
      expect(backwards.statusCode).toBe(400);
      expect(backwards.json().message).toMatch(/^querystring\.to: must be after from/);
    });
  });
}
