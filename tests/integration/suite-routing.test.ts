import { afterAll, beforeAll, expect, it } from 'vitest';
import { videohubProbe } from '../../probes/kinds/videohub.ts';
import { VideohubSimulator } from '../../probes/simulators/videohub.ts';
import { closeVideohubConnections } from '../../probes/videohub/connection.ts';
import type { CheckSpec } from '../../probes/types.ts';
import type { LiveEvent } from '../../server/live-events.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { stores } from '../helpers/db.ts';
import { waitFor } from '../helpers/http-server.ts';
import { describeWith } from '../helpers/system.ts';

for (const { store, needs } of stores) {
  describeWith(needs, `suite reference routing on ${store}`, () => {
    let t: TestApp;
    let router: VideohubSimulator;
    let routerId: string;
    let checkId: string;
    let grade: string;
    let dub: string;
    const events: LiveEvent[] = [];
    beforeAll(async () => {
      t = await createTestApp(store);
      t.ctx.bus.subscribe((event) => events.push(event));
      router = new VideohubSimulator({ inputs: 12, outputs: 12 });
      const port = await router.start();
      routerId = (
        await api('POST', '/api/devices', {
          name: 'MCR Videohub',
          kind: 'router',
          host: '127.0.0.1',
        })
      ).json().id;
      checkId = (
        await api('POST', '/api/checks', {
          deviceId: routerId,
          kind: 'videohub',
          intervalS: 10,
          config: { port, expectRoutes: { '12': 12 } },
        })
      ).json().id;
      grade = (await api('POST', '/api/suites', { name: 'Grade 1' })).json().id;
      dub = (await api('POST', '/api/suites', { name: 'Dub 2' })).json().id;
    });
    afterAll(async () => {
      closeVideohubConnections();
      await router?.close();
      await t?.close();
    });

    const api = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
      t.app.inject({ method, url, payload, headers: { cookie: t.admin } });
    const routerSpec = async () => {
      const response = await t.app.inject({
        method: 'GET',
        url: '/api/probe/checks',
        headers: { authorization: `Bearer ${t.ctx.embeddedProbeSecret}` },
      });
      return response.json<{ checks: CheckSpec[] }>().checks.find((c) => c.id === checkId)!;
    };
    const poll = (spec: CheckSpec) =>
      videohubProbe.run(spec.config, {
        signal: AbortSignal.timeout(3000),
        timeoutMs: 3000,
        host: spec.host,
        state: new Map(),
      });

    it("gives the router check every suite's routes, and names the suite when one differs", async () => {
      // The simulator starts with output N showing input N.
      const saved = await api('PUT', `/api/suites/${grade}/routes`, {
        routes: [
          { routerId, output: 3, input: 3, label: 'Grade monitor' },
          { routerId, output: 4, input: 4 },
        ],
      });
      expect(saved.statusCode).toBe(200);
      expect(saved.json()).toEqual([
        { routerId, output: 3, input: 3, label: 'Grade monitor' },
        { routerId, output: 4, input: 4, label: '' },
      ]);
      const spec = await routerSpec();
      expect(spec.config.expectRoutes).toEqual({ '3': 3, '4': 4, '12': 12 });
      expect(spec.config.routeSuites).toEqual({ '3': 'Grade 1', '4': 'Grade 1' });
      expect((await poll(spec)).status).toBe('ok');

      router.setRoute(2, 6); // output 3 now shows input 7 (zero-based on the wire)
      let outcome = await poll(spec);
      await waitFor(async () => (outcome = await poll(spec)).status === 'critical', {
        timeoutMs: 5000,
        what: 'the route change to reach the probe',
      });
      expect(outcome.message).toBe(
        'Grade 1: output 3 (Output 3) shows input 7 (Input 7), expected input 3 (Input 3)',
      );
      expect(outcome.readings.find((r) => r.name === 'videohub.route[3]')).toMatchObject({
        value: 7,
        status: 'critical',
      });
      expect(outcome.readings.find((r) => r.name === 'videohub.route[4]')?.status).toBe('ok');
      expect(outcome.readings.find((r) => r.name === 'videohub.route[5]')?.status).toBeUndefined();

      // Stored, the wrong route turns its suite red, naming the output; the other suite, which
      // holds no route on it, and which the router is not part of, stays as it was.
      const dubBefore = (await api('GET', `/api/suites/${dub}`)).json().health;
      const stored = await t.app.inject({
        method: 'POST',
        url: '/api/probe/results',
        headers: { authorization: `Bearer ${t.ctx.embeddedProbeSecret}` },
        payload: {
          results: [
            {
              checkId,
              ...outcome,
              durationMs: 2,
              at: new Date().toISOString(),
            },
          ],
        },
      });
      expect(stored.json()).toMatchObject({ accepted: 1 });
      expect((await api('GET', `/api/suites/${grade}`)).json().health).toEqual({
        status: 'critical',
        deviceId: routerId,
        deviceName: 'MCR Videohub',
        message: 'MCR Videohub output 3 (Grade monitor) shows input 7, expected input 3',
      });
      expect((await api('GET', `/api/suites/${dub}`)).json().health).toEqual(dubBefore);
      expect(events).toContainEqual(
        expect.objectContaining({
          type: 'suite.health',
          suiteId: grade,
          health: expect.objectContaining({ status: 'critical' }),
        }),
      );

      // The router stops answering: its last readings stay on show, but the suite's route is
      // unverified, not ok.
      const silent = await t.app.inject({
        method: 'POST',
        url: '/api/probe/results',
        headers: { authorization: `Bearer ${t.ctx.embeddedProbeSecret}` },
        payload: {
          results: [
            {
              checkId,
              status: 'critical',
              message: 'connect ECONNREFUSED 127.0.0.1:9990',
              readings: [],
              durationMs: 2,
              at: new Date(Date.now() + 1000).toISOString(),
            },
          ],
        },
      });
      expect(silent.json()).toMatchObject({ accepted: 1 });
      expect((await api('GET', `/api/suites/${grade}`)).json().health).toMatchObject({
        status: 'unknown',
        message:
          'MCR Videohub output 3 (Grade monitor) unverified: connect ECONNREFUSED 127.0.0.1:9990',
      });
      router.setRoute(2, 2);

      const onRouter = await api('GET', `/api/suites/reference-routing?routerId=${routerId}`);
      expect(onRouter.json()).toEqual([
        expect.objectContaining({ output: 3, input: 3, suite: 'Grade 1', suiteId: grade }),
        expect.objectContaining({ output: 4, input: 4, suite: 'Grade 1', suiteId: grade }),
      ]);
    });

    it('refuses an output another suite holds, a non-router, a repeated output, and a zero', async () => {
      const taken = await api('PUT', `/api/suites/${dub}/routes`, {
        routes: [{ routerId, output: 3, input: 1 }],
      });
      expect(taken.statusCode).toBe(409);
      expect(taken.json().message).toBe(
        'routes[0].output: output 3 of MCR Videohub is already in the reference routing of Grade 1',
      );
      const nas = (await api('POST', '/api/devices', { name: 'NAS', kind: 'storage' })).json().id;
      const notRouter = await api('PUT', `/api/suites/${dub}/routes`, {
        routes: [{ routerId: nas, output: 1, input: 1 }],
      });
      expect(notRouter.statusCode).toBe(400);
      expect(notRouter.json().message).toBe('routes[0].routerId: NAS is a storage, not a router');
      const twice = await api('PUT', `/api/suites/${dub}/routes`, {
        routes: [
          { routerId, output: 5, input: 1 },
          { routerId, output: 5, input: 2 },
        ],
      });
      expect(twice.statusCode).toBe(400);
      expect(twice.json().message).toMatch(/^routes\[1\]\.output: output 5 is listed twice/);
      const zero = await api('PUT', `/api/suites/${dub}/routes`, {
        routes: [{ routerId, output: 0, input: 1 }],
      });
      expect(zero.statusCode).toBe(400);
      expect(zero.json().message).toContain('output');
      // Nothing was stored by the refused requests.
      expect((await api('GET', `/api/suites/${dub}/routes`)).json()).toEqual([]);
    });
  });
}
