import { and, desc, eq, gt, inArray, isNotNull, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import type { Severity } from '../../domain.ts';
import {
  checks,
  deviceDependencies,
  devices,
  downtimes,
  faultEvents,
  faults,
  probes,
  rooms,
  suiteDevices,
  suites,
} from '../../db/schema/index.ts';

export type FaultRow = typeof faults.$inferSelect;
export type NewFault = typeof faults.$inferInsert;
export type FaultEventRow = typeof faultEvents.$inferInsert;

/** The open faults of these devices, locked: two batches for one device take turns. */
export function openFaults(db: Db, deviceIds: string[], conditions?: string[]) {
  if (deviceIds.length === 0) return Promise.resolve([] as FaultRow[]);
  return db
    .select()
    .from(faults)
    .where(
      and(
        eq(faults.state, 'open'),
        inArray(faults.deviceId, deviceIds),
        conditions === undefined ? undefined : inArray(faults.condition, conditions),
      ),
    )
    .orderBy(faults.id)
    .for('update');
}

/** Open faults that can cause faults on dependants: unreachable, silent or critical. */
export function openCausalFaults(db: Db) {
  return db
    .select({
      id: faults.id,
      deviceId: faults.deviceId,
      condition: faults.condition,
      suppressedBy: faults.suppressedBy,
    })
    .from(faults)
    .where(
      and(
        eq(faults.state, 'open'),
        or(inArray(faults.condition, ['unreachable', 'no_data']), eq(faults.severity, 'critical')),
      ),
    );
}

/** Faults of these conditions that cleared since `since`: a flapping condition's history. */
export function recentlyCleared(db: Db, deviceIds: string[], conditions: string[], since: Date) {
  return db
    .select({
      deviceId: faults.deviceId,
      condition: faults.condition,
      flapChanges: faults.flapChanges,
      flapNotifiedAt: faults.flapNotifiedAt,
      clearedAt: faults.clearedAt,
    })
    .from(faults)
    .where(
      and(
        eq(faults.state, 'cleared'),
        inArray(faults.deviceId, deviceIds),
        inArray(faults.condition, conditions),
        gt(faults.clearedAt, since),
      ),
    )
    .orderBy(desc(faults.clearedAt));
}

export async function updateFault(db: Db, id: string, values: Partial<NewFault>) {
  const [row] = await db
    .update(faults)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(faults.id, id))
    .returning();
  return row;
}

