import { and, asc, desc, eq, gt, inArray, lt, notInArray, or, sql, type SQL } from 'drizzle-orm';
import { query, sqlArray, type Db } from '../../db/client.ts';
import {
  bookings,
  checks,
  devices,
  faults,
  problems,
  rooms,
  sites,
  suiteDevices,
  suites,
  ticketAttachments,
  ticketDevices,
  ticketEvents,
  ticketFaults,
  tickets,
  ticketSuites,
  users,
  workOrders,
} from '../../db/schema/index.ts';
import type { TicketCategory, TicketEventKind, TicketStatus } from '../../domain.ts';
import type { BookingFact, DeviceScope } from './triage.ts';

export type TicketRow = typeof tickets.$inferSelect;
export type NewTicket = typeof tickets.$inferInsert;
export type NewEvent = typeof ticketEvents.$inferInsert;

const closedStatuses: TicketStatus[] = ['resolved', 'closed'];
// Written out, not bound: a prepared statement's parameters would hide from the planner that the
// queue's partial index (status not in resolved, closed) applies.
const isOpen = sql`${tickets.status} not in ('resolved', 'closed')`;
const userName = (u: typeof users) =>
  sql<string>`coalesce(nullif(${u.displayName}, ''), ${u.username})`;

export async function suitesNamed(db: Db, ids: string[]) {
  if (ids.length === 0) return [];
  return db
    .select({ id: suites.id, name: suites.name })
    .from(suites)
    .where(inArray(suites.id, ids));
}

export async function devicesNamed(db: Db, ids: string[]) {
  if (ids.length === 0) return [];
  return db
    .select({ id: devices.id, name: devices.name, kind: devices.kind })
    .from(devices)
    .where(inArray(devices.id, ids));
}

/**
 * The device graph as a recursive query's `edges(child, parent)`: parents and declared
 * dependencies (the storage and router a workstation needs).
 */
export const deviceEdges = sql`edges(child, parent) as (
  select id, parent_id from devices where parent_id is not null
  union all
  select device_id, depends_on_id from device_dependencies
)`;

/**
 * For each device: the suites it sits in, and the suites holding a device that depends on it
 * (through parents and declared dependencies, followed all the way down).
 */
export async function deviceScopes(
  db: Db,
  named: Array<{ id: string; name: string }>,
): Promise<DeviceScope[]> {
  if (named.length === 0) return [];
  const ids = named.map((d) => d.id);
  const own = await db
    .select({ deviceId: suiteDevices.deviceId, suiteId: suiteDevices.suiteId })
    .from(suiteDevices)
    .where(inArray(suiteDevices.deviceId, ids));
  const served = await query<{ root: string; suite_id: string }>(
    db,
    sql`with recursive ${deviceEdges},
        down(root, dev) as (
          select d, d from unnest(${sqlArray(ids, 'uuid')}) as d
          union
          select down.root, edges.child from down join edges on edges.parent = down.dev
        )
        select distinct down.root, sd.suite_id
        from down join suite_devices sd on sd.device_id = down.dev
        where down.dev <> down.root`,
  );
  return named.map((d) => ({
    id: d.id,
    name: d.name,
    suiteIds: own.filter((o) => o.deviceId === d.id).map((o) => o.suiteId),
    servedSuiteIds: served.filter((s) => s.root === d.id).map((s) => s.suite_id),
  }));
}

export async function suiteNames(db: Db, ids: string[]): Promise<Map<string, string>> {
  return new Map((await suitesNamed(db, ids)).map((s) => [s.id, s.name]));
}

/** Bookings in these suites that have not ended by `from` and start before `to`. */
export async function bookingsBetween(
  db: Db,
  suiteIds: string[],
  from: Date,
  to: Date,
): Promise<BookingFact[]> {
  if (suiteIds.length === 0) return [];
  const rows = await db
    .select({
      suiteId: bookings.suiteId,
      client: bookings.client,
      startsAt: bookings.startsAt,
      endsAt: bookings.endsAt,
      timezone: sites.timezone,
    })
    .from(bookings)
    .innerJoin(suites, eq(suites.id, bookings.suiteId))
    .leftJoin(rooms, eq(rooms.id, suites.roomId))
    .leftJoin(sites, eq(sites.id, rooms.siteId))
    .where(
      and(
        inArray(bookings.suiteId, suiteIds),
        gt(bookings.endsAt, from),
        lt(bookings.startsAt, to),
      ),
    );
  return rows.map((r) => ({ ...r, timezone: r.timezone ?? 'UTC' }));
}

export async function insertTicket(db: Db, values: NewTicket): Promise<TicketRow> {
  const [row] = await db.insert(tickets).values(values).returning();
  if (!row) throw new Error('insert returned no ticket');
  return row;
}

