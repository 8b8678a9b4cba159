import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import {
  checks,
  devices,
  readingsLatest,
  statusEvents,
  suiteDevices,
  suiteRoutes,
  type Status,
} from '../../db/schema/index.ts';

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

/** Suites holding these devices, or holding reference routes on them (routers). */
export async function suiteIdsOfDevices(db: Db, deviceIds: string[]): Promise<string[]> {
  if (deviceIds.length === 0) return [];
  const [members, routed] = await Promise.all([
    db
      .selectDistinct({ suiteId: suiteDevices.suiteId })
      .from(suiteDevices)
      .where(inArray(suiteDevices.deviceId, deviceIds)),
    db
      .selectDistinct({ suiteId: suiteRoutes.suiteId })
      .from(suiteRoutes)
      .where(inArray(suiteRoutes.routerId, deviceIds)),
  ]);
  return [...new Set([...members, ...routed].map((r) => r.suiteId))];
}

/**
 * What a suite depends on: its devices, and each router output of its reference routing, judged
 * by the router check's reading for that output. A router feeding five suites is not put in any
 * of them: a wrong route on one suite's output must turn that suite red, not all five.
 */
export async function membersOfSuites(db: Db, suiteIds: string[]) {
  const [devicesOf, routesOf] = await Promise.all([
    deviceMembers(db, suiteIds),
    routeMembers(db, suiteIds),
  ]);
  return [
    ...devicesOf,
    ...routesOf.flatMap((r) =>
      r.status === null
        ? []
        : [
            {
              route: true,
              suiteId: r.suiteId,
              id: r.routerId,
              name: r.routerName,
              status: r.status,
              statusMessage:
                r.status === 'ok'
                  ? ''
                  : `${r.routerName} output ${r.output}${r.label ? ` (${r.label})` : ''} shows input ${r.actual}, expected input ${r.input}`,
              statusChangedAt: r.at ?? new Date(0),
            },
          ],
    ),
  ];
}

function routeMembers(db: Db, suiteIds: string[]) {
  return db
    .select({
      suiteId: suiteRoutes.suiteId,
      routerId: suiteRoutes.routerId,
      routerName: devices.name,
      output: suiteRoutes.output,
      input: suiteRoutes.input,
      label: suiteRoutes.label,
      actual: readingsLatest.value,
      status: readingsLatest.status,
      at: readingsLatest.at,
    })
    .from(suiteRoutes)
    .innerJoin(devices, eq(devices.id, suiteRoutes.routerId))
    .leftJoin(
      readingsLatest,
      and(
        eq(readingsLatest.deviceId, suiteRoutes.routerId),
        eq(readingsLatest.name, sql`'videohub.route[' || ${suiteRoutes.output} || ']'`),
      ),
    )
    .where(inArray(suiteRoutes.suiteId, suiteIds));
}

function deviceMembers(db: Db, suiteIds: string[]) {
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
