import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  factsOf,
  judgeReadings,
  profiles,
  snmpProbe,
  type SnmpConfig,
} from '../../probes/kinds/snmp.ts';
import { startRaidAgent, type RaidAgent, type Snmpd } from '../helpers/snmpd.ts';
import { recording, startSnmpsim, type Snmpsim } from '../helpers/snmpsim.ts';
import { describeWith, parts } from '../helpers/system.ts';

const poll = (port: number, config: Omit<SnmpConfig, 'port'>) =>
  snmpProbe.run(
    { port, requestTimeoutMs: 2000, ...config },
    { signal: AbortSignal.timeout(15_000), timeoutMs: 15_000, host: '127.0.0.1', state: new Map() },
  );
const reading = (outcome: Awaited<ReturnType<typeof poll>>, name: string) =>
  outcome.readings.find((r) => r.name === name)?.value;
const statusOf = (outcome: Awaited<ReturnType<typeof poll>>, name: string) =>
  outcome.readings.find((r) => r.name === name)?.status;

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
        'qnap-healthy',
        'qnap-degraded',
        'megaraid-optimal',
        'megaraid-degraded',
        'areca-failed',
        'areca-sas',
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
    expect(statusOf(offline, 'nexis.director_state')).toBe('critical');
  });

  it('picks qnap by its model OID on a Linux agent, and reads disks, RAID groups and volumes', async () => {
    const outcome = await poll(sim.port, { version: '2c', community: 'qnap-healthy' });
    expect(outcome.status).toBe('ok');
    expect(outcome.message).toMatch(/^qnap profile: \d+ readings, all within limits$/);
    expect(outcome.facts).toEqual({
      profile: 'qnap',
      profileChosen: 'auto',
      sysDescr: 'Linux TS-873A 5.10.60-qnap #1 SMP Thu Nov 16 01:24:40 CST 2023 x86_64',
      sysObjectID: '1.3.6.1.4.1.8072.3.2.10',
    });
    expect(reading(outcome, 'temperature_c')).toBe(41);
    expect(reading(outcome, 'disk.status[Disk_1]')).toBe(0);
    // An empty bay (hdStatus noDisk) is no disk at all.
    expect(reading(outcome, 'disk.status[Disk_7]')).toBeUndefined();
    expect(reading(outcome, 'disk.smart[Disk_3]')).toBe(0);
    expect(reading(outcome, 'disk.temperature_c[Disk_5]')).toBe(33);
    expect(reading(outcome, 'raid.status[RAID_1]')).toBe(0);
    // 20 TB in Counter64, beyond 32 bits.
    expect(reading(outcome, 'volume.size_bytes[DataVol1]')).toBe(20_000_000_000_000);
    expect(reading(outcome, 'volume.used_pct[DataVol1]')).toBe(60);
    expect(reading(outcome, 'volume.used_pct[Cache]')).toBe(75);
    // Judged readings are coloured even when fine; a byte count is judged by nothing.
    expect(statusOf(outcome, 'raid.status[RAID_1]')).toBe('ok');
    expect(statusOf(outcome, 'volume.used_pct[DataVol1]')).toBe('ok');
    expect(statusOf(outcome, 'volume.used_bytes[DataVol1]')).toBeUndefined();
  });

  it('is critical for a QNAP RAID degraded or rebuilding and a failing disk, naming each', async () => {
    const outcome = await poll(sim.port, { version: '2c', community: 'qnap-degraded' });
    expect(outcome.status).toBe('critical');
    expect(outcome.message).toContain('RAID 1 (RAID 5) is degraded');
    expect(outcome.message).toContain('RAID 2 (RAID 1) is rebuilding');
    expect(outcome.message).toContain('Disk 3 failing reads or writes');
    expect(outcome.message).toContain('Disk 3 (WDC WD80EFZZ-68BTXN0) SMART abnormal');
    expect(reading(outcome, 'raid.status[RAID_1]')).toBe(1);
    expect(reading(outcome, 'disk.status[Disk_3]')).toBe(-9);
    expect(statusOf(outcome, 'raid.status[RAID_2]')).toBe('critical');
    expect(statusOf(outcome, 'disk.smart[Disk_3]')).toBe('critical');
    expect(statusOf(outcome, 'disk.smart[Disk_1]')).toBe('ok');
    // Warnings colour their own readings though the message names only the critical findings.
    expect(reading(outcome, 'volume.used_pct[DataVol1]')).toBe(92);
    expect(statusOf(outcome, 'volume.used_pct[DataVol1]')).toBe('warning');
    expect(statusOf(outcome, 'disk.temperature_c[Disk_2]')).toBe('warning');
  });

  it('picks megaraid over workstation on a Linux host running the LSI agent, and keeps the host readings', async () => {
    const outcome = await poll(sim.port, { version: '2c', community: 'megaraid-optimal' });
    expect(outcome.status).toBe('ok');
    expect(outcome.message).toMatch(/^megaraid profile: /);
    expect(outcome.facts).toMatchObject({ profile: 'megaraid', profileChosen: 'auto' });
    expect(reading(outcome, 'disk.state[252:0]')).toBe(24);
    expect(reading(outcome, 'disk.other_errors[252:1]')).toBe(2);
    expect(reading(outcome, 'disk.temperature_c[252:3]')).toBe(36);
    expect(reading(outcome, 'raid.status[MediaArray]')).toBe(3);
    expect(reading(outcome, 'raid.size_bytes[MediaArray]')).toBe(22_888_448 * 1024 * 1024);
    expect(reading(outcome, 'volume.used_pct[/mnt/media]')).toBe(60);
    expect(statusOf(outcome, 'disk.state[252:4]')).toBe('ok');
  });

  it('is critical for a failed MegaRAID drive, a rebuild and a degraded virtual drive, naming each', async () => {
    const outcome = await poll(sim.port, {
      version: '2c',
      community: 'megaraid-degraded',
      profile: 'megaraid',
    });
    expect(outcome.status).toBe('critical');
    expect(outcome.message).toContain('drive 252:2 (ST8000NM0055-1RM112) failed');
    expect(outcome.message).toContain('drive 252:4 (ST8000NM0055-1RM112) is rebuilding');
    expect(outcome.message).toContain('virtual drive MediaArray is degraded');
    expect(outcome.facts).toMatchObject({ profile: 'megaraid', profileChosen: 'configured' });
    expect(reading(outcome, 'disk.media_errors[252:2]')).toBe(212);
    expect(statusOf(outcome, 'disk.state[252:2]')).toBe('critical');
    expect(statusOf(outcome, 'raid.status[MediaArray]')).toBe('critical');
    // A predictive failure is a warning on its own reading, left out of a critical message.
    expect(reading(outcome, 'disk.predictive_failures[252:1]')).toBe(1);
    expect(statusOf(outcome, 'disk.predictive_failures[252:1]')).toBe('warning');
    expect(outcome.message).not.toContain('predictive');
    expect(statusOf(outcome, 'disk.state[252:0]')).toBe('ok');
  });

  it('picks areca and is critical for a failed slot and the RAID set it degraded', async () => {
    const outcome = await poll(sim.port, { version: '2c', community: 'areca-failed' });
    expect(outcome.status).toBe('critical');
    expect(outcome.facts).toMatchObject({ profile: 'areca', sysObjectID: '1.3.6.1.4.1.18928.1' });
    expect(outcome.message).toContain('enclosure 1 SLOT 03 (WDC WD4003FZEX-00Z4SA0) failed');
    expect(outcome.message).toContain('RAID Raid Set # 000 is degraded');
    expect(reading(outcome, 'disk.failed[E1/SLOT_03]')).toBe(1);
    expect(statusOf(outcome, 'disk.failed[E1/SLOT_03]')).toBe('critical');
    expect(reading(outcome, 'disk.failed[E1/SLOT_01]')).toBe(0);
    expect(statusOf(outcome, 'disk.failed[E1/SLOT_01]')).toBe('ok');
    expect(reading(outcome, 'disk.failed[E1/SLOT_06]')).toBe(0);
    expect(reading(outcome, 'disk.failed[E1/SLOT_07]')).toBeUndefined();
    expect(reading(outcome, 'raid.status[Raid_Set___000]')).toBe(1);
  });

  it('picks areca for a SAS card in a Linux host, by the SAS family tree its agent answers', async () => {
    const outcome = await poll(sim.port, { version: '2c', community: 'areca-sas' });
    expect(outcome.facts).toMatchObject({
      profile: 'areca',
      profileChosen: 'auto',
      sysObjectID: '1.3.6.1.4.1.8072.3.2.10',
    });
    expect(outcome.message).toContain('enclosure 1 SLOT 03 (WDC WD4003FZEX-00Z4SA0) failed');
  });
});

