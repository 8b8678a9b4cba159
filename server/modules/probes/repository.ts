import { and, asc, eq, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { apiTokens, checks, probes } from '../../db/schema/index.ts';

export type ProbeRow = typeof probes.$inferSelect;
export type ProbeValues = Partial<Pick<ProbeRow, 'name' | 'siteId' | 'description'>>;

// Written out in full: drizzle leaves columns unqualified inside a raw subquery, and `id` would
// then name the check's id rather than the probe's.
const checkCount = sql<number>`(
  select count(*)::int from checks c
  where c.enabled and (c.probe_id = probes.id or (probes.builtin and c.probe_id is null)))`;

export const listProbes = (db: Db) =>
  db
    .select({ probe: probes, checks: checkCount })
    .from(probes)
    .orderBy(sql`${probes.builtin} desc`, asc(probes.name));

export async function getProbe(db: Db, id: string) {
  const [row] = await db
    .select({ probe: probes, checks: checkCount })
    .from(probes)
    .where(eq(probes.id, id));
  return row;
}

export async function findProbe(db: Db, id: string) {
  const [row] = await db.select().from(probes).where(eq(probes.id, id));
  return row;
}

export async function insertProbe(
  db: Db,
  values: ProbeValues & { name: string; builtin?: boolean },
) {
  const [row] = await db.insert(probes).values(values).returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

export async function updateProbe(db: Db, id: string, values: ProbeValues) {
  const [row] = await db
    .update(probes)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(probes.id, id))
    .returning();
  return row;
}

export async function deleteProbe(db: Db, id: string) {
  await db.delete(probes).where(eq(probes.id, id));
}

/** The server's own probe, made on first start. Concurrent starts agree through the name key. */
export async function ensureBuiltin(db: Db, name: string) {
  const [existing] = await db.select().from(probes).where(eq(probes.builtin, true));
  if (existing) return existing;
  await db
    .insert(probes)
    .values({ name, builtin: true, description: 'Runs inside the Suitewatch server' })
    .onConflictDoNothing();
  const [row] = await db.select().from(probes).where(eq(probes.builtin, true));
  if (!row) throw new Error(`a probe called '${name}' exists and is not the server's own`);
  return row;
}

export async function revokeProbeTokens(db: Db, probeId: string) {
  return db
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiTokens.probeId, probeId), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
}

/** Records a heartbeat; returns the state the probe was in before it. */
export async function recordHeartbeat(
  db: Db,
  id: string,
  values: {
    address: string;
    version: string;
    stats: Record<string, number>;
    heartbeatS: number;
    at: Date;
  },
): Promise<{ before: ProbeRow['state']; row: ProbeRow } | undefined> {
  const [before] = await db
    .select({ state: probes.state })
    .from(probes)
    .where(eq(probes.id, id))
    .for('update');
  if (!before) return undefined;
  const [row] = await db
    .update(probes)
    .set({
      lastSeenAt: values.at,
      lastAddress: values.address,
      version: values.version,
      stats: values.stats,
      heartbeatS: values.heartbeatS,
      state: 'up',
      ...(before.state === 'up' ? {} : { stateChangedAt: values.at }),
    })
    .where(eq(probes.id, id))
    .returning();
  return row ? { before: before.state, row } : undefined;
}

/** Marks down every probe silent for three of its heartbeats; returns those it marked. */
export function markSilentDown(db: Db, now: Date, missed: number) {
  return db
    .update(probes)
    .set({ state: 'down', stateChangedAt: now })
    .where(
      and(
        eq(probes.state, 'up'),
        lt(
          probes.lastSeenAt,
          sql`${now.toISOString()}::timestamptz - make_interval(secs => ${probes.heartbeatS} * ${missed})`,
        ),
      ),
    )
    .returning();
}

/**
 * A silent probe's checks say so: their devices must not keep showing the last good state the
 * probe reported. Its next result (newer) replaces this.
 */
export function markChecksSilent(db: Db, probeId: string, message: string) {
  return db
    .update(checks)
    .set({ lastStatus: 'unknown', lastMessage: message })
    .where(and(eq(checks.enabled, true), eq(checks.probeId, probeId)))
    .returning({ deviceId: checks.deviceId });
}
