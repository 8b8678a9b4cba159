import {
  bigserial,
  doublePrecision,
  index,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { devices, checks } from './inventory.ts';
import { statusEnum } from './enums.ts';

// The latest value of every reading, updated in place: the dashboard and the fault engine read
// this, never the history. History (`readings`, `check_results`) is partitioned by day and lives
// in a hand-written migration, because drizzle-kit cannot declare partitioned tables.
export const readingsLatest = pgTable(
  'readings_latest',
  {
    // Keyed by check, not only by device: two HTTP checks on one device both report
    // http.latency_ms, and neither may overwrite the other.
    checkId: uuid('check_id')
      .notNull()
      .references(() => checks.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    deviceId: uuid('device_id')
      .notNull()
      .references(() => devices.id, { onDelete: 'cascade' }),
    value: doublePrecision('value').notNull(),
    unit: text('unit').notNull().default(''),
    // The probe's judgement of this reading, when a rule covers it: the dashboard colours it.
    status: statusEnum('status'),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.checkId, t.name] }),
    index('readings_latest_device_idx').on(t.deviceId),
  ],
);

// Status changes are rare and reports need them for years, so they are not partitioned.
export const statusEvents = pgTable(
  'status_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    deviceId: uuid('device_id')
      .notNull()
      .references(() => devices.id, { onDelete: 'cascade' }),
    fromStatus: statusEnum('from_status').notNull(),
    toStatus: statusEnum('to_status').notNull(),
    message: text('message').notNull().default(''),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [index('status_events_device_at_idx').on(t.deviceId, t.at)],
);
