import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { query, type Db } from '../../server/db/client.ts';
import { meters, pmPlans, pmTargets, workOrders } from '../../server/db/schema/index.ts';
import { afterFinish } from '../../server/modules/pm/due.ts';
import { generate } from '../../server/modules/pm/generator.ts';
import { deadlineOf } from '../../server/modules/pm/placement.ts';
import type { PlanRow } from '../../server/modules/pm/plans.ts';
import { loadConfig } from '../../server/modules/pm/settings.ts';
import { findSlot, openStretches, type Busy } from '../../server/modules/pm/slots.ts';
import type { Store } from '../helpers/db.ts';
import { benchDatabase } from './database.ts';
import {
  count,
  dayMs,
  dayStart,
  progress,
  seconds,
  seedBookings,
  seedFacility,
  zone,
} from './facility.ts';

const bookingsTotal = 20_000;
const days = Number(process.env.BENCH_PM_DAYS ?? 365);
const hourMs = 3_600_000;
const stepMin = 15;

const steps = (labels: string[]) =>
  JSON.stringify(
    labels.map((label) => ({
      label,
      kind: 'check',
      nominal: null,
      tolerance: null,
      unit: '',
      required: true,
    })),
  );

interface PlanKind {
  title: string;
  /** Devices whose name ends so, or the suites. */
  on: { devices: string } | 'suites';
  every?: { count: number; unit: 'day' | 'week' | 'month' };
  schedule?: 'fixed' | 'floating';
  meter?: number;
  durationMin: number;
  leadDays: number;
}

/**
 * 5,000 plans of the shapes a facility keeps: calibrations, checks and line-ups on a calendar,
 * filters cleaned six weeks after the last time, disks by power-on hours (some whichever-first
 * with a half-yearly check), and work on shared kit that disturbs a whole room.
 */
const planKinds: PlanKind[] = [
  {
    title: 'Grade monitor calibration',
    on: { devices: ' grade monitor' },
    every: { count: 1, unit: 'month' },
    durationMin: 90,
    leadDays: 14,
  },
  {
    title: 'Client monitor check',
    on: { devices: ' client monitor' },
    every: { count: 3, unit: 'month' },
    durationMin: 45,
    leadDays: 7,
  },
  {
    title: 'RAID health check',
    on: { devices: ' raid' },
    every: { count: 1, unit: 'month' },
    durationMin: 30,
    leadDays: 7,
  },
  {
    title: 'Audio interface line-up',
    on: { devices: ' audio interface' },
    every: { count: 3, unit: 'month' },
    durationMin: 30,
    leadDays: 7,
  },
  {
    title: 'Workstation filters',
    on: { devices: ' workstation' },
    every: { count: 6, unit: 'week' },
    schedule: 'floating',
    durationMin: 60,
    leadDays: 7,
  },
  {
    title: 'Render node disks',
    on: { devices: ' render node' },
    every: { count: 6, unit: 'month' },
    meter: 2_000,
    durationMin: 60,
    leadDays: 7,
  },
  {
    title: 'RAID disk swap',
    on: { devices: ' raid' },
    meter: 4_000,
    durationMin: 120,
    leadDays: 7,
  },
  {
    title: 'Shared storage service',
    on: { devices: ' storage' },
    every: { count: 1, unit: 'month' },
    durationMin: 240,
    leadDays: 14,
  },
  {
    title: 'Switch firmware',
    on: { devices: ' switch' },
    every: { count: 6, unit: 'month' },
    durationMin: 120,
    leadDays: 14,
  },
  {
    title: 'Router check',
    on: { devices: ' router' },
    every: { count: 3, unit: 'month' },
    durationMin: 60,
    leadDays: 7,
  },
  {
    title: 'Rack inspection',
    on: { devices: '% rack %' },
    every: { count: 12, unit: 'month' },
    durationMin: 60,
    leadDays: 14,
  },
  {
    title: 'Room line-up',
    on: 'suites',
    every: { count: 1, unit: 'month' },
    durationMin: 60,
    leadDays: 7,
  },
  {
    title: 'Deep clean',
    on: 'suites',
    every: { count: 3, unit: 'month' },
    durationMin: 180,
    leadDays: 14,
  },
];

const intervalDays = (k: PlanKind) =>
  k.every ? k.every.count * { day: 1, week: 7, month: 30 }[k.every.unit] : 60;

