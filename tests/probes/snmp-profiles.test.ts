import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { snmpProbe, type SnmpConfig } from '../../probes/kinds/snmp.ts';
import { startSnmpd, type Snmpd } from '../helpers/snmpd.ts';
import { recording, startSnmpsim, type Snmpsim } from '../helpers/snmpsim.ts';
import { describeWith, parts } from '../helpers/system.ts';

const poll = (port: number, config: Omit<SnmpConfig, 'port'>) =>
  snmpProbe.run(
    { port, requestTimeoutMs: 2000, ...config },
    { signal: AbortSignal.timeout(15_000), timeoutMs: 15_000, host: '127.0.0.1', state: new Map() },
  );
const reading = (outcome: Awaited<ReturnType<typeof poll>>, name: string) =>
  outcome.readings.find((r) => r.name === name)?.value;

describeWith([parts.snmpsim], 'vendor profiles against snmpsim recordings', () => {
  let sim: Snmpsim;
  beforeAll(async () => {
    sim = await startSnmpsim(
      [
        'synology-healthy',
        'synology-degraded',
        'nexis-online',
        'nexis-offline',
        'switch-port-down',
      ].map(recording),
    );
  });
  afterAll(async () => sim?.stop());

  it('is picked by auto from its own OID, and reads system, disks, RAID and volume usage', async () => {
    const outcome = await poll(sim.port, {
      version: '2c',
      community: 'synology-healthy',
      profile: 'auto',
    });
    expect(outcome.status).toBe('ok');
    expect(outcome.message).toMatch(/^synology profile: \d+ readings, all within limits$/);
    expect(reading(outcome, 'raid.status[Volume_1]')).toBe(1);
    expect(reading(outcome, 'disk.status[Disk_2]')).toBe(1);
    expect(reading(outcome, 'temperature_c')).toBe(41);
    // 16 TB in Counter64: beyond 32 bits, read exactly.
    expect(reading(outcome, 'volume.size_bytes[Volume_1]')).toBe(15_999_999_999_999);
    expect(reading(outcome, 'volume.used_pct[Volume_1]')).toBe(43.7);
  });

  it('is critical for a degraded RAID and a crashed, failing disk, naming each', async () => {
    const outcome = await poll(sim.port, {
      version: '2c',
      community: 'synology-degraded',
      profile: 'auto',
    });
    expect(outcome.status).toBe('critical');
    expect(outcome.message).toContain('RAID Volume 1 is degraded');
    expect(outcome.message).toContain('disk Disk 2 crashed');
    expect(outcome.message).toContain('disk Disk 2 health failing');
    expect(reading(outcome, 'volume.used_pct[Volume_1]')).toBe(95);
  });

  it('reads a NEXIS: director state, capacity, throughput and clients', async () => {
    const online = await poll(sim.port, {
      version: '2c',
      community: 'nexis-online',
      profile: 'auto',
    });
    expect(online.status).toBe('ok');
    expect(online.message).toMatch(/^nexis profile: /);
    expect(reading(online, 'nexis.director_state')).toBe(0);
    expect(reading(online, 'nexis.clients')).toBe(27);
    expect(reading(online, 'nexis.throughput_mbps')).toBe(1850);
    expect(reading(online, 'volume.used_pct[NEXIS]')).toBe(62.5);
  });

  it('picks the switch profile and alarms only the admin-up port that is down, naming what it feeds', async () => {
    const outcome = await poll(sim.port, {
      version: '2c',
      community: 'switch-port-down',
      profile: 'auto',
    });
    expect(outcome).toMatchObject({
      status: 'critical',
      message: 'GigabitEthernet1/0/2 (Edit 3 workstation) is down (admin up)',
    });
    expect(reading(outcome, 'if.oper_status[GigabitEthernet1/0/1]')).toBe(1);
    expect(reading(outcome, 'if.oper_status[GigabitEthernet1/0/2]')).toBe(2);
    // Administratively down: switched off on purpose, neither read nor alarmed.
    expect(reading(outcome, 'if.oper_status[GigabitEthernet1/0/3]')).toBeUndefined();
  });

  it('is critical when the NEXIS System Director is offline', async () => {
    const offline = await poll(sim.port, {
      version: '2c',
      community: 'nexis-offline',
      profile: 'auto',
    });
    expect(offline).toMatchObject({
      status: 'critical',
      message: 'NEXIS System Director is offline',
    });
  });
});

describeWith([parts.snmpd], 'RAID state changing under Debian snmpd', () => {
  let agent: Snmpd;
  let stateFile: string;
  beforeAll(async () => {
    // A pass script answers the Synology RAID table from a file the test rewrites: the value
    // changes with no agent restart, as a real array's would.
    agent = await startSnmpd();
    await agent.stop();
    stateFile = join(agent.dir, 'raid-state');
    const script = join(agent.dir, 'raid.py');
    writeFileSync(stateFile, '1');
    writeFileSync(
      script,
      [
        'import sys',
        `state = open(${JSON.stringify(stateFile)}).read().strip()`,
        "base = '.1.3.6.1.4.1.6574.3.1.1'",
        "rows = [(base + '.1.0', 'integer', '0'), (base + '.2.0', 'string', 'Volume 1'), (base + '.3.0', 'integer', state),",
        "        (base + '.4.0', 'counter64', '4000000000000'), (base + '.5.0', 'counter64', '8000000000000')]",
        "key = lambda oid: [int(x) for x in oid.strip('.').split('.')]",
        'mode, oid = sys.argv[1], sys.argv[2]',
        "match = [r for r in rows if r[0] == oid] if mode == '-g' else [r for r in rows if key(r[0]) > key(oid)][:1]",
        'if match: print("\\n".join(match[0]))',
        '',
      ].join('\n'),
    );
    chmodSync(script, 0o755);
    agent = await startSnmpd(`pass .1.3.6.1.4.1.6574.3 /usr/bin/python3 ${script}`);
  });
  afterAll(async () => agent?.stop());

  it('sees the RAID go degraded, then rebuilding, then normal on the next polls', async () => {
    const config = { version: '2c', community: 'public', profile: 'synology' } as const;
    expect((await poll(agent.port, config)).message).not.toMatch(/RAID/);
    writeFileSync(stateFile, '11');
    const degraded = await poll(agent.port, config);
    expect(degraded).toMatchObject({ status: 'critical' });
    expect(degraded.message).toContain('RAID Volume 1 is degraded');
    writeFileSync(stateFile, '2');
    expect((await poll(agent.port, config)).message).toContain('RAID Volume 1 is repairing');
    writeFileSync(stateFile, '1');
    const healed = await poll(agent.port, config);
    expect(healed.message).not.toMatch(/RAID/);
    expect(reading(healed, 'volume.used_pct[Volume_1]')).toBe(50);
  });
});
