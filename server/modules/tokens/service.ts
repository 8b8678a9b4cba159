import type { Db } from '../../db/client.ts';
import type { TokenScope } from '../../db/schema/index.ts';
import type { EventBus } from '../../events.ts';
import { Forbidden, Invalid, NotFound } from '../../errors.ts';
import { recordAudit } from '../audit/repository.ts';
import type { Actor, Principal } from '../auth/principal.ts';
import { newSecret, sha256 } from '../auth/secrets.ts';
import * as repo from './repository.ts';

function toToken(row: repo.TokenRow) {
  return {
    ...row,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

function userOf(principal: Principal) {
  if (principal.kind !== 'user') throw new Forbidden('a probe token may not manage tokens');
  return principal;
}

/** The token is returned once, here; only its SHA-256 is stored. */
export async function createToken(
  db: Db,
  principal: Principal,
  actor: Actor,
  input: { name: string; scope: TokenScope; expiresInDays?: number },
) {
  const user = userOf(principal);
  // A probe token reads its checks' secrets (it must, to poll), so only an admin makes one,
  // and it belongs to a probe, which is what decides which checks it gets.
  if (input.scope === 'probe' && user.role !== 'admin') {
    throw new Forbidden('scope: probe tokens need the admin role');
  }
  if (input.scope === 'probe') {
    throw new Invalid(
      'scope: a probe token belongs to a probe; register one with POST /api/probes, which returns its token',
    );
  }
  const token = newSecret('swt');
  const expiresAt = input.expiresInDays
    ? new Date(Date.now() + input.expiresInDays * 86_400_000)
    : null;
  return db.transaction(async (tx) => {
    const row = await repo.insertToken(tx, {
      name: input.name,
      scope: input.scope,
      tokenHash: sha256(token),
      prefix: token.slice(0, 8),
      userId: user.userId,
      expiresAt,
    });
    await recordAudit(tx, actor, {
      action: 'create',
      entity: 'token',
      entityId: row.id,
      after: toToken(row),
    });
    return { ...toToken(row), token };
  });
}

export async function listTokens(db: Db, principal: Principal) {
  const user = userOf(principal);
  return (await repo.listTokens(db, user.role === 'admin' ? null : user.userId)).map(toToken);
}

export async function revokeToken(
  db: Db,
  bus: EventBus,
  principal: Principal,
  actor: Actor,
  id: string,
) {
  const user = userOf(principal);
  const token = await db.transaction(async (tx) => {
    const before = await repo.getToken(tx, id);
    if (!before || (before.userId !== user.userId && user.role !== 'admin')) {
      throw new NotFound(`token ${id} does not exist`);
    }
    const row = (await repo.revokeToken(tx, id)) ?? before;
    await recordAudit(tx, actor, {
      action: 'revoke',
      entity: 'token',
      entityId: id,
      before: toToken(before),
      after: toToken(row),
    });
    return toToken(row);
  });
  bus.endSessions({ tokenId: id });
  return token;
}
