import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { query } from '../../db/client.ts';
import { checks, devices, suiteRoutes, suites } from '../../db/schema/index.ts';

/** The enabled checks of one probe; null is the server's own probe, which runs unassigned ones. */
export function runnableChecks(db: Db, probeId: string | null) {
  return db
    .select({
      id: checks.id,
      deviceId: checks.deviceId,
      kind: checks.kind,
      intervalS: checks.intervalS,
      config: checks.config,
      host: devices.host,
    })
    .from(checks)
    .innerJoin(devices, eq(devices.id, checks.deviceId))
    .where(
      and(eq(checks.enabled, true), probeId ? eq(checks.probeId, probeId) : isNull(checks.probeId)),
    );
}

/** Suites' reference routing for these routers. */
export function routesFor(db: Db, routerIds: string[]) {
  return db
    .select({
      routerId: suiteRoutes.routerId,
      output: suiteRoutes.output,
      input: suiteRoutes.input,
      suite: suites.name,
    })
    .from(suiteRoutes)
    .innerJoin(suites, eq(suites.id, suiteRoutes.suiteId))
    .where(inArray(suiteRoutes.routerId, routerIds));
}

/** Locks the checks for the ingest transaction, so a check or device deleted meanwhile waits. */
export function checksByIds(db: Db, ids: string[]) {
  return db
    .select({
      id: checks.id,
      deviceId: checks.deviceId,
      kind: checks.kind,
      intervalS: checks.intervalS,
      lastRunAt: checks.lastRunAt,
      probeId: checks.probeId,
    })
    .from(checks)
    .where(inArray(checks.id, ids))
    .for('share');
}

// Batched writes: one statement per table per batch, arrays bound as single parameters and
// spread by unnest(). DESIGN.md has the measurements behind this shape.

/**
 * Stores results not already stored and returns the (check, time) keys it stored. A result is
 * identified by its check and time, so a probe replaying its spool after an outage, or resending
 * a batch whose reply it never got, cannot count a result twice.
 */
export async function insertCheckResults(
  db: Db,
  rows: {
    checkIds: string[];
    deviceIds: string[];
    statuses: string[];
    durations: number[];
    messages: string[];
    ats: string[];
  },
): Promise<Set<string>> {
  const stored = await query<{ check_id: string; at_ms: string }>(
    db,
    sql`
    insert into check_results (check_id, device_id, status, duration_ms, message, at)
    select * from unnest(
      ${sql.param(rows.checkIds)}::uuid[], ${sql.param(rows.deviceIds)}::uuid[],
      ${sql.param(rows.statuses)}::text[]::status[], ${sql.param(rows.durations)}::float8[]::real[],
      ${sql.param(rows.messages)}::text[], ${sql.param(rows.ats)}::text[]::timestamptz[])
    on conflict (check_id, at) do nothing
    returning check_id, (extract(epoch from at) * 1000)::bigint::text as at_ms`,
  );
  return new Set(stored.map((r) => resultKey(r.check_id, Number(r.at_ms))));
}

export const resultKey = (checkId: string, atMs: number) => `${checkId}@${atMs}`;

export async function insertReadings(
  db: Db,
  rows: {
    deviceIds: string[];
    checkIds: string[];
    names: string[];
    values: number[];
    ats: string[];
  },
) {
  await db.execute(sql`
    insert into readings (device_id, check_id, name, value, at)
    select * from unnest(
      ${sql.param(rows.deviceIds)}::uuid[], ${sql.param(rows.checkIds)}::uuid[],
      ${sql.param(rows.names)}::text[], ${sql.param(rows.values)}::float8[],
      ${sql.param(rows.ats)}::text[]::timestamptz[])`);
}

/** Rows must be unique per (check, name): PostgreSQL refuses to upsert one row twice. */
export async function upsertLatest(
  db: Db,
  rows: {
    deviceIds: string[];
    names: string[];
    checkIds: string[];
    values: number[];
    units: string[];
    statuses: (string | null)[];
    ats: string[];
  },
) {
  await db.execute(sql`
    insert into readings_latest (check_id, name, device_id, value, unit, status, at)
    select * from unnest(
      ${sql.param(rows.checkIds)}::uuid[], ${sql.param(rows.names)}::text[],
      ${sql.param(rows.deviceIds)}::uuid[], ${sql.param(rows.values)}::float8[],
      ${sql.param(rows.units)}::text[], ${sql.param(rows.statuses)}::text[]::status[],
      ${sql.param(rows.ats)}::text[]::timestamptz[])
    on conflict (check_id, name) do update
      set value = excluded.value, unit = excluded.unit, status = excluded.status, at = excluded.at
      where readings_latest.at <= excluded.at`);
}

/** Rows must be unique per check. A late, older result never overwrites a newer one. */
export async function updateCheckStates(
  db: Db,
  rows: {
    ids: string[];
    statuses: string[];
    messages: string[];
    durations: number[];
    facts: (string | null)[];
    ats: string[];
  },
) {
  // A run that learned nothing (it failed) keeps the facts of the last run that did.
  await db.execute(sql`
    update checks c set
      last_status = v.status::status, last_message = v.message,
      last_duration_ms = v.duration, last_run_at = v.at,
      facts = coalesce(v.facts, c.facts)
    from unnest(
      ${sql.param(rows.ids)}::uuid[], ${sql.param(rows.statuses)}::text[],
      ${sql.param(rows.messages)}::text[], ${sql.param(rows.durations)}::float8[],
      ${sql.param(rows.facts)}::text[]::jsonb[],
      ${sql.param(rows.ats)}::text[]::timestamptz[]) as v(id, status, message, duration, facts, at)
    where c.id = v.id and (c.last_run_at is null or c.last_run_at <= v.at)`);
}

/**
 * Removes the latest values a check no longer reports (a volume unmounted, a days-until-full
 * that stopped because usage fell): everything of the check older than its newest result.
 */
export async function pruneLatest(db: Db, rows: { checkIds: string[]; ats: string[] }) {
  await db.execute(sql`
    delete from readings_latest r
    using unnest(${sql.param(rows.checkIds)}::uuid[], ${sql.param(rows.ats)}::text[]::timestamptz[])
      as v(check_id, at)
    where r.check_id = v.check_id and r.at < v.at`);
}
