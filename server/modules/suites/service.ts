import type { Db } from '../../db/client.ts';
import { constraintOf, isForeignKeyViolation, isUniqueViolation } from '../../db/errors.ts';
import type { EventBus } from '../../events.ts';
import { Conflict, Invalid, NotFound } from '../../errors.ts';
import { recordAudit } from '../audit/repository.ts';
import type { Actor } from '../auth/principal.ts';
import { healthOfSuites, publishStatusChanges } from '../health/service.ts';
import { serialize } from '../serialize.ts';
import * as repo from './repository.ts';

export interface SuiteInput extends repo.SuiteValues {
  deviceIds?: string[];
}

async function mapped<T>(input: SuiteInput, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isUniqueViolation(error))
      throw new Conflict(`name: a suite called '${input.name ?? ''}' already exists`);
    if (isForeignKeyViolation(error)) {
      // A device deleted while this suite was being saved, or the room.
      if (constraintOf(error)?.includes('device'))
        throw new Invalid('deviceIds: one of the devices no longer exists');
      throw new Invalid(`roomId: no room with id ${input.roomId ?? ''}`);
    }
    throw error;
  }
}

async function withDetails(db: Db, rows: repo.SuiteRow[]) {
  const ids = rows.map((r) => r.id);
  const [members, health] = await Promise.all([
    repo.deviceIdsBySuite(db, ids),
    healthOfSuites(db, ids),
  ]);
  return rows.map((row) => ({
    ...serialize(row),
    deviceIds: members.get(row.id) ?? [],
    health: health.get(row.id) ?? {
      status: 'unknown' as const,
      deviceId: null,
      deviceName: null,
      message: '',
    },
  }));
}

export const listSuites = async (db: Db, roomId?: string) =>
  withDetails(db, await repo.listSuites(db, roomId));

export async function getSuite(db: Db, id: string) {
  const row = await repo.getSuite(db, id);
  if (!row) throw new NotFound(`suite ${id} does not exist`);
  const [suite] = await withDetails(db, [row]);
  return suite!;
}

async function setDevices(db: Db, suiteId: string, deviceIds: string[] | undefined) {
  if (deviceIds === undefined) return;
  const unique = [...new Set(deviceIds)];
  const found = await repo.existingDeviceIds(db, unique);
  const missing = unique.findIndex((id) => !found.has(id));
  if (missing >= 0)
    throw new Invalid(`deviceIds[${missing}]: no device with id ${unique[missing]}`);
  await repo.replaceSuiteDevices(db, suiteId, unique);
}

export async function createSuite(
  db: Db,
  bus: EventBus,
  actor: Actor,
  input: SuiteInput & { name: string },
) {
  const { deviceIds, ...values } = input;
  const suite = await mapped(input, () =>
    db.transaction(async (tx) => {
      const row = await repo.insertSuite(tx, values);
      await setDevices(tx, row.id, deviceIds);
      const after = await getSuite(tx, row.id);
      await recordAudit(tx, actor, { action: 'create', entity: 'suite', entityId: row.id, after });
      return after;
    }),
  );
  bus.publish({ type: 'changed', entity: 'suite', id: suite.id });
  await publishStatusChanges(db, bus, [], [suite.id]);
  return suite;
}

export async function updateSuite(
  db: Db,
  bus: EventBus,
  actor: Actor,
  id: string,
  input: SuiteInput,
) {
  const { deviceIds, ...values } = input;
  const suite = await mapped(input, () =>
    db.transaction(async (tx) => {
      const before = await getSuite(tx, id);
      if (Object.keys(values).length > 0) await repo.updateSuite(tx, id, values);
      await setDevices(tx, id, deviceIds);
      const after = await getSuite(tx, id);
      await recordAudit(tx, actor, {
        action: 'update',
        entity: 'suite',
        entityId: id,
        before,
        after,
      });
      return after;
    }),
  );
  bus.publish({ type: 'changed', entity: 'suite', id });
  await publishStatusChanges(db, bus, [], [id]);
  return suite;
}

export async function deleteSuite(db: Db, bus: EventBus, actor: Actor, id: string) {
  await db.transaction(async (tx) => {
    const before = await getSuite(tx, id);
    await repo.deleteSuite(tx, id);
    await recordAudit(tx, actor, { action: 'delete', entity: 'suite', entityId: id, before });
  });
  bus.publish({ type: 'changed', entity: 'suite', id });
}
