import { and, asc, desc, eq, gte, inArray, isNotNull, lte, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import {
  bookings,
  devices,
  meterReadings,
  meters,
  pmPlans,
  pmTargets,
  readingsLatest,
  suites,
} from '../../db/schema/index.ts';
import { Conflict, Invalid, NotFound } from '../../errors.ts';
import { recordAudit } from '../audit/repository.ts';
import type { Actor } from '../auth/principal.ts';
import { serialize } from '../serialize.ts';
import type { MeterInput } from './api-types.ts';
import { meterRate } from './schedule.ts';

export type MeterRow = typeof meters.$inferSelect;

const hourMs = 60 * 60 * 1000;
const dayMs = 24 * hourMs;
/** The rate looks back this far: long enough to smooth a weekend, short enough to follow use. */
const rateWindowDays = 30;
export const bookedHours = 'booked_hours';

export const meterView = (row: MeterRow) => serialize(row);

export async function getMeter(db: Db, id: string) {
  const [row] = await db.select().from(meters).where(eq(meters.id, id));
  if (!row) throw new NotFound(`meter ${id} does not exist`);
  return row;
}

export function listMeters(db: Db, filter: { deviceId?: string; suiteId?: string }) {
  const where = [];
  if (filter.deviceId) where.push(eq(meters.deviceId, filter.deviceId));
  if (filter.suiteId) where.push(eq(meters.suiteId, filter.suiteId));
  return db
    .select()
    .from(meters)
    .where(and(...where))
    .orderBy(asc(meters.reading), asc(meters.id));
}

/** Whether the device reports this reading now, as any of its checks. */
async function deviceReads(db: Db, deviceId: string, reading: string) {
  const [row] = await db
    .select({ value: readingsLatest.value, unit: readingsLatest.unit, at: readingsLatest.at })
    .from(readingsLatest)
    .where(and(eq(readingsLatest.deviceId, deviceId), eq(readingsLatest.name, reading)))
    .orderBy(desc(readingsLatest.at))
    .limit(1);
  return row ?? null;
}

/**
 * The meter for a device reading or a suite's booked hours, made on first use: a plan on
 * 'disk.power_on_hours' needs no separate step to create the meter. A reading the device does
 * not report, and no manual meter of that name, is a 400 naming both.
 */
export async function ensureMeter(
  db: Db,
  owner: { deviceId?: string | null; suiteId?: string | null },
  reading: string,
  field: string,
): Promise<MeterRow> {
  const existing = await db
    .select()
    .from(meters)
    .where(
      owner.deviceId
        ? and(eq(meters.deviceId, owner.deviceId), eq(meters.reading, reading))
        : and(eq(meters.suiteId, owner.suiteId!), eq(meters.reading, reading)),
    );
  if (existing[0]) return existing[0];
  if (owner.suiteId) {
    if (reading !== bookedHours)
      throw new Invalid(
        `${field}: a suite's meter is '${bookedHours}'; '${reading}' is a device reading`,
      );
    return createMeter(db, { source: 'booked_hours', suiteId: owner.suiteId });
  }
  const latest = await deviceReads(db, owner.deviceId!, reading);
  if (!latest) {
    const [device] = await db
      .select({ name: devices.name })
      .from(devices)
      .where(eq(devices.id, owner.deviceId!));
    const known = await db
      .selectDistinct({ name: readingsLatest.name })
      .from(readingsLatest)
      .where(eq(readingsLatest.deviceId, owner.deviceId!))
      .orderBy(asc(readingsLatest.name))
      .limit(30);
    throw new Invalid(
      `${field}: ${device?.name ?? 'the device'} has no reading '${reading}'` +
        (known.length > 0 ? `; it reports ${known.map((k) => k.name).join(', ')}` : '') +
        ', or create a manual meter of that name first',
    );
  }
  return createMeter(db, {
    source: 'reading',
    deviceId: owner.deviceId!,
    reading,
    unit: latest.unit,
  });
}

export async function createMeter(db: Db, input: MeterInput, actor?: Actor): Promise<MeterRow> {
  const reading = (input.source === 'booked_hours' ? bookedHours : (input.reading ?? '')).trim();
  if (input.source === 'booked_hours') {
    if (!input.suiteId || input.deviceId)
      throw new Invalid('body.suiteId: booked hours are a suite meter; give suiteId only');
    const [suite] = await db
      .select({ id: suites.id })
      .from(suites)
      .where(eq(suites.id, input.suiteId));
    if (!suite) throw new Invalid(`body.suiteId: no suite with id ${input.suiteId}`);
  } else {
    if (!input.deviceId || input.suiteId)
      throw new Invalid(`body.deviceId: a ${input.source} meter belongs to one device`);
    if (reading === '') throw new Invalid('body.reading: name the reading; it must not be blank');
    const [device] = await db
      .select({ id: devices.id })
      .from(devices)
      .where(eq(devices.id, input.deviceId));
    if (!device) throw new Invalid(`body.deviceId: no device with id ${input.deviceId}`);
    if (input.source === 'reading' && !(await deviceReads(db, input.deviceId, reading)))
      throw new Invalid(`body.reading: the device reports no reading '${reading}'`);
  }
  const [row] = await db
    .insert(meters)
    .values({
      source: input.source,
      deviceId: input.deviceId ?? null,
      suiteId: input.suiteId ?? null,
      reading,
      label: (input.label ?? '').trim(),
      unit: input.source === 'booked_hours' ? 'h' : (input.unit ?? '').trim(),
    })
    .onConflictDoNothing()
    .returning();
  if (!row) throw new Conflict(`a meter '${reading}' already exists there`);
  if (actor)
    await recordAudit(db, actor, {
      action: 'create',
      entity: 'meter',
      entityId: row.id,
      before: null,
      after: row,
    });
  if (row.source === 'booked_hours') return refreshBookedHours(db, row, new Date());
  if (row.source === 'reading') {
    const latest = await deviceReads(db, row.deviceId!, reading);
    if (latest) return record(db, row, latest.value, latest.at, 'probe', null);
  }
  return row;
}

/** Fresh rate from the history within the window before the newest sample. */
async function rateOf(db: Db, meterId: string, newest: Date): Promise<number | null> {
  const samples = await db
    .select({ at: meterReadings.at, value: meterReadings.value })
    .from(meterReadings)
    .where(
      and(
        eq(meterReadings.meterId, meterId),
        gte(meterReadings.at, new Date(newest.getTime() - rateWindowDays * dayMs)),
      ),
    )
    .orderBy(asc(meterReadings.at));
  return meterRate(samples, rateWindowDays);
}

/**
 * Takes one value. Probe values are thinned: history keeps one an hour, and any drop (a counter
 * reset, a replaced disk) at once, so the rate sees it. Manual and booked values are all kept.
 */
async function record(
  db: Db,
  meter: MeterRow,
  value: number,
  at: Date,
  source: 'probe' | 'manual' | 'bookings',
  actor: Actor | null,
  thresholds: readonly number[] = [],
): Promise<MeterRow> {
  // The value that crossed a plan's threshold is kept whatever the thinning says: it is the
  // reading a work order was made from.
  const crossed = thresholds.some((t) => (meter.value ?? -Infinity) < t && value >= t);
  const keep =
    crossed ||
    source !== 'probe' ||
    meter.storedAt === null ||
    at.getTime() - meter.storedAt.getTime() >= hourMs ||
    (meter.value !== null && value < meter.value);
  const newer = meter.at === null || at.getTime() >= meter.at.getTime();
  if (keep) {
    await db.insert(meterReadings).values({
      meterId: meter.id,
      value,
      at,
      source,
      enteredById: actor?.id ?? null,
      enteredBy: actor?.label ?? '',
    });
  }
  const ratePerDay = keep ? await rateOf(db, meter.id, newer ? at : meter.at!) : meter.ratePerDay;
  const [row] = await db
    .update(meters)
    .set({
      ...(newer ? { value, at } : {}),
      storedAt: keep && (meter.storedAt === null || at > meter.storedAt) ? at : meter.storedAt,
      ratePerDay,
      updatedAt: new Date(),
    })
    .where(eq(meters.id, meter.id))
    .returning();
  return row!;
}

/** A value typed in by hand, with who entered it; its time may be earlier, never in the future. */
export async function enterReading(
  db: Db,
  actor: Actor,
  meterId: string,
  input: { value: number; at?: string },
  now = new Date(),
) {
  return db.transaction(async (tx) => {
    const meter = await getMeter(tx, meterId);
    if (meter.source === 'booked_hours')
      throw new Invalid('body.value: booked hours come from the bookings, not by hand');
    if (!Number.isFinite(input.value)) throw new Invalid('body.value: must be a number');
    const at = input.at ? new Date(input.at) : now;
    if (at.getTime() > now.getTime() + 60_000)
      throw new Invalid(`body.at: ${at.toISOString()} is in the future`);
    const row = await record(tx, meter, input.value, at, 'manual', actor);
    await recordAudit(tx, actor, {
      action: 'reading',
      entity: 'meter',
      entityId: meter.id,
      before: { value: meter.value, at: meter.at },
      after: { value: input.value, at: at.toISOString() },
    });
    return row;
  });
}

/**
 * The probe path: every stored reading that a meter follows becomes a meter value, in the ingest
 * transaction. Returns the meters that moved, for the plan generator.
 */
export async function takeProbeReadings(
  db: Db,
  readings: ReadonlyArray<{ deviceId: string; name: string; value: number; at: Date }>,
): Promise<MeterRow[]> {
  if (readings.length === 0) return [];
  const deviceIds = [...new Set(readings.map((r) => r.deviceId))];
  const followed = await db
    .select()
    .from(meters)
    .where(and(eq(meters.source, 'reading'), inArray(meters.deviceId, deviceIds)));
  if (followed.length === 0) return [];
  const byKey = new Map(followed.map((m) => [`${m.deviceId}\u0000${m.reading}`, m]));
  const open = await db
    .select({
      deviceId: pmTargets.deviceId,
      reading: pmPlans.meterReading,
      threshold: pmTargets.meterThreshold,
    })
    .from(pmTargets)
    .innerJoin(pmPlans, eq(pmPlans.id, pmTargets.planId))
    .where(and(inArray(pmTargets.deviceId, deviceIds), isNotNull(pmTargets.meterThreshold)));
  const thresholds = new Map<string, number[]>();
  for (const o of open) {
    const key = `${o.deviceId}\u0000${o.reading}`;
    thresholds.set(key, [...(thresholds.get(key) ?? []), o.threshold!]);
  }
  const moved: MeterRow[] = [];
  // Oldest first, so that a batch holding several polls thins and rates as polls one by one.
  for (const r of [...readings].sort((a, b) => a.at.getTime() - b.at.getTime())) {
    const meter = byKey.get(`${r.deviceId}\u0000${r.name}`);
    if (!meter) continue;
    const key = `${r.deviceId}\u0000${r.name}`;
    const row = await record(db, meter, r.value, r.at, 'probe', null, thresholds.get(key));
    byKey.set(`${r.deviceId}\u0000${r.name}`, row);
    moved.push(row);
  }
  return [...new Map(moved.map((m) => [m.id, m])).values()];
}

/** Booked hours of a suite up to `now`: every booking's elapsed part. */
async function bookedHoursOf(db: Db, suiteId: string, now: Date): Promise<number> {
  const [row] = await db
    .select({
      hours: sql<number>`coalesce(sum(extract(epoch from (least(${bookings.endsAt}, ${now}) - ${bookings.startsAt}))), 0)::float8 / 3600`,
    })
    .from(bookings)
    .where(and(eq(bookings.suiteId, suiteId), lte(bookings.startsAt, now)));
  return Number(row?.hours ?? 0);
}

/**
 * Booked hours change as sessions run; the clock refreshes them. The rate comes from the bookings
 * ahead (the next 30 days), which are known, rather than from the past.
 */
export async function refreshBookedHours(db: Db, meter: MeterRow, now: Date): Promise<MeterRow> {
  const value = await bookedHoursOf(db, meter.suiteId!, now);
  const ahead = await bookedHoursOf(db, meter.suiteId!, new Date(now.getTime() + 30 * dayMs));
  const ratePerDay = (ahead - value) / 30;
  const changed = meter.value === null || Math.abs(value - meter.value) >= 0.01;
  if (changed)
    await db
      .insert(meterReadings)
      .values({ meterId: meter.id, value, at: now, source: 'bookings' });
  const [row] = await db
    .update(meters)
    .set({ value, at: now, storedAt: changed ? now : meter.storedAt, ratePerDay, updatedAt: now })
    .where(eq(meters.id, meter.id))
    .returning();
  return row!;
}

export async function refreshAllBookedHours(db: Db, now: Date): Promise<MeterRow[]> {
  const rows = await db.select().from(meters).where(eq(meters.source, 'booked_hours'));
  const out: MeterRow[] = [];
  for (const row of rows) out.push(await refreshBookedHours(db, row, now));
  return out;
}

export async function meterHistory(db: Db, meterId: string, since: Date | null) {
  await getMeter(db, meterId);
  return db
    .select({
      value: meterReadings.value,
      at: meterReadings.at,
      source: meterReadings.source,
      enteredBy: meterReadings.enteredBy,
      enteredAt: meterReadings.enteredAt,
    })
    .from(meterReadings)
    .where(
      and(
        eq(meterReadings.meterId, meterId),
        since ? gte(meterReadings.at, since) : isNotNull(meterReadings.at),
      ),
    )
    .orderBy(asc(meterReadings.at))
    .limit(10_000);
}
