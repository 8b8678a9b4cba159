import { counterRate, type CounterSample } from '../snmp/rates.ts';
import type { SnmpVarbind } from '../snmp/session.ts';
import { instanceOf } from './rules.ts';
import { instanceName, type Collected, type ProfileContext, type Threshold } from './types.ts';

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

export const unsigned = (value: SnmpVarbind['value'] | undefined): number | null =>
  typeof value === 'number' ? value >>> 0 : null;

export const num = (value: SnmpVarbind['value'] | undefined): number | null =>
  typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : null;

/** Readings collectInterfaces judges itself (a port down), for every profile that calls it. */
export const portJudged = ['if.oper_status'];

/** Error-rate limits shared by every profile that reads ports. */
export const portThresholds: Threshold[] = [
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
];

/**
 * Network interfaces. Only a port that is administratively up and operationally down alarms;
 * traffic and error counters become rates that survive wraps and agent restarts.
 */
export async function collectInterfaces(
  context: ProfileContext,
  uptimeTicks: number | null,
  collected: Collected,
  options: { skipVirtual: boolean },
): Promise<void> {
  const { session, state, nowMs } = context;
  const columns = [2, 7, 8, 14, 20].map((c) => `${ifTable}.${c}`);
  const extra = [6, 10, 15, 18].map((c) => `${ifXTable}.${c}`);
  const rows = await session.walkColumns([...columns, ...extra]);
  const base = byIndex(rows, ifTable);
  const hc = byIndex(rows, ifXTable);
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
    if (options.skipVirtual && virtualPort.test(name)) continue;
    seen.add(index);
    const oper = num(row.get(8));
    if (oper !== null) {
      const reading = instanceName('if.oper_status', name);
      collected.readings.push({ name: reading, value: oper, unit: '' });
      if (linkDown.has(oper) && !loopbackPort.test(name)) {
        // ifAlias is the port's description, which on a switch says what is plugged in.
        const alias = String(hc.get(index)?.get(18) ?? '');
        const label = alias ? `${name} (${alias})` : name;
        collected.findings.push({
          status: 'critical',
          message: `${label} is down (admin up)`,
          reading,
        });
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
