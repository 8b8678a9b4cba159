import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { checks } from '../../db/schema/index.ts';

export type CheckRow = typeof checks.$inferSelect;
export type CheckValues = Partial<Pick<CheckRow, 'intervalS' | 'config' | 'enabled' | 'probeId'>>;

/** Whether any check holds a sealed secret, which only the key that sealed it can open. */
export async function hasSealedSecrets(db: Db): Promise<boolean> {
  const [row] = await db
    .select({ id: checks.id })
    .from(checks)
    .where(sql`${checks.config}::text like '%"$sealed"%'`)
    .limit(1);
  return row !== undefined;
}

export const listChecks = (db: Db, deviceId?: string) =>
  db
    .select()
    .from(checks)
    .where(deviceId ? eq(checks.deviceId, deviceId) : undefined)
    .orderBy(asc(checks.createdAt));

export async function getCheck(db: Db, id: string) {
  const [row] = await db.select().from(checks).where(eq(checks.id, id));
  return row;
}

export async function insertCheck(
  db: Db,
  values: CheckValues & Pick<CheckRow, 'deviceId' | 'kind' | 'intervalS' | 'config'>,
) {
  const [row] = await db.insert(checks).values(values).returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

export async function updateCheck(db: Db, id: string, values: CheckValues) {
  const [row] = await db
    .update(checks)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(checks.id, id))
    .returning();
  return row;
}

export async function deleteCheck(db: Db, id: string) {
  await db.delete(checks).where(eq(checks.id, id));
}
