import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { snmpProbe, type SnmpConfig } from '../../probes/kinds/snmp.ts';
import {
  Counter,
  NexisAgent,
  SwitchAgent,
  SynologyAgent,
  WorkstationAgent,
  type SimulatedSnmpAgent,
} from '../../probes/simulators/snmp-agent.ts';
import { withSession } from '../../probes/snmp/session.ts';
import type { ProbeOutcome } from '../../probes/types.ts';
import { waitFor } from '../helpers/http-server.ts';
import { describeWith, parts } from '../helpers/system.ts';

// The agents run in this process, so the CLI must run asynchronously: execFileSync would block
// the event loop the agents answer from.
const run = promisify(execFile);

const poll = (
  port: number,
  state = new Map<string, unknown>(),
  config: Partial<SnmpConfig> = {},
): Promise<ProbeOutcome> =>
  snmpProbe.run(
    {
      version: '2c',
      community: 'public',
      port,
      profile: 'auto',
      requestTimeoutMs: 1000,
      retries: 0,
      ...config,
    },
    { signal: AbortSignal.timeout(15_000), timeoutMs: 15_000, host: '127.0.0.1', state },
  );
const partition = <T>(items: T[], keep: (item: T) => boolean): [T[], T[]] => [
  items.filter(keep),
  items.filter((item) => !keep(item)),
];
const reading = (outcome: ProbeOutcome, name: string) =>
  outcome.readings.find((r) => r.name === name)?.value;

/** The profile `auto` picked: from facts where the kind reports them, else from the ok message. */
function expectProfile(outcome: ProbeOutcome, profile: string): void {
  expect(outcome.message).toMatch(
    new RegExp(`^${profile} profile: \\d+ readings, all within limits$`),
  );
  if (outcome.facts?.profile !== undefined) expect(outcome.facts.profile).toBe(profile);
}

const started: SimulatedSnmpAgent[] = [];
async function start<T extends SimulatedSnmpAgent>(agent: T): Promise<T> {
  started.push(agent);
  await agent.start();
  return agent;
}
afterAll(async () => {
  await Promise.all(started.map((a) => a.stop()));
});
afterEach(() => {
  vi.useRealTimers();
});

describe('simulated workstation', () => {
  let ws: WorkstationAgent;
  beforeAll(async () => {
    ws = await start(new WorkstationAgent({ name: 'edit1-ws' }));
  });

  it('is read by auto as a workstation: volumes, CPU, memory, load and ports', async () => {
    const outcome = await poll(ws.port);
    expect(outcome.status).toBe('ok');
    expectProfile(outcome, 'workstation');
    expect(reading(outcome, 'volume.used_pct[/scratch]')).toBe(41);
    expect(reading(outcome, 'volume.size_bytes[/scratch]')).toBe(7680 * 1024 ** 3);
    expect(reading(outcome, 'volume.used_pct[/]')).toBe(38);
    expect(reading(outcome, 'memory.used_pct')).toBe(46);
    expect(reading(outcome, 'cpu.load_pct')).toBeCloseTo(18, 0);
    expect(reading(outcome, 'load.1m')).toBe(2.88);
    expect(reading(outcome, 'load.15m')).toBe(2.3);
    expect(reading(outcome, 'if.oper_status[enp65s0f0]')).toBe(1);
    // Admin-down and container ports are left out, as on a real Docker host.
    expect(reading(outcome, 'if.oper_status[enp65s0f1]')).toBeUndefined();
    expect(reading(outcome, 'if.oper_status[docker0]')).toBeUndefined();
    expect(reading(outcome, 'uptime_s')).toBeGreaterThan(11 * 86_400);
  });

  it('advances its counters with the clock, so rates are exact; a reboot starts them again', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const state = new Map<string, unknown>();
    await poll(ws.port, state);
    vi.setSystemTime(Date.now() + 10_000);
    const second = await poll(ws.port, state);
    // Counters are whole octets, so a rate may be a fraction of a bit/s off.
    expect(reading(second, 'if.in_bps[enp65s0f0]')).toBeCloseTo(850_000_000, -1);
    expect(reading(second, 'if.out_bps[enp65s0f0]')).toBeCloseTo(120_000_000, -1);
    expect(reading(second, 'if.in_errors_rate[enp65s0f0]')).toBe(0);

    ws.ports.port('enp65s0f0').inErrors.add(50);
    vi.setSystemTime(Date.now() + 10_000);
    const errors = await poll(ws.port, state);
    expect(reading(errors, 'if.in_errors_rate[enp65s0f0]')).toBe(5);
    expect(errors).toMatchObject({
      status: 'warning',
      message: 'enp65s0f0 receiving 5.0 errors/s',
    });

    vi.setSystemTime(Date.now() + 60_000);
    ws.reboot();
    vi.setSystemTime(Date.now() + 30_000);
    const rebooted = await poll(ws.port, state);
    expect(reading(rebooted, 'uptime_s')).toBe(30);
    expect(rebooted.status).toBe('warning');
    expect(rebooted.message).toContain('restarted 1 min ago (uptime went down)');
    // Counters began again at zero: no rate rather than a negative one.
    expect(reading(rebooted, 'if.in_bps[enp65s0f0]')).toBeUndefined();
    // Back to the real clock, booted now rather than in the faked future.
    vi.useRealTimers();
    ws.reboot();
  });

  it('alarms a filling volume, a busy CPU and a link down, each named; recovers when restored', async () => {
    ws.setVolumeUsedPct('/scratch', 80);
    ws.fillVolume('/scratch', 16);
    ws.setCpuLoad(100);
    ws.ports.port('enp65s0f0').setLink(false);
    const bad = await poll(ws.port);
    expect(bad.status).toBe('critical');
    expect(bad.message).toContain('volume /scratch is 96% full');
    expect(bad.message).toContain('CPU at 100%');
    expect(bad.message).toContain('enp65s0f0 (media (NEXIS)) is down (admin up)');

    ws.setVolumeUsedPct('/scratch', 41);
    ws.setCpuLoad(18);
    ws.ports.port('enp65s0f0').setLink(true);
    expectProfile(await poll(ws.port), 'workstation');
  });

  it('goes silent while unreachable and answers again when back', async () => {
    ws.setReachable(false);
    await expect(poll(ws.port)).rejects.toThrow(/timed out/i);
    ws.setReachable(true);
    expect((await poll(ws.port)).status).toBe('ok');
  });

  it('refuses an unknown volume or port by name rather than ignoring it', () => {
    expect(() => ws.fillVolume('/nope', 5)).toThrow(
      'no volume /nope; volumes: /, /boot/efi, /home, /scratch',
    );
    expect(() => ws.ports.port('eth9')).toThrow(/no port eth9/);
  });
});

