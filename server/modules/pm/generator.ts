import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import {
  devices,
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
import { graceMinutes, nextDue } from './due.ts';
import { place, syncWindow } from './placement.ts';
import { syncTargets, targetMeters, timing, type PlanRow, type TargetRow } from './plans.ts';
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

/** The suite a device's work is shown under: the first suite that holds it. */
async function homeSuite(db: Db, deviceId: string | null): Promise<string | null> {
  if (!deviceId) return null;
  const [row] = await db
    .select({ suiteId: suiteDevices.suiteId })
    .from(suiteDevices)
    .where(eq(suiteDevices.deviceId, deviceId))
    .limit(1);
  return row?.suiteId ?? null;
}

async function titleFor(db: Db, plan: PlanRow, target: TargetRow): Promise<string> {
  if (plan.target !== 'device_kind' || !target.deviceId) return plan.title;
  const [device] = await db
    .select({ name: devices.name })
    .from(devices)
    .where(eq(devices.id, target.deviceId));
  return device ? `${plan.title}: ${device.name}` : plan.title;
}

/**
 * Makes the work order one plan target needs now, placed in a free slot; null when it is not
 * due within the plan's lead time or one is already open. The one-open-per-target index settles
 * a race between two generators: the loser inserts nothing.
 */
async function makeOrder(
  db: Db,
  config: MaintenanceConfig,
  plan: PlanRow,
  target: TargetRow,
  meter: Parameters<typeof nextDue>[2],
  now: Date,
) {
  const due = nextDue(plan, timing(target), meter, config.repairDueHours);
  if (!due) return null;
  if (due.dueAt.getTime() - plan.leadDays * dayMs > now.getTime()) return null;
  const base = {
    deviceId: target.deviceId,
    suiteId: target.suiteId ?? (await homeSuite(db, target.deviceId)),
    roomId: target.roomId,
    dueAt: due.dueAt,
    graceMin: graceMinutes(plan, meter),
    durationMin: plan.durationMin,
  };
  // A device's slot avoids the bookings of every suite it serves; the home suite only labels it.
  const placement = await place(
    db,
    config,
    { ...base, suiteId: target.suiteId, roomId: target.roomId },
    now,
  );
  const [order] = await db
    .insert(workOrders)
    .values({
      ...base,
      planId: plan.id,
      pmTargetId: target.id,
      type: 'preventive',
      title: await titleFor(db, plan, target),
      description: plan.description,
      status: 'scheduled',
      dueBy: due.by,
      dueIndex: due.index,
      meterThreshold: due.threshold,
      ...placement.values,
      assigneeId: plan.assigneeId,
      team: plan.team,
      required: plan.required,
      calibrationTemplateId: plan.calibrationTemplateId,
      steps: stepsFrom(plan.steps),
      createdBy: 'planner',
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing()
    .returning();
  if (!order) return null;
  const windowId = await syncWindow(db, order, config.hours.timezone);
  if (windowId) await db.update(workOrders).set({ windowId }).where(eq(workOrders.id, order.id));
  const reason =
    due.by === 'meter'
      ? `meter reached or will reach ${due.threshold}`
      : due.by === 'repair'
        ? 'a repair on it was closed'
        : 'the schedule';
  await db.insert(workOrderEvents).values([
    { workOrderId: order.id, kind: 'created', at: now, actor: 'planner', text: `Due by ${reason}` },
    {
      workOrderId: order.id,
      kind: 'scheduled',
      at: now,
      actor: 'planner',
      text: placement.values.slotNote || 'Placed in the earliest free slot',
      detail: {
        start: placement.values.scheduledStart?.toISOString() ?? null,
        end: placement.values.scheduledEnd?.toISOString() ?? null,
      },
    },
  ]);
  return { ...order, windowId };
}

export interface GenerateFilter {
  planIds?: string[];
  /** Only targets on these devices (a meter moved). */
  deviceIds?: string[];
}

/**
 * Makes every work order that has fallen within its lead time, for every active plan (or those
 * named). Targets that already hold an open work order are skipped in the query.
 */
export async function generate(db: Db, now = new Date(), filter: GenerateFilter = {}) {
  const config = await loadConfig(db);
  const plans = await db
    .select()
    .from(pmPlans)
    .where(
      and(
        eq(pmPlans.active, true),
        filter.planIds ? inArray(pmPlans.id, filter.planIds) : undefined,
        // A meter that moved only concerns meter plans.
        filter.deviceIds ? sql`${pmPlans.meterReading} is not null` : undefined,
      ),
    );
  if (plans.length === 0) return [];
  // A device of a kind added since the plan was made joins it.
  if (!filter.deviceIds)
    for (const plan of plans) if (plan.target === 'device_kind') await syncTargets(db, plan);
  const open = db
    .select({ id: workOrders.pmTargetId })
    .from(workOrders)
    .where(
      and(
        inArray(workOrders.status, [...openWorkOrderStatuses]),
        sql`${workOrders.pmTargetId} is not null`,
      ),
    );
  const targets = await db
    .select()
    .from(pmTargets)
    .where(
      and(
        inArray(
          pmTargets.planId,
          plans.map((p) => p.id),
        ),
        sql`${pmTargets.id} not in (${open})`,
        filter.deviceIds ? inArray(pmTargets.deviceId, filter.deviceIds) : undefined,
      ),
    );
  const made = [];
  for (const plan of plans) {
    const mine = targets.filter((t) => t.planId === plan.id);
    if (mine.length === 0) continue;
    const meters = await targetMeters(db, plan, mine);
    for (const target of mine) {
      const order = await makeOrder(db, config, plan, target, meters.get(target.id) ?? null, now);
      if (order) made.push(order);
    }
  }
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
