import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LiveEvent } from '../../server/live-events.ts';
import { sweepProbes } from '../../server/modules/probes/service.ts';
import type { CheckSpec } from '../../probes/types.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { stores } from '../helpers/db.ts';
import { describeWith } from '../helpers/system.ts';

const result = (
  checkId: string,
  at: Date,
  readings: { name: string; value: number; unit: string; status?: string }[],
) => ({
  checkId,
  status: readings.length > 0 ? 'ok' : 'critical',
  message: readings.length > 0 ? 'ok' : 'ECONNREFUSED',
  durationMs: 3,
  at: at.toISOString(),
  readings,
});

for (const { store, needs } of stores) {
  describeWith(needs, `probes API on ${store}`, () => {
    let t: TestApp;
    let deviceId: string;
    const events: LiveEvent[] = [];
    beforeAll(async () => {
      t = await createTestApp(store, { SUITEWATCH_PROBE_HEARTBEAT_S: '2' });
      t.ctx.bus.subscribe((event) => events.push(event));
      deviceId = (
        await api('POST', '/api/devices', {
          name: 'Dub 2 Pro Tools',
          kind: 'audio',
          host: '10.0.20.5',
        })
      ).json().id;
    });
    afterAll(async () => t?.close());

    const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
      t.app.inject({ method, url, payload, headers: { cookie: t.admin } });
    const asProbe = (token: string, method: 'GET' | 'POST', url: string, payload?: object) =>
      t.app.inject({ method, url, payload, headers: { authorization: `Bearer ${token}` } });
    const checkIds = async (token: string) =>
      (await asProbe(token, 'GET', '/api/probe/checks'))
        .json<{ checks: CheckSpec[] }>()
        .checks.map((c) => c.id);
    const tcpCheck = (probeId?: string | null) =>
      api('POST', '/api/checks', {
        deviceId,
        kind: 'tcp',
        intervalS: 30,
        config: { port: 22 },
        ...(probeId === undefined ? {} : { probeId }),
      });

    it('gives each probe only its own checks, and the embedded probe the rest', async () => {
      const created = await api('POST', '/api/probes', { name: 'Floor 2 VLAN 20' });
      expect(created.statusCode).toBe(201);
      const { probe, token } = created.json<{
        probe: { id: string; state: string };
        token: string;
      }>();
      expect(token).toMatch(/^swp_/);
      expect(probe).toMatchObject({ state: 'new', builtin: false, checks: 0 });
      expect(JSON.stringify((await api('GET', '/api/probes')).json())).not.toContain(token);

      const remote = (await tcpCheck(probe.id)).json();
      const local = (await tcpCheck()).json();
      expect(remote.probeId).toBe(probe.id);
      expect(local.probeId).toBeNull();
      expect(await checkIds(token)).toEqual([remote.id]);
      const embedded = await checkIds(t.ctx.embeddedProbeSecret);
      expect(embedded).toContain(local.id);
      expect(embedded).not.toContain(remote.id);
      expect((await api('GET', `/api/probes/${probe.id}`)).json().checks).toBe(1);

      // Moving a check between probes moves it between their lists.
      await api('PATCH', `/api/checks/${remote.id}`, { probeId: null });
      expect(await checkIds(token)).toEqual([]);
      expect(await checkIds(t.ctx.embeddedProbeSecret)).toContain(remote.id);
    });

    it('shows a probe up on its heartbeat and down after three missed, publishing each after storing it', async () => {
      const { probe, token } = (await api('POST', '/api/probes', { name: 'MCR rack' })).json<{
        probe: { id: string };
        token: string;
      }>();
      events.length = 0;
      const beat = await asProbe(token, 'POST', '/api/probe/heartbeat', {
        version: '0.1.0',
        stats: { checks: 3, runs: 10, spooledResults: 0 },
      });
      expect(beat.statusCode).toBe(200);
      expect(beat.json()).toMatchObject({ name: 'MCR rack', heartbeatS: 2 });
      expect(Math.abs(Date.parse(beat.json().serverTime as string) - Date.now())).toBeLessThan(
        5000,
      );
      const up = (await api('GET', `/api/probes/${probe.id}`)).json();
      expect(up).toMatchObject({ state: 'up', version: '0.1.0', stats: { checks: 3, runs: 10 } });
      expect(up.lastAddress).not.toBe('');
      expect(events).toContainEqual(
        expect.objectContaining({ type: 'probe.state', probeId: probe.id, state: 'up' }),
      );

      // The probe's device shows the probe's word until the probe falls silent.
      const check = (await tcpCheck(probe.id)).json();
      const ok = await asProbe(token, 'POST', '/api/probe/results', {
        results: [result(check.id as string, new Date(), [])],
      });
      expect(ok.json()).toMatchObject({ accepted: 1 });
      expect((await api('GET', `/api/devices/${deviceId}`)).json().status).not.toBe('unknown');

      // Five seconds on, within three 2 s heartbeats: still up. Seven seconds on: down.
      const seen = Date.parse(up.lastSeenAt as string);
      expect(await sweepProbes(t.ctx, new Date(seen + 5000))).toBe(0);
      expect(await sweepProbes(t.ctx, new Date(seen + 7000))).toBe(1);
      expect((await api('GET', `/api/probes/${probe.id}`)).json().state).toBe('down');
      // Its checks say so, and so does their device: not the last good word of a dead probe.
      expect((await api('GET', `/api/checks/${check.id}`)).json()).toMatchObject({
        lastStatus: 'unknown',
        lastMessage: expect.stringMatching(/^probe MCR rack has stopped reporting \(last heard /),
      });
      expect(events).toContainEqual(
        expect.objectContaining({ type: 'device.status', deviceId, status: 'critical' }),
      );
      expect(events).toContainEqual(
        expect.objectContaining({ type: 'probe.state', probeId: probe.id, state: 'down' }),
      );
      // Marked down once, not on every sweep.
      expect(await sweepProbes(t.ctx, new Date(seen + 9000))).toBe(0);
    });

    it("stores a probe's results only for its own checks, and forgets readings a check stops reporting", async () => {
      const { probe, token } = (await api('POST', '/api/probes', { name: 'Grading floor' })).json<{
        probe: { id: string };
        token: string;
      }>();
      const mine = (await tcpCheck(probe.id)).json();
      const embedded = (await tcpCheck()).json();
      const at = new Date();
      const posted = await asProbe(token, 'POST', '/api/probe/results', {
        results: [
          result(mine.id as string, at, [
            { name: 'volume.used_pct[/a]', value: 50, unit: '%', status: 'ok' },
            { name: 'volume.days_until_full[/a]', value: 2.5, unit: 'd', status: 'critical' },
          ]),
          result(embedded.id as string, at, []),
        ],
      });
      expect(posted.json()).toMatchObject({ accepted: 1, duplicates: 0, dropped: 1 });
      const readings = () =>
        t.app
          .inject({ method: 'GET', url: `/api/devices/${deviceId}`, headers: { cookie: t.admin } })
          .then(
            (r) => r.json().readings as Record<string, { value: number; status: string | null }>,
          );
      expect((await readings())['volume.days_until_full[/a]']).toMatchObject({
        value: 2.5,
        status: 'critical',
      });
      // Usage stopped growing: the next run has no days-until-full, and the old one goes.
      await asProbe(token, 'POST', '/api/probe/results', {
        results: [
          result(mine.id as string, new Date(at.getTime() + 30_000), [
            { name: 'volume.used_pct[/a]', value: 40, unit: '%', status: 'ok' },
          ]),
        ],
      });
      const after = await readings();
      expect(after['volume.used_pct[/a]']).toMatchObject({ value: 40 });
      expect(after['volume.days_until_full[/a]']).toBeUndefined();
    });

    it('cuts off the old token when the token is rotated, and frees the checks of a deleted probe', async () => {
      const { probe, token } = (await api('POST', '/api/probes', { name: 'Machine room' })).json<{
        probe: { id: string };
        token: string;
      }>();
      const check = (await tcpCheck(probe.id)).json();
      const rotated = await api('POST', `/api/probes/${probe.id}/token`);
      expect(rotated.statusCode).toBe(200);
      const fresh = rotated.json().token as string;
      expect((await asProbe(token, 'GET', '/api/probe/checks')).statusCode).toBe(401);
      expect(await checkIds(fresh)).toEqual([check.id]);

      expect((await api('DELETE', `/api/probes/${probe.id}`)).statusCode).toBe(200);
      expect((await asProbe(fresh, 'GET', '/api/probe/checks')).statusCode).toBe(401);
      expect((await api('GET', `/api/checks/${check.id}`)).json().probeId).toBeNull();
      expect(await checkIds(t.ctx.embeddedProbeSecret)).toContain(check.id);
      const audit = (await api('GET', `/api/audit?entity=probe&entityId=${probe.id}`)).json();
      expect(audit.map((a: { action: string }) => a.action)).toEqual(
        expect.arrayContaining(['create', 'rotate-token', 'delete']),
      );
    });

    it('answers 4xx naming the field for bad probe input', async () => {
      await api('POST', '/api/probes', { name: 'Edit floor' });
      const duplicate = await api('POST', '/api/probes', { name: 'edit FLOOR' });
      expect(duplicate.statusCode).toBe(409);
      expect(duplicate.json().message).toBe("name: a probe called 'edit FLOOR' already exists");
      const blank = await api('POST', '/api/probes', { name: '   ' });
      expect(blank.statusCode).toBe(400);
      expect(blank.json().message).toMatch(/^body\.name/);
      const site = await api('POST', '/api/probes', {
        name: 'Nowhere',
        siteId: '00000000-0000-4000-8000-000000000000',
      });
      expect(site.statusCode).toBe(400);
      expect(site.json().message).toBe('siteId: no site with that id');
      const check = await tcpCheck('00000000-0000-4000-8000-000000000000');
      expect(check.statusCode).toBe(400);
      expect(check.json().message).toBe(
        'probeId: no probe with id 00000000-0000-4000-8000-000000000000',
      );
      const scope = await api('POST', '/api/tokens', { name: 'p', scope: 'probe' });
      expect(scope.statusCode).toBe(400);
      expect(scope.json().message).toMatch(/^scope: a probe token belongs to a probe/);

      const { token } = (await api('POST', '/api/probes', { name: 'Bad beats' })).json();
      const beat = await asProbe(token as string, 'POST', '/api/probe/heartbeat', {
        version: '1',
        stats: { runs: 'many' },
      });
      expect(beat.statusCode).toBe(400);
      expect(beat.json().message).toMatch(/^body\.stats\.runs must be number/);
      // A user may not heartbeat, and a junior may not register probes.
      expect(
        (await api('POST', '/api/probe/heartbeat', { version: '1', stats: {} })).statusCode,
      ).toBe(403);
      const junior = await t.userWithRole('junior');
      const denied = await t.app.inject({
        method: 'POST',
        url: '/api/probes',
        headers: { cookie: junior },
        payload: { name: 'sneaky' },
      });
      expect(denied.statusCode).toBe(403);
    });

    it("keeps the server's own probe: it cannot be deleted or renamed", async () => {
      await asProbe(t.ctx.embeddedProbeSecret, 'POST', '/api/probe/heartbeat', {
        version: '0.1.0',
        stats: {},
      });
      const own = (await api('GET', '/api/probes'))
        .json()
        .find((p: { builtin: boolean }) => p.builtin);
      expect(own).toMatchObject({ name: 'embedded', state: 'up' });
      const deleted = await api('DELETE', `/api/probes/${own.id}`);
      expect(deleted.statusCode).toBe(409);
      expect(deleted.json().message).toBe("the server's own probe cannot be deleted");
      const renamed = await api('PATCH', `/api/probes/${own.id}`, { name: 'other' });
      expect(renamed.statusCode).toBe(409);
      // Assigning a check to it explicitly is the same as leaving it unassigned.
      const check = (await tcpCheck(own.id as string)).json();
      expect(check.probeId).toBeNull();
    });
  });
}