describe('simulated Synology NAS', () => {
  let nas: SynologyAgent;
  beforeAll(async () => {
    nas = await start(new SynologyAgent({ name: 'NAS-GRADE' }));
  });

  it('is picked by auto from its own OID and reads system, disks, RAID and volume', async () => {
    const outcome = await poll(nas.port);
    expect(outcome.status).toBe('ok');
    expectProfile(outcome, 'synology');
    expect(reading(outcome, 'system.status')).toBe(1);
    expect(reading(outcome, 'temperature_c')).toBe(41);
    expect(reading(outcome, 'disk.status[Disk_8]')).toBe(1);
    expect(reading(outcome, 'disk.temperature_c[Disk_3]')).toBe(35);
    expect(reading(outcome, 'raid.status[Volume_1]')).toBe(1);
    // 96 TB in Counter64, well past 32 bits.
    expect(reading(outcome, 'volume.size_bytes[Volume_1]')).toBe(96e12);
    expect(reading(outcome, 'volume.used_pct[Volume_1]')).toBe(58);
  });

  it('fails a disk (critical, naming it and the degraded RAID), rebuilds, and restores', async () => {
    nas.failDisk(3);
    const failed = await poll(nas.port);
    expect(failed.status).toBe('critical');
    expect(failed.message).toContain('RAID Volume 1 is degraded');
    expect(failed.message).toContain('disk Disk 3 crashed');
    expect(failed.message).toContain('disk Disk 3 health failing');
    expect(reading(failed, 'disk.status[Disk_3]')).toBe(5);
    expect(reading(failed, 'raid.status[Volume_1]')).toBe(11);

    nas.replaceDisk(3);
    const rebuilding = await poll(nas.port);
    expect(rebuilding).toMatchObject({ status: 'critical', message: 'RAID Volume 1 is repairing' });

    nas.restore();
    expectProfile(await poll(nas.port), 'synology');
  });

  it('reports a failed fan, a hot system and a nearly full volume', async () => {
    nas.cpuFanFailed = true;
    nas.temperatureC = 63;
    nas.setUsedPct(90);
    const outcome = await poll(nas.port);
    expect(outcome.status).toBe('critical');
    expect(outcome.message).toBe('CPU fan failed');
    nas.cpuFanFailed = false;
    const warnings = await poll(nas.port);
    expect(warnings.status).toBe('warning');
    expect(warnings.message).toContain('system at 63 °C');
    expect(warnings.message).toContain('volume Volume_1 is 90% full');
    nas.temperatureC = 41;
    nas.setUsedPct(58);
    expect((await poll(nas.port)).status).toBe('ok');
  });
});

