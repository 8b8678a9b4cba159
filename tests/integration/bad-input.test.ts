import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, postResults, type TestApp } from '../helpers/app.ts';
import { stores } from '../helpers/db.ts';
import { describeWith } from '../helpers/system.ts';

for (const { store, needs } of stores) {
  describeWith(needs, `bad input on ${store}`, () => {
    let t: TestApp;
    let deviceId: string;
    beforeAll(async () => {
      t = await createTestApp(store);
      const device = await t.app.inject({
        method: 'POST',
        url: '/api/devices',
        headers: { cookie: t.admin },
        payload: { name: 'Edit2-WS', kind: 'workstation' },
      });
      deviceId = device.json().id;
    });
    afterAll(async () => t?.close());

    const raw = (
      method: 'POST' | 'PATCH',
      url: string,
      body: string,
      contentType = 'application/json',
    ) =>
      t.app.inject({
        method,
        url,
        payload: body,
        headers: { cookie: t.admin, 'content-type': contentType },
      });
    const post = (url: string, payload: object) => raw('POST', url, JSON.stringify(payload));
    const httpCheck = (over: object) => ({
      deviceId,
      kind: 'http',
      intervalS: 30,
      config: { url: 'http://127.0.0.1:8000/' },
      ...over,
    });

    it.each([
      [
        'malformed JSON',
        () => raw('POST', '/api/devices', '{"name": "x", kind'),
        /^body is not valid JSON/,
      ],
      [
        'a wrong type',
        () => post('/api/checks', httpCheck({ intervalS: '30' })),
        /^body\.intervalS must be integer/,
      ],
      [
        'a wrong nested type',
        () => post('/api/checks', httpCheck({ config: { url: 42 } })),
        /^body\.config\.url must be string/,
      ],
      [
        'an unknown field',
        () => post('/api/devices', { name: 'A', kind: 'switch', colour: 'red' }),
        /^body has an unknown field 'colour'/,
      ],
      [
        'an interval below range',
        () => post('/api/checks', httpCheck({ intervalS: 1 })),
        /^body\.intervalS must be >= 5/,
      ],
      [
        'an interval above range',
        () => post('/api/checks', httpCheck({ intervalS: 90_000 })),
        /^body\.intervalS must be <= 86400/,
      ],
      [
        'an unknown device kind',
        () => post('/api/devices', { name: 'B', kind: 'toaster' }),
        /^body\.kind must be one of: workstation, storage, raid, router, switch, display, audio, other/,
      ],
      [
        'a missing field',
        () => post('/api/devices', { kind: 'switch' }),
        /^body\.name is required/,
      ],
      [
        'a check for a device that does not exist',
        () => post('/api/checks', httpCheck({ deviceId: '00000000-0000-4000-8000-000000000000' })),
        /^deviceId: no device with id 00000000-0000-4000-8000-000000000000/,
      ],
      [
        'a check URL that is not http',
        () => post('/api/checks', httpCheck({ config: { url: 'ftp://nas/' } })),
        /^body\.config\.url must match pattern/,
      ],
      [
        'a bad uuid in the path',
        () =>
          t.app.inject({
            method: 'GET',
            url: '/api/devices/not-a-uuid',
            headers: { cookie: t.admin },
          }),
        /^params\.id must match format "uuid"/,
      ],
      [
        'a bad query value',
        () =>
          t.app.inject({
            method: 'GET',
            url: '/api/devices?status=purple',
            headers: { cookie: t.admin },
          }),
        /^querystring\.status must be one of/,
      ],
      [
        'an unknown time zone',
        () => post('/api/sites', { name: 'Nowhere', timezone: 'Mars/Olympus' }),
        /^timezone: 'Mars\/Olympus' is not an IANA time zone/,
      ],
    ])('answers 400 naming the field for %s', async (_label, send, message) => {
      const response = await send();
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(response.json().message).toMatch(message);
    });

    it.each([
      [
        'NUL in a login name, before any session',
        () =>
          t.app.inject({
            method: 'POST',
            url: '/api/auth/login',
            payload: { username: 'a\u0000', password: 'x' },
          }),
        /^body\.username contains a NUL character/,
      ],
      [
        'NUL in a search',
        () =>
          t.app.inject({ method: 'GET', url: '/api/devices?q=%00', headers: { cookie: t.admin } }),
        /^querystring\.q contains a NUL character/,
      ],
      [
        'an unpaired surrogate in a check config',
        () =>
          raw(
            'POST',
            '/api/checks',
            JSON.stringify(
              httpCheck({ config: { url: 'http://127.0.0.1/', bodyContains: 'x' } }),
            ).replace('"x"', '"\\ud800"'),
          ),
        /^body\.config\.bodyContains contains a NUL character or an unpaired surrogate/,
      ],
      [
        'NUL in a device name',
        () => post('/api/devices', { name: 'Edit\u0000', kind: 'other' }),
        /^body\.name contains a NUL character/,
      ],
      [
        'a urn:uuid id in the path',
        () =>
          t.app.inject({
            method: 'GET',
            url: '/api/devices/urn:uuid:00000000-0000-4000-8000-000000000000',
            headers: { cookie: t.admin },
          }),
        /^params\.id must match format "uuid"/,
      ],
      [
        'a urn:uuid id in a body',
        () =>
          post('/api/suites', {
            name: 'S',
            deviceIds: ['urn:uuid:00000000-0000-4000-8000-000000000000'],
          }),
        /^body\.deviceIds\.0 must match format "uuid"/,
      ],
      [
        'an audit page id past the largest integer',
        () =>
          t.app.inject({
            method: 'GET',
            url: '/api/audit?beforeId=100000000000000000000',
            headers: { cookie: t.admin },
          }),
        /^querystring\.beforeId must be <= 9007199254740991/,
      ],
    ])('answers 400 for %s', async (_label, send, message) => {
      const response = await send();
      expect(response.statusCode).toBe(400);
      expect(response.json().message).toMatch(message);
    });

    it('answers 400 for a probe result with a leap second or an absurd duration', async () => {
      const check = (await post('/api/checks', httpCheck({}))).json();
      const result = (over: object) => postResults(t, [{ checkId: check.id, ...over }]);
      const leap = await result({ at: '2016-12-31T23:59:60Z' });
      expect(leap.statusCode).toBe(400);
      expect(leap.json().message).toBe(
        "body.results.0.at: '2016-12-31T23:59:60Z' is not a time this server can store",
      );
      const long = await result({ durationMs: 1e39 });
      expect(long.statusCode).toBe(400);
      expect(long.json().message).toMatch(/^body\.results\.0\.durationMs must be <= 86400000/);
    });

    it('answers 413 naming the body and its limit for a body over 1 MiB', async () => {
      const response = await post('/api/devices', {
        name: 'big',
        kind: 'other',
        notes: 'x'.repeat(1024 * 1024),
      });
      expect(response.statusCode).toBe(413);
      expect(response.json().message).toBe('body is larger than the 1024 KiB limit');
    });

    it('answers 415 for a body that is not JSON', async () => {
      const response = await raw(
        'POST',
        '/api/devices',
        'name=x',
        'application/x-www-form-urlencoded',
      );
      expect(response.statusCode).toBe(415);
      expect(response.json().message).toMatch(/content-type/);
    });

    it('answers 401 for a wrong password and rate-limits login attempts', async () => {
      const attempt = () =>
        t.app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { username: 'admin', password: 'wrong' },
          remoteAddress: '192.0.2.77',
        });
      const first = await attempt();
      expect(first.statusCode).toBe(401);
      expect(first.json().message).toBe('wrong username or password');
      const codes: number[] = [];
      for (let i = 0; i < 12; i += 1) codes.push((await attempt()).statusCode);
      expect(codes).toContain(429);
      expect(codes.filter((c) => c !== 401 && c !== 429)).toEqual([]);
      // Another address is not locked out by the first one's attempts.
      const other = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'admin', password: 'correct-horse-battery' },
        remoteAddress: '192.0.2.78',
      });
      expect(other.statusCode).toBe(200);
    });

    it('answers 403 when a junior deletes a device, and the device stays', async () => {
      const junior = await t.userWithRole('junior');
      const response = await t.app.inject({
        method: 'DELETE',
        url: `/api/devices/${deviceId}`,
        headers: { cookie: junior },
      });
      expect(response.statusCode).toBe(403);
      const still = await t.app.inject({
        method: 'GET',
        url: `/api/devices/${deviceId}`,
        headers: { cookie: t.admin },
      });
      expect(still.statusCode).toBe(200);
    });

    it('answers 404 in JSON for an unknown API route and a missing record', async () => {
      const route = await t.app.inject({
        method: 'GET',
        url: '/api/nothing-here',
        headers: { cookie: t.admin },
      });
      expect(route.statusCode).toBe(404);
      const record = await t.app.inject({
        method: 'GET',
        url: '/api/suites/00000000-0000-4000-8000-000000000000',
        headers: { cookie: t.admin },
      });
      expect(record.statusCode).toBe(404);
      expect(record.json().message).toBe(
        'suite 00000000-0000-4000-8000-000000000000 does not exist',
      );
    });

    it('refuses a probe batch with a bad result, naming its index', async () => {
      const token = (await post('/api/probes', { name: 'p' })).json().token as string;
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/probe/results',
        headers: { authorization: `Bearer ${token}` },
        payload: {
          results: [
            {
              checkId: deviceId,
              status: 'fine',
              message: '',
              durationMs: 1,
              at: new Date().toISOString(),
              readings: [],
            },
          ],
        },
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().message).toMatch(
        /^body\.results\.0\.status must be one of: ok, unknown, warning, critical/,
      );
    });
  });
}
