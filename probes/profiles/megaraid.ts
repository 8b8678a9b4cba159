import type { SnmpSession } from '../snmp/session.ts';
import { byIndex, num } from './interfaces.ts';
import { instanceOf } from './rules.ts';
import {
  instanceName,
  type Collected,
  type Finding,
  type Profile,
  type ProfileContext,
} from './types.ts';
import { workstationProfile } from './workstation.ts';

const lsi = '1.3.6.1.4.1.3582';
// LSI-MegaRAID-SAS-MIB mibVersion: only the LSI/Broadcom agent answers it.
const mibVersion = `${lsi}.4.1.3.1.0`;
const pdTable = `${lsi}.4.1.4.2.1.2.1`;
const vdTable = `${lsi}.4.1.4.3.1.2.1`;
const pd = {
  devId: 2,
  mediaErrors: 7,
  otherErrors: 8,
  predictiveFailures: 9,
  state: 10,
  enclosure: 18,
  slot: 20,
  product: 25,
  temperature: 36,
};
const vd = { id: 1, sizeMb: 2, state: 5, name: 6 };
const mib = 1024 * 1024;

const pdStates: Record<number, string> = {
  0: 'unconfigured-good',
  1: 'unconfigured-bad',
  2: 'hot spare',
  16: 'offline',
  17: 'failed',
  20: 'rebuilding',
  24: 'online',
  32: 'copyback',
  64: 'system (JBOD)',
};
const vdStates: Record<number, string> = {
  0: 'offline',
  1: 'partially degraded',
  2: 'degraded',
  3: 'optimal',
};

/** A drive's state: failed or offline is critical, and so is a rebuild (no redundancy until done). */
export function driveFinding(label: string, state: number, reading: string): Finding | null {
  const word = pdStates[state] ?? `in state ${state}`;
  if (state === 16 || state === 17)
    return {
      status: 'critical',
      message: `drive ${label} ${state === 17 ? 'failed' : 'is offline'}`,
      reading,
    };
  if (state === 20) {
    return {
      status: 'critical',
      message: `drive ${label} is rebuilding: its array has no redundancy until it finishes`,
      reading,
    };
  }
  if (state === 1) return { status: 'warning', message: `drive ${label} is ${word}`, reading };
  return null;
}

// The LSI agent asks the controller on every request and is slow: one column at a time.
async function columns(session: SnmpSession, table: string, wanted: number[]) {
  const rows = [];
  for (const column of wanted) rows.push(...(await session.walk(`${table}.${column}`)));
  return byIndex(rows, table);
}

async function collectController(context: ProfileContext, collected: Collected) {
  const { session } = context;
  const { readings, findings } = collected;
  const add = (name: string, value: number | null, unit = '') => {
    if (value !== null) readings.push({ name, value, unit });
  };
  for (const [index, row] of await columns(session, pdTable, Object.values(pd))) {
    const enclosure = num(row.get(pd.enclosure));
    const slot = num(row.get(pd.slot));
    // "252:3" is how storcli and MegaCLI name a drive: enclosure id and slot.
    const name =
      enclosure !== null && enclosure >= 0 && slot !== null
        ? `${enclosure}:${slot}`
        : `device ${num(row.get(pd.devId)) ?? index}`;
    const product = String(row.get(pd.product) ?? '').trim();
    const label = product ? `${name} (${product})` : name;
    const state = num(row.get(pd.state));
    const stateReading = instanceName('disk.state', name);
    add(stateReading, state);
    if (state !== null) {
      const finding = driveFinding(label, state, stateReading);
      if (finding) findings.push(finding);
    }
    add(instanceName('disk.media_errors', name), num(row.get(pd.mediaErrors)));
    add(instanceName('disk.other_errors', name), num(row.get(pd.otherErrors)));
    const predictive = num(row.get(pd.predictiveFailures));
    const predictiveReading = instanceName('disk.predictive_failures', name);
    add(predictiveReading, predictive);
    if (predictive !== null && predictive > 0) {
      findings.push({
        status: 'warning',
        message: `drive ${label} reports ${predictive} predictive failure${predictive === 1 ? '' : 's'}: replace it`,
        reading: predictiveReading,
      });
    }
    const temperature = num(row.get(pd.temperature));
    if (temperature !== null && temperature > 0)
      add(instanceName('disk.temperature_c', name), temperature, '°C');
  }
  for (const [index, row] of await columns(session, vdTable, Object.values(vd))) {
    const name = String(row.get(vd.name) ?? '').trim() || `VD ${num(row.get(vd.id)) ?? index}`;
    const state = num(row.get(vd.state));
    const reading = instanceName('raid.status', name);
    add(reading, state);
    const sizeMb = num(row.get(vd.sizeMb));
    if (sizeMb !== null) add(instanceName('raid.size_bytes', name), sizeMb * mib, 'B');
    if (state !== null && state !== 3) {
      findings.push({
        status: 'critical',
        message: `virtual drive ${name} is ${vdStates[state] ?? `in state ${state}`}`,
        reading,
      });
    }
  }
}

/**
 * A server with an LSI/Broadcom MegaRAID controller. The LSI agent plugs into the host's own
 * agent, so `auto` picks this profile for the host: it reads everything the workstation profile
 * does as well, and choosing it loses nothing.
 */
export const megaraidProfile: Profile = {
  name: 'megaraid',
  description:
    'Server with an LSI/Broadcom MegaRAID controller: drive and virtual drive state, drive errors, plus the workstation readings',
  detectOids: [mibVersion],
  matches: (sysObjectID) => sysObjectID.startsWith(`${lsi}.`),
  thresholds: [
    ...workstationProfile.thresholds,
    {
      prefix: 'disk.temperature_c',
      warning: 55,
      critical: 65,
      describe: (n, v) => `drive ${instanceOf(n)} at ${v} °C`,
    },
  ],
  judged: [
    ...(workstationProfile.judged ?? []),
    'disk.state',
    'disk.predictive_failures',
    'raid.status',
  ],
  async collect(context) {
    const collected = await workstationProfile.collect(context);
    await collectController(context, collected);
    return collected;
  },
};