describe('simulated Avid NEXIS', () => {
  let nexis: NexisAgent;
  beforeAll(async () => {
    nexis = await start(new NexisAgent({ name: 'NEXIS-SD' }));
  });

  it('is picked by auto and reads director state, capacity, throughput and clients', async () => {
    const outcome = await poll(nexis.port);
    expect(outcome.status).toBe('ok');
    expectProfile(outcome, 'nexis');
    expect(reading(outcome, 'nexis.director_state')).toBe(0);
    expect(reading(outcome, 'nexis.clients')).toBe(27);
    expect(reading(outcome, 'nexis.clients_max')).toBe(80);
    expect(reading(outcome, 'nexis.throughput_mbps')).toBeGreaterThan(1000);
    expect(reading(outcome, 'volume.used_pct[NEXIS]')).toBe(62);
    expect(reading(outcome, 'volume.size_bytes[NEXIS]')).toBe(480e12);
  });

  it('is critical offline, with no clients, and ok again online', async () => {
    nexis.setState('offline');
    const offline = await poll(nexis.port);
    expect(offline).toMatchObject({
      status: 'critical',
      message: 'NEXIS System Director is offline',
    });
    expect(reading(offline, 'nexis.clients')).toBe(0);
    expect(reading(offline, 'nexis.throughput_mbps')).toBe(0);
    nexis.setState('online');
    expectProfile(await poll(nexis.port), 'nexis');
  });

  it('fills by a share of its size and warns past 85%', async () => {
    nexis.fillVolume(25);
    const full = await poll(nexis.port);
    expect(reading(full, 'volume.used_pct[NEXIS]')).toBe(87);
    expect(full.status).toBe('warning');
    expect(full.message).toContain('volume NEXIS is 87% full');
    expect(full.message).toContain('fullest disk at 91%');
    nexis.setUsedPct(62);
  });
});

describe('simulated switch', () => {
  it('is read as a switch; a port down is named with what it feeds', async () => {
    const sw = await start(
      new SwitchAgent({
        name: 'core-sw',
        ports: [
          { alias: 'Edit 1 workstation' },
          { alias: 'Edit 2 workstation' },
          { alias: 'spare', adminUp: false },
        ],
      }),
    );
    expectProfile(await poll(sw.port), 'switch');
    sw.ports.port('GigabitEthernet1/0/2').setLink(false);
    expect(await poll(sw.port)).toMatchObject({
      status: 'critical',
      message: 'GigabitEthernet1/0/2 (Edit 2 workstation) is down (admin up)',
    });
  });
});

/** A v2c GetRequest for one OID, encoded by hand so the OID may be one a library would refuse. */
function getRequest(community: string, oidBytes: number[]): Buffer {
  const tlv = (tag: number, body: Buffer) => Buffer.concat([Buffer.from([tag, body.length]), body]);
  const int = (n: number) => tlv(0x02, Buffer.from([n]));
  const varbind = tlv(
    0x30,
    Buffer.concat([tlv(0x06, Buffer.from(oidBytes)), Buffer.from([0x05, 0x00])]),
  );
  const pdu = tlv(0xa0, Buffer.concat([int(7), int(0), int(0), tlv(0x30, varbind)]));
  return tlv(0x30, Buffer.concat([int(1), tlv(0x04, Buffer.from(community)), pdu]));
}

describe('the agent under bad input', () => {
  it('counts malformed datagrams, foreign communities and unservable OIDs, and keeps answering', async () => {
    const ws = await start(new WorkstationAgent({ name: 'target' }));
    const sysName = [0x2b, 6, 1, 2, 1, 1, 5, 0];
    const junk = [
      Buffer.from('GET / HTTP/1.1\r\n\r\n'),
      Buffer.alloc(0),
      Buffer.from([0x30, 0x84, 0xff, 0xff, 0xff, 0xff]), // a length far past the datagram
      getRequest('public', sysName).subarray(0, 20), // cut short
      getRequest('not-our-community', sysName),
      // sysName.0.4294967295: a legal OID whose last part net-snmp's MIB cannot look up.
      getRequest('public', [...sysName, 0x8f, 0xff, 0xff, 0xff, 0x7f]),
    ];
    const socket = createSocket('udp4');
    try {
      for (const datagram of junk) {
        await new Promise<void>((resolve, reject) =>
          socket.send(datagram, ws.port, '127.0.0.1', (error) =>
            error ? reject(error) : resolve(),
          ),
        );
      }
      await waitFor(() => ws.rejected >= junk.length, { what: 'the agent to refuse the junk' });
    } finally {
      socket.close();
    }
    const values = await withSession(
      { host: '127.0.0.1', port: ws.port, version: '2c', community: 'public' },
      (s) => s.get(['1.3.6.1.2.1.1.5.0']),
    );
    expect(values.get('1.3.6.1.2.1.1.5.0')).toBe('target');
  });

  it('refuses a port already taken, and frees its own port on stop', async () => {
    const first = await start(new NexisAgent());
    const port = first.port;
    await expect(new NexisAgent().start({ port })).rejects.toThrow(/EADDRINUSE/);
    await expect(first.start()).rejects.toThrow(/already running/);
    await first.stop();
    const reused = new NexisAgent();
    started.push(reused);
    expect(await reused.start({ port })).toBe(port);
  });
});

