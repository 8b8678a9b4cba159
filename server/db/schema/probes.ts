import { sql } from 'drizzle-orm';
import {
  boolean,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { ProbeState } from '../../domain.ts';
import { sites } from './inventory.ts';

/**
 * A probe process: the one embedded in the server, or a remote one near its devices (one per
 * site or VLAN). Checks are assigned to a probe; a probe that stops heartbeating is shown down.
 */
export const probes = pgTable(
  'probes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    siteId: uuid('site_id').references(() => sites.id, { onDelete: 'set null' }),
    description: text('description').notNull().default(''),
    // The server's own probe: runs every check not assigned to another probe. Never deleted.
    builtin: boolean('builtin').notNull().default(false),
    // 'new' until the first heartbeat, then 'up' or 'down'.
    state: text('state').notNull().default('new').$type<ProbeState>(),
    stateChangedAt: timestamp('state_changed_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }),
    lastAddress: text('last_address').notNull().default(''),
    version: text('version').notNull().default(''),
    // What the probe said in its last heartbeat: checks, runs, failures, spooled batches.
    stats: jsonb('stats').notNull().default({}).$type<Record<string, number>>(),
    heartbeatS: integer('heartbeat_s').notNull().default(15),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('probes_name_key').on(sql`lower(${t.name})`)],
);
