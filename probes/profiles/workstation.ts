import { counterRate, type CounterSample } from '../snmp/rates.ts';
import type { SnmpSession, SnmpVarbind } from '../snmp/session.ts';
import type { Reading } from '../types.ts';
import { instanceOf } from './rules.ts';
import { collectSystem } from './system.ts';
import { instanceName, type Collected, type Profile, type ProfileContext } from './types.ts';

const hrStorage = '1.3.6.1.2.1.25.2.3.1';
const hrStorageFixedDisk = '1.3.6.1.2.1.25.2.1.4';
const hrProcessorLoad = '1.3.6.1.2.1.25.3.3.1.2';
const memTotalReal = '1.3.6.1.4.1.2021.4.5.0';
const memAvailReal = '1.3.6.1.4.1.2021.4.6.0';
const memBuffer = '1.3.6.1.4.1.2021.4.14.0';
const memCached = '1.3.6.1.4.1.2021.4.15.0';

// Ports that come and go with containers and VMs, or never leave the host: never alarmed or
// reported, so a Docker host neither pages people nor grows a reading per container.
const virtualPort = /^(docker|veth|virbr|br-|vnet|tun|tap|ifb|dummy|cali|flannel|cni)/i;
const loopbackPort = /^lo$|loopback/i;
// An error counter cannot honestly rise faster than this; a higher rate is a reset in disguise
// (a driver reload resets it while sysUpTime keeps counting).
const maxErrorsPerS = 1_000_000;
// Interface operStatus values that mean a cable or link problem: down, lowerLayerDown.
const linkDown = new Set([2, 7]);
const ratePrefixes = ['in:', 'out:', 'inerr:', 'outerr:'];
const laLoad = '1.3.6.1.4.1.2021.10.1.3';
const ifTable = '1.3.6.1.2.1.2.2.1';
const ifXTable = '1.3.6.1.2.1.31.1.1.1';

/** Rows of a table walk grouped by index: column number -> value. */
export function byIndex(
  rows: SnmpVarbind[],
  table: string,
): Map<string, Map<number, SnmpVarbind['value']>> {
  const result = new Map<string, Map<number, SnmpVarbind['value']>>();
  for (const row of rows) {
    if (!row.oid.startsWith(`${table}.`)) continue;
    const [column, ...index] = row.oid.slice(table.length + 1).split('.');
    const key = index.join('.');
    if (!result.has(key)) result.set(key, new Map());
    result.get(key)!.set(Number(column), row.value);
  }
  return result;
}

const unsigned = (value: SnmpVarbind['value'] | undefined): number | null =>
  typeof value === 'number' ? value >>> 0 : null;

const num = (value: SnmpVarbind['value'] | undefined): number | null =>
  typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : null;

async function volumes(session: SnmpSession, readings: Reading[]): Promise<void> {
  for (const [, row] of byIndex(await session.walk(hrStorage), hrStorage)) {
    if (row.get(2) !== hrStorageFixedDisk) continue;
    // Integer32 on the wire: agents that do not scale their units (Windows past 8 TB) send
    // negative numbers, which are really unsigned.
    const units = unsigned(row.get(4));
    const size = unsigned(row.get(5));
    const used = unsigned(row.get(6));
    const descr = String(row.get(3) ?? '');
    if (!units || !size || used === null) continue;
    readings.push(
      {
        name: instanceName('volume.used_pct', descr),
        value: Math.round((used / size) * 1000) / 10,
        unit: '%',
      },
      { name: instanceName('volume.used_bytes', descr), value: used * units, unit: 'B' },
      { name: instanceName('volume.size_bytes', descr), value: size * units, unit: 'B' },
    );
  }
}

async function cpuMemoryLoad(session: SnmpSession, readings: Reading[]): Promise<void> {
  const cores = (await session.walk(hrProcessorLoad))
    .map((r) => num(r.value))
    .filter((v): v is number => v !== null);
  if (cores.length > 0) {
    readings.push({
      name: 'cpu.load_pct',
      value: cores.reduce((a, b) => a + b, 0) / cores.length,
      unit: '%',
    });
  }
  // memAvailReal is only free memory; the page cache and buffers are free for the asking too.
  const memory = await session.get([memTotalReal, memAvailReal, memBuffer, memCached]);
  const total = num(memory.get(memTotalReal) ?? null);
  const free = num(memory.get(memAvailReal) ?? null);
  if (total && free !== null) {
    const reclaimable =
      (num(memory.get(memBuffer) ?? null) ?? 0) + (num(memory.get(memCached) ?? null) ?? 0);
    const used = Math.max(0, total - free - reclaimable);
    readings.push({
      name: 'memory.used_pct',
      value: Math.round((used / total) * 1000) / 10,
      unit: '%',
    });
  }
  for (const row of await session.walk(laLoad)) {
    const minutes = { '1': '1m', '2': '5m', '3': '15m' }[row.oid.slice(laLoad.length + 1)];
    const value = Number(row.value);
    if (minutes && Number.isFinite(value))
      readings.push({ name: `load.${minutes}`, value, unit: '' });
  }
}

