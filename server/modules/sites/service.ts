import type { Db } from '../../db/client.ts';
import { isForeignKeyViolation, isUniqueViolation } from '../../db/errors.ts';
import { Conflict, Invalid, NotFound } from '../../errors.ts';
import { recordAudit } from '../audit/repository.ts';
import type { Actor } from '../auth/principal.ts';
import { serialize } from '../serialize.ts';
import * as repo from './repository.ts';

function checkTimezone(timezone: string | undefined) {
  if (timezone === undefined) return;
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
  } catch {
    throw new Invalid(`timezone: '${timezone}' is not an IANA time zone such as Europe/London`);
  }
}

async function named<T>(name: string | undefined, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isUniqueViolation(error))
      throw new Conflict(`name: a site called '${name ?? ''}' already exists`);
    throw error;
  }
}

export const listSites = async (db: Db) => (await repo.listSites(db)).map(serialize);

export async function getSite(db: Db, id: string) {
  const row = await repo.getSite(db, id);
  if (!row) throw new NotFound(`site ${id} does not exist`);
  return serialize(row);
}

export function createSite(
  db: Db,
  actor: Actor,
  input: { name: string; timezone?: string; notes?: string },
) {
  checkTimezone(input.timezone);
  return named(input.name, () =>
    db.transaction(async (tx) => {
      const row = serialize(await repo.insertSite(tx, input));
      await recordAudit(tx, actor, {
        action: 'create',
        entity: 'site',
        entityId: row.id,
        after: row,
      });
      return row;
    }),
  );
}

export function updateSite(db: Db, actor: Actor, id: string, input: repo.SiteValues) {
  checkTimezone(input.timezone);
  return named(input.name, () =>
    db.transaction(async (tx) => {
      const before = await getSite(tx, id);
      const row = serialize((await repo.updateSite(tx, id, input))!);
      await recordAudit(tx, actor, {
        action: 'update',
        entity: 'site',
        entityId: id,
        before,
        after: row,
      });
      return row;
    }),
  );
}

export async function deleteSite(db: Db, actor: Actor, id: string) {
  try {
    await db.transaction(async (tx) => {
      const before = await getSite(tx, id);
      await repo.deleteSite(tx, id);
      await recordAudit(tx, actor, { action: 'delete', entity: 'site', entityId: id, before });
    });
  } catch (error) {
    if (isForeignKeyViolation(error))
      throw new Conflict('site still has rooms; move or delete them first');
    throw error;
  }
}
