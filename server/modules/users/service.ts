import type { Db } from '../../db/client.ts';
import type { Role } from '../../db/schema/index.ts';
import type { EventBus } from '../../events.ts';
import { Conflict, Forbidden, NotFound } from '../../errors.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { recordAudit } from '../audit/repository.ts';
import { systemActor, type Actor, type Principal } from '../auth/principal.ts';
import { generatePassword, hashPassword } from '../auth/secrets.ts';
import { deleteUserSessions } from '../auth/repository.ts';
import * as repo from './repository.ts';

export function toUser(row: repo.UserRow) {
  return {
    ...row,
    lastLoginAt: row.lastLoginAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

/**
 * On first start with no users, creates `admin`. Returns the password when it was generated, so
 * main.ts prints it once; a password from the environment is never echoed.
 */
export async function ensureAdmin(db: Db, password: string | undefined): Promise<string | null> {
  if ((await repo.countUsers(db)) > 0) return null;
  const chosen = password ?? generatePassword();
  const created = await db.transaction(async (tx) => {
    const user = await repo.insertUserIfAbsent(tx, {
      username: 'admin',
      displayName: 'Administrator',
      passwordHash: await hashPassword(chosen),
      role: 'admin',
    });
    if (!user) return false;
    await recordAudit(tx, systemActor, {
      action: 'create',
      entity: 'user',
      entityId: user.id,
      after: toUser(user),
    });
    return true;
  });
  return created && !password ? chosen : null;
}

export async function createUser(
  db: Db,
  actor: Actor,
  input: { username: string; displayName?: string; password: string; role: Role },
) {
  const passwordHash = await hashPassword(input.password);
  try {
    return await db.transaction(async (tx) => {
      const row = await repo.insertUser(tx, {
        username: input.username,
        displayName: input.displayName ?? '',
        passwordHash,
        role: input.role,
      });
      await recordAudit(tx, actor, {
        action: 'create',
        entity: 'user',
        entityId: row.id,
        after: toUser(row),
      });
      return toUser(row);
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw new Conflict(`username: '${input.username}' is already taken`);
    throw error;
  }
}

export async function listUsers(db: Db) {
  return (await repo.listUsers(db)).map(toUser);
}

export async function updateUser(
  db: Db,
  bus: EventBus,
  principal: Principal,
  actor: Actor,
  id: string,
  input: { displayName?: string; password?: string; role?: Role; disabled?: boolean },
) {
  const self = principal.kind === 'user' && principal.userId === id;
  const admin = principal.kind === 'user' && principal.role === 'admin';
  if (!admin && !self) throw new Forbidden('only an admin may change another user');
  if (!admin && (input.role !== undefined || input.disabled !== undefined)) {
    throw new Forbidden('only an admin may change a role or disable a user');
  }
  if (self && (input.disabled === true || (input.role && input.role !== 'admin' && admin))) {
    throw new Forbidden('you may not disable or demote yourself; ask another admin');
  }
  const passwordHash = input.password ? await hashPassword(input.password) : undefined;
  // A new password or a disabled account ends the user's other sessions: a stolen cookie must
  // not outlive the password reset that was meant to shut it out.
  const endSessions = passwordHash !== undefined || input.disabled === true;
  const keep =
    self && input.disabled !== true && principal.kind === 'user' ? principal.sessionId : null;
  const user = await db.transaction(async (tx) => {
    const before = await repo.getUser(tx, id);
    if (!before) throw new NotFound(`user ${id} does not exist`);
    const row = await repo.updateUser(tx, id, {
      displayName: input.displayName,
      role: input.role,
      disabled: input.disabled,
      passwordHash,
    });
    if (!row) throw new NotFound(`user ${id} does not exist`);
    const after = { ...toUser(row), ...(passwordHash ? { password: 'changed' } : {}) };
    await recordAudit(tx, actor, {
      action: 'update',
      entity: 'user',
      entityId: id,
      before: toUser(before),
      after,
    });
    if (endSessions) await deleteUserSessions(tx, id, keep);
    return toUser(row);
  });
  if (endSessions) bus.endSessions({ userId: id, exceptSessionId: keep });
  return user;
}
