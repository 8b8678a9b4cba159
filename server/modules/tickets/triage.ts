import type { Triage } from '../../db/schema/index.ts';
import { levels, type Level, type Priority } from '../../domain.ts';
import type { HelpdeskConfig } from './settings.ts';

/** A device a ticket names, with the suites it sits in and the suites that depend on it. */
export interface DeviceScope {
  id: string;
  name: string;
  /** Suites the device is a member of. */
  suiteIds: string[];
  /** Suites with a device that depends on this one (parent or declared dependency, followed down). */
  servedSuiteIds: string[];
}

export interface Scope {
  devices: DeviceScope[];
  /** Suites named on the ticket itself. */
  suiteIds: string[];
  suiteNames: Map<string, string>;
}

export interface BookingFact {
  suiteId: string;
  client: string;
  startsAt: Date;
  endsAt: Date;
  /** The suite's local zone, for saying "until 18:00". */
  timezone: string;
}

export interface Judgement {
  level: Level;
  reason: string;
}

const rank = (level: Level) => levels.indexOf(level);
/** The more severe of two levels: high beats medium beats low. */
export const higher = (a: Level, b: Level): Level => (rank(a) <= rank(b) ? a : b);

const listed = (unsorted: string[]) => {
  const names = [...unsorted].sort((a, b) => a.localeCompare(b));
  return names.length <= 3
    ? names.join(', ')
    : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;
};

/** Every suite the ticket touches: named, holding a named device, or served by one. */
export function suitesInScope(scope: Scope): string[] {
  const ids = new Set(scope.suiteIds);
  for (const d of scope.devices) for (const id of [...d.suiteIds, ...d.servedSuiteIds]) ids.add(id);
  return [...ids];
}

/**
 * Impact from what the named devices reach: shared infrastructure that many suites depend on is
 * high; a whole suite (a device its suite's others depend on) or several suites is medium; one
 * device in one suite, or a suite named without a device, is low.
 */
export function deriveImpact(scope: Scope, sharedSuites: number): Judgement {
  const name = (id: string) => scope.suiteNames.get(id) ?? 'a suite';
  const shared = scope.devices
    .filter((d) => d.servedSuiteIds.length >= sharedSuites)
    .sort((a, b) => b.servedSuiteIds.length - a.servedSuiteIds.length);
  const top = shared[0];
  if (top)
    return {
      level: 'high',
      reason: `shared infrastructure: ${top.servedSuiteIds.length} suites depend on ${top.name} (${listed(top.servedSuiteIds.map(name))})`,
    };
  const all = suitesInScope(scope);
  if (all.length >= 2)
    return { level: 'medium', reason: `several suites: ${listed(all.map(name))}` };
  const whole = scope.devices.find((d) => d.servedSuiteIds.length === 1);
  if (whole)
    return {
      level: 'medium',
      reason: `a whole suite: ${name(whole.servedSuiteIds[0] ?? '')} depends on ${whole.name}`,
    };
  const device = scope.devices[0];
  if (device)
    return {
      level: 'low',
      reason:
        scope.devices.length === 1
          ? `one device: ${device.name}${all[0] ? ` in ${name(all[0])}` : ''}`
          : `${scope.devices.length} devices in ${all[0] ? name(all[0]) : 'no suite'}`,
    };
  if (all[0]) return { level: 'low', reason: `${name(all[0])}, no device named` };
  return { level: 'low', reason: 'no suite or device named' };
}

function clock(at: Date, timezone: string): string {
  try {
    return at.toLocaleTimeString('en-GB', {
      hour: '2-digit',
      minute: '2-digit',
      timeZone: timezone,
    });
  } catch {
    return at.toISOString().slice(11, 16);
  }
}

/**
 * Urgency from who is in the chair: a session running now in an affected suite is high, one
 * starting within the window is medium, none is low.
 */
export function deriveUrgency(
  bookings: BookingFact[],
  suiteIds: string[],
  suiteNames: Map<string, string>,
  now: Date,
  windowHours: number,
): Judgement {
  const mine = bookings
    .filter((b) => suiteIds.includes(b.suiteId) && b.endsAt > now)
    .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  const name = (b: BookingFact) => suiteNames.get(b.suiteId) ?? 'a suite';
  const running = mine.find((b) => b.startsAt <= now);
  if (running)
    return {
      level: 'high',
      reason: `in session: ${running.client} in ${name(running)} until ${clock(running.endsAt, running.timezone)}`,
    };
  const horizon = now.getTime() + windowHours * 3_600_000;
  const next = mine.find((b) => b.startsAt.getTime() <= horizon);
  if (next) {
    const minutes = Math.round((next.startsAt.getTime() - now.getTime()) / 60_000);
    const inWords = minutes < 60 ? `${minutes} min` : `${(minutes / 60).toFixed(1)} h`;
    return {
      level: 'medium',
      reason: `${next.client} in ${name(next)} starts at ${clock(next.startsAt, next.timezone)} (in ${inWords})`,
    };
  }
  if (suiteIds.length === 0) return { level: 'low', reason: 'no suite affected' };
  return { level: 'low', reason: `no session booked in the next ${windowHours} h` };
}

export const priorityOf = (config: Pick<HelpdeskConfig, 'matrix'>, impact: Level, urgency: Level) =>
  config.matrix[impact][urgency];

/** The values in force: an engineer's override, else the derivation (urgency raised by the reporter's proposal). */
export function effective(
  triage: Triage,
  config: Pick<HelpdeskConfig, 'matrix'>,
): { impact: Level; urgency: Level; priority: Priority } {
  const o = triage.overrides;
  const impact = (o.impact?.value as Level | undefined) ?? triage.derived.impact;
  const urgency =
    (o.urgency?.value as Level | undefined) ??
    (triage.proposedUrgency
      ? higher(triage.derived.urgency, triage.proposedUrgency)
      : triage.derived.urgency);
  const priority =
    (o.priority?.value as Priority | undefined) ?? priorityOf(config, impact, urgency);
  return { impact, urgency, priority };
}

/** A fresh derivation that keeps the engineer's overrides and the reporter's proposal. */
export function derive(
  config: HelpdeskConfig,
  scope: Scope,
  bookings: BookingFact[],
  now: Date,
  previous?: Pick<Triage, 'overrides' | 'proposedUrgency'>,
): Triage {
  const impact = deriveImpact(scope, config.sharedSuites);
  const urgency = deriveUrgency(
    bookings,
    suitesInScope(scope),
    scope.suiteNames,
    now,
    config.urgencyWindowHours,
  );
  return {
    derived: {
      impact: impact.level,
      urgency: urgency.level,
      priority: priorityOf(config, impact.level, urgency.level),
    },
    reasons: { impact: impact.reason, urgency: urgency.reason },
    proposedUrgency: previous?.proposedUrgency ?? null,
    overrides: previous?.overrides ?? {},
  };
}
