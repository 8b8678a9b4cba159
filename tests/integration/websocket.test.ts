import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createTestApp, postResult, seedDeviceWithCheck, type TestApp } from '../helpers/app.ts';
import { waitFor } from '../helpers/http-server.ts';
import { describeWith } from '../helpers/system.ts';

describeWith([], 'live websocket', () => {
  let t: TestApp;
  let base: string;
  beforeAll(async () => {
    t = await createTestApp('pglite');
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address() as { port: number };
    base = `ws://127.0.0.1:${address.port}/api/ws`;
  });
  afterAll(async () => t?.close());

  it('refuses a socket without a session', async () => {
    const socket = new WebSocket(base);
    const status = await new Promise<number>((resolve) => {
      socket.on('unexpected-response', (req, res) => {
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      socket.on('open', () => resolve(101));
    });
    expect(status).toBe(401);
  });

  it('pushes suite health to a logged-in dashboard as soon as it is committed', async () => {
    const socket = new WebSocket(base, { headers: { cookie: t.admin } });
    const messages: Array<{ type: string; [key: string]: unknown }> = [];
    socket.on('message', (data: Buffer) =>
      messages.push(JSON.parse(data.toString()) as { type: string }),
    );
    await waitFor(() => messages.some((m) => m.type === 'hello'), { what: 'hello' });
    await waitFor(
      () => t.ctx.metrics.websocketClients.get().then((m) => m.values[0]?.value === 1),
      {
        what: 'the client gauge',
      },
    );

    const suite = (
      await t.app.inject({
        method: 'POST',
        url: '/api/suites',
        headers: { cookie: t.admin },
        payload: { name: 'Dub 1' },
      })
    ).json();
    const { device, check } = await seedDeviceWithCheck(t, {
      name: 'Dub1-ProTools',
      kind: 'audio',
      suiteIds: [suite.id],
    });
    await postResult(t, check.id, 'critical', 'ECONNREFUSED');
    const health = await waitFor(
      () =>
        messages.find(
          (m) =>
            m.type === 'suite.health' &&
            m.suiteId === suite.id &&
            (m.health as { status: string }).status === 'critical',
        ),
      { what: 'a critical suite.health event' },
    );
    expect(health.health).toEqual({
      status: 'critical',
      deviceId: device.id,
      deviceName: 'Dub1-ProTools',
      message: 'ECONNREFUSED',
    });
    expect(messages).toContainEqual(
      expect.objectContaining({ type: 'changed', entity: 'device', id: device.id }),
    );
    // Logging out elsewhere ends this session, and the socket opened with it.
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: t.admin } });
    expect(await closed).toBe(4401);
    await waitFor(
      () => t.ctx.metrics.websocketClients.get().then((m) => m.values[0]?.value === 0),
      {
        what: 'the gauge to drop',
      },
    );
  });
});