/**
 * Plans, their targets and the disks' meters, set-based. First occurrences are spread over each
 * plan's first interval, so work does not all fall due on one day.
 */
async function seedPlans(db: Db, start: Date) {
  const started = performance.now();
  const firstDay = start.toISOString().slice(0, 10);
  // Disks run all day in a RAID, about 14 hours a day in a render node.
  await db.execute(sql`
    insert into meters (source, device_id, reading, unit, value, at, rate_per_day)
    select 'reading', d.id, 'disk.power_on_hours', 'h', 1000 + abs(hashtext(d.id::text)) % 30000,
      ${start.toISOString()}::timestamptz, case when d.kind = 'raid' then 24 else 14 end
    from devices d where d.name like '% raid' or d.name like '% render node'`);
  for (const k of planKinds) {
    const owner = k.on === 'suites' ? sql`su.id` : sql`d.id`;
    const from: SQL =
      k.on === 'suites'
        ? sql`suites su`
        : sql`devices d where d.name like ${k.on.devices.startsWith('%') ? k.on.devices : `%${k.on.devices}`}`;
    await db.execute(sql`
      insert into pm_plans (title, target, device_id, suite_id, every_count, every_unit, schedule,
        meter_reading, meter_every, starts_on, timezone, lead_days, duration_min, steps, created_by)
      select ${k.title}, ${k.on === 'suites' ? 'suite' : 'device'},
        ${k.on === 'suites' ? sql`null` : owner}::uuid, ${k.on === 'suites' ? owner : sql`null`}::uuid,
        ${k.every?.count ?? null}::int, ${k.every?.unit ?? null}, ${k.schedule ?? 'fixed'},
        ${k.meter ? 'disk.power_on_hours' : null}, ${k.meter ?? null}::float8,
        ((${firstDay}::date + abs(hashtext(${owner}::text || ${k.title})) % ${intervalDays(k)}::int)
          + time '09:00') at time zone ${zone},
        ${zone}, ${k.leadDays}::int, ${k.durationMin}::int,
        ${steps(['Visual inspection', 'Work done as the procedure says', 'Left clean and tested'])}::jsonb,
        'bench'
      from ${from}`);
  }
  // A disk's first threshold lies somewhere within one interval of where it stands.
  await db.execute(sql`
    insert into pm_targets (plan_id, device_id, suite_id, meter_threshold)
    select p.id, p.device_id, p.suite_id,
      case when p.meter_every is not null
        then m.value + 1 + abs(hashtext(p.id::text)) % p.meter_every::int end
    from pm_plans p
    left join meters m on m.device_id = p.device_id and m.reading = p.meter_reading`);
  await db.execute(sql`analyze`);
  const [row] = await query<{ plans: number; kinds: string }>(
    db,
    sql`select count(*)::int as plans,
          count(*) filter (where every_count is not null and meter_every is null and schedule = 'fixed')
            || ' fixed time, ' ||
          count(*) filter (where schedule = 'floating') || ' floating, ' ||
          count(*) filter (where meter_every is not null and every_count is null) || ' meter, ' ||
          count(*) filter (where meter_every is not null and every_count is not null)
            || ' whichever-first; ' ||
          count(*) filter (where target = 'suite') || ' on suites' as kinds
        from pm_plans`,
  );
  console.log(`  plans: ${count(row!.plans)} (${row!.kinds}) in ${seconds(started)}`);
  return row!.plans;
}

/** Disks gain their hours: every meter moves on to `now` at its rate, as the probes would report. */
async function advanceMeters(db: Db, now: Date) {
  await db.execute(sql`
    update meters set value = value + rate_per_day * date_part('epoch', ${now.toISOString()}::timestamptz - at) / 86400,
      at = ${now.toISOString()}::timestamptz`);
}

/**
 * The engineers' side, outside the timed part: work whose slot has ended is done then (one in 20
 * skipped), and its target moves on exactly as a real completion moves it (afterFinish), so the
 * planner sees each plan's next occurrence come due. Written set-based.
 */
