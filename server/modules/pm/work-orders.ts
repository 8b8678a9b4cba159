import { and, asc, desc, eq, gte, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import {
  devices,
  meters,
  pmPlans,
  pmTargets,
  tickets,
  workOrderEvents,
  workOrders,
  type Step,
  type WorkOrderEventKind,
  type WorkOrderStatus,
} from '../../db/schema/index.ts';
import { openWorkOrderStatuses } from '../../domain.ts';
import { Conflict, Forbidden, Invalid, NotFound } from '../../errors.ts';
import { serialize } from '../serialize.ts';
import { isStaff } from '../tickets/workflow.ts';
import { categoryOf, createTicket, type Who } from '../tickets/service.ts';
import type { AdHocInput, TransitionInput, WorkOrderFilter } from './api-types.ts';
import { templateSteps } from './calibration.ts';
import { afterFinish } from './due.ts';
import { stepsFrom } from './generator.ts';
import { clashes, endWindow, place, syncWindow, type WorkOrderRow } from './placement.ts';
import { checkedSteps, mustExist } from './plans.ts';
import { dueState } from './schedule.ts';
import { loadConfig } from './settings.ts';

export type { WorkOrderRow };
const minuteMs = 60_000;

export async function found(db: Db, id: string, forUpdate = false): Promise<WorkOrderRow> {
  const q = db.select().from(workOrders).where(eq(workOrders.id, id));
  const [row] = forUpdate ? await q.for('update') : await q;
  if (!row) throw new NotFound(`work order ${id} does not exist`);
  return row;
}

const event = (
  who: Who | null,
  workOrderId: string,
  at: Date,
  kind: WorkOrderEventKind,
  text: string,
  detail: Record<string, unknown> = {},
) => ({
  workOrderId,
  kind,
  at,
  actorId: who?.actor.id ?? null,
  actor: who?.actor.label ?? 'planner',
  text,
  detail,
});

const done: readonly WorkOrderStatus[] = ['done', 'skipped', 'cancelled'];

/** Managers read; a junior works only what is assigned to them (or to nobody yet). */
export function mustPerform(who: Who, row: WorkOrderRow, what: string) {
  if (who.role === 'manager')
    throw new Forbidden(
      `managers read work orders and reports; ${what} is for juniors and engineers`,
    );
  if (!isStaff(who.role) && row.assigneeId !== null && row.assigneeId !== who.actor.id)
    throw new Forbidden(
      `work order ${row.number} is assigned to someone else; ${what} is for them or an engineer`,
    );
}

function mustBeEngineer(who: Who, what: string) {
  if (!isStaff(who.role)) throw new Forbidden(`${what} is for engineers`);
}

export type { AdHocInput };

/** Work outside any plan: a one-off check, or corrective work. Placed like planned work. */
export async function createAdHoc(db: Db, who: Who, input: AdHocInput, now = new Date()) {
  mustBeEngineer(who, 'making work orders');
  const title = input.title.trim();
  if (title === '') throw new Invalid('body.title: say what the work is; it must not be blank');
  const where = [input.deviceId, input.suiteId, input.roomId].filter(Boolean);
  if (where.length > 1) throw new Invalid('body: give at most one of deviceId, suiteId, roomId');
  return db.transaction(async (tx) => {
    const config = await loadConfig(tx);
    await mustExist(tx, input);
    const fromTemplate = input.calibrationTemplateId
      ? await templateSteps(tx, input.calibrationTemplateId, 'body.calibrationTemplateId')
      : [];
    const steps = stepsFrom([...fromTemplate, ...checkedSteps(input.steps ?? [])]);
    const dueAt = input.dueAt ? new Date(input.dueAt) : null;
    const base = {
      deviceId: input.deviceId ?? null,
      suiteId: input.suiteId ?? null,
      roomId: input.roomId ?? null,
      dueAt,
      graceMin: 0,
      durationMin: input.durationMin,
    };
    const placement = await place(tx, config, base, now);
    const [row] = await tx
      .insert(workOrders)
      .values({
        ...base,
        type: input.type,
        title,
        description: (input.description ?? '').trim(),
        dueBy: dueAt ? 'manual' : null,
        ...placement.values,
        assigneeId: input.assigneeId ?? null,
        team: input.team ?? null,
        calibrationTemplateId: input.calibrationTemplateId ?? null,
        steps,
        createdById: who.actor.id,
        createdBy: who.actor.label,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    const windowId = await syncWindow(tx, row!, config.hours.timezone);
    await tx.update(workOrders).set({ windowId }).where(eq(workOrders.id, row!.id));
    await tx
      .insert(workOrderEvents)
      .values([
        event(who, row!.id, now, 'created', title),
        event(
          who,
          row!.id,
          now,
          'scheduled',
          placement.values.slotNote || 'Placed in the earliest free slot',
        ),
      ]);
    return { ...row!, windowId };
  });
}

/** Number steps are within nominal ± tolerance; checks pass unless failed. */
function judged(step: Step): boolean | null {
  if (step.kind === 'number') {
    if (step.value === null || step.nominal === null || step.tolerance === null) return null;
    // A hair of slack for values typed to the tolerance's own precision.
    return Math.abs(step.value - step.nominal) <= step.tolerance + 1e-9;
  }
  if (step.kind === 'check') return step.result === null ? null : step.result !== 'fail';
  return null;
}

const filled = (step: Step) =>
  step.result !== null ||
  step.value !== null ||
  step.note.trim() !== '' ||
  step.attachmentId !== null;

const describeStep = (step: Step) =>
  step.kind === 'number'
    ? `${step.label}: measured ${step.value} ${step.unit} against ${step.nominal} ± ${step.tolerance} ${step.unit}`.replace(
        /\s+/g,
        ' ',
      )
    : `${step.label}: failed`;

export interface StepInput {
  result?: 'pass' | 'fail' | 'na';
  value?: number;
  note?: string;
  /** Set by a photo upload (attachments.ts); the route's body has no such field. */
  attachmentId?: string;
}

/**
 * Records one step. A failed check or a number out of tolerance opens a corrective ticket at
 * once, carrying the device, the suite, the step and the value, linked back here; a step that
 * already opened one does not open another.
 */
export async function recordStep(
  db: Db,
  who: Who,
  id: string,
  stepId: string,
  input: StepInput,
  now = new Date(),
) {
  return db.transaction(async (tx) => {
    const row = await found(tx, id, true);
    mustPerform(who, row, 'recording steps');
    if (done.includes(row.status) || row.status === 'pending_review')
      throw new Conflict(
        `work order ${row.number} is ${row.status.replace('_', ' ')}; its steps are closed`,
      );
    const index = row.steps.findIndex((s) => s.id === stepId);
    if (index < 0)
      throw new NotFound(
        `work order ${row.number} has no step ${stepId}; steps are ${row.steps.map((s) => s.id).join(', ')}`,
      );
    const step = { ...row.steps[index]! };
    if (input.result === undefined && input.value === undefined && input.note === undefined)
      throw new Invalid('body: give result, value or note');
    if (input.value !== undefined && step.kind !== 'number')
      throw new Invalid(`body.value: step ${stepId} is a ${step.kind} step; give result or note`);
    if (input.result !== undefined && step.kind === 'number' && input.result !== 'na')
      throw new Invalid(`body.result: step ${stepId} is a number step; give its value`);
    if (input.value !== undefined && !Number.isFinite(input.value))
      throw new Invalid('body.value: must be a number');
    if (input.result !== undefined) step.result = input.result;
    if (input.value !== undefined) step.value = input.value;
    if (input.note !== undefined) step.note = input.note.trim();
    if (input.attachmentId !== undefined) step.attachmentId = input.attachmentId;
    step.ok = step.result === 'na' ? true : judged(step);
    step.by = who.actor.label;
    step.at = now.toISOString();
    await tx.insert(workOrderEvents).values(
      event(who, id, now, 'step', `${step.label}: ${step.value ?? step.result ?? step.note}`, {
        stepId,
        result: step.result,
        value: step.value,
        ok: step.ok,
      }),
    );
    let ticket = null;
    if (step.ok === false && !step.ticketId) {
      ticket = await correctiveTicket(tx, who, row, step, now);
      step.ticketId = ticket.id;
    }
    const changes: Partial<WorkOrderRow> = {
      steps: row.steps.map((s, i) => (i === index ? step : s)),
      updatedAt: now,
    };
    if (row.status === 'scheduled') {
      changes.status = 'in_progress';
      changes.startedAt = now;
    }
    await tx.update(workOrders).set(changes).where(eq(workOrders.id, id));
    return { order: await found(tx, id), ticket };
  });
}

async function correctiveTicket(db: Db, who: Who, row: WorkOrderRow, step: Step, now: Date) {
  const [device] = row.deviceId
    ? await db.select({ kind: devices.kind }).from(devices).where(eq(devices.id, row.deviceId))
    : [];
  const ticket = await createTicket(
    db,
    who,
    {
      title: `WO-${row.number} ${describeStep(step)}`.slice(0, 200),
      description: [
        `Work order WO-${row.number} (${row.title}) found a fault.`,
        `Step: ${step.label}`,
        step.kind === 'number'
          ? `Measured: ${step.value} ${step.unit}; nominal ${step.nominal} ± ${step.tolerance} ${step.unit}`
          : `Result: ${step.result}`,
        step.note ? `Note: ${step.note}` : '',
        `Work order: /#/work/${row.id}`,
      ]
        .filter(Boolean)
        .join('\n'),
      category: categoryOf(device?.kind),
      ...(row.deviceId ? { deviceIds: [row.deviceId] } : {}),
      ...(row.suiteId ? { suiteIds: [row.suiteId] } : {}),
      tags: ['work-order'],
    },
    now,
  );
  await db.update(tickets).set({ workOrderId: row.id }).where(eq(tickets.id, ticket.id));
  await db.insert(workOrderEvents).values(
    event(who, row.id, now, 'ticket', `Opened ticket ${ticket.number}: ${ticket.title}`, {
      ticketId: ticket.id,
      stepId: step.id,
    }),
  );
  return ticket;
}

const moves: Record<WorkOrderStatus, readonly WorkOrderStatus[]> = {
  scheduled: ['in_progress', 'done', 'skipped', 'cancelled'],
  in_progress: ['done', 'skipped', 'cancelled', 'scheduled'],
  pending_review: ['done', 'in_progress'],
  done: [],
  skipped: [],
  cancelled: [],
};

/** Moves the target on, so its next work falls due at the right time. */
async function advanceTarget(db: Db, row: WorkOrderRow, at: Date) {
  if (!row.pmTargetId || !row.planId) return;
  const [plan] = await db.select().from(pmPlans).where(eq(pmPlans.id, row.planId));
  const [target] = await db.select().from(pmTargets).where(eq(pmTargets.id, row.pmTargetId));
  if (!plan || !target) return;
  let meterValue: number | null = null;
  if (plan.meterReading) {
    const owner = target.deviceId ?? target.suiteId;
    const [meter] = await db
      .select({ value: meters.value })
      .from(meters)
      .where(
        and(
          eq(meters.reading, plan.meterReading),
          sql`coalesce(${meters.deviceId}, ${meters.suiteId}) = ${owner}`,
        ),
      );
    meterValue = meter?.value ?? null;
  }
  const next = afterFinish(plan, target, row, at, meterValue);
  await db.update(pmTargets).set(next).where(eq(pmTargets.id, target.id));
}

/**
 * The work order's life. Completing needs every required step filled (the message lists the
 * empty ones); a junior's completion waits for review; skipping needs a reason; work recorded
 * from paper keeps the time it was really done, never in the future, and the log keeps when it
 * was entered.
 */
export async function transition(
  db: Db,
  who: Who,
  id: string,
  input: TransitionInput,
  now = new Date(),
) {
  return db.transaction(async (tx) => {
    const row = await found(tx, id, true);
    mustPerform(who, row, 'working on it');
    let to = input.to;
    const allowed = moves[row.status];
    if (to === 'pending_review')
      throw new Invalid("body.to: ask for 'done'; a junior's completion goes to review by itself");
    if (!allowed.includes(to))
      throw new Conflict(
        `work order ${row.number} is ${row.status.replace('_', ' ')}; it can move to ${allowed.join(', ') || 'nothing (it is finished)'}`,
        { allowed },
      );
    if (row.status === 'pending_review')
      mustBeEngineer(who, 'approving or returning reviewed work');
    if ((to === 'skipped' || to === 'cancelled') && !isStaff(who.role))
      throw new Forbidden(
        `${to === 'skipped' ? 'skipping' : 'cancelling'} planned work is for engineers`,
      );
    const reason = (input.reason ?? '').trim();
    if ((to === 'skipped' || to === 'cancelled') && reason === '')
      throw new Invalid(`body.reason: say why the work is ${to}; it must not be blank`);
    if (row.status === 'pending_review' && to === 'in_progress' && reason === '')
      throw new Invalid('body.reason: say what to do again; the feedback goes on the timeline');
    let completedAt: Date | null = null;
    if (to === 'done' && row.status !== 'pending_review') {
      completedAt = input.completedAt ? new Date(input.completedAt) : now;
      if (Number.isNaN(completedAt.getTime()))
        throw new Invalid('body.completedAt: not a date-time');
      if (completedAt.getTime() > now.getTime())
        throw new Invalid(
          `body.completedAt: ${completedAt.toISOString()} is in the future; give when the work was done`,
        );
      const empty = row.steps.filter((s) => s.required && !filled(s));
      if (empty.length > 0)
        throw new Invalid(
          `body.to: required steps are empty: ${empty.map((s) => `${s.id} ${s.label}`).join('; ')}`,
          { steps: empty.map((s) => s.id) },
        );
      if (!isStaff(who.role)) to = 'pending_review';
    } else if (input.completedAt) {
      throw new Invalid("body.completedAt: only completing ('done') takes a time");
    }
    const startedAt = completedAt ? startOf(row, input, completedAt) : null;
    if (!completedAt && input.startedAt)
      throw new Invalid("body.startedAt: only completing ('done') takes a start time");
    const changes: Partial<WorkOrderRow> = { status: to, updatedAt: now };
    const events = [];
    if (completedAt) {
      const passed = row.steps.every((s) => s.ok !== false);
      Object.assign(changes, {
        completedAt,
        completedById: who.actor.id,
        completedBy: who.actor.label,
        enteredAt: now,
        passed: row.steps.some((s) => s.ok !== null) ? passed : null,
        startedAt,
      });
      events.push(
        event(
          who,
          id,
          completedAt,
          'status',
          to === 'pending_review' ? 'Completed; waiting for review' : 'Completed',
          {
            from: row.status,
            to,
            enteredAt: now.toISOString(),
          },
        ),
      );
    } else if (row.status === 'pending_review' && to === 'done') {
      // Approval: the reviewer is recorded apart; who did the work and when stay as they were.
      Object.assign(changes, {
        reviewedById: who.actor.id,
        reviewedBy: who.actor.label,
        reviewedAt: now,
      });
      events.push(event(who, id, now, 'review_approved', reason || 'Approved'));
    } else if (row.status === 'pending_review' && to === 'in_progress') {
      Object.assign(changes, {
        completedAt: null,
        completedBy: null,
        completedById: null,
        enteredAt: null,
        passed: null,
      });
      events.push(event(who, id, now, 'review_returned', reason));
    } else {
      if (to === 'in_progress' && !row.startedAt) changes.startedAt = now;
      if (to === 'skipped' || to === 'cancelled') changes.reason = reason;
      events.push(event(who, id, now, 'status', reason, { from: row.status, to }));
    }
    await tx.update(workOrders).set(changes).where(eq(workOrders.id, id));
    await tx.insert(workOrderEvents).values(events);
    const final = { ...row, ...changes };
    if (to === 'done' || to === 'skipped' || to === 'cancelled') {
      await endWindow(tx, row.windowId, now);
      await advanceTarget(tx, final, final.completedAt ?? now);
    }
    if (to === 'pending_review') await endWindow(tx, row.windowId, now);
    return found(tx, id);
  });
}

/**
 * When completed work began. Given with a paper record, it must come before the completion.
 * Otherwise it is when work began here, unless that was after the completion (steps typed in
 * from paper) or never: then it is unknown, and the labour report leaves it out rather than
 * count it as no time at all.
 */
function startOf(row: WorkOrderRow, input: TransitionInput, completedAt: Date): Date | null {
  if (input.startedAt) {
    const startedAt = new Date(input.startedAt);
    if (Number.isNaN(startedAt.getTime())) throw new Invalid('body.startedAt: not a date-time');
    if (startedAt.getTime() > completedAt.getTime())
      throw new Invalid(
        `body.startedAt: ${startedAt.toISOString()} is after completedAt ${completedAt.toISOString()}`,
      );
    return startedAt;
  }
  return row.startedAt && row.startedAt.getTime() <= completedAt.getTime() ? row.startedAt : null;
}

/** Approves or returns many reviewed work orders at once; each is its own transition. */
export async function review(
  db: Db,
  who: Who,
  input: { ids: string[]; approve: boolean; reason?: string },
  now = new Date(),
) {
  mustBeEngineer(who, 'reviewing work');
  const results = [];
  for (const id of input.ids) {
    const row = await found(db, id);
    if (row.status !== 'pending_review')
      throw new Conflict(
        `work order ${row.number} is not waiting for review (it is ${row.status})`,
      );
  }
  for (const id of input.ids)
    results.push(
      await transition(
        db,
        who,
        id,
        { to: input.approve ? 'done' : 'in_progress', reason: input.reason },
        now,
      ),
    );
  return results;
}

/**
 * An engineer moves the work. Onto a booking of an affected suite is a 409 naming it, unless
 * confirmed with a reason, which is logged and shown on the booking.
 */
export async function move(
  db: Db,
  who: Who,
  id: string,
  input: { start: string; confirm?: boolean; reason?: string },
  now = new Date(),
) {
  mustBeEngineer(who, 'moving work');
  return db.transaction(async (tx) => {
    const row = await found(tx, id, true);
    if (done.includes(row.status) || row.status === 'pending_review')
      throw new Conflict(
        `work order ${row.number} is ${row.status.replace('_', ' ')}; it cannot move`,
      );
    const start = new Date(input.start);
    if (Number.isNaN(start.getTime())) throw new Invalid('body.start: not a date-time');
    const end = new Date(start.getTime() + row.durationMin * minuteMs);
    const hits = await clashes(tx, row, start, end);
    const reason = (input.reason ?? '').trim();
    if (hits.length > 0 && !input.confirm)
      throw new Conflict(
        `body.start: the slot overlaps the booking ${hits.map((h) => `${h.label} (${h.start.toISOString()}–${h.end.toISOString()})`).join(', ')}; confirm with a reason to move it there anyway`,
        { bookings: hits.map((h) => ({ id: h.id, label: h.label, start: h.start, end: h.end })) },
      );
    if (hits.length > 0 && reason === '')
      throw new Invalid(
        'body.reason: moving onto a booking needs a reason; it is shown on the booking',
      );
    const config = await loadConfig(tx);
    const moved = {
      ...row,
      scheduledStart: start,
      scheduledEnd: end,
      slotNote: '',
      proposedStart: null,
      proposedEnd: null,
      overrideReason: hits.length > 0 ? reason : null,
      updatedAt: now,
    };
    const windowId = await syncWindow(tx, moved, config.hours.timezone);
    await tx
      .update(workOrders)
      .set({
        scheduledStart: start,
        scheduledEnd: end,
        slotNote: '',
        proposedStart: null,
        proposedEnd: null,
        overrideReason: moved.overrideReason,
        windowId,
        updatedAt: now,
      })
      .where(eq(workOrders.id, id));
    await tx.insert(workOrderEvents).values(
      event(
        who,
        id,
        now,
        'moved',
        hits.length > 0
          ? `Moved onto ${hits.map((h) => h.label).join(', ')}: ${reason}`
          : reason || 'Moved',
        {
          from: row.scheduledStart?.toISOString() ?? null,
          to: start.toISOString(),
          bookings: hits.map((h) => h.id),
        },
      ),
    );
    return found(tx, id);
  });
}

export async function listWorkOrders(db: Db, filter: WorkOrderFilter, now = new Date()) {
  const where: SQL[] = [];
  if (filter.status) where.push(eq(workOrders.status, filter.status));
  if (filter.open || filter.overdue)
    where.push(inArray(workOrders.status, [...openWorkOrderStatuses]));
  if (filter.overdue)
    where.push(
      sql`${workOrders.dueAt} + make_interval(mins => ${workOrders.graceMin}) < ${now.toISOString()}::timestamptz`,
    );
  if (filter.dueBefore) where.push(lt(workOrders.dueAt, new Date(filter.dueBefore)));
  if (filter.from && filter.to) {
    const from = new Date(filter.from);
    const to = new Date(filter.to);
    where.push(
      or(
        and(lt(workOrders.scheduledStart, to), gte(workOrders.scheduledEnd, from)),
        and(
          sql`${workOrders.scheduledStart} is null`,
          gte(workOrders.dueAt, from),
          lt(workOrders.dueAt, to),
        ),
      )!,
    );
  }
  if (filter.deviceId) where.push(eq(workOrders.deviceId, filter.deviceId));
  if (filter.suiteId) where.push(eq(workOrders.suiteId, filter.suiteId));
  if (filter.assigneeId) where.push(eq(workOrders.assigneeId, filter.assigneeId));
  if (filter.planId) where.push(eq(workOrders.planId, filter.planId));
  if (filter.type) where.push(eq(workOrders.type, filter.type));
  const rows = await db
    .select()
    .from(workOrders)
    .where(and(...where))
    .orderBy(sql`${workOrders.dueAt} asc nulls last`, desc(workOrders.number))
    .limit(Math.min(filter.limit ?? 500, 2000));
  return rows.map((r) => view(r, now));
}

/** A work order as the API shows it, with its derived due state. */
export function view(row: WorkOrderRow, now = new Date()) {
  const open = (openWorkOrderStatuses as readonly string[]).includes(row.status);
  const state =
    open && row.dueAt
      ? dueState(row.dueAt, now, { leadDays: row.leadDays, graceMs: row.graceMin * minuteMs })
      : null;
  return { ...serialize(row), dueState: state, overdue: state === 'overdue' };
}

export async function detail(db: Db, id: string, now = new Date()) {
  const row = await found(db, id);
  const events = await db
    .select()
    .from(workOrderEvents)
    .where(eq(workOrderEvents.workOrderId, id))
    .orderBy(asc(workOrderEvents.id));
  const linked = await db
    .select({
      id: tickets.id,
      number: tickets.number,
      title: tickets.title,
      status: tickets.status,
    })
    .from(tickets)
    .where(eq(tickets.workOrderId, id));
  return { ...view(row, now), events: events.map(serialize), tickets: linked };
}
