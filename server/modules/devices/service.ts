import type { Db } from '../../db/client.ts';
import type { DeviceKind, Status } from '../../db/schema/index.ts';
import { constraintOf, isForeignKeyViolation, isUniqueViolation } from '../../db/errors.ts';
import type { EventBus } from '../../events.ts';
import { Conflict, Invalid, NotFound } from '../../errors.ts';
import { recordAudit } from '../audit/repository.ts';
import type { Actor } from '../auth/principal.ts';
import { publishStatusChanges } from '../health/service.ts';
import { serialize } from '../serialize.ts';
import * as repo from './repository.ts';

export interface DeviceInput extends repo.DeviceValues {
  suiteIds?: string[];
}

async function mapped<T>(input: DeviceInput, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isUniqueViolation(error))
      throw new Conflict(`name: a device called '${input.name ?? ''}' already exists`);
    // Checked up front; these catch a parent or suite deleted while this device was being saved.
    if (isForeignKeyViolation(error)) {
      if (constraintOf(error)?.includes('suite'))
        throw new Invalid('suiteIds: one of the suites no longer exists');
      throw new Invalid(`parentId: no device with id ${input.parentId ?? ''}`);
    }
    throw error;
  }
}

async function withSuites(db: Db, rows: repo.DeviceRow[]) {
  const suites = await repo.suiteIdsByDevice(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((row) => ({ ...serialize(row), suiteIds: suites.get(row.id) ?? [] }));
}

export async function listDevices(
  db: Db,
  filter: { suiteId?: string; kind?: DeviceKind; status?: Status; q?: string },
) {
  return withSuites(db, await repo.listDevices(db, filter));
}

export async function getDevice(db: Db, id: string) {
  const row = await repo.getDevice(db, id);
  if (!row) throw new NotFound(`device ${id} does not exist`);
  const [device] = await withSuites(db, [row]);
  return device!;
}

/**
 * The device with its latest readings, name -> {value, unit, at, checkId}. Where a second check
 * reports a name already taken (two HTTP checks both report http.latency_ms), it is keyed
 * `name#2`, `name#3`, in the order the checks were created.
 */
export async function getDeviceDetail(db: Db, id: string) {
  const device = await getDevice(db, id);
  const readings: Record<string, { value: number; unit: string; at: string; checkId: string }> = {};
  for (const r of await repo.latestReadings(db, id)) {
    let key = r.name;
    for (let n = 2; key in readings; n += 1) key = `${r.name}#${n}`;
    readings[key] = { value: r.value, unit: r.unit, at: r.at.toISOString(), checkId: r.checkId };
  }
  return { ...device, readings };
}

/** A parent must exist, and following parents up from it must never reach the device itself. */
async function checkParent(db: Db, deviceId: string | null, parentId: string | null | undefined) {
  if (!parentId) return;
  if (parentId === deviceId) throw new Invalid('parentId: a device cannot be its own parent');
  let cursor: string | null | undefined = parentId;
  for (let depth = 0; cursor; depth += 1) {
    const next = await repo.parentOf(db, cursor);
    if (next === undefined) {
      if (cursor === parentId) throw new Invalid(`parentId: no device with id ${parentId}`);
      return;
    }
    if ((deviceId !== null && next === deviceId) || depth > 100) {
      throw new Invalid('parentId: that parent would make a loop of parents');
    }
    cursor = next;
  }
}

async function setSuites(db: Db, deviceId: string, suiteIds: string[] | undefined) {
  if (suiteIds === undefined) return;
  const unique = [...new Set(suiteIds)];
  const found = await repo.existingSuiteIds(db, unique);
  const missing = unique.findIndex((id) => !found.has(id));
  if (missing >= 0) throw new Invalid(`suiteIds[${missing}]: no suite with id ${unique[missing]}`);
  await repo.replaceDeviceSuites(db, deviceId, unique);
}

export async function createDevice(
  db: Db,
  bus: EventBus,
  actor: Actor,
  input: DeviceInput & { name: string; kind: DeviceKind },
) {
  const { suiteIds, ...values } = input;
  const device = await mapped(input, () =>
    db.transaction(async (tx) => {
      await checkParent(tx, null, values.parentId);
      const row = await repo.insertDevice(tx, values);
      await setSuites(tx, row.id, suiteIds);
      const after = await getDevice(tx, row.id);
      await recordAudit(tx, actor, { action: 'create', entity: 'device', entityId: row.id, after });
      return after;
    }),
  );
  bus.publish({ type: 'changed', entity: 'device', id: device.id });
  await publishStatusChanges(db, bus, [], device.suiteIds);
  return device;
}

export async function updateDevice(
  db: Db,
  bus: EventBus,
  actor: Actor,
  id: string,
  input: DeviceInput,
) {
  const { suiteIds, ...values } = input;
  let touchedSuites: string[] = [];
  const device = await mapped(input, () =>
    db.transaction(async (tx) => {
      const before = await getDevice(tx, id);
      await checkParent(tx, id, values.parentId);
      if (Object.keys(values).length > 0) await repo.updateDevice(tx, id, values);
      await setSuites(tx, id, suiteIds);
      const after = await getDevice(tx, id);
      touchedSuites = [...new Set([...before.suiteIds, ...after.suiteIds])];
      await recordAudit(tx, actor, {
        action: 'update',
        entity: 'device',
        entityId: id,
        before,
        after,
      });
      return after;
    }),
  );
  bus.publish({ type: 'changed', entity: 'device', id });
  await publishStatusChanges(db, bus, [], touchedSuites);
  return device;
}

export async function deleteDevice(db: Db, bus: EventBus, actor: Actor, id: string) {
  const before = await db.transaction(async (tx) => {
    const found = await getDevice(tx, id);
    await repo.deleteDevice(tx, id);
    await recordAudit(tx, actor, {
      action: 'delete',
      entity: 'device',
      entityId: id,
      before: found,
    });
    return found;
  });
  bus.publish({ type: 'changed', entity: 'device', id });
  await publishStatusChanges(db, bus, [], before.suiteIds);
}
