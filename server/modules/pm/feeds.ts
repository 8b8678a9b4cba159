import { randomBytes } from 'node:crypto';
import {
  and,
  asc,
  desc,
  eq,
  inArray,
  isNotNull,
  isNull,
  lt,
  ne,
  or,
  sql,
  type SQL,
} from 'drizzle-orm';
import ical, { ICalEventStatus, ICalEventTransparency, type ICalEventData } from 'ical-generator';
import { DateTime } from 'luxon';
import type { Db } from '../../db/client.ts';
import {
  calendarFeeds,
  devices,
  maintenanceWindows,
  rooms,
  suiteDevices,
  suites,
  users,
  workOrders,
  type Role,
} from '../../db/schema/index.ts';
import type { FeedScope, WindowMode, WorkOrderStatus } from '../../domain.ts';
import { Forbidden, Invalid, NotFound } from '../../errors.ts';
import { recordAudit } from '../audit/repository.ts';
import type { Actor, Principal } from '../auth/principal.ts';
import { sha256 } from '../auth/secrets.ts';
import { mayRunDuring, windowsNamed } from '../maintenance/repository.ts';
import { nextOccurrences, type Occurrence, type Schedule } from '../maintenance/schedule.ts';
import { editors } from '../roles.ts';
import { serialize } from '../serialize.ts';
import { loadConfig } from './settings.ts';

// The queries live here rather than in a repository.ts: this module's repository is being written
// alongside the work-order service, and feeds only read what others own.

export interface FeedInput {
  name: string;
  scope: FeedScope;
  suiteId?: string;
  userId?: string;
}

/** Who may make facility and suite feeds, and feeds of someone else's work. */
const feedMakers: readonly Role[] = ['engineer', 'manager', 'admin'];

/** How far back and ahead a feed reaches: a month of history, half a year of plans. */
const pastDays = 30;
const aheadDays = 180;
const dayMs = 24 * 60 * 60 * 1000;
/** lastUsedAt is a hint for "is anyone still subscribed", not a log: one write a minute at most. */
const touchEveryMs = 60 * 1000;
/** A calendar client is asked to come back this often. */
const refreshS = 15 * 60;
/** Guards against a window whose schedule would flood a feed. */
const maxOccurrencesPerWindow = 1000;

/**
 * SEQUENCE is a 32-bit integer in RFC 5545, which epoch seconds outgrow in 2038: counting from
 * 2024 keeps it growing with every change for another 68 years.
 */
const sequenceEpochS = Date.UTC(2024, 0, 1) / 1000;

const gone =
  'no calendar feed has this address: it was never made or it has been revoked; ask for a new feed link in Suitewatch';

const f = calendarFeeds;
const feedColumns = {
  id: f.id,
  name: f.name,
  scope: f.scope,
  suiteId: f.suiteId,
  userId: f.userId,
  createdById: f.createdById,
  createdBy: f.createdBy,
  createdAt: f.createdAt,
  revokedAt: f.revokedAt,
  lastUsedAt: f.lastUsedAt,
};

function userOf(principal: Principal) {
  if (principal.kind !== 'user') throw new Forbidden('a probe token may not manage calendar feeds');
  return principal;
}
type User = ReturnType<typeof userOf>;

/** Feed makers see every feed; others see the feeds they made and the feeds of their own work. */
function sees(user: User, feed: FeedRow): boolean {
  return (
    feedMakers.includes(user.role) ||
    feed.createdById === user.userId ||
    feed.userId === user.userId
  );
}

function mayRevoke(user: User, feed: FeedRow): boolean {
  return feed.createdById === user.userId || editors.includes(user.role);
}

const roleList = (roles: readonly Role[]) =>
  roles.length > 1 ? `${roles.slice(0, -1).join(', ')} or ${roles.at(-1)}` : (roles[0] ?? '');

async function exists(db: Db, table: typeof suites | typeof users, id: string): Promise<boolean> {
  const [row] = await db.select({ id: table.id }).from(table).where(eq(table.id, id));
  return row !== undefined;
}

async function getFeed(db: Db, id: string) {
  const [row] = await db.select(feedColumns).from(f).where(eq(f.id, id));
  return row;
}
type FeedRow = NonNullable<Awaited<ReturnType<typeof getFeed>>>;

