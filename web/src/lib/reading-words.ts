// Some readings are codes. These are the words for the codes whose meaning does not depend on the
// vendor (IF-MIB), or whose vendor the check's facts name (the SNMP profile that read them).
import { diskHealth, diskStatus, raidStatus } from '../../../probes/profiles/synology-codes.ts';

const ifOperStatus: Record<number, string> = {
  1: 'up',
  2: 'down',
  3: 'testing',
  4: 'unknown',
  5: 'dormant',
  6: 'not present',
  7: 'lower layer down',
};

const okFailed: Record<number, string> = { 1: 'normal', 2: 'failed' };

const byProfile: Record<string, Record<string, Record<number, string>>> = {
  synology: {
    'system.status': okFailed,
    'power.status': okFailed,
    'fan.system_status': okFailed,
    'fan.cpu_status': okFailed,
    'disk.status': diskStatus,
    'disk.health': diskHealth,
    'raid.status': raidStatus,
  },
};

const everywhere: Record<string, Record<number, string>> = {
  'if.oper_status': ifOperStatus,
  'videohub.connected': { 0: 'no', 1: 'yes' },
  'videohub.device_present': { 0: 'no', 1: 'yes' },
};

/** The word for a coded reading ("degraded"), or null to show the number. */
export function readingWord(
  base: string,
  value: number,
  profile: string | undefined,
): string | null {
  const table = everywhere[base] ?? (profile ? byProfile[profile]?.[base] : undefined);
  return table?.[value] ?? null;
}
