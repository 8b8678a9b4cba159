import { afterAll, beforeAll, expect, it } from 'vitest';
import { TrapReceiver, type Trap, type TrapRejection } from '../../probes/traps.ts';
import { waitFor } from '../helpers/http-server.ts';
import { freeUdpPort } from '../helpers/snmpd.ts';
import { describeWith, parts } from '../helpers/system.ts';
import { sendGarbage, sendTrap, v2LinkDown } from '../helpers/traps.ts';

describeWith([parts.snmptrap], 'trap receiver against Debian snmptrap', () => {
  const traps: Trap[] = [];
  const rejected: TrapRejection[] = [];
  let receiver: TrapReceiver;
  let port: number;
  beforeAll(async () => {
    receiver = new TrapReceiver({
      port: await freeUdpPort(),
      address: '127.0.0.1',
      communities: ['public', 'facility-traps'],
      onTrap: (trap) => traps.push(trap),
      onReject: (reason) => rejected.push(reason),
    });
    port = await receiver.start();
  });
  afterAll(async () => receiver?.close());

  it('understands a v2c linkDown with its interface', async () => {
    v2LinkDown(port);
    const trap = await waitFor(() => traps.find((t) => t.kind === 'linkDown'), {
      what: 'a linkDown trap',
    });
    expect(trap).toMatchObject({
      source: '127.0.0.1',
      version: '2c',
      trapOid: '1.3.6.1.6.3.1.1.5.3',
      ifIndex: 2,
    });
    expect(trap.varbinds).toContainEqual({ oid: '1.3.6.1.2.1.2.2.1.8.2', value: 2 });
  });

  it('understands v1 coldStart and linkUp, and keeps an enterprise trap with its varbinds', async () => {
    sendTrap(port, 'facility-traps', '1', ['1.3.6.1.4.1.8072.3.2.10', '127.0.0.1', '0', '0', '']);
    sendTrap(port, 'public', '1', [
      '1.3.6.1.4.1.8072.3.2.10',
      '127.0.0.1',
      '3',
      '0',
      '',
      '1.3.6.1.2.1.2.2.1.1.4',
      'i',
      '4',
    ]);
    sendTrap(port, 'public', '2c', [
      '',
      '1.3.6.1.4.1.6574.4.0.1',
      '1.3.6.1.4.1.6574.2.1.1.5.1',
      'i',
      '5',
    ]);
    await waitFor(() => traps.length >= 4, { what: 'three more traps' });
    expect(traps.find((t) => t.kind === 'coldStart')).toMatchObject({
      version: '1',
      trapOid: '1.3.6.1.6.3.1.1.5.1',
    });
    expect(traps.find((t) => t.kind === 'linkUp')).toMatchObject({ version: '1', ifIndex: 4 });
    const other = traps.find((t) => t.kind === 'other');
    expect(other?.trapOid).toBe('1.3.6.1.4.1.6574.4.0.1');
    expect(other?.varbinds).toEqual([{ oid: '1.3.6.1.4.1.6574.2.1.1.5.1', value: 5 }]);
  });

  it('counts an unknown community and a garbage packet, and keeps listening', async () => {
    const before = traps.length;
    v2LinkDown(port, 'guess-me');
    await sendGarbage(port);
    await waitFor(() => rejected.length >= 2, { what: 'two rejections' });
    expect(rejected.sort()).toEqual(['bad_packet', 'unknown_community']);
    v2LinkDown(port, 'public', 7);
    await waitFor(() => traps.some((t) => t.ifIndex === 7), { what: 'a trap after the bad ones' });
    expect(traps.length).toBe(before + 1);
  });

  it('refuses to start on a port already in use', async () => {
    const second = new TrapReceiver({
      port,
      address: '127.0.0.1',
      communities: ['public'],
      onTrap: () => {},
      onReject: () => {},
    });
    await expect(second.start()).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await second.close();
  });
});