export async function listFeeds(db: Db, principal: Principal) {
  const user = userOf(principal);
  const rows = await db
    .select(feedColumns)
    .from(f)
    .where(
      feedMakers.includes(user.role)
        ? undefined
        : or(eq(f.createdById, user.userId), eq(f.userId, user.userId)),
    )
    .orderBy(desc(f.createdAt), f.id);
  return rows.map((row) => serialize(row));
}

/** Who and what the feed covers, after the role rules; a 403 or a 400 naming the field. */
async function checkedTarget(
  db: Db,
  user: User,
  input: FeedInput,
): Promise<{ suiteId: string | null; userId: string | null }> {
  const makes = feedMakers.includes(user.role);
  const needsMaker = (what: string) =>
    new Forbidden(
      `body.scope: ${what} needs the ${roleList(feedMakers)} role; ${user.username} is ${user.role} and may make a feed of their own work (scope user)`,
    );
  if (input.scope !== 'suite' && input.suiteId !== undefined)
    throw new Invalid(`body.suiteId: only a suite feed has a suite; this is a ${input.scope} feed`);
  if (input.scope !== 'user' && input.userId !== undefined)
    throw new Invalid(`body.userId: only a user feed has a user; this is a ${input.scope} feed`);
  switch (input.scope) {
    case 'facility':
      if (!makes) throw needsMaker('a facility feed');
      return { suiteId: null, userId: null };
    case 'suite': {
      if (!makes) throw needsMaker('a suite feed');
      const suiteId = input.suiteId;
      if (suiteId === undefined)
        throw new Invalid('body.suiteId: a suite feed needs the id of the suite it shows');
      if (!(await exists(db, suites, suiteId)))
        throw new Invalid(`body.suiteId: no suite with id ${suiteId}`);
      return { suiteId, userId: null };
    }
    case 'user': {
      const userId = input.userId ?? user.userId;
      if (userId !== user.userId && !makes)
        throw new Forbidden(
          `body.userId: a feed of someone else's work needs the ${roleList(feedMakers)} role; leave userId out for a feed of your own`,
        );
      if (!(await exists(db, users, userId)))
        throw new Invalid(`body.userId: no user with id ${userId}`);
      return { suiteId: null, userId };
    }
  }
}

/**
 * The token is returned once, here, inside the feed's address; only its SHA-256 is stored, so a
 * lost address means a new feed.
 */
export async function createFeed(
  db: Db,
  principal: Principal,
  actor: Actor,
  input: FeedInput,
  publicUrl = '',
) {
  const user = userOf(principal);
  const name = input.name.trim();
  if (name === '') throw new Invalid('body.name: name the feed; it must not be blank');
  return db.transaction(async (tx) => {
    const target = await checkedTarget(tx, user, input);
    const token = randomBytes(32).toString('base64url');
    const [row] = await tx
      .insert(f)
      .values({
        name,
        scope: input.scope,
        ...target,
        tokenHash: sha256(token),
        createdById: actor.id,
        createdBy: actor.label,
      })
      .returning(feedColumns);
    if (!row) throw new Error('insert returned no row');
    const feed = serialize(row);
    await recordAudit(tx, actor, {
      action: 'create',
      entity: 'calendar-feed',
      entityId: row.id,
      after: feed,
    });
    return { ...feed, token, url: `${publicUrl}/calendar/${token}.ics` };
  });
}

async function found(db: Db, user: User, id: string, verb: string): Promise<FeedRow> {
  const feed = await getFeed(db, id);
  // A feed the caller may not see is reported missing, as if it did not exist.
  if (!feed || !sees(user, feed)) throw new NotFound(`calendar feed ${id} does not exist`);
  if (!mayRevoke(user, feed))
    throw new Forbidden(
      `only ${feed.createdBy || 'whoever made it'} or an ${roleList(editors)} may ${verb} calendar feed '${feed.name}'`,
    );
  return feed;
}

/** Revoking keeps the row (and its audit trail); the address answers 404 from now on. */
export async function revokeFeed(db: Db, principal: Principal, actor: Actor, id: string) {
  const user = userOf(principal);
  return db.transaction(async (tx) => {
    const before = await found(tx, user, id, 'revoke');
    if (before.revokedAt) return serialize(before);
    const [after] = await tx
      .update(f)
      .set({ revokedAt: new Date() })
      .where(and(eq(f.id, id), isNull(f.revokedAt)))
      .returning(feedColumns);
    if (!after) return serialize(before);
    await recordAudit(tx, actor, {
      action: 'revoke',
      entity: 'calendar-feed',
      entityId: id,
      before: serialize(before),
      after: serialize(after),
    });
    return serialize(after);
  });
}

