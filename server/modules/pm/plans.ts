import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { IANAZone } from 'luxon';
import { query, type Db } from '../../db/client.ts';
import {
  devices,
  meters,
  pmPlans,
  pmTargets,
  rooms,
  suiteDevices,
  suites,
  users,
  type StepTemplate,
} from '../../db/schema/index.ts';
import { Invalid, NotFound } from '../../errors.ts';
import { recordAudit } from '../audit/repository.ts';
import type { Actor } from '../auth/principal.ts';
import { serialize } from '../serialize.ts';
import type { PlanInput } from './api-types.ts';
import { templateSteps } from './calibration.ts';
import { nextDue, triggerOf, type MeterNow, type PlanTiming, type TargetTiming } from './due.ts';
import { ensureMeter, type MeterRow } from './meters.ts';
import { dueDatesBetween, meterDatesBetween } from './schedule.ts';
import { loadConfig } from './settings.ts';

export type PlanRow = typeof pmPlans.$inferSelect;
export type TargetRow = typeof pmTargets.$inferSelect;

export type { PlanInput };

const dayMs = 86_400_000;

export async function getPlan(db: Db, id: string): Promise<PlanRow> {
  const [row] = await db.select().from(pmPlans).where(eq(pmPlans.id, id));
  if (!row) throw new NotFound(`plan ${id} does not exist`);
  return row;
}

/** Checklist steps, each number step with its nominal and a tolerance that is not negative. */
export function checkedSteps(steps: StepTemplate[], field = 'body.steps'): StepTemplate[] {
  return steps.map((step, i) => {
    const label = step.label.trim();
    if (label === '') throw new Invalid(`${field}[${i}].label: a step needs a label`);
    if (step.kind === 'number') {
      if (step.nominal === null || step.nominal === undefined)
        throw new Invalid(`${field}[${i}].nominal: a number step needs its nominal value`);
      if (step.tolerance === null || step.tolerance === undefined)
        throw new Invalid(`${field}[${i}].tolerance: a number step needs a tolerance`);
    }
    if (step.tolerance !== null && step.tolerance !== undefined && step.tolerance < 0)
      throw new Invalid(
        `${field}[${i}].tolerance: ${step.tolerance} is negative; give ± as a size`,
      );
    return {
      label,
      kind: step.kind,
      nominal: step.nominal ?? null,
      tolerance: step.tolerance ?? null,
      unit: (step.unit ?? '').trim(),
      required: step.required ?? false,
      ...(step.key ? { key: step.key } : {}),
    };
  });
}

/** The target's devices (a device-kind plan: every device of that kind, at the site if given). */
export async function planDevices(
  db: Db,
  plan: Pick<PlanRow, 'target' | 'deviceId' | 'deviceKind' | 'siteId'>,
) {
  if (plan.target === 'device') return plan.deviceId ? [plan.deviceId] : [];
  if (plan.target !== 'device_kind' || !plan.deviceKind) return [];
  const where: SQL[] = [eq(devices.kind, plan.deviceKind)];
  if (plan.siteId)
    where.push(
      inArray(
        devices.id,
        db
          .select({ id: suiteDevices.deviceId })
          .from(suiteDevices)
          .innerJoin(suites, eq(suites.id, suiteDevices.suiteId))
          .innerJoin(rooms, eq(rooms.id, suites.roomId))
          .where(eq(rooms.siteId, plan.siteId)),
      ),
    );
  const rows = await db
    .select({ id: devices.id })
    .from(devices)
    .where(and(...where))
    .orderBy(asc(devices.name));
  return rows.map((r) => r.id);
}

const tableOf = {
  deviceId: 'devices',
  suiteId: 'suites',
  roomId: 'rooms',
  siteId: 'sites',
  assigneeId: 'users',
} as const;

/** Each id given names a row that exists; the first that does not is a 400 naming its field. */
export async function mustExist(
  db: Db,
  ids: Partial<Record<keyof typeof tableOf, string | null | undefined>>,
) {
  for (const [key, table] of Object.entries(tableOf) as Array<[keyof typeof tableOf, string]>) {
    const id = ids[key];
    if (!id) continue;
    const rows = await query(
      db,
      sql`select 1 as one from ${sql.identifier(table)} where id = ${id}`,
    );
    if (rows.length === 0) throw new Invalid(`body.${key}: no ${table.slice(0, -1)} with id ${id}`);
  }
}

