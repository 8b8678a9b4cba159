import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  check,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type {
  Level,
  Priority,
  ProblemStatus,
  TicketCategory,
  TicketEventKind,
  TicketStatus,
} from '../../domain.ts';
import { users } from './auth.ts';
import { faults } from './faults.ts';
import { devices, suites } from './inventory.ts';
import { workOrders } from './pm.ts';

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

// postgres.js hands back a Buffer and PGlite a Uint8Array; both are bytes.
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => 'bytea',
  toDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value)),
  fromDriver: (value) => new Uint8Array(value),
});

const at = (name: string) => timestamp(name, { withTimezone: true });

/** A paused stretch of a ticket's SLA clock (waiting on the client or a vendor). */
export interface Pause {
  from: string;
  to: string | null;
}

/** SLA messages sent, each with the due time it was about. */
export type SlaAlerts = Partial<
  Record<
    'response_warning' | 'response_breach' | 'resolution_warning' | 'resolution_breach',
    string
  >
>;

/** How a ticket's impact, urgency and priority were reached, kept for the triage panel. */
export interface Triage {
  derived: { impact: Level; urgency: Level; priority: Priority };
  reasons: { impact: string; urgency: string };
  proposedUrgency: Level | null;
  overrides: Partial<
    Record<
      'impact' | 'urgency' | 'priority',
      { value: string | number; reason: string; by: string; at: string }
    >
  >;
}

/**
 * Problems group the incidents that share a root cause and carry the analysis and the permanent
 * fix. Closing one leaves its incidents as they are.
 */
export const problems = pgTable(
  'problems',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    number: serial('number').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    status: text('status').notNull().default('open').$type<ProblemStatus>(),
    rootCause: text('root_cause').notNull().default(''),
    workaround: text('workaround').notNull().default(''),
    permanentFix: text('permanent_fix').notNull().default(''),
    ownerId: uuid('owner_id').references(() => users.id, { onDelete: 'set null' }),
    createdById: uuid('created_by_id').references(() => users.id, { onDelete: 'set null' }),
    createdBy: text('created_by').notNull().default(''),
    closedAt: at('closed_at'),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('problems_number_key').on(t.number),
    index('problems_status_idx').on(t.status),
  ],
);

export const tickets = pgTable(
  'tickets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    // What people say out loud: "ticket 1042".
    number: serial('number').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    category: text('category').notNull().default('other').$type<TicketCategory>(),
    status: text('status').notNull().default('new').$type<TicketStatus>(),
    impact: text('impact').notNull().$type<Level>(),
    urgency: text('urgency').notNull().$type<Level>(),
    priority: smallint('priority').notNull().$type<Priority>(),
    triage: jsonb('triage').notNull().$type<Triage>(),
    source: text('source').notNull().default('manual').$type<'manual' | 'fault'>(),
    reporterId: uuid('reporter_id').references(() => users.id, { onDelete: 'set null' }),
    reporter: text('reporter').notNull().default(''),
    assigneeId: uuid('assignee_id').references(() => users.id, { onDelete: 'set null' }),
    // A specialist group the ticket is escalated to (storage, colour, sound…), with or without a person.
    team: text('team'),
    reproductionSteps: text('reproduction_steps').notNull().default(''),
    workaround: text('workaround').notNull().default(''),
    rootCause: text('root_cause').notNull().default(''),
    resolution: text('resolution').notNull().default(''),
    tags: text('tags')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    problemId: uuid('problem_id').references(() => problems.id, { onDelete: 'set null' }),
    // A corrective ticket a failed work-order step opened.
    workOrderId: uuid('work_order_id').references(() => workOrders.id, { onDelete: 'set null' }),
    // The SLA clock: paused stretches, first response, the stop, and the due times they give.
    pauses: jsonb('pauses').notNull().default([]).$type<Pause[]>(),
    respondedAt: at('responded_at'),
    resolvedAt: at('resolved_at'),
    resolvedById: uuid('resolved_by_id').references(() => users.id, { onDelete: 'set null' }),
    closedAt: at('closed_at'),
    responseDueAt: at('response_due_at'),
    resolutionDueAt: at('resolution_due_at'),
    // The next SLA warning or breach message, and the due time each one already sent was for:
    // a due time that moves later (a new priority, a pause) makes its messages due again.
    alertAt: at('alert_at'),
    alerts: jsonb('alerts').notNull().default({}).$type<SlaAlerts>(),
    search: tsvector('search').generatedAlwaysAs(
      sql`setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') || setweight(to_tsvector('english'::regconfig, coalesce(description, '') || ' ' || coalesce(reproduction_steps, '') || ' ' || coalesce(workaround, '')), 'B') || setweight(to_tsvector('english'::regconfig, coalesce(root_cause, '') || ' ' || coalesce(resolution, '')), 'C')`,
    ),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('tickets_number_key').on(t.number),
    // The triage queue: open work by priority, then the resolution due time.
    index('tickets_queue_idx')
      .on(t.priority, t.resolutionDueAt)
      .where(sql`${t.status} not in ('resolved', 'closed')`),
    index('tickets_status_idx').on(t.status),
    index('tickets_assignee_idx').on(t.assigneeId),
    index('tickets_problem_idx').on(t.problemId),
    index('tickets_created_idx').on(t.createdAt),
    index('tickets_alert_idx')
      .on(t.alertAt)
      .where(sql`${t.alertAt} is not null`),
    index('tickets_search_idx').using('gin', t.search),
    index('tickets_tags_idx').using('gin', t.tags),
    check('tickets_priority_range', sql`${t.priority} between 1 and 5`),
  ],
);