export async function getTicket(db: Db, id: string, forUpdate = false): Promise<TicketRow | null> {
  const q = db.select().from(tickets).where(eq(tickets.id, id));
  const [row] = forUpdate ? await q.for('update') : await q;
  return row ?? null;
}

export async function updateTicket(
  db: Db,
  id: string,
  values: Partial<NewTicket>,
): Promise<TicketRow> {
  const [row] = await db
    .update(tickets)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(tickets.id, id))
    .returning();
  if (!row) throw new Error(`ticket ${id} vanished during the update`);
  return row;
}

export async function setLinks(db: Db, ticketId: string, suiteIds: string[], deviceIds: string[]) {
  await db.delete(ticketSuites).where(eq(ticketSuites.ticketId, ticketId));
  await db.delete(ticketDevices).where(eq(ticketDevices.ticketId, ticketId));
  if (suiteIds.length > 0)
    await db.insert(ticketSuites).values(suiteIds.map((suiteId) => ({ ticketId, suiteId })));
  if (deviceIds.length > 0)
    await db.insert(ticketDevices).values(deviceIds.map((deviceId) => ({ ticketId, deviceId })));
}

export async function linksOf(db: Db, ticketId: string) {
  const suiteRows = await db
    .select({ id: suites.id, name: suites.name })
    .from(ticketSuites)
    .innerJoin(suites, eq(suites.id, ticketSuites.suiteId))
    .where(eq(ticketSuites.ticketId, ticketId))
    .orderBy(suites.name);
  const deviceRows = await db
    .select({ id: devices.id, name: devices.name, kind: devices.kind })
    .from(ticketDevices)
    .innerJoin(devices, eq(devices.id, ticketDevices.deviceId))
    .where(eq(ticketDevices.ticketId, ticketId))
    .orderBy(devices.name);
  return { suites: suiteRows, devices: deviceRows };
}

export async function insertEvents(db: Db, rows: NewEvent[]) {
  if (rows.length > 0) await db.insert(ticketEvents).values(rows);
}

export async function insertEvent(db: Db, row: NewEvent) {
  const [created] = await db.insert(ticketEvents).values(row).returning();
  if (!created) throw new Error('insert returned no event');
  return created;
}

/** The newest `limit` events (of these kinds, when given), oldest first. */
export async function timeline(db: Db, ticketId: string, kinds?: TicketEventKind[], limit = 2000) {
  const rows = await db
    .select()
    .from(ticketEvents)
    .where(
      and(
        eq(ticketEvents.ticketId, ticketId),
        kinds ? inArray(ticketEvents.kind, kinds) : undefined,
      ),
    )
    .orderBy(desc(ticketEvents.id))
    .limit(limit);
  return rows.reverse();
}

export async function timeSpent(db: Db, ticketId: string): Promise<number> {
  const [row] = await db
    .select({ minutes: sql<number>`coalesce(sum(${ticketEvents.minutes}), 0)::int` })
    .from(ticketEvents)
    .where(and(eq(ticketEvents.ticketId, ticketId), eq(ticketEvents.kind, 'worklog')));
  return Number(row?.minutes ?? 0);
}

export function linkedFaults(db: Db, ticketId: string) {
  return db
    .select({
      id: faults.id,
      deviceId: faults.deviceId,
      deviceName: devices.name,
      deviceKind: devices.kind,
      condition: faults.condition,
      severity: faults.severity,
      state: faults.state,
      message: faults.message,
      openedAt: faults.openedAt,
      clearedAt: faults.clearedAt,
    })
    .from(ticketFaults)
    .innerJoin(faults, eq(faults.id, ticketFaults.faultId))
    .innerJoin(devices, eq(devices.id, faults.deviceId))
    .where(eq(ticketFaults.ticketId, ticketId))
    .orderBy(faults.openedAt);
}

/** Probe profiles the devices' checks matched (the `profile` fact). */
export async function profilesOf(db: Db, deviceIds: string[]): Promise<string[]> {
  if (deviceIds.length === 0) return [];
  const rows = await db
    .selectDistinct({ profile: sql<string | null>`${checks.facts}->>'profile'` })
    .from(checks)
    .where(inArray(checks.deviceId, deviceIds));
  return rows.map((r) => r.profile).filter((p): p is string => !!p);
}

export async function userNames(db: Db, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: users.id, name: userName(users) })
    .from(users)
    .where(inArray(users.id, ids));
  return new Map(rows.map((r) => [r.id, r.name]));
}