/** Checks a whole plan, as created or as it would be after a change; names the first problem. */
async function checked(db: Db, input: PlanInput, defaultZone: string) {
  const title = input.title.trim();
  if (title === '') throw new Invalid('body.title: say what the work is; it must not be blank');
  const named = (['deviceId', 'suiteId', 'roomId', 'deviceKind'] as const).filter(
    (k) => input[k] !== undefined && input[k] !== null,
  );
  if (named.length !== 1)
    throw new Invalid(
      `body: give exactly one target: deviceId, suiteId, roomId or deviceKind (got ${named.length === 0 ? 'none' : named.join(', ')})`,
    );
  if (input.siteId && !input.deviceKind)
    throw new Invalid('body.siteId: only a deviceKind plan is limited to a site');
  await mustExist(db, input);
  if (!input.every && !input.meter && !input.afterRepair)
    throw new Invalid(
      'body.every: a plan needs a trigger: every (a time interval), meter (every N units), afterRepair, or several',
    );
  if (input.every && (!Number.isInteger(input.every.count) || input.every.count <= 0))
    throw new Invalid(`body.every.count: ${input.every.count} is not an interval; give 1 or more`);
  if (input.meter && !(input.meter.every > 0))
    throw new Invalid(
      `body.meter.every: ${input.meter.every} is not an interval; give more than 0`,
    );
  if (input.meter && input.roomId)
    throw new Invalid('body.meter: a room has no meters; target a device or a suite');
  const timezone = input.timezone ?? defaultZone;
  if (!IANAZone.isValidZone(timezone))
    throw new Invalid(`body.timezone: '${timezone}' is not an IANA time zone`);
  const startsOn = new Date(input.startsOn);
  if (Number.isNaN(startsOn.getTime())) throw new Invalid('body.startsOn: not a date-time');
  if (input.graceFraction !== undefined && !(input.graceFraction >= 0 && input.graceFraction <= 1))
    throw new Invalid('body.graceFraction: a share of the interval between 0 and 1');
  const fromTemplate = input.calibrationTemplateId
    ? await templateSteps(db, input.calibrationTemplateId, 'body.calibrationTemplateId')
    : [];
  const steps = checkedSteps(input.steps ?? []);
  return {
    title,
    description: (input.description ?? '').trim(),
    target: input.deviceKind
      ? ('device_kind' as const)
      : input.deviceId
        ? ('device' as const)
        : input.suiteId
          ? ('suite' as const)
          : ('room' as const),
    deviceId: input.deviceId ?? null,
    suiteId: input.suiteId ?? null,
    roomId: input.roomId ?? null,
    deviceKind: input.deviceKind ?? null,
    siteId: input.siteId ?? null,
    everyCount: input.every?.count ?? null,
    everyUnit: input.every?.unit ?? null,
    schedule: input.schedule ?? 'fixed',
    meterReading: input.meter?.reading.trim() ?? null,
    meterEvery: input.meter?.every ?? null,
    afterRepair: input.afterRepair ?? false,
    startsOn,
    timezone: new Intl.DateTimeFormat('en', { timeZone: timezone }).resolvedOptions().timeZone,
    leadDays: input.leadDays ?? 7,
    graceFraction: input.graceFraction ?? 0.1,
    durationMin: input.durationMin,
    assigneeId: input.assigneeId ?? null,
    team: input.team?.trim() || null,
    required: input.required ?? false,
    calibrationTemplateId: input.calibrationTemplateId ?? null,
    steps: [...fromTemplate, ...steps],
    active: input.active ?? true,
  };
}

type PlanValues = Awaited<ReturnType<typeof checked>>;

/** The targets a plan covers now, as owner ids for pm_targets. */
async function targetOwners(db: Db, plan: PlanValues | PlanRow) {
  if (plan.target === 'suite') return [{ deviceId: null, suiteId: plan.suiteId, roomId: null }];
  if (plan.target === 'room') return [{ deviceId: null, suiteId: null, roomId: plan.roomId }];
  return (await planDevices(db, plan)).map((id) => ({ deviceId: id, suiteId: null, roomId: null }));
}

/** The meter a target follows, made on first use; a reading the device lacks is a 400. */
async function meterFor(
  db: Db,
  plan: Pick<PlanRow, 'meterReading'>,
  owner: { deviceId: string | null; suiteId: string | null },
): Promise<MeterRow | null> {
  if (!plan.meterReading) return null;
  return ensureMeter(db, owner, plan.meterReading, 'body.meter.reading');
}

/**
 * Adds the targets a plan does not have yet (a device of its kind added since), each with its
 * first meter threshold: where the meter stands now plus one interval.
 */