async function finishWork(db: Db, plans: Map<string, PlanRow>, now: Date): Promise<number> {
  const finished = await db
    .select()
    .from(workOrders)
    .where(
      and(
        eq(workOrders.status, 'scheduled'),
        sql`coalesce(${workOrders.scheduledEnd}, ${workOrders.proposedEnd}, ${workOrders.dueAt}) <= ${now.toISOString()}::timestamptz`,
      ),
    );
  if (finished.length === 0) return 0;
  const targets = new Map(
    (
      await db
        .select()
        .from(pmTargets)
        .where(
          inArray(
            pmTargets.id,
            finished.map((w) => w.pmTargetId!),
          ),
        )
    ).map((t) => [t.id, t]),
  );
  const hours = new Map(
    (await db.select({ deviceId: meters.deviceId, value: meters.value }).from(meters)).map((m) => [
      m.deviceId,
      m.value,
    ]),
  );
  const orders = { ids: [] as string[], statuses: [] as string[], ats: [] as string[] };
  const next = {
    ids: [] as string[],
    lastIndex: [] as Array<number | null>,
    lastCompletedAt: [] as Array<string | null>,
    meterThreshold: [] as Array<number | null>,
  };
  for (const w of finished) {
    const at = w.scheduledEnd ?? w.proposedEnd ?? w.dueAt!;
    orders.ids.push(w.id);
    orders.statuses.push(w.number % 20 === 0 ? 'skipped' : 'done');
    orders.ats.push(at.toISOString());
    const plan = plans.get(w.planId!)!;
    const target = targets.get(w.pmTargetId!)!;
    const state = afterFinish(
      plan,
      target,
      w,
      at,
      w.deviceId ? (hours.get(w.deviceId) ?? null) : null,
    );
    next.ids.push(target.id);
    next.lastIndex.push(state.lastIndex);
    next.lastCompletedAt.push(state.lastCompletedAt?.toISOString() ?? null);
    next.meterThreshold.push(state.meterThreshold);
  }
  await db.execute(sql`
    update work_orders w set status = x.status, updated_at = x.at,
      started_at = case when x.status = 'done' then coalesce(w.scheduled_start, x.at) end,
      completed_at = case when x.status = 'done' then x.at end,
      completed_by = case when x.status = 'done' then 'bench' end,
      reason = case when x.status = 'skipped' then 'bench: the suite was handed over late' end
    from unnest(${sql.param(orders.ids)}::uuid[], ${sql.param(orders.statuses)}::text[],
      ${sql.param(orders.ats)}::text[]::timestamptz[]) as x(id, status, at)
    where w.id = x.id`);
  await db.execute(sql`
    update pm_targets t set last_index = x.last_index, last_completed_at = x.last_completed_at,
      meter_threshold = x.meter_threshold
    from unnest(${sql.param(next.ids)}::uuid[], ${sql.param(next.lastIndex)}::int[],
      ${sql.param(next.lastCompletedAt)}::text[]::timestamptz[],
      ${sql.param(next.meterThreshold)}::float8[])
      as x(id, last_index, last_completed_at, meter_threshold)
    where t.id = x.id`);
  return finished.length;
}

/**
 * Every work order with the suites it disturbs, worked out here independently of placement.ts:
 * a suite's own work, a room's suites, or for a device the suites holding it or anything below
 * it (children by parent, dependants by device_dependencies). Each device's reach is walked once.
 */
const affectedSql = sql`
  with recursive edges(child, parent) as (
    select id, parent_id from devices where parent_id is not null
    union all
    select device_id, depends_on_id from device_dependencies
  ), down(root, dev) as (
    select id, id from devices
    union
    select down.root, edges.child from down join edges on edges.parent = down.dev
  ), reach as materialized (
    select distinct down.root as device_id, sd.suite_id
    from down join suite_devices sd on sd.device_id = down.dev
  ), affected as materialized (
    select w.id, r.suite_id from work_orders w join reach r on r.device_id = w.device_id
    union all
    select w.id, w.suite_id from work_orders w where w.device_id is null and w.suite_id is not null
    union all
    select w.id, su.id from work_orders w join suites su on su.room_id = w.room_id
    where w.device_id is null and w.suite_id is null
  )`;

/**
 * Placed work orders overlapping a booking of a suite they disturb. With `shiftH`, the same check
 * on every slot moved that many hours later: a control that shows the check finds overlaps.
 */
