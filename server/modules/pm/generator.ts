import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import {
  devices,
  meters,
  pmPlans,
  pmTargets,
  suiteDevices,
  ticketDevices,
  ticketSuites,
  workOrderEvents,
  workOrders,
  type Step,
} from '../../db/schema/index.ts';
import { openWorkOrderStatuses } from '../../domain.ts';
import { graceMinutes, nextDue, type Due, type MeterNow, type PlanTiming } from './due.ts';
import { openWindows, placeAll } from './placement.ts';
import { syncTargets, timing, type PlanRow, type TargetRow } from './plans.ts';
import { loadConfig, type MaintenanceConfig } from './settings.ts';

const dayMs = 86_400_000;

/** A fresh checklist from a plan's steps; each step gets a short id the API addresses it by. */
export function stepsFrom(templates: PlanRow['steps']): Step[] {
  return templates.map((t, i) => ({
    ...t,
    id: `s${i + 1}`,
    result: null,
    value: null,
    note: '',
    attachmentId: null,
    ok: null,
    by: null,
    at: null,
  }));
}

/** The suite each device's work is shown under: the first suite that holds it. */
async function homeSuites(db: Db, deviceIds: string[]): Promise<Map<string, string>> {
  const homes = new Map<string, string>();
  if (deviceIds.length === 0) return homes;
  const rows = await db
    .select({ deviceId: suiteDevices.deviceId, suiteId: suiteDevices.suiteId })
    .from(suiteDevices)
    .where(inArray(suiteDevices.deviceId, deviceIds));
  for (const row of rows) if (!homes.has(row.deviceId)) homes.set(row.deviceId, row.suiteId);
  return homes;
}

