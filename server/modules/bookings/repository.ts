import { and, asc, eq, gt, gte, inArray, isNotNull, lt, lte, ne, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { bookings, rooms, sites, suites } from '../../db/schema/index.ts';

export type BookingRow = typeof bookings.$inferSelect;
export type BookingValues = Omit<typeof bookings.$inferInsert, 'id' | 'createdAt' | 'updatedAt'>;

const b = bookings;

/** Bookings that overlap [from, to), earliest first. */
export function listBookings(db: Db, filter: { suiteId?: string; from: Date; to: Date }) {
  const where: Array<SQL | undefined> = [lt(b.startsAt, filter.to), gt(b.endsAt, filter.from)];
  if (filter.suiteId) where.push(eq(b.suiteId, filter.suiteId));
  return db
    .select()
    .from(b)
    .where(and(...where))
    .orderBy(asc(b.startsAt), b.id);
}

/** The suite's other bookings that overlap [startsAt, endsAt). */
export function overlapping(
  db: Db,
  suiteId: string,
  startsAt: Date,
  endsAt: Date,
  exceptId?: string,
) {
  return db
    .select()
    .from(b)
    .where(
      and(
        eq(b.suiteId, suiteId),
        lt(b.startsAt, endsAt),
        gt(b.endsAt, startsAt),
        exceptId ? ne(b.id, exceptId) : undefined,
      ),
    )
    .orderBy(asc(b.startsAt));
}

export async function getBooking(db: Db, id: string) {
  const [row] = await db.select().from(b).where(eq(b.id, id));
  return row;
}

export async function bySourceUid(db: Db, suiteId: string, sourceUids: string[]) {
  if (sourceUids.length === 0) return [];
  return db
    .select()
    .from(b)
    .where(and(eq(b.suiteId, suiteId), isNotNull(b.sourceUid), inArray(b.sourceUid, sourceUids)));
}

export async function insertBooking(db: Db, values: BookingValues) {
  const [row] = await db.insert(b).values(values).returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

export async function updateBooking(db: Db, id: string, values: Partial<BookingValues>) {
  const [row] = await db
    .update(b)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(b.id, id))
    .returning();
  return row;
}

export async function deleteBooking(db: Db, id: string) {
  await db.delete(b).where(eq(b.id, id));
}

/** The suite and the time zone of its site, or undefined when there is no such suite. */
export async function suiteZone(db: Db, suiteId: string) {
  const [row] = await db
    .select({ id: suites.id, timezone: sites.timezone })
    .from(suites)
    .leftJoin(rooms, eq(rooms.id, suites.roomId))
    .leftJoin(sites, eq(sites.id, rooms.siteId))
    .where(eq(suites.id, suiteId));
  return row;
}

/** Bookings imported into a suite that start in [from, to]. */
export function importedBetween(db: Db, suiteId: string, from: Date, to: Date) {
  return db
    .select({ id: b.id, sourceUid: b.sourceUid })
    .from(b)
    .where(
      and(
        eq(b.suiteId, suiteId),
        eq(b.source, 'ics'),
        isNotNull(b.sourceUid),
        gte(b.startsAt, from),
        lte(b.startsAt, to),
      ),
    );
}

export async function deleteBookings(db: Db, ids: string[]) {
  if (ids.length > 0) await db.delete(b).where(inArray(b.id, ids));
}