export async function activeUser(db: Db, id: string) {
  const [row] = await db
    .select({ id: users.id, name: userName(users), role: users.role, disabled: users.disabled })
    .from(users)
    .where(eq(users.id, id));
  return row ?? null;
}

/** People a ticket can be assigned to: every enabled user who works tickets. */
export function assignees(db: Db) {
  return db
    .select({ id: users.id, name: userName(users), role: users.role })
    .from(users)
    .where(and(eq(users.disabled, false), inArray(users.role, ['junior', 'engineer', 'admin'])))
    .orderBy(userName(users));
}

/** The work order a failed step opened the ticket from, for its link back. */
export async function workOrderSummary(db: Db, id: string) {
  const [row] = await db
    .select({
      id: workOrders.id,
      number: workOrders.number,
      title: workOrders.title,
      status: workOrders.status,
    })
    .from(workOrders)
    .where(eq(workOrders.id, id));
  return row ?? null;
}

export async function problemSummary(db: Db, id: string) {
  const [row] = await db
    .select({
      id: problems.id,
      number: problems.number,
      title: problems.title,
      status: problems.status,
    })
    .from(problems)
    .where(eq(problems.id, id));
  return row ?? null;
}

export function attachmentsOf(db: Db, ticketId: string) {
  return db
    .select({
      id: ticketAttachments.id,
      filename: ticketAttachments.filename,
      contentType: ticketAttachments.contentType,
      size: ticketAttachments.size,
      sha256: ticketAttachments.sha256,
      createdBy: ticketAttachments.createdBy,
      createdAt: ticketAttachments.createdAt,
    })
    .from(ticketAttachments)
    .where(eq(ticketAttachments.ticketId, ticketId))
    .orderBy(ticketAttachments.createdAt);
}

export async function attachment(db: Db, ticketId: string, id: string) {
  const [row] = await db
    .select()
    .from(ticketAttachments)
    .where(and(eq(ticketAttachments.ticketId, ticketId), eq(ticketAttachments.id, id)));
  return row ?? null;
}

export type View = 'queue' | 'new' | 'mine' | 'review' | 'all';

export interface ListFilter {
  view: View;
  userId: string | null;
  q?: string;
  status?: TicketStatus[];
  priority?: number[];
  category?: TicketCategory;
  assigneeId?: string;
  suiteId?: string;
  deviceId?: string;
  problemId?: string;
  tag?: string;
  number?: number;
  limit: number;
  offset: number;
}

export async function listTickets(db: Db, f: ListFilter) {
  const where: SQL[] = [];
  const tsquery = f.q ? sql`websearch_to_tsquery('english', ${f.q})` : null;
  if (tsquery) where.push(sql`${tickets.search} @@ ${tsquery}`);
  if (f.view === 'queue') where.push(isOpen);
  if (f.view === 'new') where.push(eq(tickets.status, 'new'));
  if (f.view === 'review') where.push(eq(tickets.status, 'pending_review'));
  if (f.view === 'mine') {
    where.push(isOpen);
    where.push(f.userId ? eq(tickets.assigneeId, f.userId) : sql`false`);
  }
  if (f.status?.length) where.push(inArray(tickets.status, f.status));
  if (f.priority?.length) where.push(inArray(tickets.priority, f.priority as never[]));
  if (f.category) where.push(eq(tickets.category, f.category));
  if (f.assigneeId) where.push(eq(tickets.assigneeId, f.assigneeId));
  if (f.problemId) where.push(eq(tickets.problemId, f.problemId));
  if (f.number !== undefined) where.push(eq(tickets.number, f.number));
  if (f.tag) where.push(sql`${tickets.tags} @> array[${f.tag}]::text[]`);
  if (f.suiteId)
    where.push(
      or(
        sql`exists (select 1 from ${ticketSuites} where ${ticketSuites.ticketId} = ${tickets.id} and ${ticketSuites.suiteId} = ${f.suiteId})`,
        sql`exists (select 1 from ${ticketDevices} join ${suiteDevices} on ${suiteDevices.deviceId} = ${ticketDevices.deviceId} where ${ticketDevices.ticketId} = ${tickets.id} and ${suiteDevices.suiteId} = ${f.suiteId})`,
      )!,
    );
  if (f.deviceId)
    where.push(
      sql`exists (select 1 from ${ticketDevices} where ${ticketDevices.ticketId} = ${tickets.id} and ${ticketDevices.deviceId} = ${f.deviceId})`,
    );

  const order: SQL[] = tsquery
    ? [sql`ts_rank(${tickets.search}, ${tsquery}) desc`, desc(tickets.number)]
    : f.view === 'review'
      ? [asc(tickets.resolvedAt), asc(tickets.number)]
      : f.view === 'all'
        ? [desc(tickets.number)]
        : // The triage queue: priority, then the resolution due time (none last).
          [
            asc(tickets.priority),
            sql`${tickets.resolutionDueAt} asc nulls last`,
            asc(tickets.number),
          ];

  const rows = await db
    .select({
      id: tickets.id,
      number: tickets.number,
      title: tickets.title,
      category: tickets.category,
      status: tickets.status,
      impact: tickets.impact,
      urgency: tickets.urgency,
      priority: tickets.priority,
      source: tickets.source,
      reporter: tickets.reporter,
      assigneeId: tickets.assigneeId,
      assignee: sql<
        string | null
      >`case when ${users.id} is null then null else ${userName(users)} end`,
      team: tickets.team,
      tags: tickets.tags,
      respondedAt: tickets.respondedAt,
      resolvedAt: tickets.resolvedAt,
      responseDueAt: tickets.responseDueAt,
      resolutionDueAt: tickets.resolutionDueAt,
      pauses: tickets.pauses,
      createdAt: tickets.createdAt,
      updatedAt: tickets.updatedAt,
    })
    .from(tickets)
    .leftJoin(users, eq(users.id, tickets.assigneeId))
    .where(where.length > 0 ? and(...where) : undefined)
    .orderBy(...order)
    .limit(f.limit)
    .offset(f.offset);
  const ids = rows.map((r) => r.id);
  // The suites a ticket affects: those named on it, and those of the devices it names.
  const names =
    ids.length === 0
      ? []
      : await query<{ ticket_id: string; name: string }>(
          db,
          sql`select distinct x.ticket_id, s.name from (
                select ticket_id, suite_id from ticket_suites where ticket_id = any(${sqlArray(ids, 'uuid')})
                union
                select td.ticket_id, sd.suite_id from ticket_devices td
                join suite_devices sd on sd.device_id = td.device_id
                where td.ticket_id = any(${sqlArray(ids, 'uuid')})
              ) x join suites s on s.id = x.suite_id
              order by s.name`,
        );
  return rows.map((r) => ({
    ...r,
    suites: names.filter((n) => n.ticket_id === r.id).map((n) => n.name),
  }));
}

