import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FaultView, LiveEvent } from '../../server/live-events.ts';
import { tickFaults } from '../../server/modules/faults/evaluate.ts';
import { planNotifications } from '../../server/modules/faults/planner.ts';
import { recordTrap } from '../../server/modules/traps/service.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { stores } from '../helpers/db.ts';
import { describeWith } from '../helpers/system.ts';

interface Reading {
  name: string;
  value: number;
  unit: string;
  status?: string;
  note?: string;
}

const raid = (status: 'ok' | 'critical'): Reading => ({
  name: 'raid.status[md0]',
  value: status === 'ok' ? 0 : 1,
  unit: '',
  status,
  ...(status === 'critical' ? { note: 'RAID md0 is degraded' } : {}),
});

for (const { store, needs } of stores) {
  describeWith(needs, `fault engine through ingest on ${store}`, () => {
    let t: TestApp;
    const events: LiveEvent[] = [];
    // Results are stamped from an hour ago, 30 s apart, so hold-downs run on the results' clock.
    const base = Date.now() - 3_600_000;
    const at = (step: number) => new Date(base + step * 30_000).toISOString();

    beforeAll(async () => {
      t = await createTestApp(store, { SUITEWATCH_NOTIFY_GROUP_WAIT_S: '0' });
      t.ctx.bus.subscribe((event) => events.push(event));
    });
    afterAll(async () => t?.close());

    const api = (
      method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
      url: string,
      payload?: object,
      cookie?: string,
    ) => t.app.inject({ method, url, payload, headers: { cookie: cookie ?? t.admin } });

    async function device(name: string, kind: string, extra: object = {}) {
      const created = await api('POST', '/api/devices', { name, kind, ...extra });
      expect(created.statusCode).toBe(201);
      const id = created.json<{ id: string }>().id;
      const check = await api('POST', '/api/checks', {
        deviceId: id,
        kind: 'tcp',
        intervalS: 30,
        config: { port: 22 },
      });
      expect(check.statusCode).toBe(201);
      return { id, checkId: check.json<{ id: string }>().id };
    }

    async function post(checkId: string, step: number, status: string, readings: Reading[]) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/probe/results',
        headers: { authorization: `Bearer ${t.ctx.embeddedProbeSecret}` },
        payload: {
          results: [
            {
              checkId,
              status,
              message: readings.length ? (readings.find((r) => r.note)?.note ?? 'ok') : 'timed out',
              durationMs: 3,
              at: at(step),
              readings,
            },
          ],
        },
      });
      expect(response.statusCode, response.body).toBe(200);
    }

    const faultsOf = async (deviceId: string, state = 'all') =>
      (await api('GET', `/api/faults?deviceId=${deviceId}&state=${state}`)).json<FaultView[]>();

    it('opens a fault at once, and clears it only after two good intervals', async () => {
      const nas = await device('NAS fault 1', 'storage');
      await post(nas.checkId, 0, 'critical', [raid('critical')]);
      let [fault] = await faultsOf(nas.id);
      expect(fault).toMatchObject({
        condition: 'raid.status[md0]',
        severity: 'critical',
        state: 'open',
        console: 'current',
        message: 'RAID md0 is degraded',
        suppressedBy: null,
        flapping: false,
        inMaintenance: false,
      });
      // Published only after it was stored: the event carries the stored fault.
      expect(events).toContainEqual({
        type: 'fault',
        fault: expect.objectContaining({ id: fault!.id, state: 'open' }),
      });

      await post(nas.checkId, 1, 'ok', [raid('ok')]);
      await post(nas.checkId, 2, 'ok', [raid('ok')]);
      [fault] = await faultsOf(nas.id);
      expect(fault!.state).toBe('open');
      await post(nas.checkId, 3, 'ok', [raid('ok')]);
      [fault] = await faultsOf(nas.id);
      expect(fault).toMatchObject({
        state: 'cleared',
        console: 'latched',
        restoredAt: at(1),
        clearedAt: at(3),
      });

      const detail = (await api('GET', `/api/faults/${fault!.id}`)).json<{
        timeline: { kind: string }[];
        downtime: { start: string; end: string };
      }>();
      expect(detail.timeline.map((e) => e.kind)).toEqual(['opened', 'cleared']);
      expect(detail.downtime).toEqual({ start: at(0), end: at(1), inMaintenance: false });
    });

    it('keeps one open fault per device and condition, and escalates it at once', async () => {
      const nas = await device('NAS fault 2', 'storage');
      await post(nas.checkId, 0, 'warning', [
        { ...raid('critical'), status: 'warning', note: 'RAID md0 is checking' },
      ]);
      await post(nas.checkId, 1, 'critical', [raid('critical')]);
      const faults = await faultsOf(nas.id);
      expect(faults).toHaveLength(1);
      expect(faults[0]).toMatchObject({ severity: 'critical', peakSeverity: 'critical' });
    });

    it('folds a device’s reading faults under one unreachable fault', async () => {
      const nas = await device('NAS fault 3', 'storage');
      await post(nas.checkId, 0, 'critical', [raid('critical')]);
      await post(nas.checkId, 1, 'critical', []);
      const faults = await faultsOf(nas.id, 'open');
      const unreachable = faults.find((f) => f.condition === 'unreachable')!;
      const reading = faults.find((f) => f.condition === 'raid.status[md0]')!;
      expect(unreachable).toMatchObject({
        severity: 'critical',
        suppressedBy: null,
        consequences: 1,
      });
      expect(reading.suppressedBy).toBe(unreachable.id);
    });

    it('suppresses a dependant’s faults under its parent’s, and frees them when the parent clears', async () => {
      const core = await device('Core switch F', 'switch');
      const suite = (await api('POST', '/api/suites', { name: 'Edit 9' })).json<{ id: string }>();
      const edit = await device('Edit 9 workstation', 'workstation', {
        parentId: core.id,
        suiteIds: [suite.id],
      });
      const nexis = await device('NEXIS F', 'storage');
      const put = await api('PUT', `/api/devices/${edit.id}/dependencies`, {
        dependsOn: [nexis.id],
      });
      expect(put.statusCode, put.body).toBe(200);
      // The dependant notices first; the root arrives in the same group wait.
      await post(edit.checkId, 0, 'critical', []);
      await post(core.checkId, 0, 'critical', []);
      const [root] = await faultsOf(core.id, 'open');
      const [child] = await faultsOf(edit.id, 'open');
      expect(child!.suppressedBy).toBe(root!.id);
      expect(root!.consequences).toBe(1);
      // The suite's tile names the root cause, not just its own workstation.
      const tile = (await api('GET', `/api/suites/${suite.id}`)).json<{
        health: { deviceName: string; rootCause: { deviceName: string; condition: string } };
      }>();
      expect(tile.health.deviceName).toBe('Edit 9 workstation');
      expect(tile.health.rootCause).toMatchObject({
        deviceName: 'Core switch F',
        condition: 'unreachable',
      });
      expect(events).toContainEqual({
        type: 'suite.health',
        suiteId: suite.id,
        health: expect.objectContaining({
          rootCause: expect.objectContaining({ deviceName: 'Core switch F' }),
        }),
      });

      // One message for the burst: the root, with its consequence inside.
      await api('POST', '/api/notification-channels', {
        name: `hook ${store}`,
        type: 'webhook',
        config: { url: 'http://127.0.0.1:9/hook', format: 'generic' },
      });
      const planned = await t.ctx.db.transaction((tx) =>
        planNotifications(tx, t.ctx.config.notify, new Date()),
      );
      expect(planned).toContain(root!.id);
      expect(planned).not.toContain(child!.id);
      const outbox = (await api('GET', '/api/notifications?limit=50')).json<
        Array<{ kind: string; faultId: string | null }>
      >();
      expect(outbox.filter((n) => n.faultId === root!.id && n.kind === 'alarm')).toHaveLength(1);
      expect(outbox.filter((n) => n.faultId === child!.id)).toHaveLength(0);

      // The core comes back; the workstation stays down: it is a root cause of its own now.
      for (const step of [1, 2, 3])
        await post(core.checkId, step, 'ok', [{ name: 'tcp.connect_ms', value: 1, unit: 'ms' }]);
      await post(edit.checkId, 3, 'critical', []);
      const [after] = await faultsOf(edit.id, 'open');
      expect(after).toMatchObject({ id: child!.id, suppressedBy: null });

      // A loop of dependencies is refused, naming the field.
      const loop = await api('PUT', `/api/devices/${nexis.id}/dependencies`, {
        dependsOn: [edit.id],
      });
      expect(loop.statusCode).toBe(400);
      expect(loop.json<{ message: string }>().message).toMatch(/body\.dependsOn\.0/);
      const self = await api('PUT', `/api/devices/${nexis.id}/dependencies`, {
        dependsOn: [nexis.id],
      });
      expect(self.statusCode).toBe(400);
    });

    it('acknowledges, takes and shelves with an audit trail; refuses what makes no sense', async () => {
      const nas = await device('NAS fault 5', 'storage');
      await post(nas.checkId, 0, 'critical', [raid('critical')]);
      const [fault] = await faultsOf(nas.id);
      const junior = await t.userWithRole('junior');
      const manager = await t.userWithRole('manager');
      expect((await api('POST', `/api/faults/${fault!.id}/ack`, {}, manager)).statusCode).toBe(403);

      const shelveNoReason = await api(
        'POST',
        `/api/faults/${fault!.id}/shelve`,
        { minutes: 30 },
        junior,
      );
      expect(shelveNoReason.statusCode).toBe(400);
      expect(shelveNoReason.json<{ message: string }>().message).toMatch(/reason/);
      const blank = await api(
        'POST',
        `/api/faults/${fault!.id}/shelve`,
        { minutes: 30, reason: '   ' },
        junior,
      );
      expect(blank.statusCode).toBe(400);

      const taken = await api('POST', `/api/faults/${fault!.id}/take`, undefined, junior);
      expect(taken.statusCode, taken.body).toBe(200);
      expect(taken.json<FaultView>().owner).toMatch(/^junior/);
      const acked = await api(
        'POST',
        `/api/faults/${fault!.id}/ack`,
        { comment: 'swapping disk 3' },
        junior,
      );
      expect(acked.json<FaultView>()).toMatchObject({
        console: 'acknowledged',
        ackComment: 'swapping disk 3',
      });
      expect((await api('POST', `/api/faults/${fault!.id}/ack`, {})).statusCode).toBe(409);
      const shelved = await api('POST', `/api/faults/${fault!.id}/shelve`, {
        minutes: 60,
        reason: 'vendor on site',
      });
      expect(shelved.json<FaultView>().shelveReason).toBe('vendor on site');

      const audit = (await api('GET', `/api/audit?entity=fault&entityId=${fault!.id}`)).json<
        Array<{ action: string; actor: string }>
      >();
      expect(audit.map((a) => a.action).sort()).toEqual([
        'fault.ack',
        'fault.shelve',
        'fault.take',
      ]);

      // The shelf runs out on the clock.
      await t.ctx.db.transaction((tx) =>
        tickFaults(tx, t.ctx.config.faults, new Date(Date.now() + 3_700_000)),
      );
      const [back] = await faultsOf(nas.id);
      expect(back!.shelvedUntil).toBeNull();

      // Cleared, it can no longer be acknowledged, and says so.
      for (const step of [1, 2, 3]) await post(nas.checkId, step, 'ok', [raid('ok')]);
      const nas2 = await device('NAS fault 5b', 'storage');
      await post(nas2.checkId, 0, 'critical', [raid('critical')]);
      for (const step of [1, 2, 3]) await post(nas2.checkId, step, 'ok', [raid('ok')]);
      const [cleared] = await faultsOf(nas2.id);
      const late = await api('POST', `/api/faults/${cleared!.id}/ack`, {});
      expect(late.statusCode).toBe(409);
      expect(late.json<{ message: string }>().message).toMatch(/already cleared/);
      const dismissed = await api('POST', `/api/faults/${cleared!.id}/dismiss`);
      expect(dismissed.json<FaultView>().console).toBe('closed');
      expect((await api('GET', '/api/faults')).json<FaultView[]>().map((f) => f.id)).not.toContain(
        cleared!.id,
      );
    });

    it('flags faults in a record window, keeps them quiet, and alarms when the window ends', async () => {
      const grade = await device('Grade fault monitor', 'display');
      const now = Date.now();
      const window = await api('POST', '/api/maintenance-windows', {
        scope: 'device',
        scopeId: grade.id,
        mode: 'record',
        reason: 'recalibration',
        startsAt: new Date(now - 60_000).toISOString(),
        endsAt: new Date(now + 600_000).toISOString(),
        timezone: 'Europe/London',
      });
      expect(window.statusCode, window.body).toBe(201);
      await post(grade.checkId, 100, 'critical', []);
      const [fault] = await faultsOf(grade.id);
      expect(fault).toMatchObject({ inMaintenance: true, state: 'open' });
      const quiet = await t.ctx.db.transaction((tx) =>
        planNotifications(tx, t.ctx.config.notify, new Date()),
      );
      expect(quiet).not.toContain(fault!.id);

      const after = new Date(now + 700_000);
      await t.ctx.db.transaction((tx) => tickFaults(tx, t.ctx.config.faults, after));
      const [released] = await faultsOf(grade.id);
      expect(released!.inMaintenance).toBe(false);
      const loud = await t.ctx.db.transaction((tx) =>
        planNotifications(tx, t.ctx.config.notify, after),
      );
      expect(loud).toContain(fault!.id);
    });

    it('does not evaluate a device in a skip window, and flags what was already open', async () => {
      const grade = await device('Grade fault skip', 'display');
      const other = await device('Grade fault skip 2', 'display');
      await post(other.checkId, 0, 'critical', []);
      await api('POST', '/api/maintenance-windows', {
        scope: 'device',
        scopeId: grade.id,
        mode: 'skip',
        reason: 'rewiring',
        startsAt: new Date(Date.now() - 60_000).toISOString(),
        endsAt: new Date(Date.now() + 600_000).toISOString(),
        timezone: 'UTC',
      });
      await post(grade.checkId, 0, 'critical', []);
      expect(await faultsOf(grade.id)).toEqual([]);
      await api('POST', '/api/maintenance-windows', {
        scope: 'device',
        scopeId: other.id,
        mode: 'skip',
        reason: 'rewiring',
        startsAt: new Date(Date.now() - 60_000).toISOString(),
        endsAt: new Date(Date.now() + 600_000).toISOString(),
        timezone: 'UTC',
      });
      await post(other.checkId, 1, 'critical', []);
      const [frozen] = await faultsOf(other.id);
      expect(frozen).toMatchObject({ state: 'open', inMaintenance: true });
      const detail = (await api('GET', `/api/faults/${frozen!.id}`)).json<{
        downtime: { inMaintenance: boolean };
      }>();
      expect(detail.downtime.inMaintenance).toBe(true);
    });

    it('opens a fault for a silent check, and a linkDown trap; linkUp clears after the hold-down', async () => {
      const sw = await device('Switch fault trap', 'switch', { host: '10.9.9.9' });
      const silentAt = new Date(Date.now() + 3 * 30_000 + 1000);
      await t.ctx.db.transaction((tx) => tickFaults(tx, t.ctx.config.faults, silentAt));
      expect((await faultsOf(sw.id, 'open')).map((f) => f.condition)).toContain('no_data');

      const trap = (kind: 'linkDown' | 'linkUp', receivedAt: Date) =>
        recordTrap(t.ctx, {
          source: '10.9.9.9',
          version: '2c',
          trapOid: kind === 'linkDown' ? '1.3.6.1.6.3.1.1.5.3' : '1.3.6.1.6.3.1.1.5.4',
          kind,
          ifIndex: 7,
          varbinds: [],
          receivedAt: receivedAt.toISOString(),
        });
      const down = new Date();
      await trap('linkDown', down);
      let link = (await faultsOf(sw.id, 'open')).find((f) => f.condition === 'trap.link_down[7]');
      expect(link).toMatchObject({ severity: 'major', source: 'trap' });
      await trap('linkUp', new Date(down.getTime() + 1000));
      await t.ctx.db.transaction((tx) =>
        tickFaults(tx, t.ctx.config.faults, new Date(down.getTime() + 30_000)),
      );
      expect((await faultsOf(sw.id, 'open')).map((f) => f.condition)).toContain(
        'trap.link_down[7]',
      );
      await t.ctx.db.transaction((tx) =>
        tickFaults(tx, t.ctx.config.faults, new Date(down.getTime() + 62_000)),
      );
      link = (await faultsOf(sw.id, 'all')).find((f) => f.condition === 'trap.link_down[7]');
      expect(link!.state).toBe('cleared');
    });

    // What the engine's review found; each of these once went wrong.

    async function postMany(
      checkId: string,
      results: Array<{ step: number; status: string; readings: Reading[] }>,
    ) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/probe/results',
        headers: { authorization: `Bearer ${t.ctx.embeddedProbeSecret}` },
        payload: {
          results: results.map((r) => ({
            checkId,
            status: r.status,
            message: r.readings.length ? 'ok' : 'timed out',
            durationMs: 3,
            at: at(r.step),
            readings: r.readings,
          })),
        },
      });
      expect(response.statusCode, response.body).toBe(200);
    }
    const tick = (when: Date, since?: Date) =>
      t.ctx.db.transaction((tx) => tickFaults(tx, t.ctx.config.faults, when, since));
    const plan = (when: Date) =>
      t.ctx.db.transaction((tx) => planNotifications(tx, t.ctx.config.notify, when));

    it('a fault that clears and reopens inside one batch keeps both, the second open', async () => {
      const nas = await device('NAS review A3', 'storage');
      await postMany(nas.checkId, [
        { step: 0, status: 'critical', readings: [raid('critical')] },
        { step: 1, status: 'ok', readings: [raid('ok')] },
        { step: 2, status: 'ok', readings: [raid('ok')] },
        { step: 3, status: 'ok', readings: [raid('ok')] },
        { step: 4, status: 'critical', readings: [raid('critical')] },
      ]);
      const faults = await faultsOf(nas.id);
      expect(faults.map((f) => f.state).sort()).toEqual(['cleared', 'open']);
    });

    it('a result older than the check’s last opens nothing', async () => {
      const nas = await device('NAS review B2', 'storage');
      await post(nas.checkId, 10, 'ok', [raid('ok')]);
      await post(nas.checkId, 5, 'critical', [raid('critical')]);
      expect(await faultsOf(nas.id)).toEqual([]);
    });

    it('clears a fault whose check is deleted or switched off, on the clock', async () => {
      const a = await device('NAS review A1a', 'storage');
      const b = await device('NAS review A1b', 'storage');
      await post(a.checkId, 0, 'critical', []);
      await post(b.checkId, 0, 'critical', []);
      expect((await api('DELETE', `/api/checks/${a.checkId}`)).statusCode).toBe(200);
      expect((await api('PATCH', `/api/checks/${b.checkId}`, { enabled: false })).statusCode).toBe(
        200,
      );
      await tick(new Date());
      for (const id of [a.id, b.id]) {
        const [fault] = await faultsOf(id);
        expect(fault).toMatchObject({ condition: 'unreachable', state: 'cleared' });
      }
    });

    it('frees a consequence when its root clears, even after the device moved', async () => {
      const sw = await device('Switch review A2', 'switch');
      const other = await device('Switch review A2b', 'switch');
      const ws = await device('Workstation review A2', 'workstation', { parentId: sw.id });
      await post(sw.checkId, 0, 'critical', []);
      await post(ws.checkId, 0, 'critical', []);
      const [root] = await faultsOf(sw.id, 'open');
      expect((await faultsOf(ws.id, 'open'))[0]!.suppressedBy).toBe(root!.id);
      // Re-parented during the outage; then the old switch recovers.
      expect((await api('PATCH', `/api/devices/${ws.id}`, { parentId: other.id })).statusCode).toBe(
        200,
      );
      for (const step of [1, 2, 3]) {
        await post(sw.checkId, step, 'ok', [{ name: 'tcp.connect_ms', value: 1, unit: 'ms' }]);
      }
      const [freed] = await faultsOf(ws.id, 'open');
      expect(freed!.suppressedBy).toBeNull();
      // Freed, it alarms only once seen bad again: the stale result is not evidence.
      const channel = await api('POST', '/api/notification-channels', {
        name: `review B1 ${store}`,
        type: 'webhook',
        config: { url: 'http://127.0.0.1:9/b1', format: 'generic' },
      });
      expect(channel.statusCode, channel.body).toBe(201);
      expect(await plan(new Date())).not.toContain(freed!.id);
    });

    it('announces a fault again when it gets worse, even acknowledged', async () => {
      const nas = await device('NAS review A4', 'storage');
      const minor = {
        ...raid('critical'),
        name: 'disk.temperature_c[1]',
        status: 'warning',
        note: 'disk 1 at 58 °C',
      };
      await post(nas.checkId, 0, 'warning', [minor]);
      const [fault] = await faultsOf(nas.id, 'open');
      expect(fault!.severity).toBe('minor');
      expect(await plan(new Date())).toContain(fault!.id);
      await api('POST', `/api/faults/${fault!.id}/ack`, { comment: 'watching it' });
      await post(nas.checkId, 1, 'critical', [
        { ...minor, status: 'critical', note: 'disk 1 at 68 °C' },
      ]);
      expect((await faultsOf(nas.id, 'open'))[0]!.severity).toBe('major');
      expect(await plan(new Date())).toContain(fault!.id);
      expect(await plan(new Date())).not.toContain(fault!.id);
    });

    it('keeps one silence per device while any of its checks is silent, and none for the server’s own downtime', async () => {
      const grade = await device('Grade review A6', 'display');
      await api('POST', '/api/checks', {
        deviceId: grade.id,
        kind: 'tcp',
        intervalS: 60,
        config: { port: 23 },
      });
      const later = new Date(Date.now() + 200_000);
      // An engine that started just now does not call the checks silent yet.
      await tick(later, new Date(later.getTime() - 1000));
      expect((await faultsOf(grade.id, 'open')).map((f) => f.condition)).not.toContain('no_data');
      await tick(later);
      const open = (await faultsOf(grade.id, 'open')).filter((f) => f.condition === 'no_data');
      expect(open).toHaveLength(1);
      // One check answers; the other is still silent: the silence stays.
      await post(grade.checkId, 119, 'ok', [{ name: 'tcp.connect_ms', value: 1, unit: 'ms' }]);
      await tick(new Date(later.getTime() + 120_000));
      expect(
        (await faultsOf(grade.id, 'open')).filter((f) => f.condition === 'no_data'),
      ).toHaveLength(1);
    });

    it('announces a flapping condition once, and as an alarm again once it settles bad', async () => {
      const nas = await device('NAS review A5', 'storage');
      for (let step = 0; step < 6; step += 1) {
        await post(nas.checkId, step, step % 2 ? 'ok' : 'critical', [
          raid(step % 2 ? 'ok' : 'critical'),
        ]);
      }
      const [fault] = await faultsOf(nas.id, 'open');
      expect(fault!.flapping).toBe(true);
      const channel = (
        await api('POST', '/api/notification-channels', {
          name: `review A5 ${store}`,
          type: 'webhook',
          config: { url: 'http://127.0.0.1:9/a5', format: 'generic' },
        })
      ).json<{ id: string }>();
      const kinds = async () =>
        (
          await api(
            'GET',
            `/api/notifications?faultId=${fault!.id}&channelId=${channel.id}&limit=50`,
          )
        )
          .json<Array<{ kind: string }>>()
          .map((n) => n.kind);
      await plan(new Date());
      await plan(new Date());
      expect(await kinds()).toEqual(['flapping']);
      // Bad from here on: the changes age out of the 15 min window, and it settles.
      for (let step = 6; step < 40; step += 1)
        await post(nas.checkId, step, 'critical', [raid('critical')]);
      const [settled] = await faultsOf(nas.id, 'open');
      expect(settled).toMatchObject({ id: fault!.id, flapping: false });
      await plan(new Date());
      expect((await kinds()).sort()).toEqual(['alarm', 'flapping']);
    });

    it('publishes a fault when it changes, not on every result that confirms it', async () => {
      const nas = await device('NAS review B5', 'storage');
      await post(nas.checkId, 0, 'critical', [raid('critical')]);
      const before = events.filter((e) => e.type === 'fault').length;
      await post(nas.checkId, 1, 'critical', [raid('critical')]);
      await post(nas.checkId, 2, 'critical', [raid('critical')]);
      expect(events.filter((e) => e.type === 'fault').length).toBe(before);
    });

    it('refuses bad filters by name', async () => {
      const bad = await api('GET', '/api/faults?severity=critical,loud');
      expect(bad.statusCode).toBe(400);
      expect(bad.json<{ message: string }>().message).toMatch(/severity: 'loud'/);
      expect(
        (await api('GET', '/api/faults/00000000-0000-4000-8000-000000000000')).statusCode,
      ).toBe(404);
    });
  });
}