export async function syncTargets(db: Db, plan: PlanRow, strict = false): Promise<void> {
  const owners = await targetOwners(db, plan);
  const have = await db.select().from(pmTargets).where(eq(pmTargets.planId, plan.id));
  const key = (o: { deviceId: string | null; suiteId: string | null; roomId: string | null }) =>
    o.deviceId ?? o.suiteId ?? o.roomId;
  const known = new Set(have.map(key));
  let metered = 0;
  let firstProblem: Error | null = null;
  for (const owner of owners) {
    if (known.has(key(owner))) continue;
    let threshold: number | null = null;
    if (plan.meterReading && plan.meterEvery !== null) {
      try {
        const meter = await meterFor(db, plan, owner);
        if (meter?.value !== null && meter?.value !== undefined)
          threshold = meter.value + plan.meterEvery;
        metered += 1;
      } catch (error) {
        // A device of the kind without the reading keeps its time trigger, if it has one.
        firstProblem ??= error instanceof Error ? error : new Error(String(error));
        if (plan.everyCount === null && !plan.afterRepair) continue;
      }
    }
    await db
      .insert(pmTargets)
      .values({ planId: plan.id, ...owner, meterThreshold: threshold })
      .onConflictDoNothing();
  }
  // A single-device plan on a reading it lacks is refused; a kind plan needs one device with it.
  if (strict && plan.meterReading && metered === 0 && firstProblem && have.length === 0)
    throw firstProblem;
}

export async function createPlan(db: Db, actor: Actor, input: PlanInput) {
  return db.transaction(async (tx) => {
    const config = await loadConfig(tx);
    const values = await checked(tx, input, config.hours.timezone);
    const [row] = await tx
      .insert(pmPlans)
      .values({ ...values, createdById: actor.id, createdBy: actor.label })
      .returning();
    await syncTargets(tx, row!, true);
    await recordAudit(tx, actor, {
      action: 'create',
      entity: 'pm-plan',
      entityId: row!.id,
      before: null,
      after: row,
    });
    return row!;
  });
}

const inputOf = (row: PlanRow): PlanInput => ({
  title: row.title,
  description: row.description,
  ...(row.deviceId ? { deviceId: row.deviceId } : {}),
  ...(row.suiteId ? { suiteId: row.suiteId } : {}),
  ...(row.roomId ? { roomId: row.roomId } : {}),
  ...(row.deviceKind ? { deviceKind: row.deviceKind } : {}),
  ...(row.siteId ? { siteId: row.siteId } : {}),
  every:
    row.everyCount !== null && row.everyUnit
      ? { count: row.everyCount, unit: row.everyUnit }
      : null,
  schedule: row.schedule,
  meter:
    row.meterReading && row.meterEvery !== null
      ? { reading: row.meterReading, every: row.meterEvery }
      : null,
  afterRepair: row.afterRepair,
  startsOn: row.startsOn.toISOString(),
  timezone: row.timezone,
  leadDays: row.leadDays,
  graceFraction: row.graceFraction,
  durationMin: row.durationMin,
  assigneeId: row.assigneeId,
  team: row.team,
  required: row.required,
  calibrationTemplateId: row.calibrationTemplateId,
  // Template steps are re-derived from the template; only the plan's own steps are kept.
  steps: row.steps.filter((s) => !s.key),
  active: row.active,
});

/** A change lays over the plan; a target cannot change (make a new plan instead). */
async function changed(db: Db, row: PlanRow, patch: Partial<PlanInput>) {
  for (const k of ['deviceId', 'suiteId', 'roomId', 'deviceKind', 'siteId'] as const)
    if (k in patch && patch[k] !== (row as Record<string, unknown>)[k])
      throw new Invalid(`body.${k}: a plan's target cannot change; make a new plan`);
  const config = await loadConfig(db);
  return checked(db, { ...inputOf(row), ...patch }, config.hours.timezone);
}

export async function updatePlan(db: Db, actor: Actor, id: string, patch: Partial<PlanInput>) {
  return db.transaction(async (tx) => {
    const before = await getPlan(tx, id);
    const values = await changed(tx, before, patch);
    const [row] = await tx
      .update(pmPlans)
      .set({ ...values, updatedAt: new Date() })
      .where(eq(pmPlans.id, id))
      .returning();
    await syncTargets(tx, row!);
    await recordAudit(tx, actor, {
      action: 'update',
      entity: 'pm-plan',
      entityId: id,
      before,
      after: row,
    });
    return row!;
  });
}

