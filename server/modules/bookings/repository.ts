import { and, asc, eq, gt, gte, inArray, isNotNull, lt, lte, ne, sql, type SQL } from 'drizzle-orm';
import { query, sqlArray, type Db } from '../../db/client.ts';
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

export interface MovedWork {
  bookingId: string;
  id: string;
  number: number;
  title: string;
  status: string;
  scheduledStart: Date | null;
  scheduledEnd: Date | null;
  reason: string;
}

/**
 * Work orders an engineer moved onto these bookings with a reason. The move's event names the
 * bookings it landed on; the work still has to be on them now (not moved away since, nor the
 * session moved, nor the work dropped).
 */
export async function workMovedOnto(db: Db, bookingIds: string[]): Promise<MovedWork[]> {
  if (bookingIds.length === 0) return [];
  const ids = sqlArray(bookingIds, 'uuid');
  const rows = await query<{
    booking_id: string;
    id: string;
    number: number;
    title: string;
    status: string;
    scheduled_start: string | Date | null;
    scheduled_end: string | Date | null;
    reason: string;
  }>(
    db,
    // Driven from the bookings through the slot index: work lasts at most a week (the work-order
    // routes refuse longer), so only slots starting in the week before a session can overlap it.
    sql`select distinct b.id as booking_id, w.id, w.number, w.title, w.status,
          w.scheduled_start, w.scheduled_end, w.override_reason as reason
        from bookings b
        join work_orders w on w.scheduled_start < b.ends_at
          and w.scheduled_start > b.starts_at - interval '7 days'
          and w.scheduled_end > b.starts_at
        join lateral (
          select e.detail from work_order_events e
          where e.work_order_id = w.id and e.kind = 'moved'
          order by e.id desc limit 1
        ) m on true
        where b.id = any(${ids})
          and w.override_reason is not null
          and w.status not in ('skipped', 'cancelled')
          and m.detail -> 'bookings' @> to_jsonb(b.id::text)
        order by w.scheduled_start`,
  );
  const date = (v: string | Date | null) => (v === null ? null : new Date(v));
  return rows.map((r) => ({
    bookingId: r.booking_id,
    id: r.id,
    number: Number(r.number),
    title: r.title,
    status: r.status,
    scheduledStart: date(r.scheduled_start),
    scheduledEnd: date(r.scheduled_end),
    reason: r.reason,
  }));
}
