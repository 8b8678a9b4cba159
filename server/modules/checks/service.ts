import { probeKinds } from '../../../probes/registry.ts';
import type { Db } from '../../db/client.ts';
import { isForeignKeyViolation } from '../../db/errors.ts';
import type { EventBus } from '../../events.ts';
import { Invalid, NotFound } from '../../errors.ts';
import { assertValid } from '../../validation.ts';
import { recordAudit } from '../audit/repository.ts';
import type { Actor } from '../auth/principal.ts';
import { publishStatusChanges, recomputeDevices } from '../health/service.ts';
import { serialize } from '../serialize.ts';
import * as repo from './repository.ts';

function checkConfig(kind: string, config: unknown) {
  const probe = probeKinds[kind];
  if (!probe)
    throw new Invalid(
      `kind: unknown check kind '${kind}'; known kinds: ${Object.keys(probeKinds).join(', ')}`,
    );
  assertValid(probe.configSchema, config, 'body.config');
}

export const listChecks = async (db: Db, deviceId?: string) =>
  (await repo.listChecks(db, deviceId)).map(serialize);

export async function getCheck(db: Db, id: string) {
  const row = await repo.getCheck(db, id);
  if (!row) throw new NotFound(`check ${id} does not exist`);
  return serialize(row);
}

/** Writes, recomputes the device's status in the same transaction, then publishes. */
async function change<T extends { deviceId: string; id: string }>(
  db: Db,
  bus: EventBus,
  work: (tx: Db) => Promise<T>,
): Promise<T> {
  const { result, changes } = await db.transaction(async (tx) => {
    const result = await work(tx);
    return { result, changes: await recomputeDevices(tx, [result.deviceId]) };
  });
  bus.publish({ type: 'changed', entity: 'check', id: result.id });
  await publishStatusChanges(db, bus, changes);
  return result;
}

export async function createCheck(
  db: Db,
  bus: EventBus,
  actor: Actor,
  input: {
    deviceId: string;
    kind: string;
    intervalS: number;
    config: Record<string, unknown>;
    enabled?: boolean;
  },
) {
  checkConfig(input.kind, input.config);
  try {
    return await change(db, bus, async (tx) => {
      const row = serialize(await repo.insertCheck(tx, input));
      await recordAudit(tx, actor, {
        action: 'create',
        entity: 'check',
        entityId: row.id,
        after: row,
      });
      return row;
    });
  } catch (error) {
    if (isForeignKeyViolation(error))
      throw new Invalid(`deviceId: no device with id ${input.deviceId}`);
    throw error;
  }
}

export async function updateCheck(
  db: Db,
  bus: EventBus,
  actor: Actor,
  id: string,
  input: repo.CheckValues,
) {
  return change(db, bus, async (tx) => {
    const before = await getCheck(tx, id);
    if (input.config !== undefined) checkConfig(before.kind, input.config);
    const row = serialize((await repo.updateCheck(tx, id, input))!);
    await recordAudit(tx, actor, {
      action: 'update',
      entity: 'check',
      entityId: id,
      before,
      after: row,
    });
    return row;
  });
}

export async function deleteCheck(db: Db, bus: EventBus, actor: Actor, id: string) {
  await change(db, bus, async (tx) => {
    const before = await getCheck(tx, id);
    await repo.deleteCheck(tx, id);
    await recordAudit(tx, actor, { action: 'delete', entity: 'check', entityId: id, before });
    return before;
  });
}
