import {
  and,
  asc,
  eq,
  gt,
  gte,
  inArray,
  isNotNull,
  isNull,
  lt,
  ne,
  or,
  sql,
  type SQL,
} from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { query, sqlArray, type Db } from '../../db/client.ts';
import {
  bookings,
  devices,
  maintenanceWindows,
  rooms,
  sites,
  suites,
  workOrders,
} from '../../db/schema/index.ts';
import { Invalid } from '../../errors.ts';
import { workMovedOnto } from '../bookings/repository.ts';
import { deviceEdges } from '../tickets/repository.ts';
import { mayRunDuring, windowsNamed } from '../maintenance/repository.ts';
import type { CalendarBooking, CalendarData, CalendarWindow } from './api-types.ts';
import { occurrencesBetween } from './feeds.ts';
import { loadConfig } from './settings.ts';
import { signoffRisks } from './signoff.ts';
import { openStretches } from './slots.ts';
import { view } from './work-orders.ts';

// The maintenance calendar: bookings, planned work and maintenance windows of one place (or the
// whole facility) over a period, on one screen, so an engineer sees what the work would land on.

export interface CalendarQuery {
  from: string;
  to: string;
  siteId?: string;
  suiteId?: string;
  roomId?: string;
}

/** Two months and a little: a month view shows up to six weeks, plus a day either side. */
export const maxPeriodDays = 62;
const dayMs = 24 * 60 * 60 * 1000;

/**
 * Where the calendar looks. `null` sets are the whole facility. A room or site is the union of
 * its suites, plus work and windows on the room itself.
 */
interface Place {
  suiteIds: string[] | null;
  roomIds: string[] | null;
  deviceIds: string[] | null;
}

function periodOf(q: CalendarQuery): { from: Date; to: Date } {
  const from = new Date(q.from);
  const to = new Date(q.to);
  if (Number.isNaN(from.getTime()))
    throw new Invalid(`querystring.from: '${q.from}' is not a date-time`);
  if (Number.isNaN(to.getTime())) throw new Invalid(`querystring.to: '${q.to}' is not a date-time`);
  if (to.getTime() <= from.getTime())
    throw new Invalid(`querystring.to: must be after from (${from.toISOString()})`);
  if (to.getTime() - from.getTime() > maxPeriodDays * dayMs)
    throw new Invalid(
      `querystring.to: the period may be at most ${maxPeriodDays} days; ask for a month at a time`,
    );
  return { from, to };
}

/**
 * The devices some suites contain or depend on: their own devices, then up through parents and
 * declared dependencies (the storage and router a workstation needs). Work on any of them
 * disturbs the suite, as placement.ts's affectedSuites reads the same relation the other way.
 */
async function devicesOfSuites(db: Db, suiteIds: string[]): Promise<string[]> {
  if (suiteIds.length === 0) return [];
  const rows = await query<{ dev: string }>(
    db,
    sql`with recursive ${deviceEdges},
        up(dev) as (
          select device_id from suite_devices where suite_id = any(${sqlArray(suiteIds, 'uuid')})
          union
          select edges.parent from up join edges on edges.child = up.dev
        )
        select dev from up`,
  );
  return rows.map((r) => r.dev);
}

