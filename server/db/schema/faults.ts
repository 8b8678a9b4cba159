import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import type { FaultState, Recurrence, WindowMode, WindowScope } from '../../domain.ts';
import { users } from './auth.ts';
import { severityEnum } from './enums.ts';
import { checks, devices } from './inventory.ts';

/**
 * One bad condition on one device, from the moment a rule fired until the better state held for
 * the hold-down time. At most one open fault per device and condition.
 */
export const faults = pgTable(
  'faults',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    deviceId: uuid('device_id')
      .notNull()
      .references(() => devices.id, { onDelete: 'cascade' }),
    // The check that raised it; null for a trap's fault or once the check is deleted.
    checkId: uuid('check_id').references(() => checks.id, { onDelete: 'set null' }),
    // 'unreachable', 'no_data', a reading ('raid.status[0]'), 'check.http', 'trap.link_down[3]'.
    condition: text('condition').notNull(),
    source: text('source').notNull().$type<'check' | 'trap' | 'silence'>(),
    severity: severityEnum('severity').notNull(),
    peakSeverity: severityEnum('peak_severity').notNull(),
    state: text('state').notNull().default('open').$type<FaultState>(),
    message: text('message').notNull().default(''),
    openedAt: timestamp('opened_at', { withTimezone: true }).notNull(),
    // When the better state began (the restore time) and when the hold-down confirmed it.
    restoredAt: timestamp('restored_at', { withTimezone: true }),
    clearedAt: timestamp('cleared_at', { withTimezone: true }),
    lastBadAt: timestamp('last_bad_at', { withTimezone: true }).notNull(),
    lastObservedAt: timestamp('last_observed_at', { withTimezone: true }).notNull(),
    // Hold-down in progress: since when, and the worst severity seen since (null: all clear).
    betterSince: timestamp('better_since', { withTimezone: true }),
    betterSeverity: severityEnum('better_severity'),
    holdDownS: integer('hold_down_s').notNull(),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    acknowledgedById: uuid('acknowledged_by_id').references(() => users.id, {
      onDelete: 'set null',
    }),
    acknowledgedBy: text('acknowledged_by'),
    ackComment: text('ack_comment'),
    ownerId: uuid('owner_id').references(() => users.id, { onDelete: 'set null' }),
    owner: text('owner'),
    shelvedUntil: timestamp('shelved_until', { withTimezone: true }),
    shelveReason: text('shelve_reason'),
    shelvedBy: text('shelved_by'),
    // Cleared and seen: a latched fault leaves the console once someone dismisses it.
    dismissedAt: timestamp('dismissed_at', { withTimezone: true }),
    // The root fault this one is a consequence of (its parent's, or its own device unreachable).
    suppressedBy: uuid('suppressed_by').references((): AnyPgColumn => faults.id, {
      onDelete: 'set null',
    }),
    // Since when this fault has stood on its own (opened, or its root cleared): the group wait.
    rootSince: timestamp('root_since', { withTimezone: true }).notNull(),
    flapping: boolean('flapping').notNull().default(false),
    // Times the raw state crossed between bad and good, within the flap window.
    flapChanges: jsonb('flap_changes').notNull().default([]).$type<string[]>(),
    inMaintenance: boolean('in_maintenance').notNull().default(false),
    maintenanceWindowId: uuid('maintenance_window_id'),
    notifiedAt: timestamp('notified_at', { withTimezone: true }),
    // The severity last announced: a fault that gets worse is announced again.
    notifiedSeverity: severityEnum('notified_severity'),
    lastNotifiedAt: timestamp('last_notified_at', { withTimezone: true }),
    resolvedNotifiedAt: timestamp('resolved_notified_at', { withTimezone: true }),
    flapNotifiedAt: timestamp('flap_notified_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('faults_open_key')
      .on(t.deviceId, t.condition)
      .where(sql`${t.state} = 'open'`),
    index('faults_state_idx').on(t.state, t.severity),
    index('faults_device_opened_idx').on(t.deviceId, t.openedAt),
    // Reports count a period's faults across every device.
    index('faults_opened_idx').on(t.openedAt),
    // The maintenance report's failures (critical and major, outside maintenance) read from the
    // index alone: on a year of 100,000 faults, half the time of scanning the wide fault rows.
    index('faults_failures_opened_idx')
      .on(t.openedAt, t.acknowledgedAt, t.deviceId)
      .where(sql`${t.peakSeverity} in ('critical', 'major') and not ${t.inMaintenance}`),
    index('faults_suppressed_by_idx').on(t.suppressedBy),
    // The clock's and the planner's questions, answered without scanning years of cleared faults.
    index('faults_open_opened_idx')
      .on(t.openedAt)
      .where(sql`${t.state} = 'open'`),
    index('faults_resolve_due_idx')
      .on(t.clearedAt)
      .where(
        sql`${t.state} = 'cleared' and ${t.notifiedAt} is not null and ${t.resolvedNotifiedAt} is null`,
      ),
    index('faults_shelved_idx')
      .on(t.shelvedUntil)
      .where(sql`${t.shelvedUntil} is not null`),
  ],
);

