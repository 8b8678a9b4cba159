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
  const readings: Record<string, LatestReading> = {};
  for (const [key, r] of await keyedReadings(db, id)) {
    readings[key] = {
      value: r.value,
      unit: r.unit,
      at: r.at.toISOString(),
      checkId: r.checkId,
      status: r.status,
    };
  }
  return { ...device, readings };
}

interface LatestReading {
  value: number;
  unit: string;
  at: string;
  checkId: string;
  /** The probe's judgement of this reading; null where no rule covers it. */
  status: Status | null;
}

type LatestRow = Awaited<ReturnType<typeof repo.latestReadings>>[number];

/** The latest readings under the keys the dashboard sees (`name`, `name#2`, …). */
async function keyedReadings(db: Db, id: string): Promise<Map<string, LatestRow>> {
  const keyed = new Map<string, LatestRow>();
  for (const r of await repo.latestReadings(db, id)) {
    let key = r.name;
    for (let n = 2; keyed.has(key); n += 1) key = `${r.name}#${n}`;
    keyed.set(key, r);
  }
  return keyed;
}

export const maxHistoryNames = 20;
/** A sparkline is ~100 px wide; 300 points keep a month as cheap to send and draw as a day. */
export const maxHistoryPoints = 300;
const readingName = /^[A-Za-z0-9_.:/[\]-]{1,200}(#[0-9]{1,4})?$/;

/** Parses `names=a,b` into distinct names, with errors that name the field. */
export function historyNames(raw: string): string[] {
  const names = [...new Set(raw.split(',').map((n) => n.trim()))];
  if (names.length === 1 && names[0] === '')
    throw new Invalid('querystring.names: give at least one reading name');
  if (names.length > maxHistoryNames)
    throw new Invalid(
      `querystring.names: at most ${maxHistoryNames} reading names at once (got ${names.length})`,
    );
  const bad = names.find((n) => !readingName.test(n));
  if (bad !== undefined)
    throw new Invalid(`querystring.names: '${bad.slice(0, 60)}' is not a reading name`);
  return names;
}

/**
 * Each reading's history over the last `hours`, averaged into at most `maxHistoryPoints`
 * buckets. A name the device no longer reports still gets its stored history (any check).
 */
export async function getDeviceHistory(
  db: Db,
  id: string,
  input: { names: string; hours: number },
  now = new Date(),
) {
  const names = historyNames(input.names);
  await getDevice(db, id);
  const latest = await keyedReadings(db, id);
  const spanS = input.hours * 3600;
  // span / (points - 1) buckets: a window that starts mid-bucket still spans at most `points`.
  const bucketS = Math.ceil(spanS / (maxHistoryPoints - 1));
  const wanted = names.map((key) => {
    const row = latest.get(key);
    return row
      ? { key, name: row.name, checkId: row.checkId }
      : { key, name: key.replace(/#\d+$/, ''), checkId: null };
  });
  const since = new Date(now.getTime() - spanS * 1000);
  const rows = await repo.readingHistory(db, id, wanted, since, bucketS);
  const points = new Map<string, [number, number][]>(names.map((n) => [n, []]));
  for (const row of rows) points.get(row.key)?.push([Number(row.t), Number(row.value)]);
  return {
    bucketS,
    series: names.map((name) => ({
      name,
      unit: latest.get(name)?.unit ?? '',
      points: points.get(name) ?? [],
    })),
  };
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