async function violations(db: Db, shiftH = 0) {
  const shift = sql`${shiftH}::int * interval '1 hour'`;
  const [row] = await query<{ violations: number }>(
    db,
    sql`${affectedSql}
      select count(distinct w.id)::int as violations
      from work_orders w join affected a on a.id = w.id
      where w.scheduled_start is not null and exists (
        select 1 from bookings b where b.suite_id = a.suite_id
          and b.starts_at < w.scheduled_end + ${shift} and b.ends_at > w.scheduled_start + ${shift})`,
  );
  return row!.violations;
}

/**
 * The same placements again with nothing but the slot finder: each placed work order's bookings
 * already in memory, the same earliest start and deadline. Pure CPU: what placing costs without
 * the database. It must land on the very same slot.
 */
async function bareSlotFinder(db: Db) {
  const config = await loadConfig(db);
  const booked = new Map<string, Busy[]>();
  const rows = await query<{ id: string; suite_id: string; starts_at: Date; ends_at: Date }>(
    db,
    sql`select id, suite_id, starts_at, ends_at from bookings`,
  );
  for (const b of rows) {
    const list = booked.get(b.suite_id) ?? [];
    list.push({ id: b.id, label: '', start: new Date(b.starts_at), end: new Date(b.ends_at) });
    booked.set(b.suite_id, list);
  }
  const orders = await query<{
    id: string;
    created_at: Date;
    due_at: Date;
    grace_min: number;
    duration_min: number;
    scheduled_start: Date;
    suites: string[];
  }>(
    db,
    sql`${affectedSql}
      select w.id, w.created_at, w.due_at, w.grace_min, w.duration_min, w.scheduled_start,
        coalesce(array_agg(a.suite_id::text) filter (where a.suite_id is not null), '{}') as suites
      from work_orders w left join affected a on a.id = w.id
      where w.scheduled_start is not null
      group by w.id`,
  );
  const inputs = orders.map((o) => {
    const now = new Date(o.created_at);
    return {
      start: new Date(o.scheduled_start).getTime(),
      request: {
        durationMin: o.duration_min,
        notBefore: new Date(Math.ceil(now.getTime() / (stepMin * 60_000)) * stepMin * 60_000),
        dueAt: deadlineOf(
          { dueAt: new Date(o.due_at), graceMin: o.grace_min, durationMin: o.duration_min },
          now,
        ),
        busy: o.suites.flatMap((s) => booked.get(s) ?? []),
        hours: config.hours,
        stepMin,
      },
    };
  });
  const started = performance.now();
  let same = 0;
  for (const input of inputs) {
    const slot = findSlot(input.request);
    if (slot.fits && slot.start.getTime() === input.start) same += 1;
  }
  const ms = performance.now() - started;
  // Every placed slot lies inside maintenance hours: one open stretch holds it whole.
  let outsideHours = 0;
  for (const input of inputs) {
    const start = new Date(input.start);
    const end = new Date(input.start + input.request.durationMin * 60_000);
    const open = openStretches(config.hours, start, end);
    if (open.length !== 1 || open[0]!.start > start || open[0]!.end < end) outsideHours += 1;
  }
  return { placements: inputs.length, ms, same, outsideHours };
}

/**
 * The floor for writing the same work: work orders the planner made (up to 5,000 of them),
 * inserted again one plain single-row insert each into a copy of the table (same columns,
 * indexes and defaults).
 */
async function plainInserts(db: Db) {
  await db.execute(sql`create table bench_work_orders (like work_orders including all)`);
  const rows = await db.select().from(workOrders).limit(5_000);
  const started = performance.now();
  for (const w of rows)
    await db.execute(sql`
      insert into bench_work_orders (plan_id, pm_target_id, type, title, description, device_id,
        suite_id, room_id, status, due_at, grace_min, lead_days, due_by, due_index, meter_threshold,
        duration_min, scheduled_start, scheduled_end, slot_note, proposed_start, proposed_end,
        steps, created_by, created_at, updated_at)
      values (${w.planId}, ${w.pmTargetId}, ${w.type}, ${w.title}, ${w.description}, ${w.deviceId},
        ${w.suiteId}, ${w.roomId}, ${w.status}, ${w.dueAt?.toISOString() ?? null}, ${w.graceMin},
        ${w.leadDays}, ${w.dueBy}, ${w.dueIndex}, ${w.meterThreshold}, ${w.durationMin},
        ${w.scheduledStart?.toISOString() ?? null}, ${w.scheduledEnd?.toISOString() ?? null},
        ${w.slotNote}, ${w.proposedStart?.toISOString() ?? null},
        ${w.proposedEnd?.toISOString() ?? null}, ${JSON.stringify(w.steps)}::jsonb, 'planner',
        ${w.createdAt.toISOString()}, ${w.updatedAt.toISOString()})`);
  const ms = performance.now() - started;
  await db.execute(sql`drop table bench_work_orders`);
  return { rows: rows.length, ms };
}