/** A fault's timeline: opened, severity changes, acknowledged, shelved, cleared, notified. */
export const faultEvents = pgTable(
  'fault_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    faultId: uuid('fault_id')
      .notNull()
      .references(() => faults.id, { onDelete: 'cascade' }),
    at: timestamp('at', { withTimezone: true }).notNull(),
    kind: text('kind').notNull(),
    severity: severityEnum('severity'),
    actorId: uuid('actor_id').references(() => users.id, { onDelete: 'set null' }),
    actor: text('actor').notNull().default('engine'),
    detail: text('detail').notNull().default(''),
  },
  (t) => [index('fault_events_fault_idx').on(t.faultId, t.at)],
);

/**
 * The outage a fault stood for: from the bad state to the restore. Reports compute MTTR, MTBF and
 * availability from these rows, so they outlive acknowledgement and shelving.
 */
export const downtimes = pgTable(
  'downtimes',
  {
    faultId: uuid('fault_id')
      .primaryKey()
      .references(() => faults.id, { onDelete: 'cascade' }),
    deviceId: uuid('device_id')
      .notNull()
      .references(() => devices.id, { onDelete: 'cascade' }),
    condition: text('condition').notNull(),
    severity: severityEnum('severity').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    inMaintenance: boolean('in_maintenance').notNull().default(false),
  },
  (t) => [
    index('downtimes_device_started_idx').on(t.deviceId, t.startedAt),
    // The maintenance report reads a period's downtime across every device.
    index('downtimes_started_idx').on(t.startedAt),
  ],
);

/** A device depends on others (its switch, its storage, its router) besides its parent. */
export const deviceDependencies = pgTable(
  'device_dependencies',
  {
    deviceId: uuid('device_id')
      .notNull()
      .references(() => devices.id, { onDelete: 'cascade' }),
    dependsOnId: uuid('depends_on_id')
      .notNull()
      .references(() => devices.id, { onDelete: 'cascade' }),
  },
  (t) => [
    primaryKey({ columns: [t.deviceId, t.dependsOnId] }),
    index('device_dependencies_depends_on_idx').on(t.dependsOnId),
    check('device_dependencies_not_self', sql`${t.deviceId} <> ${t.dependsOnId}`),
  ],
);

/**
 * Planned work on a device, a suite or a room. A recurring window repeats its first occurrence's
 * local start time and length in its time zone, so it keeps its wall-clock time across DST.
 */
export const maintenanceWindows = pgTable(
  'maintenance_windows',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    scope: text('scope').notNull().$type<WindowScope>(),
    scopeId: uuid('scope_id').notNull(),
    mode: text('mode').notNull().$type<WindowMode>(),
    reason: text('reason').notNull(),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    timezone: text('timezone').notNull(),
    recurrence: text('recurrence').notNull().default('none').$type<Recurrence>(),
    // ISO weekdays (1 = Monday) for a weekly window.
    weekdays: jsonb('weekdays').notNull().default([]).$type<number[]>(),
    until: timestamp('until', { withTimezone: true }),
    createdById: uuid('created_by_id').references(() => users.id, { onDelete: 'set null' }),
    createdBy: text('created_by').notNull().default(''),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('maintenance_windows_scope_idx').on(t.scope, t.scopeId),
    check('maintenance_windows_order', sql`${t.endsAt} > ${t.startsAt}`),
  ],
);
