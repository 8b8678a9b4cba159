import { asc, count, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { users, type Role } from '../../db/schema/index.ts';

const publicColumns = {
  id: users.id,
  username: users.username,
  displayName: users.displayName,
  role: users.role,
  disabled: users.disabled,
  lastLoginAt: users.lastLoginAt,
  createdAt: users.createdAt,
};

export type UserRow = Awaited<ReturnType<typeof listUsers>>[number];

export async function countUsers(db: Db): Promise<number> {
  const [row] = await db.select({ n: count() }).from(users);
  return row?.n ?? 0;
}

export function listUsers(db: Db) {
  return db.select(publicColumns).from(users).orderBy(asc(users.username));
}

export async function getUser(db: Db, id: string) {
  const [row] = await db.select(publicColumns).from(users).where(eq(users.id, id));
  return row;
}

export async function insertUser(
  db: Db,
  values: { username: string; displayName: string; passwordHash: string; role: Role },
) {
  const [row] = await db.insert(users).values(values).returning(publicColumns);
  if (!row) throw new Error('insert returned no row');
  return row;
}

/** For the first admin: another instance starting at the same moment may have made it. */
export async function insertUserIfAbsent(
  db: Db,
  values: { username: string; displayName: string; passwordHash: string; role: Role },
) {
  const [row] = await db
    .insert(users)
    .values(values)
    .onConflictDoNothing()
    .returning(publicColumns);
  return row;
}

export async function updateUser(
  db: Db,
  id: string,
  values: Partial<{ displayName: string; passwordHash: string; role: Role; disabled: boolean }>,
) {
  const [row] = await db
    .update(users)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(users.id, id))
    .returning(publicColumns);
  return row;
}
