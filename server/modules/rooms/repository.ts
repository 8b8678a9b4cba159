import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { rooms } from '../../db/schema/index.ts';

export type RoomRow = typeof rooms.$inferSelect;
export type RoomValues = Partial<Pick<RoomRow, 'name' | 'siteId' | 'notes'>>;

export const listRooms = (db: Db, siteId?: string) =>
  db
    .select()
    .from(rooms)
    .where(siteId ? eq(rooms.siteId, siteId) : undefined)
    .orderBy(asc(rooms.name));

export async function getRoom(db: Db, id: string) {
  const [row] = await db.select().from(rooms).where(eq(rooms.id, id));
  return row;
}

export async function insertRoom(db: Db, values: RoomValues & { name: string; siteId: string }) {
  const [row] = await db.insert(rooms).values(values).returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

export async function updateRoom(db: Db, id: string, values: RoomValues) {
  const [row] = await db
    .update(rooms)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(rooms.id, id))
    .returning();
  return row;
}

export async function deleteRoom(db: Db, id: string) {
  await db.delete(rooms).where(eq(rooms.id, id));
}