async function placeOf(db: Db, q: CalendarQuery): Promise<Place> {
  const given = (['siteId', 'suiteId', 'roomId'] as const).filter((k) => q[k] !== undefined);
  if (given.length > 1)
    throw new Invalid(
      `querystring.${given[1]}: give at most one of siteId, suiteId, roomId (got ${given.join(' and ')})`,
    );
  if (q.suiteId) {
    const [suite] = await db
      .select({ id: suites.id, roomId: suites.roomId })
      .from(suites)
      .where(eq(suites.id, q.suiteId));
    if (!suite) throw new Invalid(`querystring.suiteId: no suite with id ${q.suiteId}`);
    // Work on the suite's room takes the whole room, this suite with it.
    return {
      suiteIds: [suite.id],
      roomIds: suite.roomId ? [suite.roomId] : [],
      deviceIds: await devicesOfSuites(db, [suite.id]),
    };
  }
  let roomIds: string[];
  if (q.roomId) {
    const [room] = await db.select({ id: rooms.id }).from(rooms).where(eq(rooms.id, q.roomId));
    if (!room) throw new Invalid(`querystring.roomId: no room with id ${q.roomId}`);
    roomIds = [room.id];
  } else if (q.siteId) {
    const [site] = await db.select({ id: sites.id }).from(sites).where(eq(sites.id, q.siteId));
    if (!site) throw new Invalid(`querystring.siteId: no site with id ${q.siteId}`);
    roomIds = (await db.select({ id: rooms.id }).from(rooms).where(eq(rooms.siteId, site.id))).map(
      (r) => r.id,
    );
  } else {
    return { suiteIds: null, roomIds: null, deviceIds: null };
  }
  const suiteIds =
    roomIds.length === 0
      ? []
      : (
          await db.select({ id: suites.id }).from(suites).where(inArray(suites.roomId, roomIds))
        ).map((s) => s.id);
  return { suiteIds, roomIds, deviceIds: await devicesOfSuites(db, suiteIds) };
}

/** `column in ids`, where null is "anything" and an empty list is "nothing". */
function within(column: AnyPgColumn, ids: string[] | null): SQL | undefined {
  if (ids === null) return undefined;
  return ids.length === 0 ? sql`false` : inArray(column, ids);
}

const overlaps = (start: AnyPgColumn, end: AnyPgColumn, from: Date, to: Date) =>
  and(lt(start, to), gt(end, from));

async function bookingRows(db: Db, place: Place, from: Date, to: Date) {
  return db
    .select({
      id: bookings.id,
      suiteId: bookings.suiteId,
      suiteName: suites.name,
      client: bookings.client,
      project: bookings.project,
      operator: bookings.operator,
      startsAt: bookings.startsAt,
      endsAt: bookings.endsAt,
      signoff: bookings.signoff,
    })
    .from(bookings)
    .innerJoin(suites, eq(suites.id, bookings.suiteId))
    .where(
      and(
        overlaps(bookings.startsAt, bookings.endsAt, from, to),
        within(bookings.suiteId, place.suiteIds),
      ),
    )
    .orderBy(asc(bookings.startsAt), bookings.id);
}

async function workOrderRows(db: Db, place: Place, from: Date, to: Date) {
  const wo = workOrders;
  const where: Array<SQL | undefined> = [
    ne(wo.status, 'cancelled'),
    // On the calendar by its slot; unplaced work by the slot on offer or by its due date.
    or(
      and(isNotNull(wo.scheduledStart), overlaps(wo.scheduledStart, wo.scheduledEnd, from, to)),
      and(
        isNull(wo.scheduledStart),
        or(
          overlaps(wo.proposedStart, wo.proposedEnd, from, to),
          and(gte(wo.dueAt, from), lt(wo.dueAt, to)),
        ),
      ),
    ),
  ];
  if (place.suiteIds !== null)
    where.push(
      or(
        within(wo.suiteId, place.suiteIds),
        within(wo.roomId, place.roomIds),
        within(wo.deviceId, place.deviceIds),
      ),
    );
  return db
    .select({
      row: wo,
      deviceName: devices.name,
      suiteName: suites.name,
      roomName: rooms.name,
    })
    .from(wo)
    .leftJoin(devices, eq(devices.id, wo.deviceId))
    .leftJoin(suites, eq(suites.id, wo.suiteId))
    .leftJoin(rooms, eq(rooms.id, wo.roomId))
    .where(and(...where))
    .orderBy(asc(sql`coalesce(${wo.scheduledStart}, ${wo.proposedStart}, ${wo.dueAt})`), wo.number);
}

