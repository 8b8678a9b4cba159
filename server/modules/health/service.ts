import type { Db } from '../../db/client.ts';
import type { Status } from '../../db/schema/index.ts';
import type { EventBus, Health } from '../../events.ts';
import * as repo from './repository.ts';
import { deviceStatus, suiteHealth } from './rules.ts';

export interface StatusChange {
  deviceId: string;
  from: Status;
  to: Status;
  message: string;
  at: Date;
}

/**
 * Re-derives each device's status from its checks inside the caller's transaction and writes
 * what changed (status or message). Returns the changes so the caller can publish them after
 * commit.
 */
export async function recomputeDevices(
  db: Db,
  deviceIds: string[],
  at = new Date(),
): Promise<StatusChange[]> {
  if (deviceIds.length === 0) return [];
  const current = await repo.lockDevices(db, deviceIds);
  const states = await repo.enabledCheckStates(db, deviceIds);
  const changes: StatusChange[] = [];
  for (const device of current) {
    const next = deviceStatus(states.filter((s) => s.deviceId === device.id));
    if (next.status === device.status && next.message === device.statusMessage) continue;
    const change = {
      deviceId: device.id,
      from: device.status,
      to: next.status,
      message: next.message,
      at,
    };
    await repo.setDeviceStatus(db, change);
    // A new reason with the same status is news too: the wall names the reason.
    changes.push(change);
  }
  return changes;
}

export async function healthOfSuites(db: Db, suiteIds: string[]): Promise<Map<string, Health>> {
  const result = new Map<string, Health>();
  if (suiteIds.length === 0) return result;
  const members = await repo.membersOfSuites(db, suiteIds);
  for (const suiteId of suiteIds) {
    result.set(suiteId, suiteHealth(members.filter((m) => m.suiteId === suiteId)));
  }
  // A workstation down because its switch is: the wall names the switch, not the workstation.
  const named = [...result.values()].flatMap((h) =>
    h.status !== 'ok' && h.deviceId ? [h.deviceId] : [],
  );
  const roots = await repo.rootCausesOf(db, named);
  for (const health of result.values()) {
    const root = health.deviceId ? roots.get(health.deviceId) : undefined;
    if (root) health.rootCause = root;
  }
  return result;
}

/** Publishes committed status changes and the health of every suite they touch. */
export async function publishStatusChanges(
  db: Db,
  bus: EventBus,
  changes: StatusChange[],
  alsoSuites: string[] = [],
): Promise<void> {
  for (const c of changes) {
    bus.publish({
      type: 'device.status',
      deviceId: c.deviceId,
      status: c.to,
      message: c.message,
      at: c.at.toISOString(),
    });
  }
  const suiteIds = new Set([
    ...alsoSuites,
    ...(await repo.suiteIdsOfDevices(
      db,
      changes.map((c) => c.deviceId),
    )),
  ]);
  const healths = await healthOfSuites(db, [...suiteIds]);
  for (const [suiteId, health] of healths) bus.publish({ type: 'suite.health', suiteId, health });
}
