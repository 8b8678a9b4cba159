import { statuses, type Status } from '../../db/schema/index.ts';
import type { Health } from '../../events.ts';

export const severity = (status: Status) => statuses.indexOf(status);

interface CheckState {
  lastStatus: Status | null;
  lastMessage: string;
}

/** A device is as bad as its worst enabled check that has run. */
export function deviceStatus(checks: CheckState[]): { status: Status; message: string } {
  const ran = checks.filter((c): c is CheckState & { lastStatus: Status } => c.lastStatus !== null);
  if (checks.length === 0) return { status: 'unknown', message: 'no checks configured' };
  if (ran.length === 0) return { status: 'unknown', message: 'waiting for the first check result' };
  const worst = ran.reduce((a, b) => (severity(b.lastStatus) > severity(a.lastStatus) ? b : a));
  return { status: worst.lastStatus, message: worst.lastMessage };
}

export interface MemberState {
  /** A router output of the suite's reference routing, rather than a device of the suite. */
  route?: boolean;
  id: string;
  name: string;
  status: Status;
  statusMessage: string;
  statusChangedAt: Date;
}

/**
 * A suite is as healthy as its worst device, and names it. Among equally bad devices the one bad
 * for longest is named, since it is the likelier cause.
 */
export function suiteHealth(members: MemberState[]): Health {
  if (members.length === 0) {
    return {
      status: 'unknown',
      deviceId: null,
      deviceName: null,
      message: 'no devices in this suite',
    };
  }
  const worst = members.reduce((a, b) => {
    const diff = severity(b.status) - severity(a.status);
    if (diff !== 0) return diff > 0 ? b : a;
    return b.statusChangedAt < a.statusChangedAt ? b : a;
  });
  if (worst.status === 'ok') {
    return {
      status: 'ok',
      deviceId: null,
      deviceName: null,
      message: okMessage(members),
    };
  }
  return {
    status: worst.status,
    deviceId: worst.id,
    deviceName: worst.name,
    message: worst.statusMessage,
  };
}

function okMessage(members: MemberState[]): string {
  const routes = members.filter((m) => m.route).length;
  const devices = members.length - routes;
  const parts = [`${devices} ${devices === 1 ? 'device' : 'devices'}`];
  if (routes > 0) parts.push(`${routes} ${routes === 1 ? 'route' : 'routes'}`);
  return `all ${parts.join(' and ')} ok`;
}
