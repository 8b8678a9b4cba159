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
 * The suites planned work would disturb: a suite itself, every suite of a room, or for a device
 * the suites that contain it and those whose devices depend on it (its storage, its router).
 */
export async function affectedSuites(db: Db, where: Where): Promise<string[]> {
  if (where.suiteId) return [where.suiteId];
  if (where.roomId) {
    const rows = await db
      .select({ id: suites.id })
      .from(suites)
      .where(eq(suites.roomId, where.roomId));
    return rows.map((r) => r.id);
  }
  if (!where.deviceId) return [];
  const [device] = await db
    .select({ id: devices.id, name: devices.name })
    .from(devices)
    .where(eq(devices.id, where.deviceId));
  if (!device) return [];
  const [scope] = await ticketRepo.deviceScopes(db, [device]);
  return [...new Set([...(scope?.suiteIds ?? []), ...(scope?.servedSuiteIds ?? [])])];
}

export async function bookingsOf(
  db: Db,
  suiteIds: string[],
  from: Date,
  to: Date,
): Promise<Busy[]> {
  if (suiteIds.length === 0) return [];
  const rows = await db
    .select({
      id: bookings.id,
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
  return rows.map((r) => ({
    id: r.id,
    label: `${r.client} in ${r.suite}`,
    start: r.startsAt,
    end: r.endsAt,
  }));
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

/** The earliest free slot before the deadline; failing that, the work order says why and offers one. */
export async function place(
  db: Db,
  config: MaintenanceConfig,
  order: Pick<
    WorkOrderRow,
    'deviceId' | 'suiteId' | 'roomId' | 'dueAt' | 'graceMin' | 'durationMin'
  >,
  now: Date,
): Promise<Placement> {
  const notBefore = roundUp(now);
  const dueAt = deadlineOf(order, now);
  const suiteIds = await affectedSuites(db, order);
  const busy = await bookingsOf(db, suiteIds, notBefore, new Date(dueAt.getTime() + 61 * dayMs));
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

/**
 * A scheduled slot silences alarms on what the work touches: a *record, don't alarm* window,
 * made, moved or removed with the slot. Returns the window id to keep on the work order.
 */
export async function syncWindow(
  db: Db,
  order: Pick<
    WorkOrderRow,
    | 'number'
    | 'title'
    | 'deviceId'
    | 'suiteId'
    | 'roomId'
    | 'scheduledStart'
    | 'scheduledEnd'
    | 'windowId'
    | 'createdBy'
  >,
  timezone: string,
): Promise<string | null> {
  const scope = scopeOf(order);
  if (!scope || !order.scheduledStart || !order.scheduledEnd) {
    if (order.windowId)
      await db.delete(maintenanceWindows).where(eq(maintenanceWindows.id, order.windowId));
    return null;
  }
  const values = {
    ...scope,
    mode: 'record' as const,
    reason: `WO-${order.number}: ${order.title}`,
    startsAt: order.scheduledStart,
    endsAt: order.scheduledEnd,
    timezone,
    updatedAt: new Date(),
  };
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
