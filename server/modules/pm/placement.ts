import { randomUUID } from 'node:crypto';
import { and, asc, eq, gt, inArray, lt } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import type { workOrders } from '../../db/schema/index.ts';
import { bookings, devices, maintenanceWindows, suites } from '../../db/schema/index.ts';
import * as ticketRepo from '../tickets/repository.ts';
import type { MaintenanceConfig } from './settings.ts';
import { findSlot, overlapping, type Busy, type SlotResult } from './slots.ts';

export type WorkOrderRow = typeof workOrders.$inferSelect;
type Where = Pick<WorkOrderRow, 'deviceId' | 'suiteId' | 'roomId'>;

const minuteMs = 60_000;
const dayMs = 24 * 60 * minuteMs;
const stepMin = 15;

/**
 * The suites planned work would disturb, for each place in the order given: a suite itself,
 * every suite of a room, or for a device the suites that contain it and those whose devices
 * depend on it (its storage, its router). One query per kind of place, however many there are.
 */
async function affectedSuitesOf(db: Db, wheres: Where[]): Promise<string[][]> {
  const deviceIds = new Set<string>();
  const roomIds = new Set<string>();
  for (const where of wheres)
    if (where.suiteId) continue;
    else if (where.roomId) roomIds.add(where.roomId);
    else if (where.deviceId) deviceIds.add(where.deviceId);
  const ofRoom = new Map<string, string[]>();
  if (roomIds.size > 0)
    for (const row of await db
      .select({ id: suites.id, roomId: suites.roomId })
      .from(suites)
      .where(inArray(suites.roomId, [...roomIds])))
      ofRoom.set(row.roomId!, [...(ofRoom.get(row.roomId!) ?? []), row.id]);
  const ofDevice = new Map<string, string[]>();
  if (deviceIds.size > 0) {
    const named = await db
      .select({ id: devices.id, name: devices.name })
      .from(devices)
      .where(inArray(devices.id, [...deviceIds]));
    for (const scope of await ticketRepo.deviceScopes(db, named))
      ofDevice.set(scope.id, [...new Set([...scope.suiteIds, ...scope.servedSuiteIds])]);
  }
  return wheres.map((where) => {
    if (where.suiteId) return [where.suiteId];
    if (where.roomId) return ofRoom.get(where.roomId) ?? [];
    if (where.deviceId) return ofDevice.get(where.deviceId) ?? [];
    return [];
  });
}

export async function affectedSuites(db: Db, where: Where): Promise<string[]> {
  const [suiteIds] = await affectedSuitesOf(db, [where]);
  return suiteIds ?? [];
}

/** Bookings of these suites overlapping [from, to), by suite. */
async function bookingsBySuite(
  db: Db,
  suiteIds: string[],
  from: Date,
  to: Date,
): Promise<Map<string, Busy[]>> {
  const bySuite = new Map<string, Busy[]>();
  if (suiteIds.length === 0) return bySuite;
  const rows = await db
    .select({
      id: bookings.id,
      suiteId: bookings.suiteId,
      client: bookings.client,
      suite: suites.name,
      startsAt: bookings.startsAt,
      endsAt: bookings.endsAt,
    })
    .from(bookings)
    .innerJoin(suites, eq(suites.id, bookings.suiteId))
    .where(
      and(
        inArray(bookings.suiteId, suiteIds),
        lt(bookings.startsAt, to),
        gt(bookings.endsAt, from),
      ),
    )
    .orderBy(asc(bookings.startsAt));
  for (const r of rows) {
    const busy = { id: r.id, label: `${r.client} in ${r.suite}`, start: r.startsAt, end: r.endsAt };
    const list = bySuite.get(r.suiteId);
    if (list) list.push(busy);
    else bySuite.set(r.suiteId, [busy]);
  }
  return bySuite;
}

async function bookingsOf(db: Db, suiteIds: string[], from: Date, to: Date): Promise<Busy[]> {
  const bySuite = await bookingsBySuite(db, suiteIds, from, to);
  return [...bySuite.values()].flat().sort((a, b) => a.start.getTime() - b.start.getTime());
}

