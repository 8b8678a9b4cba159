import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  check,
  customType,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  serial,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type {
  CalibrationKind,
  FeedScope,
  IntervalUnit,
  MeterSource,
  PlanSchedule,
  PlanTarget,
  WorkOrderEventKind,
  WorkOrderStatus,
  WorkOrderType,
} from '../../domain.ts';
import type { Step, StepTemplate } from '../../modules/pm/api-types.ts';
import { users } from './auth.ts';
import { deviceKindEnum } from './enums.ts';
import { maintenanceWindows } from './faults.ts';
import { devices, rooms, sites, suites } from './inventory.ts';

const at = (name: string) => timestamp(name, { withTimezone: true });

// postgres.js hands back a Buffer and PGlite a Uint8Array; both are bytes.
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => 'bytea',
  toDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value)),
  fromDriver: (value) => new Uint8Array(value),
});

/**
 * A number that grows with use: a reading the probes already take (disk power-on hours, lamp
 * hours), one typed in by hand, or a suite's booked hours. Its latest value and rate are kept here
 * so that plans and forecasts never scan the history.
 */
export const meters = pgTable(
  'meters',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    source: text('source').notNull().$type<MeterSource>(),
    deviceId: uuid('device_id').references(() => devices.id, { onDelete: 'cascade' }),
    suiteId: uuid('suite_id').references(() => suites.id, { onDelete: 'cascade' }),
    // The reading's name as the probe reports it ('disk.power_on_hours'); for a manual meter the
    // name people enter values under; 'booked_hours' for a suite's bookings.
    reading: text('reading').notNull(),
    label: text('label').notNull().default(''),
    unit: text('unit').notNull().default(''),
    value: doublePrecision('value'),
    at: at('at'),
    // When the history last took a row: probe readings are thinned against it.
    storedAt: at('stored_at'),
    ratePerDay: doublePrecision('rate_per_day'),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('meters_device_reading_key')
      .on(t.deviceId, t.reading)
      .where(sql`${t.deviceId} is not null`),
    uniqueIndex('meters_suite_reading_key')
      .on(t.suiteId, t.reading)
      .where(sql`${t.suiteId} is not null`),
    check('meters_one_owner', sql`(${t.deviceId} is null) <> (${t.suiteId} is null)`),
  ],
);

/**
 * A meter's history, kept for years: probe readings are thinned to one an hour (or any drop), so
 * a disk polled every minute adds 8,760 rows a year, not 525,600.
 */
export const meterReadings = pgTable(
  'meter_readings',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    meterId: uuid('meter_id')
      .notNull()
      .references(() => meters.id, { onDelete: 'cascade' }),
    value: doublePrecision('value').notNull(),
    at: at('at').notNull(),
    source: text('source').notNull().$type<'probe' | 'manual' | 'bookings'>(),
    enteredById: uuid('entered_by_id').references(() => users.id, { onDelete: 'set null' }),
    enteredBy: text('entered_by').notNull().default(''),
    enteredAt: at('entered_at').notNull().defaultNow(),
  },
  (t) => [index('meter_readings_meter_at_idx').on(t.meterId, t.at)],
);

// The steps stored in the jsonb columns are the API's shapes, written once where the web reads
// them too.
export type { Step, StepTemplate };

/** Settings shared by every plan; one row, edited by an admin. */
export const maintenanceSettings = pgTable(
  'maintenance_settings',
  {
    id: smallint('id').primaryKey().default(1),
    config: jsonb('config').notNull().$type<Record<string, unknown>>(),
    updatedBy: text('updated_by').notNull().default(''),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [check('maintenance_settings_one_row', sql`${t.id} = 1`)],
);

/** A reading a calibration records, against nominal and tolerance. */
export interface CalibrationReading {
  key: string;
  label: string;
  nominal: number;
  tolerance: number;
  unit: string;
}

export const calibrationTemplates = pgTable('calibration_templates', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  kind: text('kind').notNull().$type<CalibrationKind>(),
  description: text('description').notNull().default(''),
  readings: jsonb('readings').notNull().$type<CalibrationReading[]>(),
  // Seeded from the reference; an admin may edit it, and it stays marked as the seeded one.
  builtin: boolean('builtin').notNull().default(false),
  updatedBy: text('updated_by').notNull().default(''),
  createdAt: at('created_at').notNull().defaultNow(),
  updatedAt: at('updated_at').notNull().defaultNow(),
});

