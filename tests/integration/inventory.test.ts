import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { query } from '../../server/db/client.ts';
import type { LiveEvent } from '../../server/events.ts';
import { createTestApp, postResults, type TestApp } from '../helpers/app.ts';
import { stores } from '../helpers/db.ts';
import { describeWith } from '../helpers/system.ts';

for (const { store, needs } of stores) {
  describeWith(needs, `inventory API on ${store}`, () => {
    let t: TestApp;
    const events: LiveEvent[] = [];
    beforeAll(async () => {
      t = await createTestApp(store);
      t.ctx.bus.subscribe((e) => events.push(e));
    });
    afterAll(async () => t?.close());

    const api = (
      method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
      url: string,
      payload?: object,
      cookie = t.admin,
    ) => t.app.inject({ method, url, payload, headers: { cookie } });

    it('refuses every /api route without a session, but not login and health', async () => {
      for (const url of [
        '/api/suites',
        '/api/devices',
        '/api/checks',
        '/api/sites',
        '/api/audit',
      ]) {
        const response = await t.app.inject({ method: 'GET', url });
        expect(response.statusCode, url).toBe(401);
        expect(response.json().message).toMatch(/log in/);
      }
      // The router decodes the path; a percent-encoded prefix must not slip past the check.
      for (const url of ['/%61pi/users', '/%2Fapi/users', '/api/%75sers', '/API/users']) {
        const response = await t.app.inject({ method: 'GET', url });
        expect(response.statusCode, url).not.toBe(200);
        expect([401, 404], url).toContain(response.statusCode);
      }
      const sneaky = await t.app.inject({
        method: 'POST',
        url: '/%61pi/users',
        payload: { username: 'mallory', password: 'mallory-pass-1', role: 'admin' },
      });
      expect(sneaky.statusCode).toBe(401);
      expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toEqual({ status: 'ready', store });
    });

    it('creates a site, room, suite and device, and lists them', async () => {
      const site = await api('POST', '/api/sites', { name: 'Soho', timezone: 'Europe/London' });
      expect(site.statusCode).toBe(201);
      const room = await api('POST', '/api/rooms', { name: 'Floor 2', siteId: site.json().id });
      expect(room.statusCode).toBe(201);
      const suite = await api('POST', '/api/suites', {
        name: 'Edit 1',
        roomId: room.json().id,
        kind: 'edit',
      });
      expect(suite.statusCode).toBe(201);
      expect(suite.json().health).toMatchObject({ status: 'unknown', deviceId: null });

      const nas = await api('POST', '/api/devices', {
        name: 'NAS-01',
        kind: 'storage',
        host: '10.0.0.5',
      });
      const ws = await api('POST', '/api/devices', {
        name: 'Edit1-WS',
        kind: 'workstation',
        host: '10.0.1.11',
        parentId: nas.json().id,
        suiteIds: [suite.json().id],
        rack: 'R4',
        serial: 'HP-123',
      });
      expect(ws.statusCode).toBe(201);
      expect(ws.json()).toMatchObject({
        name: 'Edit1-WS',
        kind: 'workstation',
        host: '10.0.1.11',
        parentId: nas.json().id,
        suiteIds: [suite.json().id],
        status: 'unknown',
      });

      const listed = await api('GET', `/api/devices?suiteId=${suite.json().id}`);
      expect(listed.json().map((d: { name: string }) => d.name)).toEqual(['Edit1-WS']);
      const searched = await api('GET', '/api/devices?q=nas');
      expect(searched.json().map((d: { name: string }) => d.name)).toEqual(['NAS-01']);
      const fetched = await api('GET', `/api/suites/${suite.json().id}`);
      expect(fetched.json().deviceIds).toEqual([ws.json().id]);
    });

    it('refuses a parent loop and a duplicate name with words that name the field', async () => {
      const a = (await api('POST', '/api/devices', { name: 'Core-SW', kind: 'switch' })).json();
      const b = (
        await api('POST', '/api/devices', { name: 'Edge-SW', kind: 'switch', parentId: a.id })
      ).json();
      const loop = await api('PATCH', `/api/devices/${a.id}`, { parentId: b.id });
      expect(loop.statusCode).toBe(400);
      expect(loop.json().message).toMatch(/^parentId: .*loop/);
      const dup = await api('POST', '/api/devices', { name: 'core-sw', kind: 'switch' });
      expect(dup.statusCode).toBe(409);
      expect(dup.json().message).toMatch(/^name: /);
    });

    it('derives device status and suite health from ingested results, and publishes after commit', async () => {
      const suite = (await api('POST', '/api/suites', { name: 'Grade 1', kind: 'grading' })).json();
      const dev = (
        await api('POST', '/api/devices', {
          name: 'Grade1-Resolve',
          kind: 'workstation',
          suiteIds: [suite.id],
        })
      ).json();
      const token = await api('POST', '/api/probes', { name: 'probe-a' });
      expect(token.statusCode).toBe(201);
      const check = await api('POST', '/api/checks', {
        deviceId: dev.id,
        kind: 'http',
        intervalS: 30,
        config: { url: 'http://127.0.0.1:9/health' },
        probeId: token.json().probe.id,
      });
      expect(check.statusCode).toBe(201);
      const bearer = { authorization: `Bearer ${token.json().token}` };

      const specs = await t.app.inject({
        method: 'GET',
        url: '/api/probe/checks',
        headers: bearer,
      });
      expect(specs.statusCode).toBe(200);
      expect(specs.json().checks.map((c: { id: string }) => c.id)).toContain(check.json().id);

      const post = (status: string, latency: number, at: Date) =>
        t.app.inject({
          method: 'POST',
          url: '/api/probe/results',
          headers: bearer,
          payload: {
            results: [
              {
                checkId: check.json().id,
                status,
                message: status === 'ok' ? 'HTTP 200' : 'ECONNREFUSED',
                durationMs: latency,
                at: at.toISOString(),
                readings: [{ name: 'http.latency_ms', value: latency, unit: 'ms' }],
              },
            ],
          },
        });

      events.length = 0;
      const okAt = new Date(Date.now() - 1000);
      const ok = await post('ok', 12.5, okAt);
      expect(ok.statusCode).toBe(200);
      expect(ok.json()).toEqual({ accepted: 1, duplicates: 0, dropped: 0, statusChanges: 1 });
      // By the time an event is heard, the database already says the same.
      const healthEvent = events.find((e) => e.type === 'suite.health' && e.suiteId === suite.id);
      expect(healthEvent).toMatchObject({ health: { status: 'ok' } });

      const detail = (await api('GET', `/api/devices/${dev.id}`)).json();
      expect(detail.status).toBe('ok');
      expect(detail.readings['http.latency_ms']).toMatchObject({ value: 12.5, unit: 'ms' });

      events.length = 0;
      const bad = await post('critical', 3.1, new Date());
      expect(bad.json().statusChanges).toBe(1);
      const red = (await api('GET', `/api/suites/${suite.id}`)).json();
      expect(red.health).toEqual({
        status: 'critical',
        deviceId: dev.id,
        deviceName: 'Grade1-Resolve',
        message: 'ECONNREFUSED',
      });
      expect(events).toContainEqual(
        expect.objectContaining({ type: 'device.status', deviceId: dev.id, status: 'critical' }),
      );

      // A late result older than the latest does not overwrite the newer state.
      await post('ok', 1, new Date(Date.now() - 60_000));
      expect((await api('GET', `/api/devices/${dev.id}`)).json().status).toBe('critical');

      // A result sent again (a probe replaying its spool) is recognised and not stored twice.
      const again = await post('ok', 12.5, okAt);
      expect(again.json()).toEqual({ accepted: 0, duplicates: 1, dropped: 0, statusChanges: 0 });
      const results = await query<{ n: number }>(
        t.ctx.db,
        sql`select count(*)::int as n from check_results where check_id = ${check.json().id}`,
      );
      expect(results[0]?.n).toBe(3);

      const history = await query<{ n: number }>(
        t.ctx.db,
        sql`select count(*)::int as n from readings where device_id = ${dev.id}`,
      );
      expect(history[0]?.n).toBe(3);
      const events2 = await query<{ to_status: string }>(
        t.ctx.db,
        sql`select to_status from status_events where device_id = ${dev.id} order by id`,
      );
      expect(events2.map((e) => e.to_status)).toEqual(['ok', 'critical']);

      // Disabling the failing check leaves the device with nothing known.
      await api('PATCH', `/api/checks/${check.json().id}`, { enabled: false });
      expect((await api('GET', `/api/devices/${dev.id}`)).json().status).toBe('unknown');
    });

    it('limits a probe token to fetching checks and posting results', async () => {
      const token = (await api('POST', '/api/probes', { name: 'probe-b' })).json().token as string;
      const denied = await t.app.inject({
        method: 'GET',
        url: '/api/devices',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(denied.statusCode).toBe(403);
      expect(denied.json().message).toMatch(/probe token may only/);
    });

    it('shows a token once, stores only its hash, and accepts it as a bearer', async () => {
      const created = await api('POST', '/api/tokens', { name: 'automation', scope: 'api' });
      const token = created.json().token as string;
      expect(token).toMatch(/^swt_/);
      const stored = await query<{ token_hash: string }>(
        t.ctx.db,
        sql`select token_hash from api_tokens where id = ${created.json().id}`,
      );
      expect(stored[0]?.token_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(stored[0]?.token_hash).not.toContain(token);
      const listed = await api('GET', '/api/tokens');
      expect(listed.body).not.toContain(token);
      expect(listed.body).not.toContain('token_hash');
      const me = await t.app.inject({
        method: 'GET',
        url: '/api/auth/me',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(me.json()).toMatchObject({ username: 'admin', role: 'admin', kind: 'user' });
      await api('DELETE', `/api/tokens/${created.json().id}`);
      const revoked = await t.app.inject({
        method: 'GET',
        url: '/api/auth/me',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(revoked.statusCode).toBe(401);
    });

    it('stores passwords as scrypt hashes and never returns them', async () => {
      const created = await api('POST', '/api/users', {
        username: 'jo',
        password: 'jo-password-123',
        role: 'junior',
        displayName: 'Jo Operator',
      });
      expect(created.statusCode).toBe(201);
      expect(created.body).not.toContain('jo-password-123');
      expect(created.body).not.toMatch(/hash/i);
      const rows = await query<{ password_hash: string }>(
        t.ctx.db,
        sql`select password_hash from users where username = 'jo'`,
      );
      expect(rows[0]?.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
      const users = await api('GET', '/api/users');
      expect(users.body).not.toMatch(/scrypt|password/i);
      const audit = await api('GET', '/api/audit?entity=user&limit=50');
      expect(audit.body).not.toMatch(/scrypt|jo-password-123/);
    });

    it('records every write in the audit log with actor, before and after', async () => {
      const site = (await api('POST', '/api/sites', { name: 'Leeds' })).json();
      await api('PATCH', `/api/sites/${site.id}`, { notes: 'dock door code 1234' });
      await api('DELETE', `/api/sites/${site.id}`);
      const entries = (await api('GET', `/api/audit?entity=site&entityId=${site.id}`)).json();
      expect(entries.map((e: { action: string }) => e.action)).toEqual([
        'delete',
        'update',
        'create',
      ]);
      const update = entries[1];
      expect(update.actor).toBe('admin');
      expect(update.before).toMatchObject({ notes: '' });
      expect(update.after).toMatchObject({ notes: 'dock door code 1234' });
      expect(update.at).toMatch(/^\d{4}-/);
    });

    it('lets a junior read but not change the inventory', async () => {
      const junior = await t.userWithRole('junior');
      const device = (
        await api('POST', '/api/devices', { name: 'Dub-Stage-Mac', kind: 'workstation' })
      ).json();
      expect((await api('GET', '/api/devices', undefined, junior)).statusCode).toBe(200);
      const del = await api('DELETE', `/api/devices/${device.id}`, undefined, junior);
      expect(del.statusCode).toBe(403);
      expect(del.json().message).toMatch(/engineer or admin/);
      expect((await api('GET', `/api/devices/${device.id}`)).statusCode).toBe(200);
      const engineer = await t.userWithRole('engineer');
      expect(
        (await api('DELETE', `/api/devices/${device.id}`, undefined, engineer)).statusCode,
      ).toBe(200);
      expect((await api('GET', `/api/devices/${device.id}`)).statusCode).toBe(404);
    });

    it('ends other sessions when a password changes or a user is disabled', async () => {
      await api('POST', '/api/users', {
        username: 'sam',
        password: 'sam-password-1',
        role: 'engineer',
      });
      const laptop = await t.login('sam', 'sam-password-1');
      const stolen = await t.login('sam', 'sam-password-1');
      const me = (await api('GET', '/api/auth/me', undefined, laptop)).json();
      const changed = await api(
        'PATCH',
        `/api/users/${me.id}`,
        { password: 'sam-password-2' },
        laptop,
      );
      expect(changed.statusCode).toBe(200);
      expect((await api('GET', '/api/auth/me', undefined, laptop)).statusCode).toBe(200);
      expect((await api('GET', '/api/auth/me', undefined, stolen)).statusCode).toBe(401);
      await api('PATCH', `/api/users/${me.id}`, { disabled: true });
      expect((await api('GET', '/api/auth/me', undefined, laptop)).statusCode).toBe(401);
      const refused = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'sam', password: 'sam-password-2' },
      });
      expect(refused.statusCode).toBe(401);
    });

    it('slides the session cookie as the session is used', async () => {
      const other = await t.login('admin', 'correct-horse-battery');
      const fresh = await api('GET', '/api/auth/me', undefined, other);
      expect(fresh.headers['set-cookie']).toBeUndefined();
      // A session the server has not looked up in the last few seconds (it caches them briefly).
      const cookie = await t.login('admin', 'correct-horse-battery');
      await t.ctx.db.execute(sql`update sessions set last_seen_at = now() - interval '2 hours'`);
      const later = await api('GET', '/api/auth/me', undefined, cookie);
      const renewed = String(later.headers['set-cookie']);
      expect(renewed).toContain(cookie);
      const expires = Date.parse(/Expires=([^;]+)/.exec(renewed)?.[1] ?? '');
      expect(expires).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    });

    it('keeps the readings of two checks on one device apart', async () => {
      const dev = (
        await api('POST', '/api/devices', { name: 'MediaCentral', kind: 'other' })
      ).json();
      const web = (
        await api('POST', '/api/checks', {
          deviceId: dev.id,
          kind: 'http',
          intervalS: 30,
          config: { url: 'http://127.0.0.1:9/ui' },
        })
      ).json();
      const rest = (
        await api('POST', '/api/checks', {
          deviceId: dev.id,
          kind: 'http',
          intervalS: 30,
          config: { url: 'http://127.0.0.1:9/api' },
        })
      ).json();
      const result = (checkId: string, latency: number) => ({
        checkId,
        message: 'HTTP 200',
        readings: [{ name: 'http.latency_ms', value: latency, unit: 'ms' }],
      });
      await postResults(t, [result(web.id, 11), result(rest.id, 222)]);
      const readings = (await api('GET', `/api/devices/${dev.id}`)).json().readings;
      expect(readings['http.latency_ms']).toMatchObject({ value: 11, checkId: web.id });
      expect(readings['http.latency_ms#2']).toMatchObject({ value: 222, checkId: rest.id });
      await api('DELETE', `/api/checks/${web.id}`);
      const after = (await api('GET', `/api/devices/${dev.id}`)).json().readings;
      expect(Object.keys(after)).toEqual(['http.latency_ms']);
      expect(after['http.latency_ms'].checkId).toBe(rest.id);
    });

    it('publishes a new reason even when the status stays the same', async () => {
      const dev = (await api('POST', '/api/devices', { name: 'QNAP-02', kind: 'storage' })).json();
      const check = (
        await api('POST', '/api/checks', {
          deviceId: dev.id,
          kind: 'http',
          intervalS: 30,
          config: { url: 'http://127.0.0.1:9/' },
        })
      ).json();
      const post = (message: string) =>
        postResults(t, [{ checkId: check.id, status: 'critical', message }]);
      await post('ECONNREFUSED');
      events.length = 0;
      await post('timed out after 5000 ms');
      expect(events).toContainEqual(
        expect.objectContaining({
          type: 'device.status',
          deviceId: dev.id,
          status: 'critical',
          message: 'timed out after 5000 ms',
        }),
      );
      events.length = 0;
      await post('timed out after 5000 ms');
      expect(events.filter((e) => e.type === 'device.status')).toEqual([]);
    });

    it('logs out and forgets the session', async () => {
      const cookie = await t.login('admin', 'correct-horse-battery');
      expect((await api('POST', '/api/auth/logout', undefined, cookie)).statusCode).toBe(200);
      expect((await api('GET', '/api/auth/me', undefined, cookie)).statusCode).toBe(401);
    });

    it('serves OpenAPI 3 at /docs', async () => {
      const spec = await t.app.inject({ method: 'GET', url: '/docs/json' });
      expect(spec.statusCode).toBe(200);
      const doc = spec.json();
      expect(doc.openapi).toMatch(/^3\./);
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining(['/api/devices/', '/api/devices/{id}', '/api/auth/login']),
      );
      const ui = await t.app.inject({ method: 'GET', url: '/docs/' });
      expect(ui.statusCode).toBe(200);
    });
  });
}
