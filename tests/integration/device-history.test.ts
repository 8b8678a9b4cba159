import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { stores } from '../helpers/db.ts';
import { describeWith } from '../helpers/system.ts';

const hourMs = 3_600_000;

interface Reading {
  name: string;
  value: number;
  unit: string;
  status?: string;
}

for (const { store, needs } of stores) {
  describeWith(needs, `device readings and history on ${store}`, () => {
    let t: TestApp;
    let deviceId: string;
    let firstCheck: string;
    let secondCheck: string;
    const now = Date.now();

    const api = (method: 'GET' | 'POST', url: string, payload?: object, cookie = t.admin) =>
      t.app.inject({ method, url, payload, headers: { cookie } });

    /** Posts results as a probe would, in batches the ingest route accepts. */
    async function post(results: { checkId: string; at: number; readings: Reading[] }[]) {
      for (let i = 0; i < results.length; i += 5000) {
        const response = await t.app.inject({
          method: 'POST',
          url: '/api/probe/results',
          headers: { authorization: `Bearer ${t.ctx.embeddedProbeSecret}` },
          payload: {
            results: results.slice(i, i + 5000).map((r) => ({
              checkId: r.checkId,
              status: 'ok',
              message: '',
              durationMs: 1,
              at: new Date(r.at).toISOString(),
              readings: r.readings,
            })),
          },
        });
        expect(response.statusCode, response.body).toBe(200);
      }
    }

    const history = (query: string) => api('GET', `/api/devices/${deviceId}/history?${query}`);

    beforeAll(async () => {
      t = await createTestApp(store);
      const device = await api('POST', '/api/devices', { name: 'NAS-01', kind: 'storage' });
      deviceId = device.json().id;
      const check = (url: string) =>
        api('POST', '/api/checks', {
          deviceId,
          kind: 'http',
          intervalS: 60,
          config: { url },
        });
      firstCheck = (await check('http://127.0.0.1:9/a')).json().id;
      secondCheck = (await check('http://127.0.0.1:9/b')).json().id;

      // A day of one-minute samples (value = minutes ago), so 24 h must be downsampled.
      const day = Array.from({ length: 24 * 60 }, (_, i) => ({
        checkId: firstCheck,
        at: now - (i + 1) * 60_000,
        readings: [{ name: 'volume.used_pct[/data]', value: i + 1, unit: '%' }],
      }));
      // Older samples, days apart: only a long window sees them (separate day partitions).
      const older = [3, 10].map((days) => ({
        checkId: firstCheck,
        at: now - days * 24 * hourMs,
        readings: [{ name: 'volume.used_pct[/data]', value: 1000 + days, unit: '%' }],
      }));
      // The same name from a second check: keyed `#2` in the detail, kept apart in history.
      const second = [2, 1].map((minutes) => ({
        checkId: secondCheck,
        at: now - minutes * 60_000 + 1,
        readings: [{ name: 'http.latency_ms', value: 500 + minutes, unit: 'ms' }],
      }));
      await post([...day, ...older, ...second]);
      // The newest result of the first check carries judged readings.
      await post([
        {
          checkId: firstCheck,
          at: now,
          readings: [
            { name: 'volume.used_pct[/data]', value: 96, unit: '%', status: 'critical' },
            { name: 'http.latency_ms', value: 12, unit: 'ms' },
            { name: 'raid.status[Volume_1]', value: 1, unit: '', status: 'ok' },
          ],
        },
      ]);
    });
    afterAll(async () => t?.close());

    it('gives each latest reading its status, null where no rule judged it', async () => {
      const response = await api('GET', `/api/devices/${deviceId}`);
      expect(response.statusCode).toBe(200);
      const readings = response.json().readings;
      expect(readings['volume.used_pct[/data]']).toMatchObject({ value: 96, status: 'critical' });
      expect(readings['raid.status[Volume_1]']).toMatchObject({ value: 1, status: 'ok' });
      expect(readings['http.latency_ms']).toMatchObject({ value: 12, status: null });
      expect(readings['http.latency_ms#2']).toMatchObject({ value: 501, checkId: secondCheck });
    });

    it('downsamples a day to at most 300 averaged points, oldest first', async () => {
      const response = await history('names=volume.used_pct[/data]&hours=24');
      expect(response.statusCode, response.body).toBe(200);
      const body = response.json();
      expect(body.series).toHaveLength(1);
      const [series] = body.series;
      expect(series).toMatchObject({ name: 'volume.used_pct[/data]', unit: '%' });
      expect(series.points.length).toBeGreaterThan(250);
      expect(series.points.length).toBeLessThanOrEqual(300);
      const times = series.points.map((p: [number, number]) => p[0]);
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(times[0]).toBeGreaterThanOrEqual(now - 24 * hourMs - body.bucketS * 1000);
      // Each point averages the samples of its bucket: the values lie within the day's range
      // and are not just one sample each (buckets hold about 4.8 one-minute samples).
      expect(body.bucketS).toBe(Math.ceil((24 * 3600) / 299));
      for (const [, value] of series.points) {
        expect(value).toBeGreaterThanOrEqual(1);
        expect(value).toBeLessThanOrEqual(24 * 60);
      }
      const oldest = series.points[0][1];
      const newest = series.points.at(-1)[1];
      expect(oldest).toBeGreaterThan(1400);
      expect(newest).toBeLessThan(100);
    });

    it('averages the samples that fall in one bucket', async () => {
      const response = await history('names=volume.used_pct[/data]&hours=1');
      const { bucketS, series } = response.json();
      expect(bucketS).toBe(13); // ceil(3600 / 299)
      // One sample a minute, 13 s buckets: each point is exactly one sample's value.
      const points = series[0].points as [number, number][];
      expect(points.length).toBeGreaterThanOrEqual(59);
      expect(points.length).toBeLessThanOrEqual(61);
      expect(points.at(-1)?.[1]).toBe(96);
      const month = await history('names=volume.used_pct[/data]&hours=720');
      const monthly = month.json().series[0].points as [number, number][];
      expect(monthly.length).toBeLessThanOrEqual(300);
      // The ten-day-old sample is alone in its 2.4 h bucket; the day's samples are averaged.
      expect(monthly.some(([, v]) => v === 1010)).toBe(true);
      expect(monthly.some(([, v]) => v === 1003)).toBe(true);
      const lastDay = monthly.filter(([at]) => at > now - 24 * hourMs);
      expect(lastDay.length).toBeLessThanOrEqual(11);
      const mean = lastDay.reduce((sum, [, v]) => sum + v, 0) / lastDay.length;
      expect(mean).toBeGreaterThan(400);
      expect(mean).toBeLessThan(1000);
    });

    it('keeps a second check’s same-named reading apart, and answers unknown names empty', async () => {
      const response = await history(
        `names=${encodeURIComponent('http.latency_ms#2,http.latency_ms,nothing.here')}&hours=1`,
      );
      expect(response.statusCode, response.body).toBe(200);
      const [second, first, nothing] = response.json().series;
      expect(second).toMatchObject({ name: 'http.latency_ms#2', unit: 'ms' });
      expect(second.points.map((p: number[]) => p[1])).toEqual([502, 501]);
      expect(first.points.map((p: number[]) => p[1])).toEqual([12]);
      expect(nothing).toEqual({ name: 'nothing.here', unit: '', points: [] });
    });

    it('refuses bad input with a 400 that names the field', async () => {
      const cases: [string, RegExp][] = [
        ['hours=24', /names.*required/],
        ['names=&hours=24', /names/],
        ['names=a&hours=0', /hours must be >= 1/],
        ['names=a&hours=721', /hours must be <= 720/],
        ['names=a&hours=soon', /hours must be integer/],
        ['names=a&hours=1.5', /hours must be integer/],
        ['names=a&days=3', /unknown field 'days'/],
        [
          `names=${Array.from({ length: 21 }, (_, i) => `r${i}`).join(',')}`,
          /names: at most 20 reading names/,
        ],
        ['names=a,%20,b', /names: '' is not a reading name/],
        [`names=${encodeURIComponent('a;drop table readings')}`, /names: 'a;drop table/],
      ];
      for (const [query, message] of cases) {
        const response = await history(query);
        expect(response.statusCode, query).toBe(400);
        expect(response.json().message, query).toMatch(message);
        expect(response.json().message, query).toMatch(/querystring/);
      }
      const badId = await api('GET', '/api/devices/not-a-uuid/history?names=a');
      expect(badId.statusCode).toBe(400);
      expect(badId.json().message).toMatch(/params.id/);
      const missing = await api(
        'GET',
        '/api/devices/00000000-0000-4000-8000-000000000000/history?names=a',
      );
      expect(missing.statusCode).toBe(404);
      expect(missing.json().message).toMatch(/device .* does not exist/);
      const anonymous = await t.app.inject({
        method: 'GET',
        url: `/api/devices/${deviceId}/history?names=a`,
      });
      expect(anonymous.statusCode).toBe(401);
    });

    it('lets a junior read history', async () => {
      const junior = await t.userWithRole('junior');
      const response = await api(
        'GET',
        `/api/devices/${deviceId}/history?names=raid.status[Volume_1]`,
        undefined,
        junior,
      );
      expect(response.statusCode).toBe(200);
      expect(response.json().series[0].points).toHaveLength(1);
    });
  });
}
