import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { sites } from '../../db/schema/index.ts';

export type SiteRow = typeof sites.$inferSelect;
export type SiteValues = Partial<Pick<SiteRow, 'name' | 'timezone' | 'notes'>>;

export const listSites = (db: Db) => db.select().from(sites).orderBy(asc(sites.name));

export async function getSite(db: Db, id: string) {
  const [row] = await db.select().from(sites).where(eq(sites.id, id));
  return row;
}

export async function insertSite(db: Db, values: SiteValues & { name: string }) {
  const [row] = await db.insert(sites).values(values).returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

export async function updateSite(db: Db, id: string, values: SiteValues) {
  const [row] = await db
    .update(sites)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(sites.id, id))
    .returning();
  return row;
}

export async function deleteSite(db: Db, id: string) {
  await db.delete(sites).where(eq(sites.id, id));
}
