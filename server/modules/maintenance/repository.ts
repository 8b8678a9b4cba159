import {
  and,
  desc,
  eq,
  getTableColumns,
  inArray,
  isNull,
  lt,
  lte,
  ne,
  or,
  sql,
  type SQL,
} from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import {
  devices,
  maintenanceWindows,
  rooms,
  suiteDevices,
  suites,
  type WindowScope,
} from '../../db/schema/index.ts';

export type WindowRow = typeof maintenanceWindows.$inferSelect;
export type WindowValues = Omit<
  typeof maintenanceWindows.$inferInsert,
  'id' | 'createdAt' | 'updatedAt'
>;

const w = maintenanceWindows;

/**
 * Windows whose last occurrence ends after `at`; the schedule maths decides the rest. A recurring
 * window's last occurrence starts by `until` and lasts its length, so it is over by `until` plus
 * that length.
 */
function lastEndsAfter(at: Date): SQL | undefined {
  const instant = sql`${at.toISOString()}::timestamptz`;
  return or(
    and(eq(w.recurrence, 'none'), sql`${w.endsAt} > ${instant}`),
    and(
      ne(w.recurrence, 'none'),
      or(isNull(w.until), sql`${w.until} + (${w.endsAt} - ${w.startsAt}) > ${instant}`),
    ),
  );
}

/** Windows that may be running at `at`. */
function mayRunAt(at: Date): SQL | undefined {
  return and(lte(w.startsAt, at), lastEndsAfter(at));
}

/** Windows that may have an occurrence overlapping [from, to). */
export function mayRunDuring(from: Date, to: Date): SQL | undefined {
  return and(lt(w.startsAt, to), lastEndsAfter(from));
}

/** Windows matching `where`, each with the name of the device, suite or room it covers. */
export function windowsNamed(db: Db, where: Array<SQL | undefined>) {
  return db
    .select({
      ...getTableColumns(w),
      scopeName: sql<string | null>`coalesce(${devices.name}, ${suites.name}, ${rooms.name})`,
    })
    .from(w)
    .leftJoin(devices, and(eq(w.scope, 'device'), eq(devices.id, w.scopeId)))
    .leftJoin(suites, and(eq(w.scope, 'suite'), eq(suites.id, w.scopeId)))
    .leftJoin(rooms, and(eq(w.scope, 'room'), eq(rooms.id, w.scopeId)))
    .where(and(...where))
    .orderBy(w.startsAt, w.id);
}

export function listWindows(
  db: Db,
  filter: { scope?: WindowScope; scopeId?: string; mayRunAt?: Date },
) {
  const where: Array<SQL | undefined> = [];
  if (filter.scope) where.push(eq(w.scope, filter.scope));
  if (filter.scopeId) where.push(eq(w.scopeId, filter.scopeId));
  if (filter.mayRunAt) where.push(mayRunAt(filter.mayRunAt));
  return db
    .select()
    .from(w)
    .where(and(...where))
    .orderBy(desc(w.startsAt), w.id);
}

export async function getWindow(db: Db, id: string) {
  const [row] = await db.select().from(w).where(eq(w.id, id));
  return row;
}

export async function insertWindow(db: Db, values: WindowValues) {
  const [row] = await db.insert(w).values(values).returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

export async function updateWindow(db: Db, id: string, values: Partial<WindowValues>) {
  const [row] = await db
    .update(w)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(w.id, id))
    .returning();
  return row;
}

export async function deleteWindow(db: Db, id: string) {
  await db.delete(w).where(eq(w.id, id));
}

const scopeTables = { device: devices, suite: suites, room: rooms };

export async function scopeExists(db: Db, scope: WindowScope, id: string): Promise<boolean> {
  const table = scopeTables[scope];
  const [row] = await db.select({ id: table.id }).from(table).where(eq(table.id, id));
  return row !== undefined;
}

/** The devices of some suites, and of the suites in some rooms, with where each belongs. */
export async function suiteMembers(db: Db, suiteIds: string[], roomIds: string[]) {
  const where: SQL[] = [];
  if (suiteIds.length > 0) where.push(inArray(suiteDevices.suiteId, suiteIds));
  if (roomIds.length > 0) where.push(inArray(suites.roomId, roomIds));
  if (where.length === 0) return [];
  return db
    .select({
      deviceId: suiteDevices.deviceId,
      suiteId: suiteDevices.suiteId,
      roomId: suites.roomId,
    })
    .from(suiteDevices)
    .innerJoin(suites, eq(suites.id, suiteDevices.suiteId))
    .where(or(...where));
}

/** The devices a scope covers; a device or suite deleted since the window was made covers none. */
export async function devicesInScope(
  db: Db,
  scope: WindowScope,
  scopeId: string,
): Promise<string[]> {
  if (scope === 'device') return (await scopeExists(db, 'device', scopeId)) ? [scopeId] : [];
  const members = await suiteMembers(
    db,
    scope === 'suite' ? [scopeId] : [],
    scope === 'room' ? [scopeId] : [],
  );
  // A device in two suites of one room is listed once.
  return [...new Set(members.map((m) => m.deviceId))].sort();
}
