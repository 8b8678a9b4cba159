import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { checks, devices, statusEvents, suiteDevices, type Status } from '../../db/schema/index.ts';

export function lockDevices(db: Db, ids: string[]) {
  return db
    .select({ id: devices.id, status: devices.status, statusMessage: devices.statusMessage })
    .from(devices)
    .where(inArray(devices.id, ids))
    .for('update');
}

export function enabledCheckStates(db: Db, deviceIds: string[]) {
  return db
    .select({
      deviceId: checks.deviceId,
      lastStatus: checks.lastStatus,
      lastMessage: checks.lastMessage,
    })
    .from(checks)
    .where(and(inArray(checks.deviceId, deviceIds), eq(checks.enabled, true)));
}

export async function setDeviceStatus(
  db: Db,
  change: { deviceId: string; from: Status; to: Status; message: string; at: Date },
) {
  await db
    .update(devices)
    .set({
      status: change.to,
      statusMessage: change.message,
      ...(change.from !== change.to ? { statusChangedAt: change.at } : {}),
    })
    .where(eq(devices.id, change.deviceId));
  if (change.from !== change.to) {
    await db.insert(statusEvents).values({
      deviceId: change.deviceId,
      fromStatus: change.from,
      toStatus: change.to,
      message: change.message,
      at: change.at,
    });
  }
}

export async function suiteIdsOfDevices(db: Db, deviceIds: string[]): Promise<string[]> {
  if (deviceIds.length === 0) return [];
  const rows = await db
    .selectDistinct({ suiteId: suiteDevices.suiteId })
    .from(suiteDevices)
    .where(inArray(suiteDevices.deviceId, deviceIds));
  return rows.map((r) => r.suiteId);
}

export function membersOfSuites(db: Db, suiteIds: string[]) {
  return db
    .select({
      suiteId: suiteDevices.suiteId,
      id: devices.id,
      name: devices.name,
      status: devices.status,
      statusMessage: devices.statusMessage,
      statusChangedAt: devices.statusChangedAt,
    })
    .from(suiteDevices)
    .innerJoin(devices, eq(devices.id, suiteDevices.deviceId))
    .where(inArray(suiteDevices.suiteId, suiteIds));
}
