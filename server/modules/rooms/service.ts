import type { Db } from '../../db/client.ts';
import { isForeignKeyViolation, isUniqueViolation } from '../../db/errors.ts';
import { Conflict, Invalid, NotFound } from '../../errors.ts';
import { recordAudit } from '../audit/repository.ts';
import type { Actor } from '../auth/principal.ts';
import { serialize } from '../serialize.ts';
import * as repo from './repository.ts';

async function mapped<T>(input: repo.RoomValues, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isUniqueViolation(error))
      throw new Conflict(`name: this site already has a room called '${input.name ?? ''}'`);
    if (isForeignKeyViolation(error))
      throw new Invalid(`siteId: no site with id ${input.siteId ?? ''}`);
    throw error;
  }
}

export const listRooms = async (db: Db, siteId?: string) =>
  (await repo.listRooms(db, siteId)).map(serialize);

export async function getRoom(db: Db, id: string) {
  const row = await repo.getRoom(db, id);
  if (!row) throw new NotFound(`room ${id} does not exist`);
  return serialize(row);
}

export function createRoom(
  db: Db,
  actor: Actor,
  input: { name: string; siteId: string; notes?: string },
) {
  return mapped(input, () =>
    db.transaction(async (tx) => {
      const row = serialize(await repo.insertRoom(tx, input));
      await recordAudit(tx, actor, {
        action: 'create',
        entity: 'room',
        entityId: row.id,
        after: row,
      });
      return row;
    }),
  );
}

export function updateRoom(db: Db, actor: Actor, id: string, input: repo.RoomValues) {
  return mapped(input, () =>
    db.transaction(async (tx) => {
      const before = await getRoom(tx, id);
      const row = serialize((await repo.updateRoom(tx, id, input))!);
      await recordAudit(tx, actor, {
        action: 'update',
        entity: 'room',
        entityId: id,
        before,
        after: row,
      });
      return row;
    }),
  );
}

/** Suites in the room keep existing, with no room. */
export async function deleteRoom(db: Db, actor: Actor, id: string) {
  await db.transaction(async (tx) => {
    const before = await getRoom(tx, id);
    await repo.deleteRoom(tx, id);
    await recordAudit(tx, actor, { action: 'delete', entity: 'room', entityId: id, before });
  });
}
