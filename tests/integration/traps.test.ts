import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LiveEvent } from '../../server/events.ts';
import { startTrapReceiver } from '../../server/trap-host.ts';
import type { TrapReceiver } from '../../probes/traps.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { waitFor } from '../helpers/http-server.ts';
import { freeUdpPort } from '../helpers/snmpd.ts';
import { describeWith, parts } from '../helpers/system.ts';
import { sendGarbage, v2LinkDown } from '../helpers/traps.ts';

describeWith([parts.snmptrap], 'traps through the server', () => {
  let t: TestApp;
  let receiver: TrapReceiver;
  let port: number;
  const events: LiveEvent[] = [];
  beforeAll(async () => {
    t = await createTestApp('pglite', {
      SUITEWATCH_TRAP_PORT: String(await freeUdpPort()),
      SUITEWATCH_TRAP_COMMUNITIES: 'public, facility-traps',
      HOST: '127.0.0.1',
    });
    t.ctx.bus.subscribe((e) => events.push(e));
    ({ receiver, port } = await startTrapReceiver(t.app, t.ctx));
  });
  afterAll(async () => {
    await receiver?.close();
    await t?.close();
  });

  it('stores a trap against the device it came from and pushes it live', async () => {
    const device = (
      await t.app.inject({
        method: 'POST',
        url: '/api/devices',
        headers: { cookie: t.admin },
        payload: { name: 'Core-SW-1', kind: 'switch', host: '127.0.0.1' },
      })
    ).json();
    v2LinkDown(port, 'facility-traps', 12);
    const live = await waitFor(() => events.find((e) => e.type === 'trap'), {
      what: 'a live trap event',
    });
    expect(live).toMatchObject({
      type: 'trap',
      deviceId: device.id,
      kind: 'linkDown',
      ifIndex: 12,
      source: '127.0.0.1',
    });
    // Published only after it was stored: it is already there.
    const listed = (
      await t.app.inject({
        method: 'GET',
        url: `/api/traps?deviceId=${device.id}`,
        headers: { cookie: t.admin },
      })
    ).json();
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({
      kind: 'linkDown',
      trapOid: '1.3.6.1.6.3.1.1.5.3',
      ifIndex: 12,
      version: '2c',
    });
    expect(listed[0].varbinds).toContainEqual({ oid: '1.3.6.1.2.1.2.2.1.8.12', value: 2 });
  });

  it('counts refused traps in /metrics, and keeps the community out of the log and the API', async () => {
    v2LinkDown(port, 'secret-guess');
    await sendGarbage(port);
    await waitFor(
      async () => {
        const text = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
        return (
          text.includes('suitewatch_traps_rejected_total{reason="unknown_community"} 1') &&
          text.includes('suitewatch_traps_rejected_total{reason="bad_packet"} 1')
        );
      },
      { what: 'both rejections counted' },
    );
    const all = (
      await t.app.inject({ method: 'GET', url: '/api/traps', headers: { cookie: t.admin } })
    ).body;
    expect(all).not.toContain('secret-guess');
    expect(all).not.toContain('facility-traps');
  });
});