export async function deletePlan(db: Db, actor: Actor, id: string) {
  await db.transaction(async (tx) => {
    const before = await getPlan(tx, id);
    await tx.delete(pmPlans).where(eq(pmPlans.id, id));
    await recordAudit(tx, actor, {
      action: 'delete',
      entity: 'pm-plan',
      entityId: id,
      before,
      after: null,
    });
  });
}

export async function targetsOf(db: Db, planIds: string[]) {
  if (planIds.length === 0) return [];
  return db.select().from(pmTargets).where(inArray(pmTargets.planId, planIds));
}

/** The meter each target follows, keyed by target id. */
export async function targetMeters(db: Db, plan: PlanRow, targets: TargetRow[]) {
  const out = new Map<string, MeterNow>();
  if (!plan.meterReading) return out;
  const owners = targets.map((t) => t.deviceId ?? t.suiteId).filter((x): x is string => !!x);
  if (owners.length === 0) return out;
  const rows = await db
    .select()
    .from(meters)
    .where(
      and(
        eq(meters.reading, plan.meterReading),
        inArray(sql`coalesce(${meters.deviceId}, ${meters.suiteId})`, owners),
      ),
    );
  for (const t of targets) {
    const m = rows.find((r) => (r.deviceId ?? r.suiteId) === (t.deviceId ?? t.suiteId));
    if (m) out.set(t.id, { value: m.value, at: m.at, ratePerDay: m.ratePerDay });
  }
  return out;
}

export const timing = (t: TargetRow): TargetTiming => ({
  lastIndex: t.lastIndex,
  lastCompletedAt: t.lastCompletedAt,
  meterThreshold: t.meterThreshold,
  repairAt: t.repairAt,
});

export interface Forecast {
  dueAt: string;
  by: 'time' | 'meter';
  targetId: string;
  deviceId: string | null;
  suiteId: string | null;
  roomId: string | null;
}

/**
 * The work each target will fall due for in [from, to): the time schedule's dates and the dates
 * the meter's rate gives. Whichever-first plans reset both on each, so each date after the first
 * is counted from the one before it.
 */
export function forecastTarget(
  plan: PlanTiming,
  target: TargetRow,
  meter: MeterNow | null,
  from: Date,
  to: Date,
): Forecast[] {
  const out: Forecast[] = [];
  const trigger = triggerOf(plan);
  const base = {
    targetId: target.id,
    deviceId: target.deviceId,
    suiteId: target.suiteId,
    roomId: target.roomId,
  };
  const time = trigger ? dueDatesBetween(trigger, timing(target), from, to) : [];
  const meterDates =
    plan.meterEvery !== null && meter?.value != null && meter.at && target.meterThreshold !== null
      ? meterDatesBetween(
          {
            value: meter.value,
            at: meter.at,
            ratePerDay: meter.ratePerDay,
            threshold: target.meterThreshold,
            every: plan.meterEvery,
          },
          from,
          to,
        )
      : [];
  if (time.length === 0 || meterDates.length === 0) {
    for (const d of time) out.push({ ...base, dueAt: d.toISOString(), by: 'time' });
    for (const d of meterDates) out.push({ ...base, dueAt: d.toISOString(), by: 'meter' });
    return out.sort((a, b) => a.dueAt.localeCompare(b.dueAt));
  }
  // Both triggers: walk them together, each due resetting the other's count.
  let state = timing(target);
  let value = meter!.value!;
  let at = meter!.at!;
  for (let guard = 0; guard < 400; guard += 1) {
    const due = nextDue(plan, state, { value, at, ratePerDay: meter!.ratePerDay }, 0);
    if (!due || due.dueAt >= to) break;
    if (due.dueAt >= from)
      out.push({
        ...base,
        dueAt: due.dueAt.toISOString(),
        by: due.by === 'meter' ? 'meter' : 'time',
      });
    const rate = meter!.ratePerDay ?? 0;
    value += ((due.dueAt.getTime() - at.getTime()) / dayMs) * rate;
    at = due.dueAt;
    const next = {
      lastIndex: due.by === 'time' ? due.index : state.lastIndex,
      lastCompletedAt: due.dueAt,
      meterThreshold: (state.meterThreshold ?? value) + plan.meterEvery!,
      repairAt: null,
    };
    if (due.by === 'time' && plan.schedule === 'floating')
      next.meterThreshold = value + plan.meterEvery!;
    if (due.by === 'meter') next.meterThreshold = value + plan.meterEvery!;
    if (due.by === 'meter' && trigger && plan.schedule === 'fixed') {
      // The time schedule skips the occurrences the meter's work came before.
      const dates = dueDatesBetween(trigger, state, new Date(0), due.dueAt, 400);
      next.lastIndex = (state.lastIndex ?? -1) + dates.length;
    }
    state = next;
  }
  return out;
}