/** Stores new faults; returns the ids stored (one another transaction opened first is not). */
export async function insertFaults(db: Db, rows: NewFault[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const stored = await db
    .insert(faults)
    .values(rows)
    .onConflictDoNothing({
      target: [faults.deviceId, faults.condition],
      where: sql`state = 'open'`,
    })
    .returning({ id: faults.id });
  return new Set(stored.map((r) => r.id));
}

export async function insertEvents(db: Db, events: FaultEventRow[]) {
  if (events.length > 0) await db.insert(faultEvents).values(events);
}

export async function openDowntimes(db: Db, rows: Array<typeof downtimes.$inferInsert>) {
  if (rows.length > 0) await db.insert(downtimes).values(rows).onConflictDoNothing();
}

export async function updateDowntime(
  db: Db,
  faultId: string,
  values: Partial<typeof downtimes.$inferInsert>,
) {
  await db.update(downtimes).set(values).where(eq(downtimes.faultId, faultId));
}

/** Every dependency edge: a device's parent and the devices it was told it depends on. */
export async function dependencyEdges(db: Db): Promise<Array<{ child: string; parent: string }>> {
  const parents = await db
    .select({ child: devices.id, parent: devices.parentId })
    .from(devices)
    .where(isNotNull(devices.parentId));
  const others = await db
    .select({ child: deviceDependencies.deviceId, parent: deviceDependencies.dependsOnId })
    .from(deviceDependencies);
  return [...parents.map((p) => ({ child: p.child, parent: p.parent! })), ...others];
}

export function dependenciesOf(db: Db, deviceId: string) {
  return db
    .select({ id: deviceDependencies.dependsOnId })
    .from(deviceDependencies)
    .where(eq(deviceDependencies.deviceId, deviceId));
}

export async function existingDevices(db: Db, ids: string[]): Promise<Set<string>> {
  const rows = await db.select({ id: devices.id }).from(devices).where(inArray(devices.id, ids));
  return new Set(rows.map((r) => r.id));
}

export async function replaceDependencies(db: Db, deviceId: string, dependsOn: string[]) {
  await db.delete(deviceDependencies).where(eq(deviceDependencies.deviceId, deviceId));
  if (dependsOn.length > 0) {
    await db
      .insert(deviceDependencies)
      .values(dependsOn.map((dependsOnId) => ({ deviceId, dependsOnId })));
  }
}

export function faultById(db: Db, id: string, lock = false) {
  const q = db.select().from(faults).where(eq(faults.id, id));
  return (lock ? q.for('update') : q).then((rows) => rows[0]);
}

export function eventsOf(db: Db, faultId: string) {
  return db
    .select()
    .from(faultEvents)
    .where(eq(faultEvents.faultId, faultId))
    .orderBy(faultEvents.at, faultEvents.id);
}

export function downtimeOf(db: Db, faultId: string) {
  return db
    .select()
    .from(downtimes)
    .where(eq(downtimes.faultId, faultId))
    .then((rows) => rows[0]);
}

export interface FaultFilter {
  ids?: string[];
  suppressedBy?: string[];
  state?: 'open' | 'cleared' | 'all' | 'active';
  severities?: Severity[];
  deviceId?: string;
  suiteId?: string;
  roomId?: string;
  siteId?: string;
  deviceKind?: string;
  limit?: number;
}

/**
 * Faults with what the console shows beside them: the device, its suites, rooms and sites, and
 * how many open faults are folded under each. Sorted worst first, then oldest first.
 */
export function listFaults(db: Db, filter: FaultFilter) {
  const where: SQL[] = [];
  if (filter.ids) where.push(inArray(faults.id, filter.ids));
  if (filter.suppressedBy) where.push(inArray(faults.suppressedBy, filter.suppressedBy));
  if (filter.state === 'open' || filter.state === 'cleared')
    where.push(eq(faults.state, filter.state));
  // The console: open, or cleared and neither acknowledged nor dismissed (latched).
  if (filter.state === 'active') {
    where.push(
      sql`(${faults.state} = 'open' or (${faults.acknowledgedAt} is null and ${faults.dismissedAt} is null))`,
    );
  }
  if (filter.severities?.length) where.push(inArray(faults.severity, filter.severities));
  if (filter.deviceId) where.push(eq(faults.deviceId, filter.deviceId));
  if (filter.deviceKind) where.push(sql`${devices.kind}::text = ${filter.deviceKind}`);
  if (filter.suiteId) {
    where.push(
      sql`exists (select 1 from ${suiteDevices} sd where sd.device_id = ${faults.deviceId} and sd.suite_id = ${filter.suiteId})`,
    );
  }
  if (filter.roomId) {
    where.push(
      sql`exists (select 1 from ${suiteDevices} sd join ${suites} s on s.id = sd.suite_id where sd.device_id = ${faults.deviceId} and s.room_id = ${filter.roomId})`,
    );
  }
  if (filter.siteId) {
    where.push(
      sql`exists (select 1 from ${suiteDevices} sd join ${suites} s on s.id = sd.suite_id join ${rooms} r on r.id = s.room_id where sd.device_id = ${faults.deviceId} and r.site_id = ${filter.siteId})`,
    );
  }
  return db
    .select({
      fault: faults,
      deviceName: devices.name,
      deviceKind: devices.kind,
      suiteIds: sql<
        string[]
      >`coalesce((select array_agg(sd.suite_id::text) from ${suiteDevices} sd where sd.device_id = ${faults.deviceId}), '{}')`,
      roomIds: sql<
        string[]
      >`coalesce((select array_agg(distinct s.room_id::text) from ${suiteDevices} sd join ${suites} s on s.id = sd.suite_id where sd.device_id = ${faults.deviceId} and s.room_id is not null), '{}')`,
      siteIds: sql<
        string[]
      >`coalesce((select array_agg(distinct r.site_id::text) from ${suiteDevices} sd join ${suites} s on s.id = sd.suite_id join ${rooms} r on r.id = s.room_id where sd.device_id = ${faults.deviceId}), '{}')`,
      consequences: sql<number>`(select count(*)::int from ${faults} c where c.suppressed_by = ${faults.id} and c.state = 'open')`,
    })
    .from(faults)
    .innerJoin(devices, eq(devices.id, faults.deviceId))
    .where(and(...where))
    .orderBy(
      sql`case ${faults.severity} when 'critical' then 0 when 'major' then 1 when 'minor' then 2 else 3 end`,
      faults.openedAt,
    )
    .limit(filter.limit ?? 500);
}

/**
 * Enabled checks silent for `intervals` of their interval: no result since then (or since they
 * were made, or since `since`, when the engine started), leaving out checks of a probe that is
 * down: the probes page says so, once, rather than a fault for each of its devices.
 */
export function silentChecks(db: Db, intervals: number, now: Date, since: Date) {
  return db
    .select({
      id: checks.id,
      deviceId: checks.deviceId,
      intervalS: checks.intervalS,
      lastRunAt: checks.lastRunAt,
    })
    .from(checks)
    .where(
      and(
        eq(checks.enabled, true),
        sql`not exists (select 1 from ${probes} p where p.id = ${checks.probeId} and p.state = 'down')`,
        lte(
          sql`greatest(coalesce(${checks.lastRunAt}, ${checks.createdAt}), ${since.toISOString()}::timestamptz)`,
          sql`${now.toISOString()}::timestamptz - make_interval(secs => ${checks.intervalS} * ${intervals})`,
        ),
      ),
    );
}

// A check fault no result will ever settle: its check was deleted (the column went null) or
// switched off.
const checkless = sql`(${faults.source} = 'check' and (${faults.checkId} is null or not exists (
  select 1 from ${checks} c where c.id = ${faults.checkId} and c.enabled)))`;

/**
 * Open faults a clock, not a result, moves on: traps' hold-downs, silences, windows, and faults
 * whose check is gone. Locked in one order, so two servers' ticks cannot deadlock each other.
 */
export function faultsDueOnTick(db: Db) {
  return db
    .select()
    .from(faults)
    .where(
      and(
        eq(faults.state, 'open'),
        or(
          and(inArray(faults.source, ['trap', 'silence']), isNotNull(faults.betterSince)),
          eq(faults.inMaintenance, true),
          eq(faults.condition, 'no_data'),
          checkless,
        ),
      ),
    )
    .orderBy(faults.id)
    .for('update');
}

export function checklessFaults(db: Db) {
  return db
    .select({ id: faults.id })
    .from(faults)
    .where(and(eq(faults.state, 'open'), checkless));
}

/** Open faults folded under a fault that is no longer open (its device re-parented meanwhile). */
export function foldedUnderClosed(db: Db) {
  return db
    .select()
    .from(faults)
    .where(
      and(
        eq(faults.state, 'open'),
        isNotNull(faults.suppressedBy),
        sql`not exists (select 1 from ${faults} r where r.id = ${faults.suppressedBy} and r.state = 'open')`,
      ),
    )
    .orderBy(faults.id)
    .for('update');
}

/** Open faults folded under these faults. */
export function foldedUnder(db: Db, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([] as FaultRow[]);
  return db
    .select()
    .from(faults)
    .where(and(eq(faults.state, 'open'), inArray(faults.suppressedBy, ids)))
    .orderBy(faults.id)
    .for('update');
}

/**
 * A condition reopened while flapping: its earlier, announced faults get no resolved message of
 * their own; the last one, once it settles, speaks for them.
 */
export async function markSuperseded(db: Db, deviceId: string, condition: string, now: Date) {
  await db
    .update(faults)
    .set({ resolvedNotifiedAt: now })
    .where(
      and(
        eq(faults.deviceId, deviceId),
        eq(faults.condition, condition),
        eq(faults.state, 'cleared'),
        isNotNull(faults.notifiedAt),
        sql`${faults.resolvedNotifiedAt} is null`,
      ),
    );
}

/** Shelves whose time ran out: the fault is back on the console. */
export async function unshelveDue(db: Db, now: Date): Promise<string[]> {
  const rows = await db
    .update(faults)
    .set({ shelvedUntil: null, shelveReason: null, shelvedBy: null, updatedAt: now })
    .where(lte(faults.shelvedUntil, now))
    .returning({ id: faults.id });
  await insertEvents(
    db,
    rows.map((r) => ({
      faultId: r.id,
      at: now,
      kind: 'unshelved',
      detail: 'the shelf time ran out',
    })),
  );
  return rows.map((r) => r.id);
}