export const pmPlans = pgTable(
  'pm_plans',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    target: text('target').notNull().$type<PlanTarget>(),
    deviceId: uuid('device_id').references(() => devices.id, { onDelete: 'cascade' }),
    suiteId: uuid('suite_id').references(() => suites.id, { onDelete: 'cascade' }),
    roomId: uuid('room_id').references(() => rooms.id, { onDelete: 'cascade' }),
    deviceKind: deviceKindEnum('device_kind'),
    // A device-kind plan covers that kind at one site, or everywhere when null.
    siteId: uuid('site_id').references(() => sites.id, { onDelete: 'cascade' }),
    everyCount: integer('every_count'),
    everyUnit: text('every_unit').$type<IntervalUnit>(),
    schedule: text('schedule').notNull().default('fixed').$type<PlanSchedule>(),
    meterReading: text('meter_reading'),
    meterEvery: doublePrecision('meter_every'),
    // Event trigger: a corrective ticket on the target closing makes work due (recalibrate after
    // a repair).
    afterRepair: boolean('after_repair').notNull().default(false),
    startsOn: at('starts_on').notNull(),
    timezone: text('timezone').notNull(),
    leadDays: integer('lead_days').notNull().default(7),
    graceFraction: doublePrecision('grace_fraction').notNull().default(0.1),
    durationMin: integer('duration_min').notNull(),
    assigneeId: uuid('assignee_id').references(() => users.id, { onDelete: 'set null' }),
    team: text('team'),
    // Sign-off work: its calibration gates client approvals in the suite.
    required: boolean('required').notNull().default(false),
    calibrationTemplateId: uuid('calibration_template_id').references(
      () => calibrationTemplates.id,
      { onDelete: 'set null' },
    ),
    steps: jsonb('steps').notNull().default([]).$type<StepTemplate[]>(),
    active: boolean('active').notNull().default(true),
    createdById: uuid('created_by_id').references(() => users.id, { onDelete: 'set null' }),
    createdBy: text('created_by').notNull().default(''),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [
    check(
      'pm_plans_has_trigger',
      sql`${t.everyCount} is not null or ${t.meterEvery} is not null or ${t.afterRepair}`,
    ),
    check('pm_plans_every_positive', sql`${t.everyCount} is null or ${t.everyCount} > 0`),
    check('pm_plans_meter_positive', sql`${t.meterEvery} is null or ${t.meterEvery} > 0`),
    check('pm_plans_duration_positive', sql`${t.durationMin} > 0`),
  ],
);

/**
 * Where one plan stands for one of its targets: the fixed schedule's last index, the last
 * completion (floating), and the meter threshold the next work waits for.
 */
export const pmTargets = pgTable(
  'pm_targets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    planId: uuid('plan_id')
      .notNull()
      .references(() => pmPlans.id, { onDelete: 'cascade' }),
    deviceId: uuid('device_id').references(() => devices.id, { onDelete: 'cascade' }),
    suiteId: uuid('suite_id').references(() => suites.id, { onDelete: 'cascade' }),
    roomId: uuid('room_id').references(() => rooms.id, { onDelete: 'cascade' }),
    lastIndex: integer('last_index'),
    lastCompletedAt: at('last_completed_at'),
    meterThreshold: doublePrecision('meter_threshold'),
    // A closed repair waiting to be followed by this plan's work.
    repairAt: at('repair_at'),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('pm_targets_plan_target_key').on(
      t.planId,
      sql`coalesce(${t.deviceId}, ${t.suiteId}, ${t.roomId})`,
    ),
  ],
);