describe('Counter', () => {
  it('climbs at its rate, folds a rate change in without a jump, and resets to zero', () => {
    const counter = new Counter(100, 10, 0);
    expect(counter.value(0)).toBe(1000);
    expect(counter.value(2000)).toBe(1200);
    counter.setRate(10, 2000);
    expect(counter.value(2000)).toBe(1200);
    expect(counter.value(4000)).toBe(1220);
    counter.add(5);
    expect(counter.value(4000)).toBe(1225);
    counter.reset(5000);
    expect(counter.value(6000)).toBe(10);
  });
});

describeWith([parts.snmpCli], "the simulated agent to Debian's SNMP tools", () => {
  let nas: SynologyAgent;
  let ws: WorkstationAgent;
  beforeAll(async () => {
    nas = await start(new SynologyAgent({ name: 'NAS-GRADE' }));
    ws = await start(new WorkstationAgent({ name: 'edit2-ws' }));
  });
  const cli = async (command: string, port: number, ...args: string[]) =>
    (
      await run(command, [
        '-v2c',
        '-c',
        'public',
        '-On',
        '-m',
        '',
        '-t',
        '2',
        `127.0.0.1:${port}`,
        ...args,
      ])
    ).stdout;

  it('answers snmpget with the system group and the vendor model', async () => {
    const out = await cli(
      'snmpget',
      nas.port,
      '1.3.6.1.2.1.1.5.0',
      '1.3.6.1.2.1.1.2.0',
      '1.3.6.1.4.1.6574.1.5.1.0',
      '1.3.6.1.2.1.1.99.0',
    );
    expect(out).toContain('.1.3.6.1.2.1.1.5.0 = STRING: "NAS-GRADE"');
    expect(out).toContain('.1.3.6.1.2.1.1.2.0 = OID: .1.3.6.1.4.1.8072.3.2.10');
    expect(out).toContain('.1.3.6.1.4.1.6574.1.5.1.0 = STRING: "RS3621xs+"');
    expect(out).toContain(
      '.1.3.6.1.2.1.1.99.0 = No Such Object available on this agent at this OID',
    );
  });

  it('answers snmpbulkwalk with whole tables in order, Counter64 included', async () => {
    const raid = await cli('snmpbulkwalk', nas.port, '-Cr25', '1.3.6.1.4.1.6574.3.1.1');
    const [values, end] = partition(
      raid.trim().split('\n'),
      (line) => !line.includes('No more variables'),
    );
    expect(values).toEqual([
      '.1.3.6.1.4.1.6574.3.1.1.1.0 = INTEGER: 0',
      '.1.3.6.1.4.1.6574.3.1.1.2.0 = STRING: "Volume 1"',
      '.1.3.6.1.4.1.6574.3.1.1.3.0 = INTEGER: 1',
      '.1.3.6.1.4.1.6574.3.1.1.4.0 = Counter64: 40320000000000',
      '.1.3.6.1.4.1.6574.3.1.1.5.0 = Counter64: 96000000000000',
    ]);
    // The RAID table ends this agent's MIB: net-snmp fills the rest of that GetBulk with
    // endOfMibView (RFC 3416 allows it; snmpd stops sooner), and the walk ends there.
    expect(
      end.every((line) => line.startsWith('.1.3.6.1.4.1.6574.3.1.1.5.0 = No more variables')),
    ).toBe(true);
    const storage = await cli('snmpbulkwalk', ws.port, '-Cr25', '1.3.6.1.2.1.25.2.3.1.3');
    expect(storage).toContain('.1.3.6.1.2.1.25.2.3.1.3.34 = STRING: "/scratch"');
    const aliases = await cli('snmpbulkwalk', ws.port, '1.3.6.1.2.1.31.1.1.1.18');
    expect(aliases).toContain('.1.3.6.1.2.1.31.1.1.1.18.3 = STRING: "media (NEXIS)"');
  });

  it('refuses snmpset: the simulated MIB is read-only', async () => {
    const refused = await cli('snmpset', ws.port, '1.3.6.1.2.1.1.5.0', 's', 'renamed').then(
      () => 'accepted',
      (error: { stdout: string; stderr: string }) => `${error.stdout}${error.stderr}`,
    );
    expect(refused).toMatch(/notWritable/);
    expect(await cli('snmpget', ws.port, '1.3.6.1.2.1.1.5.0')).toContain('"edit2-ws"');
  });
});