const roundUp = (at: Date) =>
  new Date(Math.ceil(at.getTime() / (stepMin * minuteMs)) * stepMin * minuteMs);

/**
 * When the work must end by: the due date, or for work already due when it is made (a meter
 * past its threshold, a repair just closed) the end of its grace, and at least a day on.
 */
export function deadlineOf(
  order: Pick<WorkOrderRow, 'dueAt' | 'graceMin' | 'durationMin'>,
  now: Date,
) {
  const due = order.dueAt ?? new Date(now.getTime() + 7 * dayMs);
  if (due.getTime() - order.durationMin * minuteMs >= now.getTime()) return due;
  return new Date(Math.max(due.getTime() + order.graceMin * minuteMs, now.getTime() + dayMs));
}

export interface Placement {
  result: SlotResult;
  values: Pick<
    WorkOrderRow,
    'scheduledStart' | 'scheduledEnd' | 'slotNote' | 'proposedStart' | 'proposedEnd'
  >;
}

const clock = (at: Date, zone: string) =>
  at.toLocaleString('en-GB', {
    timeZone: zone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  });

type PlaceInput = Pick<
  WorkOrderRow,
  'deviceId' | 'suiteId' | 'roomId' | 'dueAt' | 'graceMin' | 'durationMin'
>;

/**
 * The earliest free slot before each work order's deadline; failing that, the work order says why
 * and offers one. The affected suites and their bookings are read once for all of them, so the
 * planner making a day's work costs a few queries, not a few per work order.
 */
export async function placeAll(
  db: Db,
  config: MaintenanceConfig,
  orders: PlaceInput[],
  now: Date,
): Promise<Placement[]> {
  if (orders.length === 0) return [];
  const notBefore = roundUp(now);
  const deadlines = orders.map((order) => deadlineOf(order, now));
  const suiteIds = await affectedSuitesOf(db, orders);
  const latest = Math.max(...deadlines.map((d) => d.getTime()));
  const booked = await bookingsBySuite(
    db,
    [...new Set(suiteIds.flat())],
    notBefore,
    new Date(latest + 61 * dayMs),
  );
  return orders.map((order, i) =>
    placed(
      config,
      order,
      notBefore,
      deadlines[i]!,
      (suiteIds[i] ?? []).flatMap((id) => booked.get(id) ?? []),
    ),
  );
}

/** One work order's placement: the earliest free slot before the deadline, else why and an offer. */
export async function place(
  db: Db,
  config: MaintenanceConfig,
  order: PlaceInput,
  now: Date,
): Promise<Placement> {
  const [placement] = await placeAll(db, config, [order], now);
  return placement!;
}

function placed(
  config: MaintenanceConfig,
  order: PlaceInput,
  notBefore: Date,
  dueAt: Date,
  busy: Busy[],
): Placement {
  const result = findSlot({
    durationMin: order.durationMin,
    notBefore,
    dueAt,
    busy,
    hours: config.hours,
    stepMin,
  });
  if (result.fits)
    return {
      result,
      values: {
        scheduledStart: result.start,
        scheduledEnd: result.end,
        slotNote: '',
        proposedStart: null,
        proposedEnd: null,
      },
    };
  const zone = config.hours.timezone;
  const offer = result.late ?? result.leastHarm;
  const why =
    result.reason === 'no_hours'
      ? `no maintenance hours long enough (${order.durationMin} min) before ${clock(dueAt, zone)}`
      : `every slot in maintenance hours before ${clock(dueAt, zone)} overlaps a booking`;
  const offered = result.late
    ? `; first free slot after: ${clock(result.late.start, zone)} (late)`
    : result.leastHarm
      ? `; least harm: ${clock(result.leastHarm.start, zone)}, overlapping ${result.leastHarm.overlapMin} min of ${result.leastHarm.conflicts.map((c) => c.label).join(', ')}`
      : '; no slot found within 60 days after';
  return {
    result,
    values: {
      scheduledStart: null,
      scheduledEnd: null,
      slotNote: `No free slot: ${why}${offered}`,
      proposedStart: offer?.start ?? null,
      proposedEnd: offer?.end ?? null,
    },
  };
}