export const workOrders = pgTable(
  'work_orders',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    // What people say out loud: "work order 311".
    number: serial('number').notNull(),
    planId: uuid('plan_id').references(() => pmPlans.id, { onDelete: 'set null' }),
    pmTargetId: uuid('pm_target_id').references(() => pmTargets.id, { onDelete: 'set null' }),
    type: text('type').notNull().$type<WorkOrderType>(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    deviceId: uuid('device_id').references(() => devices.id, { onDelete: 'set null' }),
    suiteId: uuid('suite_id').references(() => suites.id, { onDelete: 'set null' }),
    roomId: uuid('room_id').references(() => rooms.id, { onDelete: 'set null' }),
    status: text('status').notNull().default('scheduled').$type<WorkOrderStatus>(),
    dueAt: at('due_at'),
    // Grace after the due date before the work counts as overdue (10% of the plan's interval).
    graceMin: integer('grace_min').notNull().default(0),
    // The plan's lead time when the work was made: "due soon" opens this many days before dueAt.
    leadDays: integer('lead_days').notNull().default(7),
    dueBy: text('due_by').$type<'time' | 'meter' | 'repair' | 'manual'>(),
    dueIndex: integer('due_index'),
    meterThreshold: doublePrecision('meter_threshold'),
    durationMin: integer('duration_min').notNull(),
    scheduledStart: at('scheduled_start'),
    scheduledEnd: at('scheduled_end'),
    // When no free slot came before the due date: why, and the least harmful slot on offer.
    slotNote: text('slot_note').notNull().default(''),
    proposedStart: at('proposed_start'),
    proposedEnd: at('proposed_end'),
    // Moved onto a booking on purpose: the reason, shown on the booking too.
    overrideReason: text('override_reason'),
    windowId: uuid('window_id').references(() => maintenanceWindows.id, { onDelete: 'set null' }),
    assigneeId: uuid('assignee_id').references(() => users.id, { onDelete: 'set null' }),
    team: text('team'),
    required: boolean('required').notNull().default(false),
    calibrationTemplateId: uuid('calibration_template_id').references(
      () => calibrationTemplates.id,
      { onDelete: 'set null' },
    ),
    steps: jsonb('steps').notNull().default([]).$type<Step[]>(),
    // Calibration and checklists: every reading in tolerance and no failed step.
    passed: boolean('passed'),
    startedAt: at('started_at'),
    // When the work was actually done, which may be earlier than when it was entered.
    completedAt: at('completed_at'),
    completedById: uuid('completed_by_id').references(() => users.id, { onDelete: 'set null' }),
    completedBy: text('completed_by'),
    enteredAt: at('entered_at'),
    reviewedById: uuid('reviewed_by_id').references(() => users.id, { onDelete: 'set null' }),
    reviewedBy: text('reviewed_by'),
    reviewedAt: at('reviewed_at'),
    reason: text('reason'),
    createdById: uuid('created_by_id').references(() => users.id, { onDelete: 'set null' }),
    createdBy: text('created_by').notNull().default(''),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('work_orders_number_key').on(t.number),
    // At most one open work order per plan and target, whatever races the generator.
    uniqueIndex('work_orders_one_open_key')
      .on(t.pmTargetId)
      .where(sql`${t.status} in ('scheduled', 'in_progress', 'pending_review')`),
    index('work_orders_open_due_idx')
      .on(t.dueAt)
      .where(sql`${t.status} in ('scheduled', 'in_progress', 'pending_review')`),
    index('work_orders_due_idx').on(t.dueAt),
    index('work_orders_device_idx').on(t.deviceId),
    index('work_orders_suite_idx').on(t.suiteId),
    index('work_orders_assignee_idx').on(t.assigneeId),
    index('work_orders_scheduled_idx').on(t.scheduledStart),
    // The calendar names the work behind each window it draws; deleting a window clears the link.
    index('work_orders_window_idx').on(t.windowId),
    // The report reads finished work by when it was done.
    index('work_orders_completed_idx')
      .on(t.completedAt)
      .where(sql`${t.status} = 'done'`),
    check('work_orders_duration_positive', sql`${t.durationMin} > 0`),
  ],
);

export const workOrderEvents = pgTable(
  'work_order_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    workOrderId: uuid('work_order_id')
      .notNull()
      .references(() => workOrders.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull().$type<WorkOrderEventKind>(),
    // When it happened (a paper record's real time) and, apart, when it was entered.
    at: at('at').notNull(),
    enteredAt: at('entered_at').notNull().defaultNow(),
    actorId: uuid('actor_id').references(() => users.id, { onDelete: 'set null' }),
    actor: text('actor').notNull().default(''),
    text: text('text').notNull().default(''),
    detail: jsonb('detail').notNull().default({}).$type<Record<string, unknown>>(),
  },
  (t) => [index('work_order_events_order_idx').on(t.workOrderId, t.id)],
);

export const workOrderAttachments = pgTable(
  'work_order_attachments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workOrderId: uuid('work_order_id')
      .notNull()
      .references(() => workOrders.id, { onDelete: 'cascade' }),
    stepId: text('step_id'),
    filename: text('filename').notNull(),
    contentType: text('content_type').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    data: bytea('data').notNull(),
    createdById: uuid('created_by_id').references(() => users.id, { onDelete: 'set null' }),
    createdBy: text('created_by').notNull().default(''),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [index('work_order_attachments_order_idx').on(t.workOrderId)],
);

/**
 * A calendar subscription. Calendar clients cannot log in, so the URL carries a secret token;
 * only its SHA-256 is stored, and revoking keeps the row so the audit trail stays.
 */
export const calendarFeeds = pgTable(
  'calendar_feeds',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    scope: text('scope').notNull().$type<FeedScope>(),
    suiteId: uuid('suite_id').references(() => suites.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull(),
    createdById: uuid('created_by_id').references(() => users.id, { onDelete: 'set null' }),
    createdBy: text('created_by').notNull().default(''),
    createdAt: at('created_at').notNull().defaultNow(),
    revokedAt: at('revoked_at'),
    lastUsedAt: at('last_used_at'),
  },
  (t) => [uniqueIndex('calendar_feeds_token_key').on(t.tokenHash)],
);
