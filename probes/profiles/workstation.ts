import type { SnmpSession } from '../snmp/session.ts';
import type { Reading } from '../types.ts';
import {
  byIndex,
  collectInterfaces,
  num,
  portJudged,
  portThresholds,
  unsigned,
} from './interfaces.ts';
import { collectSystem, systemJudged } from './system.ts';
import type { Collected, Profile } from './types.ts';
import { volumeReadings, volumeThresholds, type Volume } from './volumes.ts';

const hrStorage = '1.3.6.1.2.1.25.2.3.1';
const hrStorageFixedDisk = '1.3.6.1.2.1.25.2.1.4';
const hrProcessorLoad = '1.3.6.1.2.1.25.3.3.1.2';
const memTotalReal = '1.3.6.1.4.1.2021.4.5.0';
const memAvailReal = '1.3.6.1.4.1.2021.4.6.0';
const memBuffer = '1.3.6.1.4.1.2021.4.14.0';
const memCached = '1.3.6.1.4.1.2021.4.15.0';
const laLoad = '1.3.6.1.4.1.2021.10.1.3';

async function volumes(session: SnmpSession): Promise<Volume[]> {
  const found: Volume[] = [];
  const columns = [2, 3, 4, 5, 6].map((c) => `${hrStorage}.${c}`);
  for (const [, row] of byIndex(await session.walkColumns(columns), hrStorage)) {
    if (row.get(2) !== hrStorageFixedDisk) continue;
    // Integer32 on the wire: agents that do not scale their units (Windows past 8 TB) send
    // negative numbers, which are really unsigned.
    const units = unsigned(row.get(4));
    const size = unsigned(row.get(5));
    const used = unsigned(row.get(6));
    const descr = String(row.get(3) ?? '');
    if (!units || !size || used === null) continue;
    found.push({ name: descr, usedBytes: used * units, sizeBytes: size * units });
  }
  return found;
}

async function cpuMemoryLoad(session: SnmpSession, readings: Reading[]): Promise<void> {
  const rows = await session.walkColumns([hrProcessorLoad, laLoad]);
  const cores = rows
    .filter((r) => r.oid.startsWith(`${hrProcessorLoad}.`))
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
  for (const row of rows.filter((r) => r.oid.startsWith(`${laLoad}.`))) {
    const minutes = { '1': '1m', '2': '5m', '3': '15m' }[row.oid.slice(laLoad.length + 1)];
    const value = Number(row.value);
    if (minutes && Number.isFinite(value))
      readings.push({ name: `load.${minutes}`, value, unit: '' });
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
    ...volumeThresholds,
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
    ...portThresholds,
  ],
  judged: [...systemJudged, ...portJudged],
  async collect(context) {
    const system = await collectSystem(context);
    const collected: Collected = { readings: [...system.readings], findings: [...system.findings] };
    collected.readings.push(...volumeReadings(context, await volumes(context.session)));
    await cpuMemoryLoad(context.session, collected.readings);
    await collectInterfaces(context, system.uptimeTicks, collected, { skipVirtual: true });
    return collected;
  },
};
