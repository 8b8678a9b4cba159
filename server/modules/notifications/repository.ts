import {
  and,
  asc,
  desc,
  eq,
  gt,
  inArray,
  lt,
  lte,
  min,
  notExists,
  sql,
  type SQL,
} from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '../../db/client.ts';
import { notificationChannels, notifications, sites } from '../../db/schema/index.ts';
import type { DeliveryState } from '../../domain.ts';

export type ChannelRow = typeof notificationChannels.$inferSelect;
export type ChannelValues = Partial<
  Pick<
    ChannelRow,
    | 'name'
    | 'type'
    | 'config'
    | 'enabled'
    | 'minSeverity'
    | 'siteIds'
    | 'deviceKinds'
    | 'sendResolved'
  >
>;
export type NotificationRow = typeof notifications.$inferSelect;
export type NewNotification = typeof notifications.$inferInsert;

export const listChannels = (db: Db) =>
  db.select().from(notificationChannels).orderBy(asc(notificationChannels.name));

export async function getChannel(db: Db, id: string) {
  const [row] = await db.select().from(notificationChannels).where(eq(notificationChannels.id, id));
  return row;
}

export const enabledChannels = (db: Db) =>
  db.select().from(notificationChannels).where(eq(notificationChannels.enabled, true));

export const channelsById = (db: Db, ids: string[]) =>
  ids.length === 0
    ? Promise.resolve([])
    : db.select().from(notificationChannels).where(inArray(notificationChannels.id, ids));

export async function insertChannel(
  db: Db,
  values: ChannelValues & Pick<ChannelRow, 'name' | 'type' | 'config'>,
) {
  const [row] = await db.insert(notificationChannels).values(values).returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

export async function updateChannel(db: Db, id: string, values: ChannelValues) {
  const [row] = await db
    .update(notificationChannels)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(notificationChannels.id, id))
    .returning();
  return row;
}

export async function deleteChannel(db: Db, id: string) {
  await db.delete(notificationChannels).where(eq(notificationChannels.id, id));
}

export async function existingSiteIds(db: Db, ids: string[]) {
  if (ids.length === 0) return new Set<string>();
  const rows = await db.select({ id: sites.id }).from(sites).where(inArray(sites.id, ids));
  return new Set(rows.map((r) => r.id));
}

export async function insertNotifications(db: Db, rows: NewNotification[]) {
  if (rows.length === 0) return [];
  return db.insert(notifications).values(rows).returning({ id: notifications.id });
}

const older = alias(notifications, 'older');

/**
 * Claims up to `limit` due messages by moving their next attempt to `leaseUntil`, in one
 * statement: another server's claim skips the rows this one locked, and once committed it no
 * longer sees them as due. Nothing is held open while sending (on PGlite an open transaction
 * would hold the one connection the whole server shares); a server that dies mid-send leaves
 * its rows to be claimed again when the lease runs out.
 *
 * A channel's messages go out in order: a message waits while an older one to the same channel
 * is being retried (or sent), so "resolved" never overtakes its "alarm".
 */
export function claimDue(db: Db, now: Date, leaseUntil: Date, limit: number) {
  const due = db
    .select({ id: notifications.id })
    .from(notifications)
    .where(
      and(
        eq(notifications.state, 'pending'),
        lte(notifications.nextAttemptAt, now),
        notExists(
          db
            .select({ one: sql`1` })
            .from(older)
            .where(
              and(
                eq(older.channelId, notifications.channelId),
                eq(older.state, 'pending'),
                lt(older.id, notifications.id),
                gt(older.nextAttemptAt, now),
              ),
            ),
        ),
      ),
    )
    .orderBy(asc(notifications.id))
    .limit(limit)
    .for('update', { skipLocked: true });
  return db
    .update(notifications)
    .set({ nextAttemptAt: leaseUntil })
    .where(inArray(notifications.id, due))
    .returning();
}