/** Bookings of the affected suites a slot would land on. */
export async function clashes(db: Db, where: Where, start: Date, end: Date): Promise<Busy[]> {
  const suiteIds = await affectedSuites(db, where);
  return overlapping({ start, end }, await bookingsOf(db, suiteIds, start, end));
}

/** The maintenance window's scope: the device, suite or room the work is on. */
function scopeOf(order: Where) {
  if (order.deviceId) return { scope: 'device' as const, scopeId: order.deviceId };
  if (order.suiteId) return { scope: 'suite' as const, scopeId: order.suiteId };
  if (order.roomId) return { scope: 'room' as const, scopeId: order.roomId };
  return null;
}

type WindowSource = Pick<
  WorkOrderRow,
  'number' | 'title' | 'deviceId' | 'suiteId' | 'roomId' | 'scheduledStart' | 'scheduledEnd'
>;

/** The window a scheduled slot makes; null for work with no slot or nothing to silence. */
function windowOf(order: WindowSource, timezone: string) {
  const scope = scopeOf(order);
  if (!scope || !order.scheduledStart || !order.scheduledEnd) return null;
  return {
    ...scope,
    mode: 'record' as const,
    reason: `WO-${order.number}: ${order.title}`,
    startsAt: order.scheduledStart,
    endsAt: order.scheduledEnd,
    timezone,
    updatedAt: new Date(),
  };
}

/**
 * A scheduled slot silences alarms on what the work touches: a *record, don't alarm* window,
 * made, moved or removed with the slot. Returns the window id to keep on the work order.
 */
export async function syncWindow(
  db: Db,
  order: WindowSource & Pick<WorkOrderRow, 'windowId' | 'createdBy'>,
  timezone: string,
): Promise<string | null> {
  const values = windowOf(order, timezone);
  if (!values) {
    if (order.windowId)
      await db.delete(maintenanceWindows).where(eq(maintenanceWindows.id, order.windowId));
    return null;
  }
  if (order.windowId) {
    const [row] = await db
      .update(maintenanceWindows)
      .set(values)
      .where(eq(maintenanceWindows.id, order.windowId))
      .returning({ id: maintenanceWindows.id });
    if (row) return row.id;
  }
  const [row] = await db
    .insert(maintenanceWindows)
    .values({ ...values, createdBy: order.createdBy || 'planner' })
    .returning({ id: maintenanceWindows.id });
  return row!.id;
}

/**
 * The windows of work orders just made, in one insert. Their ids are made here, so each is
 * matched to its work order without trusting the order rows come back in. Returns work order id
 * to window id, for those with a slot.
 */
export async function openWindows(
  db: Db,
  orders: Array<WindowSource & Pick<WorkOrderRow, 'id' | 'createdBy'>>,
  timezone: string,
): Promise<Map<string, string>> {
  const made = new Map<string, string>();
  const rows = [];
  for (const order of orders) {
    const values = windowOf(order, timezone);
    if (!values) continue;
    const id = randomUUID();
    made.set(order.id, id);
    rows.push({ ...values, id, createdBy: order.createdBy || 'planner' });
  }
  if (rows.length > 0) await db.insert(maintenanceWindows).values(rows);
  return made;
}

/** Finishing early ends the window early; a window that has not begun goes. */
export async function endWindow(db: Db, windowId: string | null, at: Date): Promise<void> {
  if (!windowId) return;
  const [row] = await db
    .select()
    .from(maintenanceWindows)
    .where(eq(maintenanceWindows.id, windowId));
  if (!row || row.endsAt <= at) return;
  if (row.startsAt >= at) {
    await db.delete(maintenanceWindows).where(eq(maintenanceWindows.id, windowId));
    return;
  }
  await db
    .update(maintenanceWindows)
    .set({ endsAt: at, updatedAt: new Date() })
    .where(eq(maintenanceWindows.id, windowId));
}
