import { and, eq, isNotNull, isNull, lte, or, sql } from 'drizzle-orm';
import type { NotifyPolicy } from '../../config.ts';
import type { Db } from '../../db/client.ts';
import { faults } from '../../db/schema/index.ts';
import type { FaultMessage } from '../notifications/render.ts';
import { enqueue } from '../notifications/service.ts';
import * as repo from './repository.ts';
import { faultViews } from './views.ts';

type FaultKind = FaultMessage['kind'];

// Quiet: folded under a root, in maintenance, shelved. Each is announced (or not) elsewhere.
const quiet = (now: Date) =>
  or(
    isNotNull(faults.suppressedBy),
    eq(faults.inMaintenance, true),
    // Null-safe: a fault never shelved must not make the whole test unknown.
    sql`coalesce(${faults.shelvedUntil} > ${now.toISOString()}::timestamptz, false)`,
  );

/**
 * Decides what to announce, and puts it in the outbox in the caller's transaction:
 * - a root fault, once it has stood for the group wait, with every consequence folded under it
 *   by then, as one message;
 * - a flapping condition once, instead of each time it opens;
 * - a reminder for a fault still open and unacknowledged after the repeat interval;
 * - a resolved message for an announced fault that cleared.
 * Rows are locked and skipped if locked, so two servers never announce one fault twice.
 */
const rankOf = (column: typeof faults.severity | typeof faults.notifiedSeverity) =>
  sql`case ${column} when 'critical' then 4 when 'major' then 3 when 'minor' then 2 when 'warning' then 1 else 0 end`;

export async function planNotifications(
  db: Db,
  policy: NotifyPolicy,
  now: Date,
  flapWindowS = 900,
): Promise<string[]> {
  const groupCutoff = new Date(now.getTime() - policy.groupWaitS * 1000);
  const worse = sql`${rankOf(faults.severity)} > ${rankOf(faults.notifiedSeverity)}`;
  const due = await db
    .select({
      id: faults.id,
      kind: sql<FaultKind>`case
        when ${faults.state} = 'cleared' then 'resolved'
        when ${faults.flapping} then 'flapping'
        when ${faults.notifiedAt} is null or ${worse} then 'alarm'
        else 'repeat' end`,
    })
    .from(faults)
    .where(
      or(
        // First alarm: stood on its own for the group wait, not improving, not flapping, and
        // seen bad since it stood alone (a consequence freed from its root needs fresh evidence;
        // a trap's fault gets none, so its trap is its evidence).
        and(
          eq(faults.state, 'open'),
          isNull(faults.notifiedAt),
          eq(faults.flapping, false),
          isNull(faults.betterSince),
          lte(faults.rootSince, groupCutoff),
          sql`(${faults.source} = 'trap' or ${faults.lastBadAt} >= ${faults.rootSince})`,
          sql`not (${quiet(now)})`,
        ),
        // Worse than when it was announced: announced again, acknowledged or not, so a channel
        // that only hears critical hears a fault that became critical.
        and(
          eq(faults.state, 'open'),
          isNotNull(faults.notifiedAt),
          eq(faults.flapping, false),
          worse,
          sql`not (${quiet(now)})`,
        ),
        and(
          eq(faults.state, 'open'),
          eq(faults.flapping, true),
          isNull(faults.flapNotifiedAt),
          sql`not (${quiet(now)})`,
        ),
        policy.repeatMinutes > 0
          ? and(
              eq(faults.state, 'open'),
              isNotNull(faults.notifiedAt),
              isNull(faults.acknowledgedAt),
              eq(faults.flapping, false),
              lte(faults.lastNotifiedAt, new Date(now.getTime() - policy.repeatMinutes * 60_000)),
              sql`not (${quiet(now)})`,
            )
          : sql`false`,
        // Resolved; a flapping condition only once it has stayed clear for the flap window.
        and(
          eq(faults.state, 'cleared'),
          isNotNull(faults.notifiedAt),
          isNull(faults.resolvedNotifiedAt),
          or(
            eq(faults.flapping, false),
            lte(faults.clearedAt, new Date(now.getTime() - flapWindowS * 1000)),
          ),
        ),
      ),
    )
    .orderBy(faults.openedAt)
    .limit(200)
    .for('update', { skipLocked: true });
  if (due.length === 0) return [];

  const ids = due.map((d) => d.id);
  const views = new Map((await faultViews(db, { ids, state: 'all' })).map((v) => [v.id, v]));
  // Every consequence, however large the outage: the message says how many, and lists them.
  const folded = await faultViews(db, { state: 'open', suppressedBy: ids, limit: 100_000 });
  for (const { id, kind } of due) {
    const root = views.get(id);
    if (!root) continue;
    const consequences = kind === 'resolved' ? [] : folded.filter((f) => f.suppressedBy === id);
    await enqueue(db, { kind, root, consequences }, now);
    await db.update(faults).set(marks(kind, now)).where(eq(faults.id, id));
    await repo.insertEvents(db, [
      {
        faultId: id,
        at: now,
        kind: 'notified',
        detail:
          kind === 'alarm' && consequences.length > 0
            ? `alarm, with ${consequences.length} consequence${consequences.length === 1 ? '' : 's'}`
            : kind,
      },
    ]);
  }
  return ids;
}

function marks(kind: FaultKind, now: Date): Parameters<ReturnType<Db['update']>['set']>[0] {
  switch (kind) {
    case 'alarm':
      return {
        notifiedAt: now,
        lastNotifiedAt: now,
        notifiedSeverity: sql`${faults.severity}`,
        updatedAt: now,
      };
    case 'repeat':
      return { lastNotifiedAt: now, notifiedSeverity: sql`${faults.severity}`, updatedAt: now };
    case 'flapping':
      // Announced as flapping: its later opens and clears stay quiet, and it is not alarmed again.
      return {
        flapNotifiedAt: now,
        notifiedAt: now,
        lastNotifiedAt: now,
        notifiedSeverity: sql`${faults.severity}`,
        updatedAt: now,
      };
    case 'resolved':
      return { resolvedNotifiedAt: now, updatedAt: now };
  }
}
