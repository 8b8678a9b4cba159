import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { deviceKindEnum, statusEnum } from './enums.ts';
import { probes } from './probes.ts';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

export const sites = pgTable(
  'sites',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    timezone: text('timezone').notNull().default('UTC'),
    notes: text('notes').notNull().default(''),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('sites_name_key').on(sql`lower(${t.name})`)],
);

export const rooms = pgTable(
  'rooms',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    siteId: uuid('site_id')
      .notNull()
      .references(() => sites.id, { onDelete: 'restrict' }),
    name: text('name').notNull(),
    notes: text('notes').notNull().default(''),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('rooms_site_name_key').on(t.siteId, sql`lower(${t.name})`)],
);

export const suites = pgTable(
  'suites',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    roomId: uuid('room_id').references(() => rooms.id, { onDelete: 'set null' }),
    kind: text('kind').notNull().default('edit'),
    notes: text('notes').notNull().default(''),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('suites_name_key').on(sql`lower(${t.name})`),
    index('suites_room_idx').on(t.roomId),
  ],
);

export const devices = pgTable(
  'devices',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    kind: deviceKindEnum('kind').notNull(),
    host: text('host').notNull().default(''),
    location: text('location').notNull().default(''),
    rack: text('rack').notNull().default(''),
    serial: text('serial').notNull().default(''),
    notes: text('notes').notNull().default(''),
    parentId: uuid('parent_id').references((): AnyPgColumn => devices.id, { onDelete: 'set null' }),
    status: statusEnum('status').notNull().default('unknown'),
    statusMessage: text('status_message').notNull().default(''),
    statusChangedAt: timestamp('status_changed_at', { withTimezone: true }).notNull().defaultNow(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('devices_name_key').on(sql`lower(${t.name})`),
    index('devices_parent_idx').on(t.parentId),
    index('devices_status_idx').on(t.status),
  ],
);

export const suiteDevices = pgTable(
  'suite_devices',
  {
    suiteId: uuid('suite_id')
      .notNull()
      .references(() => suites.id, { onDelete: 'cascade' }),
    deviceId: uuid('device_id')
      .notNull()
      .references(() => devices.id, { onDelete: 'cascade' }),
  },
  (t) => [
    primaryKey({ columns: [t.suiteId, t.deviceId] }),
    index('suite_devices_device_idx').on(t.deviceId),
  ],
);

export const checks = pgTable(
  'checks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    deviceId: uuid('device_id')
      .notNull()
      .references(() => devices.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    intervalS: integer('interval_s').notNull(),
    config: jsonb('config').notNull().$type<Record<string, unknown>>(),
    enabled: boolean('enabled').notNull().default(true),
    lastStatus: statusEnum('last_status'),
    lastMessage: text('last_message').notNull().default(''),
    lastDurationMs: real('last_duration_ms'),
    lastRunAt: timestamp('last_run_at', { withTimezone: true }),
    // What the last run learned about the device (matched profile, sysDescr, router labels).
    facts: jsonb('facts').notNull().default({}).$type<Record<string, string>>(),
    // Null: the server's embedded probe runs it. Set null again if the probe is deleted.
    probeId: uuid('probe_id').references((): AnyPgColumn => probes.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('checks_device_idx').on(t.deviceId),
    index('checks_enabled_idx').on(t.enabled),
    index('checks_probe_idx').on(t.probeId),
  ],
);

/**
 * A suite's reference routing: which router input each of its router outputs must show (the
 * grade monitor fed from the grading output, say). An output belongs to at most one suite.
 */
export const suiteRoutes = pgTable(
  'suite_routes',
  {
    routerId: uuid('router_id')
      .notNull()
      .references(() => devices.id, { onDelete: 'cascade' }),
    output: integer('output').notNull(),
    suiteId: uuid('suite_id')
      .notNull()
      .references(() => suites.id, { onDelete: 'cascade' }),
    input: integer('input').notNull(),
    label: text('label').notNull().default(''),
  },
  (t) => [
    primaryKey({ columns: [t.routerId, t.output] }),
    index('suite_routes_suite_idx').on(t.suiteId),
  ],
);