export const ticketSuites = pgTable(
  'ticket_suites',
  {
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    suiteId: uuid('suite_id')
      .notNull()
      .references(() => suites.id, { onDelete: 'cascade' }),
  },
  (t) => [
    primaryKey({ columns: [t.ticketId, t.suiteId] }),
    index('ticket_suites_suite_idx').on(t.suiteId),
  ],
);

export const ticketDevices = pgTable(
  'ticket_devices',
  {
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    deviceId: uuid('device_id')
      .notNull()
      .references(() => devices.id, { onDelete: 'cascade' }),
  },
  (t) => [
    primaryKey({ columns: [t.ticketId, t.deviceId] }),
    index('ticket_devices_device_idx').on(t.deviceId),
  ],
);

/** A fault linked to a ticket; each fault belongs to one ticket. */
export const ticketFaults = pgTable(
  'ticket_faults',
  {
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    faultId: uuid('fault_id')
      .notNull()
      .references(() => faults.id, { onDelete: 'cascade' }),
    linkedAt: at('linked_at').notNull().defaultNow(),
    // The last fault event copied onto the ticket's timeline.
    syncedEventId: bigint('synced_event_id', { mode: 'number' }).notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.ticketId, t.faultId] }),
    uniqueIndex('ticket_faults_fault_key').on(t.faultId),
  ],
);

/** Everything that happened to a ticket, with who and when. */
export const ticketEvents = pgTable(
  'ticket_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    at: at('at').notNull().defaultNow(),
    kind: text('kind').notNull().$type<TicketEventKind>(),
    actorId: uuid('actor_id').references(() => users.id, { onDelete: 'set null' }),
    actor: text('actor').notNull(),
    body: text('body').notNull().default(''),
    // Structured detail: {field, from, to}, {status from/to}, {faultId, kind}, {minutes}.
    data: jsonb('data').notNull().default({}).$type<Record<string, unknown>>(),
    minutes: integer('minutes'),
  },
  (t) => [index('ticket_events_ticket_idx').on(t.ticketId, t.id)],
);

export const ticketAttachments = pgTable(
  'ticket_attachments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    filename: text('filename').notNull(),
    contentType: text('content_type').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    data: bytea('data').notNull(),
    createdById: uuid('created_by_id').references(() => users.id, { onDelete: 'set null' }),
    createdBy: text('created_by').notNull().default(''),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [index('ticket_attachments_ticket_idx').on(t.ticketId)],
);

/** Markdown articles, suggested where their device kinds, profiles or conditions match. */
export const runbooks = pgTable('runbooks', {
  id: uuid('id').primaryKey().defaultRandom(),
  title: text('title').notNull(),
  body: text('body').notNull().default(''),
  deviceKinds: text('device_kinds')
    .array()
    .notNull()
    .default(sql`'{}'::text[]`),
  profiles: text('profiles')
    .array()
    .notNull()
    .default(sql`'{}'::text[]`),
  // Condition patterns: 'raid.status' matches 'raid.status[0]'; a trailing * matches a prefix.
  conditions: text('conditions')
    .array()
    .notNull()
    .default(sql`'{}'::text[]`),
  categories: text('categories')
    .array()
    .notNull()
    .default(sql`'{}'::text[]`),
  createdById: uuid('created_by_id').references(() => users.id, { onDelete: 'set null' }),
  createdBy: text('created_by').notNull().default(''),
  updatedBy: text('updated_by').notNull().default(''),
  createdAt: at('created_at').notNull().defaultNow(),
  updatedAt: at('updated_at').notNull().defaultNow(),
});

/** The admin's helpdesk settings: priority matrix, SLA targets, business calendar. One row. */
export const helpdeskSettings = pgTable(
  'helpdesk_settings',
  {
    id: smallint('id').primaryKey().default(1),
    config: jsonb('config').notNull().$type<Record<string, unknown>>(),
    updatedBy: text('updated_by').notNull().default(''),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [check('helpdesk_settings_one_row', sql`${t.id} = 1`)],
);