/**
 * When the next message can be claimed: the earliest next attempt among the channels' first
 * pending messages (a message behind an older pending one to its channel waits for that one, so
 * the oldest decides), or null with nothing pending. Rows claimed by a run count at their lease's
 * end, when another server may take them over.
 */
export async function nextDue(db: Db): Promise<Date | null> {
  const [row] = await db
    .select({ at: min(notifications.nextAttemptAt) })
    .from(notifications)
    .where(
      and(
        eq(notifications.state, 'pending'),
        notExists(
          db
            .select({ one: sql`1` })
            .from(older)
            .where(
              and(
                eq(older.state, 'pending'),
                eq(older.channelId, notifications.channelId),
                lt(older.id, notifications.id),
              ),
            ),
        ),
      ),
    );
  return row?.at ?? null;
}

export async function markSent(db: Db, row: NotificationRow, at: Date) {
  await db
    .update(notifications)
    .set({ state: 'sent', sentAt: at, attempts: row.attempts + 1, nextAttemptAt: at })
    .where(eq(notifications.id, row.id));
  await noteChannel(db, row.channelId, { error: null, at });
}

export async function markFailedAttempt(
  db: Db,
  row: NotificationRow,
  outcome: { state: DeliveryState; nextAttemptAt: Date; error: string; at: Date },
) {
  await db
    .update(notifications)
    .set({
      state: outcome.state,
      attempts: row.attempts + 1,
      nextAttemptAt: outcome.nextAttemptAt,
      lastError: outcome.error,
    })
    .where(eq(notifications.id, row.id));
  await noteChannel(db, row.channelId, { error: outcome.error, at: outcome.at });
}

/**
 * The channel's own record of its last delivery: a success sets `lastSentAt` and leaves the last
 * error (and its time) standing, so the dashboard can tell "failing" from "failed once, fine since".
 */
export async function noteChannel(
  db: Db,
  channelId: string,
  outcome: { error: string | null; at: Date },
) {
  await db
    .update(notificationChannels)
    .set(
      outcome.error === null
        ? { lastSentAt: outcome.at }
        : { lastError: outcome.error, lastErrorAt: outcome.at },
    )
    .where(eq(notificationChannels.id, channelId));
}

/** Gives claimed rows back untried; they keep their place behind the channel's failed message. */
export async function release(db: Db, ids: number[], at: Date) {
  if (ids.length === 0) return;
  await db.update(notifications).set({ nextAttemptAt: at }).where(inArray(notifications.id, ids));
}

/** A message that can no longer go anywhere (its channel was switched off). */
export async function abandon(db: Db, id: number, error: string) {
  await db
    .update(notifications)
    .set({ state: 'failed', lastError: error })
    .where(eq(notifications.id, id));
}

export function listNotifications(
  db: Db,
  filter: {
    state?: DeliveryState;
    channelId?: string;
    faultId?: string;
    beforeId?: number;
    limit: number;
  },
) {
  const where: SQL[] = [];
  if (filter.state) where.push(eq(notifications.state, filter.state));
  if (filter.channelId) where.push(eq(notifications.channelId, filter.channelId));
  if (filter.faultId) where.push(eq(notifications.faultId, filter.faultId));
  if (filter.beforeId) where.push(lt(notifications.id, filter.beforeId));
  return db
    .select({
      id: notifications.id,
      channelId: notifications.channelId,
      channelName: notificationChannels.name,
      kind: notifications.kind,
      faultId: notifications.faultId,
      severity: notifications.severity,
      title: sql<string>`coalesce(${notifications.payload}->>'title', '')`,
      state: notifications.state,
      attempts: notifications.attempts,
      nextAttemptAt: notifications.nextAttemptAt,
      lastError: notifications.lastError,
      createdAt: notifications.createdAt,
      sentAt: notifications.sentAt,
    })
    .from(notifications)
    .innerJoin(notificationChannels, eq(notificationChannels.id, notifications.channelId))
    .where(and(...where))
    .orderBy(desc(notifications.id))
    .limit(filter.limit);
}
