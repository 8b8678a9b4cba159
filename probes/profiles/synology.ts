import { nasTemperatures } from './rules.ts';
import type { Reading } from '../types.ts';
import { collectSystem, systemJudged } from './system.ts';
import { instanceName, type Collected, type Finding, type Profile } from './types.ts';
import { byIndex, num } from './interfaces.ts';
import { volumeReadings, volumeThresholds, type Volume } from './volumes.ts';
import { diskHealth, diskStatus, raidStatus } from './synology-codes.ts';

const synology = '1.3.6.1.4.1.6574';
const scalars = {
  systemStatus: `${synology}.1.1.0`,
  temperature: `${synology}.1.2.0`,
  powerStatus: `${synology}.1.3.0`,
  systemFan: `${synology}.1.4.1.0`,
  cpuFan: `${synology}.1.4.2.0`,
  model: `${synology}.1.5.1.0`,
};
const diskTable = `${synology}.2.1.1`;
const raidTable = `${synology}.3.1.1`;

/** A RAID that is degraded, crashed or rebuilding puts a client session at risk: critical. */
export function raidFinding(name: string, status: number, reading?: string): Finding | null {
  const word = raidStatus[status] ?? `state ${status}`;
  if (status === 11 || status === 12 || status === 2)
    return { status: 'critical', message: `RAID ${name} is ${word}`, reading };
  if (status === 1) return null;
  return { status: 'warning', message: `RAID ${name} is ${word}`, reading };
}

export const synologyProfile: Profile = {
  name: 'synology',
  description: 'Synology NAS: system, power, fans, temperature, disks, RAID and volume usage',
  detectOids: [scalars.model],
  matches: (sysObjectID) => sysObjectID.startsWith(`${synology}.`),
  thresholds: [...volumeThresholds, ...nasTemperatures],
  judged: [
    ...systemJudged,
    'system.status',
    'power.status',
    'fan.system_status',
    'fan.cpu_status',
    'disk.status',
    'disk.health',
    'raid.status',
  ],
  async collect(context) {
    const { session } = context;
    const system = await collectSystem(context);
    const readings: Reading[] = [...system.readings];
    const findings: Finding[] = [...system.findings];
    const values = await session.get(Object.values(scalars));
    const add = (name: string, value: number | null, unit = '') => {
      if (value !== null) readings.push({ name, value, unit });
    };
    const status = (reading: string, oid: string, what: string) => {
      const value = num(values.get(oid));
      if (value === 2) findings.push({ status: 'critical', message: `${what} failed`, reading });
      add(reading, value);
    };
    status('system.status', scalars.systemStatus, 'system');
    status('power.status', scalars.powerStatus, 'power supply');
    status('fan.system_status', scalars.systemFan, 'system fan');
    status('fan.cpu_status', scalars.cpuFan, 'CPU fan');
    add('temperature_c', num(values.get(scalars.temperature)), '°C');

    for (const [, row] of byIndex(await session.walk(diskTable), diskTable)) {
      const id = String(row.get(2) ?? '?');
      const state = num(row.get(5));
      const health = num(row.get(13));
      const stateReading = instanceName('disk.status', id);
      const healthReading = instanceName('disk.health', id);
      add(stateReading, state);
      add(healthReading, health);
      add(instanceName('disk.temperature_c', id), num(row.get(6)), '°C');
      if (state === 4 || state === 5) {
        findings.push({
          status: 'critical',
          message: `disk ${id} ${diskStatus[state]}`,
          reading: stateReading,
        });
      }
      if (health === 3 || health === 4) {
        findings.push({
          status: 'critical',
          message: `disk ${id} health ${diskHealth[health]}`,
          reading: healthReading,
        });
      } else if (health === 2) {
        findings.push({
          status: 'warning',
          message: `disk ${id} health warning`,
          reading: healthReading,
        });
      }
    }

    const volumes: Volume[] = [];
    for (const [, row] of byIndex(await session.walk(raidTable), raidTable)) {
      const name = String(row.get(2) ?? '?');
      const state = num(row.get(3));
      const free = num(row.get(4));
      const total = num(row.get(5));
      const reading = instanceName('raid.status', name);
      add(reading, state);
      if (state !== null) {
        const finding = raidFinding(name, state, reading);
        if (finding) findings.push(finding);
      }
      if (total && free !== null) volumes.push({ name, usedBytes: total - free, sizeBytes: total });
    }
    readings.push(...volumeReadings(context, volumes));
    return { readings, findings } satisfies Collected;
  },
};
