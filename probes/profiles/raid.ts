import type { SnmpValue } from '../snmp/session.ts';
import type { Finding } from './types.ts';

/**
 * RAID states that agents send as text (QNAP raidStatus, Areca raidState), as the numbers the
 * readings carry: 0 normal, 1 degraded, 2 rebuilding, 3 synchronizing (or checking,
 * initializing), 4 failed, 5 offline, 6 migrating. The QNAP numbers are the ones LibreNMS uses.
 */
const codes: Array<[RegExp, number]> = [
  [/^(ready|normal)/i, 0],
  [/^degraded/i, 1],
  [/^rebuild/i, 2],
  [/^(sync|check|init)/i, 3],
  [/^fail/i, 4],
  [/^offline/i, 5],
  [/^migrat/i, 6],
];
const words = [
  'normal',
  'degraded',
  'rebuilding',
  'synchronizing',
  'failed',
  'offline',
  'migrating',
];

/** The state's number; an agent that already sends a number is taken at its word. */
export function raidCode(value: SnmpValue | undefined): number | null {
  if (typeof value === 'number') return value;
  const word = String(value ?? '').trim();
  return codes.find(([pattern]) => pattern.test(word))?.[1] ?? null;
}

/**
 * Degraded, rebuilding, failed or offline is critical: the array has no redundancy left (a
 * rebuild reads every disk, the likeliest moment for a second one to go), or no data at all.
 * Background work (synchronizing, migrating) and states we do not know are warnings.
 */
export function textRaidFinding(
  label: string,
  value: SnmpValue | undefined,
  reading: string,
): Finding | null {
  const code = raidCode(value);
  if (code === 0) return null;
  if (code === null) {
    const raw = String(value ?? '').trim() || 'in an unknown state';
    return { status: 'warning', message: `RAID ${label} is ${raw}`, reading };
  }
  const message = `RAID ${label} is ${words[code] ?? `in state ${code}`}`;
  return { status: code === 3 || code === 6 ? 'warning' : 'critical', message, reading };
}
