import { arrayOverlaps, asc, eq, ilike, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { runbooks } from '../../db/schema/index.ts';
import type { Facets } from './matching.ts';

export type RunbookRow = typeof runbooks.$inferSelect;
export type RunbookValues = Pick<
  typeof runbooks.$inferInsert,
  'title' | 'body' | 'deviceKinds' | 'profiles' | 'conditions' | 'categories'
>;

const r = runbooks;

const contains = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Runbooks by title, those whose title or body contains `q` when it is given. */
export function listRunbooks(db: Db, q?: string) {
  return db
    .select()
    .from(r)
    .where(q ? or(ilike(r.title, contains(q)), ilike(r.body, contains(q))) : undefined)
    .orderBy(asc(r.title), asc(r.id));
}

/**
 * The runbooks that may match: those sharing a kind, profile or category, and every runbook
 * with condition patterns when conditions are asked about (patterns are matched in code).
 */
export function candidates(db: Db, facets: Facets) {
  const any: SQL[] = [];
  if (facets.deviceKinds.length > 0) any.push(arrayOverlaps(r.deviceKinds, facets.deviceKinds));
  if (facets.profiles.length > 0) any.push(arrayOverlaps(r.profiles, facets.profiles));
  if (facets.categories.length > 0) any.push(arrayOverlaps(r.categories, facets.categories));
  if (facets.conditions.length > 0) any.push(sql`cardinality(${r.conditions}) > 0`);
  if (any.length === 0) return Promise.resolve([]);
  return db
    .select()
    .from(r)
    .where(or(...any));
}

export async function getRunbook(db: Db, id: string) {
  const [row] = await db.select().from(r).where(eq(r.id, id));
  return row;
}

export async function insertRunbook(
  db: Db,
  values: RunbookValues & Pick<typeof runbooks.$inferInsert, 'createdById' | 'createdBy'>,
) {
  const [row] = await db
    .insert(r)
    .values({ ...values, updatedBy: values.createdBy })
    .returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

export async function updateRunbook(
  db: Db,
  id: string,
  values: Partial<RunbookValues> & { updatedBy: string },
) {
  const [row] = await db
    .update(r)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(r.id, id))
    .returning();
  return row;
}

export async function deleteRunbook(db: Db, id: string) {
  await db.delete(r).where(eq(r.id, id));
}