/** Device names, for the titles of device-kind plans' work ("Fan check: NAS 2"). */
async function deviceNames(db: Db, deviceIds: string[]): Promise<Map<string, string>> {
  if (deviceIds.length === 0) return new Map();
  const rows = await db
    .select({ id: devices.id, name: devices.name })
    .from(devices)
    .where(inArray(devices.id, deviceIds));
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** The meter each meter plan's target follows, by target id: one query for every plan. */
async function metersOf(
  db: Db,
  plans: Array<Pick<PlanRow, 'id' | 'meterReading'>>,
  targets: TargetRow[],
) {
  const out = new Map<string, MeterNow>();
  const reading = new Map(plans.flatMap((p) => (p.meterReading ? [[p.id, p.meterReading]] : [])));
  if (reading.size === 0) return out;
  const rows = await db
    .select({
      deviceId: meters.deviceId,
      suiteId: meters.suiteId,
      reading: meters.reading,
      value: meters.value,
      at: meters.at,
      ratePerDay: meters.ratePerDay,
    })
    .from(meters)
    .where(inArray(meters.reading, [...new Set(reading.values())]));
  const byOwner = new Map(rows.map((m) => [`${m.deviceId ?? m.suiteId}|${m.reading}`, m]));
  for (const t of targets) {
    const m = byOwner.get(`${t.deviceId ?? t.suiteId}|${reading.get(t.planId)}`);
    if (m) out.set(t.id, { value: m.value, at: m.at, ratePerDay: m.ratePerDay });
  }
  return out;
}

interface Remembered {
  key: string;
  due: Due | null;
}
type Memo = Map<string, Remembered>;
let calendarMemo: Memo = new Map();

/**
 * The part of nextDue no meter moves: the calendar's next date, or a repair waiting. Remembered
 * per target while what it reads stays the same: a calendar date costs luxon's zone arithmetic
 * (about 0.3 ms a target on a busy 2-core machine), the clock asks for every target every minute,
 * and between two minutes almost none has moved. A finished work order or an edited plan changes
 * the key.
 */
function calendarDue(plan: PlanTiming, target: TargetRow, repairDueHours: number, seen: Memo) {
  const key = [
    plan.everyCount,
    plan.everyUnit,
    plan.schedule,
    plan.startsOn.getTime(),
    plan.timezone,
    plan.afterRepair,
    target.lastIndex,
    target.lastCompletedAt?.getTime(),
    target.repairAt?.getTime(),
    repairDueHours,
  ].join('|');
  const known = calendarMemo.get(target.id);
  const entry =
    known?.key === key
      ? known
      : {
          key,
          due: nextDue(plan, timing(target), null, repairDueHours),
        };
  seen.set(target.id, entry);
  return entry.due;
}

/**
 * nextDue, with its calendar part remembered. A meter moves with every reading, but its part is
 * cheap, so it is worked out afresh (nextDue with the calendar taken away) and the two are put
 * together as nextDue puts them: a repair waiting wins, else the earlier date, time on a tie.
 */
export function dueOf(
  plan: PlanTiming,
  target: TargetRow,
  meter: MeterNow | null,
  repairDueHours: number,
  seen: Memo = calendarMemo,
): Due | null {
  const calendar = calendarDue(plan, target, repairDueHours, seen);
  if (plan.meterEvery === null || calendar?.by === 'repair') return calendar;
  const byMeter = nextDue(
    { ...plan, everyCount: null, everyUnit: null, afterRepair: false },
    timing(target),
    meter,
    repairDueHours,
  );
  if (!byMeter) return calendar;
  return calendar && calendar.dueAt.getTime() <= byMeter.dueAt.getTime() ? calendar : byMeter;
}

interface Wanted {
  plan: PlanRow;
  target: TargetRow;
  meter: MeterNow | null;
  due: Due;
}

const reasonOf = (due: Due) =>
  due.by === 'meter'
    ? `meter reached or will reach ${due.threshold}`
    : due.by === 'repair'
      ? 'a repair on it was closed'
      : 'the schedule';

/**
 * Makes the work orders these targets need now, each placed in a free slot, with a handful of
 * statements for the lot rather than several per work order. The one-open-per-target index
 * settles a race between two generators: the loser inserts nothing for that target.
 */
async function makeOrders(db: Db, config: MaintenanceConfig, wanted: Wanted[], now: Date) {
  const deviceIds = [
    ...new Set(wanted.flatMap((w) => (w.target.deviceId ? [w.target.deviceId] : []))),
  ];
  const homes = await homeSuites(db, deviceIds);
  const names = await deviceNames(
    db,
    wanted.flatMap((w) =>
      w.plan.target === 'device_kind' && w.target.deviceId ? [w.target.deviceId] : [],
    ),
  );
  // A device's slot avoids the bookings of every suite it serves; the home suite only labels it.
  const placements = await placeAll(
    db,
    config,
    wanted.map((w) => ({
      deviceId: w.target.deviceId,
      suiteId: w.target.suiteId,
      roomId: w.target.roomId,
      dueAt: w.due.dueAt,
      graceMin: graceMinutes(w.plan, w.meter),
      durationMin: w.plan.durationMin,
    })),
    now,
  );
  const orders = await db
    .insert(workOrders)
    .values(
      wanted.map(({ plan, target, meter, due }, i) => {
        const name = target.deviceId ? names.get(target.deviceId) : undefined;
        return {
          deviceId: target.deviceId,
          suiteId:
            target.suiteId ?? (target.deviceId ? (homes.get(target.deviceId) ?? null) : null),
          roomId: target.roomId,
          dueAt: due.dueAt,
          graceMin: graceMinutes(plan, meter),
          leadDays: plan.leadDays,
          durationMin: plan.durationMin,
          planId: plan.id,
          pmTargetId: target.id,
          type: 'preventive' as const,
          title: name ? `${plan.title}: ${name}` : plan.title,
          description: plan.description,
          status: 'scheduled' as const,
          dueBy: due.by,
          dueIndex: due.index,
          meterThreshold: due.threshold,
          ...placements[i]!.values,
          assigneeId: plan.assigneeId,
          team: plan.team,
          required: plan.required,
          calibrationTemplateId: plan.calibrationTemplateId,
          steps: stepsFrom(plan.steps),
          createdBy: 'planner',
          createdAt: now,
          updatedAt: now,
        };
      }),
    )
    .onConflictDoNothing()
    .returning();
  if (orders.length === 0) return [];
  const windows = await openWindows(db, orders, config.hours.timezone);
  if (windows.size > 0)
    await db.execute(sql`
      update work_orders w set window_id = x.window_id
      from unnest(${sql.param([...windows.keys()])}::uuid[], ${sql.param([...windows.values()])}::uuid[])
        as x(id, window_id)
      where w.id = x.id`);
  const byTarget = new Map(wanted.map((w) => [w.target.id, w]));
  await db.insert(workOrderEvents).values(
    orders.flatMap((order) => [
      {
        workOrderId: order.id,
        kind: 'created' as const,
        at: now,
        actor: 'planner',
        text: `Due by ${reasonOf(byTarget.get(order.pmTargetId!)!.due)}`,
      },
      {
        workOrderId: order.id,
        kind: 'scheduled' as const,
        at: now,
        actor: 'planner',
        text: order.slotNote || 'Placed in the earliest free slot',
        detail: {
          start: order.scheduledStart?.toISOString() ?? null,
          end: order.scheduledEnd?.toISOString() ?? null,
        },
      },
    ]),
  );
  return orders.map((order) => ({ ...order, windowId: windows.get(order.id) ?? null }));
}

export interface GenerateFilter {
  planIds?: string[];
  /** Only targets on these devices (a meter moved). */
  deviceIds?: string[];
  /** The settings, when the caller has already read them this minute. */
  config?: MaintenanceConfig;
}

/** Work orders a single insert makes: about 30 parameters each, well inside the 65,535 limit. */
const batch = 500;

/**
 * The columns that decide whether a plan owes work now. The rest (steps, texts) is read only for
 * the plans whose work is made: most minutes that is none, and reading every plan whole was the
 * larger part of a minute's planning with thousands of plans.
 */
const timingColumns = {
  id: pmPlans.id,
  target: pmPlans.target,
  everyCount: pmPlans.everyCount,
  everyUnit: pmPlans.everyUnit,
  schedule: pmPlans.schedule,
  startsOn: pmPlans.startsOn,
  timezone: pmPlans.timezone,
  meterReading: pmPlans.meterReading,
  meterEvery: pmPlans.meterEvery,
  afterRepair: pmPlans.afterRepair,
  graceFraction: pmPlans.graceFraction,
  leadDays: pmPlans.leadDays,
};

/**
 * Makes every work order that has fallen within its lead time, for every active plan (or those
 * named). Targets that already hold an open work order are skipped in the query.
 */
export async function generate(db: Db, now = new Date(), filter: GenerateFilter = {}) {
  const config = filter.config ?? (await loadConfig(db));
  const chosen = and(
    eq(pmPlans.active, true),
    filter.planIds ? inArray(pmPlans.id, filter.planIds) : undefined,
    // A meter that moved only concerns meter plans.
    filter.deviceIds ? sql`${pmPlans.meterReading} is not null` : undefined,
  );
  const plans = await db.select(timingColumns).from(pmPlans).where(chosen);
  if (plans.length === 0) return [];
  // A device of a kind added since the plan was made joins it.
  if (!filter.deviceIds && plans.some((p) => p.target === 'device_kind'))
    for (const plan of await db
      .select()
      .from(pmPlans)
      .where(and(chosen, eq(pmPlans.target, 'device_kind'))))
      await syncTargets(db, plan);
  const open = db
    .select({ id: workOrders.pmTargetId })
    .from(workOrders)
    .where(
      and(
        inArray(workOrders.status, [...openWorkOrderStatuses]),
        sql`${workOrders.pmTargetId} is not null`,
      ),
    );
  const whole = !filter.planIds && !filter.deviceIds;
  const targets = await db
    .select()
    .from(pmTargets)
    .where(
      and(
        // Every active plan's targets: a join, not a list of thousands of plan ids.
        whole
          ? sql`${pmTargets.planId} in (select id from pm_plans where active)`
          : inArray(
              pmTargets.planId,
              plans.map((p) => p.id),
            ),
        sql`${pmTargets.id} not in (${open})`,
        filter.deviceIds ? inArray(pmTargets.deviceId, filter.deviceIds) : undefined,
      ),
    );
  const targetsOf = new Map<string, TargetRow[]>();
  for (const target of targets) {
    const list = targetsOf.get(target.planId);
    if (list) list.push(target);
    else targetsOf.set(target.planId, [target]);
  }
  const meterNow = await metersOf(db, plans, targets);
  // A run over every plan keeps only what it saw, so targets that went stop being remembered.
  const seen: Memo = whole ? new Map<string, Remembered>() : calendarMemo;
  const due: Array<Omit<Wanted, 'plan'> & { planId: string }> = [];
  for (const plan of plans)
    for (const target of targetsOf.get(plan.id) ?? []) {
      const meter = meterNow.get(target.id) ?? null;
      const next = dueOf(plan, target, meter, config.repairDueHours, seen);
      if (!next || next.dueAt.getTime() - plan.leadDays * dayMs > now.getTime()) continue;
      due.push({ planId: plan.id, target, meter, due: next });
    }
  if (whole) calendarMemo = seen;
  if (due.length === 0) return [];
  const planRows = new Map(
    (
      await db
        .select()
        .from(pmPlans)
        .where(inArray(pmPlans.id, [...new Set(due.map((d) => d.planId))]))
    ).map((p) => [p.id, p]),
  );
  const wanted = due.flatMap(({ planId, ...rest }) => {
    const plan = planRows.get(planId);
    return plan ? [{ plan, ...rest }] : [];
  });
  const made = [];
  for (let from = 0; from < wanted.length; from += batch)
    made.push(...(await makeOrders(db, config, wanted.slice(from, from + batch), now)));
  return made;
}

/**
 * A repair closed on a device or suite: every after-repair plan on it owes work. Only a target
 * whose last work came before the repair is marked, so one closing twice marks it once.
 */
export async function repairClosed(db: Db, ticketId: string, at: Date): Promise<number> {
  const deviceIds = (
    await db
      .select({ id: ticketDevices.deviceId })
      .from(ticketDevices)
      .where(eq(ticketDevices.ticketId, ticketId))
  ).map((r) => r.id);
  const suiteIds = (
    await db
      .select({ id: ticketSuites.suiteId })
      .from(ticketSuites)
      .where(eq(ticketSuites.ticketId, ticketId))
  ).map((r) => r.id);
  if (deviceIds.length === 0 && suiteIds.length === 0) return 0;
  const plans = db
    .select({ id: pmPlans.id })
    .from(pmPlans)
    .where(and(eq(pmPlans.afterRepair, true), eq(pmPlans.active, true)));
  const marked = await db
    .update(pmTargets)
    .set({ repairAt: at })
    .where(
      and(
        inArray(pmTargets.planId, plans),
        isNull(pmTargets.repairAt),
        deviceIds.length > 0 && suiteIds.length > 0
          ? sql`(${inArray(pmTargets.deviceId, deviceIds)} or ${inArray(pmTargets.suiteId, suiteIds)})`
          : deviceIds.length > 0
            ? inArray(pmTargets.deviceId, deviceIds)
            : inArray(pmTargets.suiteId, suiteIds),
      ),
    )
    .returning({ id: pmTargets.id });
  return marked.length;
}
