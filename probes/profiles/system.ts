import type { Collected, Profile, ProfileContext } from './types.ts';

export const oids = {
  sysDescr: '1.3.6.1.2.1.1.1.0',
  sysObjectID: '1.3.6.1.2.1.1.2.0',
  sysUpTime: '1.3.6.1.2.1.1.3.0',
  sysName: '1.3.6.1.2.1.1.5.0',
};

const wrapTicks = 2 ** 32;
const dayTicks = 8_640_000;

/**
 * sysUpTime going down means the agent restarted, unless it wrapped: TimeTicks is 32 bits and
 * wraps after 497 days, so a fall from the last day before the wrap into the first day after it
 * is the clock, not a reboot.
 */
export function rebooted(previousTicks: number, ticks: number): boolean {
  if (ticks >= previousTicks) return false;
  return !(previousTicks > wrapTicks - dayTicks && ticks < dayTicks);
}

/**
 * What every agent answers: uptime, and a reboot seen as sysUpTime going down between polls.
 * The reboot is a warning for the one poll that sees it.
 */
export async function collectSystem({
  session,
  state,
}: ProfileContext): Promise<Collected & { uptimeTicks: number | null }> {
  const values = await session.get([oids.sysUpTime]);
  const ticks = values.get(oids.sysUpTime);
  const uptimeTicks = typeof ticks === 'number' ? ticks : null;
  const result: Collected & { uptimeTicks: number | null } = {
    readings: [],
    findings: [],
    uptimeTicks,
  };
  if (uptimeTicks === null) return result;
  result.readings.push({ name: 'uptime_s', value: Math.floor(uptimeTicks / 100), unit: 's' });
  const previous = state.get('uptimeTicks');
  if (typeof previous === 'number' && rebooted(previous, uptimeTicks)) {
    result.findings.push({
      status: 'warning',
      message: `restarted ${Math.round(uptimeTicks / 6000)} min ago (uptime went down)`,
      reading: 'uptime_s',
    });
  }
  state.set('uptimeTicks', uptimeTicks);
  return result;
}

/** Readings collectSystem judges, for every profile that calls it. */
export const systemJudged = ['uptime_s'];

export const systemProfile: Profile = {
  name: 'system',
  description: 'Any SNMP agent: reachability, uptime and reboots',
  matches: () => true,
  thresholds: [],
  judged: systemJudged,
  collect: collectSystem,
};
