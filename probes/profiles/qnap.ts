import { nasTemperatures } from './rules.ts';
import type { SnmpValue } from '../snmp/session.ts';
import type { Reading } from '../types.ts';
import { byIndex, num } from './interfaces.ts';
import { collectSystem, systemJudged } from './system.ts';
import { raidCode, textRaidFinding } from './raid.ts';
import { instanceName, type Collected, type Finding, type Profile } from './types.ts';
import { volumeReadings, volumeThresholds, type Volume } from './volumes.ts';

const qnap = '1.3.6.1.4.1.24681';
const scalars = {
  // NAS-MIB systemInfo: answered by old and new firmware alike, so it is the detect OID.
  model: `${qnap}.1.2.12.0`,
  // A string such as "41 C/105 F".
  temperature: `${qnap}.1.2.6.0`,
};
// NAS-MIB systemHdTable: col 2 descr, 4 hdStatus.
const hdTable = `${qnap}.1.2.11.1`;
// QTS storage tables (QTS 4.3 and later).
const diskTable = `${qnap}.1.4.1.1.1.1.5.2.1`; // col 2 id, 3 enclosure, 5 SMART, 6 °C, 8 model
const raidTable = `${qnap}.1.4.1.1.1.2.1.2.1`; // col 2 id, 5 status (text), 7 level
const volumeTable = `${qnap}.1.4.1.1.1.2.3.2.1`; // col 2 id, 3 size, 4 free (Counter64), 5 status, 8 name

const hdNoDisk = -5;
const hdStatus: Record<number, string> = {
  0: 'ready',
  [-4]: 'in an unknown state',
  [-6]: 'invalid',
  [-9]: 'failing reads or writes',
};
const smartInfo: Record<number, string> = { [-1]: 'error', 0: 'good', 1: 'warning', 2: 'abnormal' };

const text = (value: SnmpValue | undefined) =>
  value === null || value === undefined ? '' : String(value).trim();

/** A volume that is not mounted or has an error is an outage for whoever works on it. */
function volumeFinding(name: string, status: string): Finding | null {
  // "Warning" is QTS's own capacity alarm, which volume.used_pct already judges.
  if (!status || /^(ready|warning)$/i.test(status)) return null;
  const broken = /not active|unmount|error|fail|crash/i.test(status);
  return { status: broken ? 'critical' : 'warning', message: `volume ${name} is ${status}` };
}

export const qnapProfile: Profile = {
  name: 'qnap',
  description: 'QNAP NAS: disk state, SMART and temperature, RAID groups, volume usage',
  detectOids: [scalars.model],
  matches: (sysObjectID) => sysObjectID === qnap || sysObjectID.startsWith(`${qnap}.`),
  thresholds: [...volumeThresholds, ...nasTemperatures],
  judged: [...systemJudged, 'disk.status', 'disk.smart', 'raid.status'],
  async collect(context) {
    const { session } = context;
    const system = await collectSystem(context);
    const readings: Reading[] = [...system.readings];
    const findings: Finding[] = [...system.findings];
    const add = (name: string, value: number | null, unit = '') => {
      if (value !== null) readings.push({ name, value, unit });
    };
    const values = await session.get(Object.values(scalars));
    const celsius = /(-?\d+(?:\.\d+)?)\s*C/.exec(text(values.get(scalars.temperature)));
    if (celsius) add('temperature_c', Number(celsius[1]), '°C');

    // Disks are "Disk <bay>" in both tables, as QTS names them; expansion units add theirs.
    for (const [index, row] of byIndex(await session.walk(hdTable), hdTable)) {
      const state = num(row.get(4));
      if (state === null || state === hdNoDisk) continue;
      const disk = `Disk ${index}`;
      const reading = instanceName('disk.status', disk);
      add(reading, state);
      if (state === -6 || state === -9)
        findings.push({ status: 'critical', message: `${disk} ${hdStatus[state]}`, reading });
      else if (state !== 0)
        findings.push({
          status: 'warning',
          message: `${disk} ${hdStatus[state] ?? `in state ${state}`}`,
          reading,
        });
    }
    for (const [index, row] of byIndex(await session.walk(diskTable), diskTable)) {
      const enclosure = num(row.get(3)) ?? 0;
      const bay = num(row.get(2)) ?? index;
      const disk = enclosure ? `Enclosure ${enclosure} Disk ${bay}` : `Disk ${bay}`;
      const smart = num(row.get(5));
      const reading = instanceName('disk.smart', disk);
      add(reading, smart);
      const temperature = num(row.get(6));
      // Bays with no disk report no temperature as 0 or -1, which is no reading at all.
      if (temperature !== null && temperature > 0)
        add(instanceName('disk.temperature_c', disk), temperature, '°C');
      const model = text(row.get(8));
      const label = model ? `${disk} (${model})` : disk;
      if (smart === 2 || smart === -1)
        findings.push({
          status: 'critical',
          message: `${label} SMART ${smartInfo[smart]}`,
          reading,
        });
      else if (smart === 1)
        findings.push({ status: 'warning', message: `${label} SMART warning`, reading });
    }

    for (const [index, row] of byIndex(await session.walk(raidTable), raidTable)) {
      const id = num(row.get(2)) ?? index;
      const level = text(row.get(7));
      // raidStatus is text on the wire ("Ready", "Degraded", "Rebuilding").
      const reading = instanceName('raid.status', `RAID ${id}`);
      add(reading, raidCode(row.get(5)));
      const finding = textRaidFinding(level ? `${id} (${level})` : String(id), row.get(5), reading);
      if (finding) findings.push(finding);
    }

    const volumes: Volume[] = [];
    for (const [index, row] of byIndex(await session.walk(volumeTable), volumeTable)) {
      const name = text(row.get(8)) || `Volume ${num(row.get(2)) ?? index}`;
      const size = num(row.get(3));
      const free = num(row.get(4));
      if (size && free !== null) volumes.push({ name, usedBytes: size - free, sizeBytes: size });
      const finding = volumeFinding(name, text(row.get(5)));
      if (finding) findings.push(finding);
    }
    readings.push(...volumeReadings(context, volumes));
    return { readings, findings } satisfies Collected;
  },
};