/** The open ticket already tracking this device and condition, through a fault it links. */
export async function openTicketFor(db: Db, deviceId: string, condition: string) {
  const [row] = await db
    .select({ id: tickets.id })
    .from(ticketFaults)
    .innerJoin(faults, eq(faults.id, ticketFaults.faultId))
    .innerJoin(tickets, eq(tickets.id, ticketFaults.ticketId))
    .where(
      and(
        eq(faults.deviceId, deviceId),
        eq(faults.condition, condition),
        notInArray(tickets.status, closedStatuses),
      ),
    )
    .orderBy(desc(tickets.createdAt))
    .limit(1);
  return row?.id ?? null;
}

export async function linkFault(db: Db, ticketId: string, faultId: string) {
  await db.insert(ticketFaults).values({ ticketId, faultId });
}

export async function faultTicket(db: Db, faultId: string) {
  const [row] = await db
    .select({ ticketId: ticketFaults.ticketId, number: tickets.number })
    .from(ticketFaults)
    .innerJoin(tickets, eq(tickets.id, ticketFaults.ticketId))
    .where(eq(ticketFaults.faultId, faultId));
  return row ?? null;
}

export async function faultSummary(db: Db, id: string) {
  const [row] = await db
    .select({
      id: faults.id,
      deviceId: faults.deviceId,
      deviceName: devices.name,
      deviceKind: devices.kind,
      condition: faults.condition,
      severity: faults.severity,
      state: faults.state,
      message: faults.message,
      openedAt: faults.openedAt,
    })
    .from(faults)
    .innerJoin(devices, eq(devices.id, faults.deviceId))
    .where(eq(faults.id, id));
  return row ?? null;
}

/** What the SLA clock of every open ticket reads. */
export function openClocks(db: Db) {
  return db
    .select({
      id: tickets.id,
      priority: tickets.priority,
      createdAt: tickets.createdAt,
      respondedAt: tickets.respondedAt,
      resolvedAt: tickets.resolvedAt,
      pauses: tickets.pauses,
      alerts: tickets.alerts,
      responseDueAt: tickets.responseDueAt,
      resolutionDueAt: tickets.resolutionDueAt,
      alertAt: tickets.alertAt,
    })
    .from(tickets)
    .where(isOpen);
}

export async function setDues(
  db: Db,
  id: string,
  values: { responseDueAt: Date | null; resolutionDueAt: Date | null; alertAt: Date | null },
) {
  await db.update(tickets).set(values).where(eq(tickets.id, id));
}
