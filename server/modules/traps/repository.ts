import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { devices, trapEvents } from '../../db/schema/index.ts';

export type TrapRow = typeof trapEvents.$inferSelect;

/** Traps are matched to devices by the address they came from. */
export async function deviceIdByHost(db: Db, host: string): Promise<string | null> {
  const [row] = await db
    .select({ id: devices.id })
    .from(devices)
    .where(eq(devices.host, host))
    .limit(1);
  return row?.id ?? null;
}

export async function insertTrap(db: Db, values: typeof trapEvents.$inferInsert): Promise<TrapRow> {
  const [row] = await db.insert(trapEvents).values(values).returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

export function listTraps(db: Db, filter: { deviceId?: string; beforeId?: number; limit: number }) {
  const where: SQL[] = [];
  if (filter.deviceId) where.push(eq(trapEvents.deviceId, filter.deviceId));
  if (filter.beforeId) where.push(lt(trapEvents.id, filter.beforeId));
  return db
    .select()
    .from(trapEvents)
    .where(and(...where))
    .orderBy(desc(trapEvents.id))
    .limit(filter.limit);
}