/**
 * Network interfaces. Only a port that is administratively up and operationally down alarms;
 * traffic and error counters become rates that survive wraps and agent restarts.
 */
async function interfaces(
  context: ProfileContext,
  uptimeTicks: number | null,
  collected: Collected,
): Promise<void> {
  const { session, state, nowMs } = context;
  const columns = [2, 7, 8, 14, 20].map((c) => `${ifTable}.${c}`);
  const extra = [6, 10, 15].map((c) => `${ifXTable}.${c}`);
  const base = byIndex((await Promise.all(columns.map((c) => session.walk(c)))).flat(), ifTable);
  const hc = byIndex((await Promise.all(extra.map((c) => session.walk(c)))).flat(), ifXTable);
  const rate = (key: string, value: bigint | null, bits: 32 | 64, maxPerS?: number) => {
    if (value === null) return null;
    const sample: CounterSample = { value, atMs: nowMs, uptimeTicks: uptimeTicks ?? undefined };
    const previous = state.get(key) as CounterSample | undefined;
    state.set(key, sample);
    return counterRate(previous, sample, bits, maxPerS);
  };
  const big = (v: SnmpVarbind['value'] | undefined) =>
    typeof v === 'bigint' ? v : typeof v === 'number' ? BigInt(v) : null;
  const seen = new Set<string>();
  for (const [index, row] of base) {
    const name = String(row.get(2) ?? `if${index}`);
    if (row.get(7) !== 1) continue; // administratively down: deliberately off, never an alarm
    if (virtualPort.test(name)) continue;
    seen.add(index);
    const oper = num(row.get(8));
    if (oper !== null) {
      collected.readings.push({
        name: instanceName('if.oper_status', name),
        value: oper,
        unit: '',
      });
      if (linkDown.has(oper) && !loopbackPort.test(name)) {
        collected.findings.push({ status: 'critical', message: `${name} is down (admin up)` });
      }
    }
    const speedMbps = num(hc.get(index)?.get(15) ?? null);
    const lineBytes = speedMbps ? (speedMbps * 1e6) / 8 : undefined;
    const perSecond: Array<[string, number | null, number]> = [
      ['if.in_bps', rate(`in:${index}`, big(hc.get(index)?.get(6)), 64, lineBytes), 8],
      ['if.out_bps', rate(`out:${index}`, big(hc.get(index)?.get(10)), 64, lineBytes), 8],
      ['if.in_errors_rate', rate(`inerr:${index}`, big(row.get(14)), 32, maxErrorsPerS), 1],
      ['if.out_errors_rate', rate(`outerr:${index}`, big(row.get(20)), 32, maxErrorsPerS), 1],
    ];
    for (const [reading, value, scale] of perSecond) {
      if (value !== null) {
        collected.readings.push({
          name: instanceName(reading, name),
          value: value * scale,
          unit: scale === 8 ? 'bit/s' : '/s',
        });
      }
    }
  }
  // Forget the counters of interfaces that are gone (or were renumbered), so state stays bounded.
  for (const key of [...state.keys()]) {
    const prefix = ratePrefixes.find((p) => key.startsWith(p));
    if (prefix && !seen.has(key.slice(prefix.length))) state.delete(key);
  }
}

export const workstationProfile: Profile = {
  name: 'workstation',
  description:
    'Edit suite workstation or server: volumes, CPU, memory, load, network ports, uptime',
  matches: (sysObjectID, sysDescr) =>
    sysObjectID.startsWith('1.3.6.1.4.1.8072.') ||
    /^(Linux|Darwin|Hardware:.*Windows)/.test(sysDescr),
  thresholds: [
    {
      prefix: 'volume.used_pct',
      warning: 85,
      critical: 95,
      describe: (n, v) => `volume ${instanceOf(n)} is ${v}% full`,
    },
    {
      prefix: 'memory.used_pct',
      warning: 90,
      critical: 97,
      describe: (_n, v) => `memory ${v}% used`,
    },
    {
      prefix: 'cpu.load_pct',
      warning: 95,
      critical: 100,
      describe: (_n, v) => `CPU at ${Math.round(v)}%`,
    },
    {
      prefix: 'if.in_errors_rate',
      warning: 1,
      critical: 10,
      describe: (n, v) => `${instanceOf(n)} receiving ${v.toFixed(1)} errors/s`,
    },
    {
      prefix: 'if.out_errors_rate',
      warning: 1,
      critical: 10,
      describe: (n, v) => `${instanceOf(n)} sending ${v.toFixed(1)} errors/s`,
    },
  ],
  async collect(context) {
    const system = await collectSystem(context);
    const collected: Collected = { readings: [...system.readings], findings: [...system.findings] };
    await volumes(context.session, collected.readings);
    await cpuMemoryLoad(context.session, collected.readings);
    await interfaces(context, system.uptimeTicks, collected);
    return collected;
  },
};