describe('reading status and facts', () => {
  const workstation = profiles.workstation!;

  it('gives a reading the worst finding against it, ok when a rule covers it, nothing otherwise', () => {
    const readings = [
      { name: 'volume.used_pct[/]', value: 97, unit: '%' },
      { name: 'volume.used_pct[/home]', value: 20, unit: '%' },
      { name: 'if.in_bps[eth0]', value: 1e6, unit: 'bit/s' },
    ];
    const judged = judgeReadings(
      readings,
      [
        { status: 'warning', message: 'a', reading: 'volume.used_pct[/]' },
        { status: 'critical', message: 'b', reading: 'volume.used_pct[/]' },
        { status: 'warning', message: 'no reading' },
      ],
      workstation,
    );
    expect(judged.map((r) => r.status)).toEqual(['critical', 'ok', undefined]);
  });

  it('keeps only the facts the agent gave, with sysDescr cut to 200 characters', () => {
    const long = `Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(7)E8 ${'x'.repeat(300)}`;
    const facts = factsOf(
      workstation,
      { version: '2c', profile: 'workstation' },
      new Map([['1.3.6.1.2.1.1.1.0', `  ${long}\r\n`]]),
    );
    expect(facts).toEqual({
      profile: 'workstation',
      profileChosen: 'configured',
      sysDescr: long.slice(0, 200),
    });
  });
});

describeWith([parts.snmpd], 'RAID state changing under Debian snmpd', () => {
  let raid: RaidAgent;
  let agent: Snmpd;
  beforeAll(async () => {
    raid = await startRaidAgent();
    agent = raid.agent;
  });
  afterAll(async () => agent?.stop());

  it('sees the RAID go degraded, then rebuilding, then normal on the next polls', async () => {
    const config = { version: '2c', community: 'public', profile: 'synology' } as const;
    expect((await poll(agent.port, config)).message).not.toMatch(/RAID/);
    raid.setRaid(11);
    const degraded = await poll(agent.port, config);
    expect(degraded).toMatchObject({ status: 'critical' });
    expect(degraded.message).toContain('RAID Volume 1 is degraded');
    raid.setRaid(2);
    expect((await poll(agent.port, config)).message).toContain('RAID Volume 1 is repairing');
    raid.setRaid(1);
    const healed = await poll(agent.port, config);
    expect(healed.message).not.toMatch(/RAID/);
    expect(reading(healed, 'volume.used_pct[Volume_1]')).toBe(50);
  });
});