export async function benchPmPlan(store: Store): Promise<void> {
  console.log(
    `PM planning a year ahead on ${store}: 5,000 plans, 500 suites, ${count(bookingsTotal)} bookings; ` +
      `generate() runs once a simulated day for ${days} days, and each work order is done when its slot ends`,
  );
  const { database, cleanup } = await benchDatabase(store, { max: 4 });
  const db = database.db;
  try {
    // The year starts tomorrow; work is planned once a day at 06:00 UTC, as the clock would by then.
    const start = dayStart(new Date(), 1);
    await seedFacility(db);
    await seedBookings(db, bookingsTotal, start, days);
    const planCount = await seedPlans(db, start);
    const plans = new Map((await db.select().from(pmPlans)).map((p) => [p.id, p]));

    let plannerMs = 0;
    let made = 0;
    let finished = 0;
    const wallStarted = performance.now();
    for (let day = 0; day < days; day += 1) {
      const now = new Date(start.getTime() + day * dayMs + 6 * hourMs);
      await advanceMeters(db, now);
      finished += await finishWork(db, plans, now);
      // The planner clock's own call: one transaction around generate().
      const t = performance.now();
      const orders = await db.transaction((tx) => generate(tx, now));
      plannerMs += performance.now() - t;
      made += orders.length;
      if (day % 5 === 4 || day === days - 1)
        progress(
          `day ${day + 1} of ${days}: ${count(made)} work orders made, ${count(finished)} finished; ` +
            `${(plannerMs / 1000).toFixed(1)} s in the planner`,
        );
    }
    const wallMs = performance.now() - wallStarted;
    console.log(
      `  simulated ${days} days in ${(wallMs / 1000).toFixed(1)} s (${(plannerMs / 1000).toFixed(1)} s of it in generate(), the rest finishing work and moving meters)\x1b[K`,
    );

    const [placed] = await query<{ placed: number; unplaced: number }>(
      db,
      sql`select count(scheduled_start)::int as placed,
            count(*) filter (where scheduled_start is null)::int as unplaced
          from work_orders`,
    );
    const check = await violations(db);
    const control = await violations(db, 12);
    const bare = await bareSlotFinder(db);
    const plain = await plainInserts(db);

    const plannerS = plannerMs / 1000;
    const perSecond = made / plannerS;
    const plainPerSecond = plain.rows / (plain.ms / 1000);
    console.log(
      `  planner: ${count(planCount)} plans planned ${days} days ahead in ${plannerS.toFixed(1)} s of generate(): ` +
        `${((planCount * days) / 365 / plannerS).toFixed(0)} plans/s (a year ahead each); ` +
        `${count(made)} work orders made and placed, ${perSecond.toFixed(0)} work orders/s`,
    );
    console.log(
      `  placed in a free slot: ${count(placed!.placed)}; no free slot before due (a late or least-harm slot offered): ${count(placed!.unplaced)}`,
    );
    console.log(
      `  placed work orders overlapping a booking of an affected suite: ${check} (must be 0; the same check on every slot moved 12 h later finds ${count(control)}); ` +
        `outside maintenance hours: ${bare.outsideHours} (must be 0)`,
    );
    console.log(
      `  baseline, plain single-row inserts of ${count(plain.rows)} of the same work orders: ${plainPerSecond.toFixed(0)}/s; ` +
        `ratio ${(perSecond / plainPerSecond).toFixed(2)} (the planner places one in the time of ${(plainPerSecond / perSecond).toFixed(1)} plain inserts)`,
    );
    console.log(
      `  bare slot finder on the same bookings, in memory: ${Math.round(bare.placements / (bare.ms / 1000)).toLocaleString('en')} placements/s, ` +
        `same slot as the planner for ${count(bare.same)} of ${count(bare.placements)}`,
    );
    if (check > 0 || bare.outsideHours > 0)
      throw new Error(
        `PM planning placed ${check} work orders on bookings, ${bare.outsideHours} outside hours`,
      );
  } finally {
    await cleanup();
  }
}
