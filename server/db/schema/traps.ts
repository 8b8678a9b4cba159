import {
  bigserial,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { devices } from './inventory.ts';

// Traps are few (events, not samples) and reports want them as long as faults: not partitioned.
export const trapEvents = pgTable(
  'trap_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
    source: text('source').notNull(),
    deviceId: uuid('device_id').references(() => devices.id, { onDelete: 'set null' }),
    version: text('version').notNull(),
    trapOid: text('trap_oid').notNull(),
    kind: text('kind').notNull(),
    ifIndex: integer('if_index'),
    varbinds: jsonb('varbinds')
      .notNull()
      .$type<Array<{ oid: string; value: string | number | null }>>(),
  },
  (t) => [
    index('trap_events_device_received_idx').on(t.deviceId, t.receivedAt),
    index('trap_events_received_idx').on(t.receivedAt),
  ],
);
