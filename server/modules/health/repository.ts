import { and, eq, inArray, sql } from 'drizzle-orm';
import { query, type Db } from '../../db/client.ts';
import type { RootCause } from '../../live-events.ts';
import {
  checks,
  devices,
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
  return [...devicesOf, ...routesOf.map(routeMember)];
}

interface RouteRow extends Record<string, unknown> {
  suite_id: string;
  router_id: string;
  router_name: string;
  changed_at: Date | string;
  output: number;
  input: number;
  label: string;
  check_id: string | null;
  last_run_at: Date | string | null;
  last_message: string | null;
  actual: number | null;
  read_at: Date | string | null;
}

/**
 * A route is judged by comparing the router's last reading with the expected input (not by the
 * reading's stored status, which predates an edit of the routing). A reading older than the
 * router check's last run means the router did not answer: the route is unverified, not ok.
 */
function routeMember(r: RouteRow) {
  const where = `${r.router_name} output ${r.output}${r.label ? ` (${r.label})` : ''}`;
  const base = {
    route: true,
    suiteId: r.suite_id,
    id: r.router_id,
    name: r.router_name,
    statusChangedAt: new Date(r.changed_at),
  };
  const unknown = (message: string) => ({
    ...base,
    status: 'unknown' as const,
    statusMessage: message,
  });
  if (!r.check_id) return unknown(`${where}: no enabled Videohub check on ${r.router_name}`);
  if (!r.last_run_at) return unknown(`${where}: waiting for the first look at the router`);
  if (r.actual === null || !r.read_at || new Date(r.read_at) < new Date(r.last_run_at))
    return unknown(`${where} unverified: ${r.last_message || 'no reading for this output'}`);
  if (Number(r.actual) !== r.input) {
    return {
      ...base,
      status: 'critical' as const,
      statusMessage: `${where} shows input ${Number(r.actual)}, expected input ${r.input}`,
    };
  }
  return { ...base, status: 'ok' as const, statusMessage: '' };
}

function routeMembers(db: Db, suiteIds: string[]) {
  // The router's newest-run enabled Videohub check speaks for it, should it have two.
  return query<RouteRow>(
    db,
    sql`
    select sr.suite_id, sr.router_id, d.name as router_name, d.status_changed_at as changed_at,
      sr.output, sr.input, sr.label, c.id as check_id, c.last_run_at, c.last_message,
      rl.value as actual, rl.at as read_at
    from suite_routes sr
    join devices d on d.id = sr.router_id
    left join lateral (
      select id, last_run_at, last_message from checks
      where device_id = sr.router_id and kind = 'videohub' and enabled
      order by last_run_at desc nulls last limit 1
    ) c on true
    left join readings_latest rl
      on rl.check_id = c.id and rl.name = 'videohub.route[' || sr.output || ']'
    where sr.suite_id = any(${sql.param(suiteIds)}::uuid[])`,
  );
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

/**
 * For each device, the worst root fault on another device that one of its open faults is folded
 * under (its parent switch unreachable, its storage down).
 */
export async function rootCausesOf(db: Db, deviceIds: string[]): Promise<Map<string, RootCause>> {
  const result = new Map<string, RootCause>();
  if (deviceIds.length === 0) return result;
  const rows = await query<{
    device_id: string;
    fault_id: string;
    root_device_id: string;
    root_device_name: string;
    condition: string;
    message: string;
  }>(
    db,
    sql`select f.device_id, r.id as fault_id, r.device_id as root_device_id,
        d.name as root_device_name, r.condition, r.message
      from faults f
      join faults r on r.id = f.suppressed_by
      join devices d on d.id = r.device_id
      where f.state = 'open' and r.state = 'open' and r.device_id <> f.device_id
        and f.device_id in (${sql.join(
          deviceIds.map((id) => sql`${id}::uuid`),
          sql`, `,
        )})
      order by case r.severity when 'critical' then 0 when 'major' then 1 when 'minor' then 2 else 3 end,
        r.opened_at`,
  );
  for (const row of rows) {
    if (result.has(row.device_id)) continue;
    result.set(row.device_id, {
      faultId: row.fault_id,
      deviceId: row.root_device_id,
      deviceName: row.root_device_name,
      condition: row.condition,
      message: row.message,
    });
  }
  return result;
}