export async function forecast(db: Db, id: string, days: number, now = new Date()) {
  const plan = await getPlan(db, id);
  // A paused plan makes no work, so it has nothing to forecast.
  if (!plan.active) return [];
  const targets = await targetsOf(db, [plan.id]);
  const meterNow = await targetMeters(db, plan, targets);
  const to = new Date(now.getTime() + days * dayMs);
  return targets
    .flatMap((t) => forecastTarget(plan, t, meterNow.get(t.id) ?? null, now, to))
    .sort((a, b) => a.dueAt.localeCompare(b.dueAt));
}

/**
 * What a change would do before it is saved: each target's next due dates now and after, for
 * the engineer to confirm. Nothing is written.
 */
export async function previewChange(
  db: Db,
  id: string,
  patch: Partial<PlanInput>,
  now = new Date(),
) {
  const before = await getPlan(db, id);
  const values = await changed(db, before, patch);
  const after = { ...before, ...values };
  const targets = await targetsOf(db, [id]);
  const meterNow = await targetMeters(db, before, targets);
  const horizon = new Date(now.getTime() + 366 * dayMs);
  const dates = (plan: PlanRow, t: TargetRow) =>
    forecastTarget(plan, t, meterNow.get(t.id) ?? null, now, horizon)
      .slice(0, 6)
      .map((f) => f.dueAt);
  return targets.map((t) => {
    const was = dates(before, t);
    const will = dates(after, t);
    return {
      targetId: t.id,
      deviceId: t.deviceId,
      suiteId: t.suiteId,
      roomId: t.roomId,
      before: was,
      after: will,
      moved:
        was.filter((d) => !will.includes(d)).length + will.filter((d) => !was.includes(d)).length >
        0,
    };
  });
}

export function listPlans(
  db: Db,
  filter: { deviceId?: string; suiteId?: string; active?: boolean },
) {
  const where: SQL[] = [];
  if (filter.deviceId) where.push(eq(pmPlans.deviceId, filter.deviceId));
  if (filter.suiteId) where.push(eq(pmPlans.suiteId, filter.suiteId));
  if (filter.active !== undefined) where.push(eq(pmPlans.active, filter.active));
  return db
    .select()
    .from(pmPlans)
    .where(and(...where))
    .orderBy(asc(pmPlans.title), asc(pmPlans.id));
}

/**
 * Plans as the API shows them: the request's shape (`every`, `meter`) plus their targets. The
 * settings, targets and assignees are read once for the whole list.
 */
export async function planViews(db: Db, rows: PlanRow[]) {
  const config = await loadConfig(db);
  const targets = await targetsOf(
    db,
    rows.map((r) => r.id),
  );
  const assigneeIds = [...new Set(rows.flatMap((r) => (r.assigneeId ? [r.assigneeId] : [])))];
  const names = new Map(
    assigneeIds.length === 0
      ? []
      : (
          await db
            .select({
              id: users.id,
              name: sql<string>`coalesce(nullif(${users.displayName}, ''), ${users.username})`,
            })
            .from(users)
            .where(inArray(users.id, assigneeIds))
        ).map((u) => [u.id, u.name]),
  );
  const views = [];
  for (const row of rows) {
    const mine = targets.filter((t) => t.planId === row.id);
    const meterNow = await targetMeters(db, row, mine);
    views.push({
      ...serialize(row),
      every:
        row.everyCount !== null && row.everyUnit
          ? { count: row.everyCount, unit: row.everyUnit }
          : null,
      meter:
        row.meterReading && row.meterEvery !== null
          ? { reading: row.meterReading, every: row.meterEvery }
          : null,
      assignee: row.assigneeId ? (names.get(row.assigneeId) ?? null) : null,
      targets: mine.map((t) => {
        const due = nextDue(row, timing(t), meterNow.get(t.id) ?? null, config.repairDueHours);
        return {
          id: t.id,
          deviceId: t.deviceId,
          suiteId: t.suiteId,
          roomId: t.roomId,
          meterThreshold: t.meterThreshold,
          nextDueAt: due?.dueAt.toISOString() ?? null,
          nextDueBy: due?.by ?? null,
        };
      }),
    });
  }
  return views;
}

export async function planView(db: Db, row: PlanRow) {
  const [view] = await planViews(db, [row]);
  return view!;
}