async function windowRows(db: Db, place: Place, from: Date, to: Date) {
  const w = maintenanceWindows;
  const rows = await windowsNamed(db, [
    mayRunDuring(from, to),
    place.suiteIds === null
      ? undefined
      : or(
          and(eq(w.scope, 'suite'), within(w.scopeId, place.suiteIds)),
          and(eq(w.scope, 'room'), within(w.scopeId, place.roomIds)),
          and(eq(w.scope, 'device'), within(w.scopeId, place.deviceIds)),
        ),
  ]);
  // A work order's slot makes its window: name the work, so the calendar can tie the two.
  const ids = rows.map((r) => r.id);
  const owners =
    ids.length === 0
      ? []
      : await db
          .select({ id: workOrders.id, windowId: workOrders.windowId })
          .from(workOrders)
          .where(inArray(workOrders.windowId, ids));
  const ownerOf = new Map(owners.map((o) => [o.windowId, o.id]));
  return rows.map((r) => ({ ...r, workOrderId: ownerOf.get(r.id) ?? null }));
}

const iso = (at: Date | null) => (at ? at.toISOString() : null);

/**
 * The calendar of a place (a site, room or suite; the whole facility when none is given) over
 * [from, to): its bookings, the work orders that touch it, the maintenance window occurrences on
 * it, and the maintenance hours, in the facility's zone.
 */
export async function calendar(db: Db, q: CalendarQuery, now = new Date()): Promise<CalendarData> {
  const { from, to } = periodOf(q);
  const place = await placeOf(db, q);
  const config = await loadConfig(db);
  const [bookingList, orderList, windowList] = await Promise.all([
    bookingRows(db, place, from, to),
    workOrderRows(db, place, from, to),
    windowRows(db, place, from, to),
  ]);

  const signoffIds = bookingList.filter((b) => b.signoff).map((b) => b.id);
  const [riskList, moved] = await Promise.all([
    signoffIds.length === 0
      ? []
      : signoffRisks(db, { bookingIds: signoffIds, from, to }, now, config.signoffValidDays),
    workMovedOnto(
      db,
      bookingList.map((b) => b.id),
    ),
  ]);
  const risks = new Map(
    riskList.map((r) => [r.bookingId, { reason: r.reason, lastPassAt: r.lastPassAt }]),
  );
  const bookingsOut: CalendarBooking[] = bookingList.map((b) => ({
    id: b.id,
    suiteId: b.suiteId,
    suiteName: b.suiteName,
    title: b.project ? `${b.client} · ${b.project}` : b.client,
    client: b.client,
    project: b.project,
    operator: b.operator,
    start: b.startsAt.toISOString(),
    end: b.endsAt.toISOString(),
    signoff: b.signoff ?? null,
    signoffRisk: risks.get(b.id) ?? null,
    movedWork: moved
      .filter((m) => m.bookingId === b.id)
      .map((m) => ({ id: m.id, number: m.number, title: m.title, reason: m.reason })),
  }));

  const windows: CalendarWindow[] = windowList.flatMap((w) =>
    occurrencesBetween(w, from, to).map((o) => ({
      windowId: w.id,
      title: w.reason,
      start: o.start.toISOString(),
      end: o.end.toISOString(),
      mode: w.mode,
      scope: w.scope,
      scopeId: w.scopeId,
      scopeName: w.scopeName,
      workOrderId: w.workOrderId,
    })),
  );
  windows.sort((a, b) => a.start.localeCompare(b.start) || a.windowId.localeCompare(b.windowId));

  return {
    from: from.toISOString(),
    to: to.toISOString(),
    timezone: config.hours.timezone,
    bookings: bookingsOut,
    workOrders: orderList.map(({ row, deviceName, suiteName, roomName }) => ({
      id: row.id,
      number: row.number,
      title: row.title,
      type: row.type,
      status: row.status,
      deviceId: row.deviceId,
      deviceName,
      suiteId: row.suiteId,
      suiteName,
      roomId: row.roomId,
      roomName,
      durationMin: row.durationMin,
      scheduledStart: iso(row.scheduledStart),
      scheduledEnd: iso(row.scheduledEnd),
      dueAt: iso(row.dueAt),
      overdue: view(row, now).overdue,
      proposedStart: iso(row.proposedStart),
      proposedEnd: iso(row.proposedEnd),
      slotNote: row.slotNote,
      assigneeId: row.assigneeId,
      overrideReason: row.overrideReason,
    })),
    windows,
    maintenanceHours: openStretches(config.hours, from, to).map((s) => ({
      start: s.start.toISOString(),
      end: s.end.toISOString(),
    })),
  };
}
