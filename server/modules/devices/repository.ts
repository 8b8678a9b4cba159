import { and, asc, eq, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import { query, type Db } from '../../db/client.ts';
import {
  checks,
  devices,
  readingsLatest,
  suiteDevices,
  suites,
  type DeviceKind,
  type Status,
} from '../../db/schema/index.ts';

export type DeviceRow = typeof devices.$inferSelect;
export type DeviceValues = Partial<
  Pick<DeviceRow, 'name' | 'kind' | 'host' | 'location' | 'rack' | 'serial' | 'notes' | 'parentId'>
>;

export function listDevices(
  db: Db,
  filter: { suiteId?: string; kind?: DeviceKind; status?: Status; q?: string },
) {
  const where: SQL[] = [];
  if (filter.kind) where.push(eq(devices.kind, filter.kind));
  if (filter.status) where.push(eq(devices.status, filter.status));
  if (filter.q) {
    const pattern = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(
      or(
        ilike(devices.name, pattern),
        ilike(devices.host, pattern),
        ilike(devices.serial, pattern),
      )!,
    );
  }
  if (filter.suiteId) {
    where.push(
      inArray(
        devices.id,
        db
          .select({ id: suiteDevices.deviceId })
          .from(suiteDevices)
          .where(eq(suiteDevices.suiteId, filter.suiteId)),
      ),
    );
  }
  return db
    .select()
    .from(devices)
    .where(and(...where))
    .orderBy(asc(devices.name));
}

export async function getDevice(db: Db, id: string) {
  const [row] = await db.select().from(devices).where(eq(devices.id, id));
  return row;
}

export async function parentOf(db: Db, id: string): Promise<string | null | undefined> {
  const [row] = await db
    .select({ parentId: devices.parentId })
    .from(devices)
    .where(eq(devices.id, id));
  return row ? row.parentId : undefined;
}

export async function insertDevice(
  db: Db,
  values: DeviceValues & { name: string; kind: DeviceKind },
) {
  const [row] = await db.insert(devices).values(values).returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

export async function updateDevice(db: Db, id: string, values: DeviceValues) {
  const [row] = await db
    .update(devices)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(devices.id, id))
    .returning();
  return row;
}

export async function deleteDevice(db: Db, id: string) {
  await db.delete(devices).where(eq(devices.id, id));
}

export async function suiteIdsByDevice(
  db: Db,
  deviceIds: string[],
): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>(deviceIds.map((id) => [id, []]));
  if (deviceIds.length === 0) return map;
  const rows = await db
    .select({ suiteId: suiteDevices.suiteId, deviceId: suiteDevices.deviceId })
    .from(suiteDevices)
    .innerJoin(suites, eq(suites.id, suiteDevices.suiteId))
    .where(inArray(suiteDevices.deviceId, deviceIds))
    .orderBy(asc(suites.name));
  for (const row of rows) map.get(row.deviceId)?.push(row.suiteId);
  return map;
}

export async function replaceDeviceSuites(db: Db, deviceId: string, suiteIds: string[]) {
  await db.delete(suiteDevices).where(eq(suiteDevices.deviceId, deviceId));
  if (suiteIds.length > 0) {
    await db
      .insert(suiteDevices)
      .values(suiteIds.map((suiteId) => ({ suiteId, deviceId })))
      .onConflictDoNothing();
  }
}

export async function existingSuiteIds(db: Db, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.select({ id: suites.id }).from(suites).where(inArray(suites.id, ids));
  return new Set(rows.map((r) => r.id));
}

/** Ordered by the check's age, so that a second check's duplicate names keep a stable suffix. */
export function latestReadings(db: Db, deviceId: string) {
  return db
    .select({
      name: readingsLatest.name,
      value: readingsLatest.value,
      unit: readingsLatest.unit,
      at: readingsLatest.at,
      checkId: readingsLatest.checkId,
      status: readingsLatest.status,
    })
    .from(readingsLatest)
    .innerJoin(checks, eq(checks.id, readingsLatest.checkId))
    .where(eq(readingsLatest.deviceId, deviceId))
    .orderBy(asc(checks.createdAt), asc(checks.id), asc(readingsLatest.name));
}

export interface HistoryWanted {
  /** The name the dashboard asked for, e.g. `http.latency_ms#2`. */
  key: string;
  /** The stored reading name, e.g. `http.latency_ms`. */
  name: string;
  /** Null: any check of this device (its check was deleted; history outlives it). */
  checkId: string | null;
}

/**
 * The average of each reading per time bucket, oldest first. One statement for all names, so a
 * group of 20 sparklines costs one round trip; the (device_id, name, at) index keeps it to the
 * rows asked for even over a month of partitions.
 */
export function readingHistory(
  db: Db,
  deviceId: string,
  wanted: HistoryWanted[],
  since: Date,
  bucketS: number,
) {
  return query<{ key: string; t: number; value: number }>(
    db,
    sql`
      select u.key as key,
        (extract(epoch from date_bin(make_interval(secs => ${bucketS}), r.at,
          '1970-01-01T00:00:00Z'::timestamptz)) * 1000)::float8 as t,
        avg(r.value)::float8 as value
      from unnest(${sql.param(wanted.map((w) => w.key))}::text[],
        ${sql.param(wanted.map((w) => w.name))}::text[],
        ${sql.param(wanted.map((w) => w.checkId ?? ''))}::text[]) as u(key, name, check_id)
      join readings r on r.device_id = ${deviceId}::uuid and r.name = u.name
        and (u.check_id = '' or r.check_id = nullif(u.check_id, '')::uuid)
        and r.at >= ${since.toISOString()}::timestamptz
      group by u.key, t
      order by u.key, t`,
  );
}
