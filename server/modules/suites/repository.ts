import { asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { devices, suiteDevices, suites } from '../../db/schema/index.ts';

export type SuiteRow = typeof suites.$inferSelect;
export type SuiteValues = Partial<Pick<SuiteRow, 'name' | 'roomId' | 'kind' | 'notes'>>;

export const listSuites = (db: Db, roomId?: string) =>
  db
    .select()
    .from(suites)
    .where(roomId ? eq(suites.roomId, roomId) : undefined)
    .orderBy(asc(suites.name));

export async function getSuite(db: Db, id: string) {
  const [row] = await db.select().from(suites).where(eq(suites.id, id));
  return row;
}

export async function insertSuite(db: Db, values: SuiteValues & { name: string }) {
  const [row] = await db.insert(suites).values(values).returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

export async function updateSuite(db: Db, id: string, values: SuiteValues) {
  const [row] = await db
    .update(suites)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(suites.id, id))
    .returning();
  return row;
}

export async function deleteSuite(db: Db, id: string) {
  await db.delete(suites).where(eq(suites.id, id));
}

export async function deviceIdsBySuite(db: Db, suiteIds: string[]): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>(suiteIds.map((id) => [id, []]));
  if (suiteIds.length === 0) return map;
  const rows = await db
    .select({ suiteId: suiteDevices.suiteId, deviceId: suiteDevices.deviceId })
    .from(suiteDevices)
    .innerJoin(devices, eq(devices.id, suiteDevices.deviceId))
    .where(inArray(suiteDevices.suiteId, suiteIds))
    .orderBy(asc(devices.name));
  for (const row of rows) map.get(row.suiteId)?.push(row.deviceId);
  return map;
}

export async function replaceSuiteDevices(db: Db, suiteId: string, deviceIds: string[]) {
  await db.delete(suiteDevices).where(eq(suiteDevices.suiteId, suiteId));
  if (deviceIds.length > 0) {
    await db
      .insert(suiteDevices)
      .values(deviceIds.map((deviceId) => ({ suiteId, deviceId })))
      .onConflictDoNothing();
  }
}

export async function existingDeviceIds(db: Db, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.select({ id: devices.id }).from(devices).where(inArray(devices.id, ids));
  return new Set(rows.map((r) => r.id));
}
