import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { apiTokens, type TokenScope } from '../../db/schema/index.ts';

const publicColumns = {
  id: apiTokens.id,
  name: apiTokens.name,
  prefix: apiTokens.prefix,
  scope: apiTokens.scope,
  userId: apiTokens.userId,
  createdAt: apiTokens.createdAt,
  lastUsedAt: apiTokens.lastUsedAt,
  expiresAt: apiTokens.expiresAt,
  revokedAt: apiTokens.revokedAt,
  probeId: apiTokens.probeId,
};

export type TokenRow = Awaited<ReturnType<typeof listTokens>>[number];

export async function insertToken(
  db: Db,
  values: {
    name: string;
    tokenHash: string;
    prefix: string;
    scope: TokenScope;
    userId: string;
    expiresAt: Date | null;
    probeId?: string | null;
  },
) {
  const [row] = await db.insert(apiTokens).values(values).returning(publicColumns);
  if (!row) throw new Error('insert returned no row');
  return row;
}

export function listTokens(db: Db, userId: string | null) {
  return db
    .select(publicColumns)
    .from(apiTokens)
    .where(userId ? eq(apiTokens.userId, userId) : undefined)
    .orderBy(desc(apiTokens.createdAt));
}

export async function getToken(db: Db, id: string) {
  const [row] = await db.select(publicColumns).from(apiTokens).where(eq(apiTokens.id, id));
  return row;
}

export async function revokeToken(db: Db, id: string) {
  const [row] = await db
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)))
    .returning(publicColumns);
  return row;
}