export async function deleteFeed(db: Db, principal: Principal, actor: Actor, id: string) {
  const user = userOf(principal);
  await db.transaction(async (tx) => {
    const before = await found(tx, user, id, 'delete');
    await tx.delete(f).where(eq(f.id, id));
    await recordAudit(tx, actor, {
      action: 'delete',
      entity: 'calendar-feed',
      entityId: id,
      before: serialize(before),
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The feed itself

interface FeedTarget {
  id: string;
  name: string;
  scope: FeedScope;
  suiteId: string | null;
  userId: string | null;
  lastUsedAt: Date | null;
  suiteName: string | null;
  userName: string | null;
}

async function feedByToken(db: Db, token: string): Promise<FeedTarget | undefined> {
  // Anything that is not a token we made cannot match one; no need to ask the database.
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
  const [row] = await db
    .select({
      id: f.id,
      name: f.name,
      scope: f.scope,
      suiteId: f.suiteId,
      userId: f.userId,
      lastUsedAt: f.lastUsedAt,
      suiteName: suites.name,
      userName: sql<string | null>`coalesce(nullif(${users.displayName}, ''), ${users.username})`,
    })
    .from(f)
    .leftJoin(suites, eq(suites.id, f.suiteId))
    .leftJoin(users, eq(users.id, f.userId))
    .where(and(eq(f.tokenHash, sha256(token)), isNull(f.revokedAt)));
  return row;
}

async function touch(db: Db, feed: FeedTarget, now: Date): Promise<void> {
  if (feed.lastUsedAt && now.getTime() - feed.lastUsedAt.getTime() < touchEveryMs) return;
  await db
    .update(f)
    .set({ lastUsedAt: now })
    .where(
      and(
        eq(f.id, feed.id),
        or(isNull(f.lastUsedAt), lt(f.lastUsedAt, new Date(now.getTime() - touchEveryMs))),
      ),
    );
}

const instant = (at: Date) => sql`${at.toISOString()}::timestamptz`;

/** The devices of a suite, as a subquery. */
const suiteDeviceIds = (db: Db, suiteId: string) =>
  db
    .select({ id: suiteDevices.deviceId })
    .from(suiteDevices)
    .where(eq(suiteDevices.suiteId, suiteId));

function workOrderRows(db: Db, feed: FeedTarget, from: Date, to: Date) {
  const wo = workOrders;
  const where: Array<SQL | undefined> = [
    ne(wo.status, 'cancelled'),
    or(isNotNull(wo.scheduledStart), isNotNull(wo.dueAt)),
    sql`coalesce(${wo.scheduledStart}, ${wo.dueAt}) < ${instant(to)}`,
    // A day's slack: an all-day event on the due date lasts the whole local day.
    sql`coalesce(${wo.scheduledEnd}, ${wo.scheduledStart}, ${wo.dueAt}) > ${instant(new Date(from.getTime() - dayMs))}`,
  ];
  if (feed.scope === 'suite' && feed.suiteId)
    where.push(
      or(eq(wo.suiteId, feed.suiteId), inArray(wo.deviceId, suiteDeviceIds(db, feed.suiteId))),
    );
  if (feed.scope === 'user') where.push(feed.userId ? eq(wo.assigneeId, feed.userId) : sql`false`);
  return db
    .select({
      id: wo.id,
      number: wo.number,
      title: wo.title,
      type: wo.type,
      status: wo.status,
      dueAt: wo.dueAt,
      durationMin: wo.durationMin,
      scheduledStart: wo.scheduledStart,
      scheduledEnd: wo.scheduledEnd,
      createdAt: wo.createdAt,
      updatedAt: wo.updatedAt,
      deviceName: devices.name,
      suiteName: suites.name,
      roomName: rooms.name,
      assignee: sql<string | null>`coalesce(nullif(${users.displayName}, ''), ${users.username})`,
    })
    .from(wo)
    .leftJoin(devices, eq(devices.id, wo.deviceId))
    .leftJoin(suites, eq(suites.id, wo.suiteId))
    .leftJoin(rooms, eq(rooms.id, wo.roomId))
    .leftJoin(users, eq(users.id, wo.assigneeId))
    .where(and(...where))
    .orderBy(asc(sql`coalesce(${wo.scheduledStart}, ${wo.dueAt})`), wo.number);
}
type WorkOrderRow = Awaited<ReturnType<typeof workOrderRows>>[number];

function windowRows(db: Db, feed: FeedTarget, from: Date, to: Date) {
  const w = maintenanceWindows;
  const where: Array<SQL | undefined> = [mayRunDuring(from, to)];
  if (feed.scope === 'suite' && feed.suiteId)
    where.push(
      or(
        and(eq(w.scope, 'suite'), eq(w.scopeId, feed.suiteId)),
        and(eq(w.scope, 'device'), inArray(w.scopeId, suiteDeviceIds(db, feed.suiteId))),
        and(
          eq(w.scope, 'room'),
          eq(
            w.scopeId,
            sql`(select ${suites.roomId} from ${suites} where ${suites.id} = ${feed.suiteId})`,
          ),
        ),
      ),
    );
  return windowsNamed(db, where);
}
type WindowRow = Awaited<ReturnType<typeof windowRows>>[number];

/** The occurrences of a window that overlap [from, to), in order. */
export function occurrencesBetween(w: Schedule, from: Date, to: Date): Occurrence[] {
  const out: Occurrence[] = [];
  const page = 32;
  let cursor = from;
  for (;;) {
    const batch = nextOccurrences(w, cursor, page);
    for (const o of batch) {
      if (o.start.getTime() >= to.getTime()) return out;
      // Each page starts with the occurrence running at the cursor: the last one already kept.
      const last = out.at(-1);
      if (last && o.start.getTime() <= last.start.getTime()) continue;
      out.push(o);
      if (out.length >= maxOccurrencesPerWindow) return out;
    }
    const next = batch.at(-1);
    if (batch.length < page || !next) return out;
    cursor = next.start;
  }
}

const statusLabel = (status: WorkOrderStatus) => status.replace(/_/g, ' ');
const modeLabel: Record<WindowMode, string> = {
  record: 'faults are recorded but not notified',
  skip: 'checks are not evaluated',
};
const sequenceOf = (updatedAt: Date) =>
  Math.max(0, Math.floor(updatedAt.getTime() / 1000 - sequenceEpochS));

/** Midnight UTC of a local calendar day: ical-generator writes a Date's UTC day for DATE values. */
function dayValue(day: DateTime): Date {
  return new Date(Date.UTC(day.year, day.month - 1, day.day));
}

interface Links {
  base: string;
  zone: string;
}

/** The time a work order takes in a calendar: its slot, or else its due date as an all-day event. */
function workOrderTime(
  row: WorkOrderRow,
  zone: string,
): { start: Date; end: Date; allDay: boolean } | null {
  if (row.scheduledStart) {
    const start = row.scheduledStart;
    const end =
      row.scheduledEnd && row.scheduledEnd.getTime() > start.getTime()
        ? row.scheduledEnd
        : new Date(start.getTime() + row.durationMin * 60_000);
    return { start, end, allDay: false };
  }
  if (!row.dueAt) return null;
  const day = DateTime.fromJSDate(row.dueAt, { zone }).startOf('day');
  return { start: dayValue(day), end: dayValue(day.plus({ days: 1 })), allDay: true };
}

function workOrderEvent(row: WorkOrderRow, links: Links): ICalEventData | null {
  const time = workOrderTime(row, links.zone);
  if (!time) return null;
  const url = `${links.base}/#/work-orders/${row.id}`;
  const local = (at: Date) =>
    DateTime.fromJSDate(at, { zone: links.zone }).toFormat('yyyy-LL-dd HH:mm');
  const lines = [
    `Status: ${statusLabel(row.status)}`,
    `Type: ${row.type}`,
    row.dueAt ? `Due: ${local(row.dueAt)} (${links.zone})` : null,
    row.scheduledStart ? `Scheduled: ${local(row.scheduledStart)} (${links.zone})` : null,
    row.deviceName ? `Device: ${row.deviceName}` : null,
    row.suiteName ? `Suite: ${row.suiteName}` : null,
    row.roomName ? `Room: ${row.roomName}` : null,
    row.assignee ? `Assignee: ${row.assignee}` : null,
    `Open in Suitewatch: ${url}`,
  ];
  const skipped = row.status === 'skipped';
  return {
    // The id, not the number or the time: a moved work order moves in the subscriber's calendar.
    id: `wo-${row.id}@suitewatch`,
    sequence: sequenceOf(row.updatedAt),
    stamp: row.updatedAt,
    created: row.createdAt,
    lastModified: row.updatedAt,
    start: time.start,
    end: time.end,
    allDay: time.allDay,
    summary: `WO-${row.number} ${row.title} (${statusLabel(row.status)})`,
    description: lines.filter((line) => line !== null).join('\n'),
    url,
    // Skipped work keeps its place in the history but holds no time.
    status: skipped ? ICalEventStatus.TENTATIVE : ICalEventStatus.CONFIRMED,
    transparency: skipped ? ICalEventTransparency.TRANSPARENT : ICalEventTransparency.OPAQUE,
  };
}

function windowEvents(row: WindowRow, from: Date, to: Date, links: Links): ICalEventData[] {
  const url = `${links.base}/#/maintenance`;
  const target = row.scopeName ? `${row.scope} ${row.scopeName}` : `a deleted ${row.scope}`;
  const repeats =
    row.recurrence === 'none'
      ? null
      : `Repeats: ${row.recurrence}${row.until ? ` until ${row.until.toISOString().slice(0, 10)}` : ''} (${row.timezone})`;
  const description = [
    `Maintenance window on ${target}`,
    `Mode: ${row.mode} (${modeLabel[row.mode]})`,
    repeats,
    `Open in Suitewatch: ${url}`,
  ]
    .filter((line) => line !== null)
    .join('\n');
  return occurrencesBetween(row, from, to).map((o) => ({
    // An occurrence is named by its start: a repeat keeps its UID however the others change.
    id: `mw-${row.id}-${Math.floor(o.start.getTime() / 1000)}@suitewatch`,
    sequence: sequenceOf(row.updatedAt),
    stamp: row.updatedAt,
    created: row.createdAt,
    lastModified: row.updatedAt,
    start: o.start,
    end: o.end,
    summary: `Maintenance: ${row.reason} (${row.scopeName ?? `deleted ${row.scope}`})`,
    description,
    url,
    status: ICalEventStatus.CONFIRMED,
  }));
}

function calendarName(feed: FeedTarget): string {
  switch (feed.scope) {
    case 'facility':
      return `${feed.name} (Suitewatch: all planned work)`;
    case 'suite':
      return `${feed.name} (Suitewatch: planned work in ${feed.suiteName ?? 'a deleted suite'})`;
    case 'user':
      return `${feed.name} (Suitewatch: work for ${feed.userName ?? 'a deleted user'})`;
  }
}

/**
 * The feed behind a token as iCalendar text: work orders, and (except for a person's feed)
 * maintenance window occurrences, from a month back to half a year ahead. Every time is UTC,
 * so no VTIMEZONE is needed. An unknown and a revoked token get the same 404.
 */
export async function renderFeed(
  db: Db,
  token: string,
  options: { baseUrl: string; now?: Date },
): Promise<string> {
  const now = options.now ?? new Date();
  const feed = await feedByToken(db, token);
  if (!feed) throw new NotFound(gone);
  await touch(db, feed, now);

  const from = new Date(now.getTime() - pastDays * dayMs);
  const to = new Date(now.getTime() + aheadDays * dayMs);
  const links: Links = { base: options.baseUrl, zone: (await loadConfig(db)).hours.timezone };
  const events: ICalEventData[] = [];
  for (const row of await workOrderRows(db, feed, from, to)) {
    const event = workOrderEvent(row, links);
    if (event) events.push(event);
  }
  if (feed.scope !== 'user')
    for (const row of await windowRows(db, feed, from, to))
      events.push(...windowEvents(row, from, to, links));

  return ical({
    name: calendarName(feed),
    description: `Planned work from Suitewatch, ${pastDays} days back to ${aheadDays} days ahead`,
    prodId: { company: 'Suitewatch', product: 'Planned work', language: 'EN' },
    ttl: refreshS,
    events,
  }).toString();
}
