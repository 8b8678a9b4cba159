import type { Reading } from '../types.ts';
import { num } from './interfaces.ts';
import { collectSystem, systemJudged } from './system.ts';
import type { Finding, Profile } from './types.ts';
import { volumeReadings, volumeThresholds } from './volumes.ts';

const nexis = '1.3.6.1.4.1.526.20';
const oids = {
  directorState: `${nexis}.2.1.0`,
  redistributing: `${nexis}.2.4.0`,
  throughputTotal: `${nexis}.3.1.0`,
  throughputRead: `${nexis}.3.2.0`,
  throughputWrite: `${nexis}.3.3.0`,
  clients: `${nexis}.3.6.0`,
  clientsMax: `${nexis}.3.7.0`,
  diskMaxUsedPct: `${nexis}.4.1.0`,
  totalMb: `${nexis}.4.2.0`,
  allocatedMb: `${nexis}.4.3.0`,
  usedMb: `${nexis}.4.4.0`,
};
const directorStates: Record<number, string> = {
  0: 'online',
  1: 'offline',
  2: 'standby',
  3: 'unknown',
};
const mb = 1_000_000;

/** Every suite's media lives here: an offline System Director is a facility-wide outage. */
export const nexisProfile: Profile = {
  name: 'nexis',
  description:
    'Avid NEXIS / ISIS shared storage: System Director state, capacity, throughput, clients',
  detectOids: [oids.directorState],
  matches: (sysObjectID) => sysObjectID.startsWith('1.3.6.1.4.1.526.'),
  thresholds: [
    ...volumeThresholds,
    {
      prefix: 'nexis.disk_max_used_pct',
      warning: 90,
      critical: 97,
      describe: (_n, v) => `fullest disk at ${v}%`,
    },
  ],
  judged: [...systemJudged, 'nexis.director_state'],
  async collect(context) {
    const system = await collectSystem(context);
    const readings: Reading[] = [...system.readings];
    const findings: Finding[] = [...system.findings];
    const values = await context.session.get(Object.values(oids));
    const add = (name: string, value: number | null, unit = '') => {
      if (value !== null) readings.push({ name, value, unit });
    };
    const state = num(values.get(oids.directorState));
    add('nexis.director_state', state);
    const reading = 'nexis.director_state';
    if (state === 1) {
      findings.push({ status: 'critical', message: 'NEXIS System Director is offline', reading });
    } else if (state !== null && state !== 0) {
      findings.push({
        status: 'warning',
        message: `NEXIS System Director is ${directorStates[state] ?? `in state ${state}`}`,
        reading,
      });
    }
    add('nexis.redistributing_workspaces', num(values.get(oids.redistributing)));
    add('nexis.throughput_mbps', num(values.get(oids.throughputTotal)), 'MB/s');
    add('nexis.read_mbps', num(values.get(oids.throughputRead)), 'MB/s');
    add('nexis.write_mbps', num(values.get(oids.throughputWrite)), 'MB/s');
    add('nexis.clients', num(values.get(oids.clients)));
    add('nexis.clients_max', num(values.get(oids.clientsMax)));
    add('nexis.disk_max_used_pct', num(values.get(oids.diskMaxUsedPct)), '%');
    const total = num(values.get(oids.totalMb));
    const used = num(values.get(oids.usedMb));
    if (total && used !== null) {
      readings.push(
        ...volumeReadings(context, [
          { name: 'NEXIS', usedBytes: used * mb, sizeBytes: total * mb },
        ]),
      );
    }
    const allocated = num(values.get(oids.allocatedMb));
    if (allocated !== null) add('nexis.allocated_bytes', allocated * mb, 'B');
    return { readings, findings };
  },
};
