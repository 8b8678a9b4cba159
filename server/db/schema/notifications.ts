import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type {
  ChannelType,
  DeliveryState,
  DeviceKind,
  NotificationKind,
  Severity,
} from '../../domain.ts';
import { severityEnum } from './enums.ts';
import { faults } from './faults.ts';
import { tickets } from './helpdesk.ts';

/**
 * Where alarms go: a webhook or a list of e-mail addresses. The routing rule lives on the channel:
 * the least severity it hears and, when set, only these sites and device kinds. Secrets in
 * `config` (a webhook URL's token, an SMTP password) are sealed like checks' communities.
 */
export const notificationChannels = pgTable(
  'notification_channels',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    type: text('type').notNull().$type<ChannelType>(),
    config: jsonb('config').notNull().$type<Record<string, unknown>>(),
    enabled: boolean('enabled').notNull().default(true),
    minSeverity: severityEnum('min_severity').notNull().default('warning'),
    siteIds: jsonb('site_ids').notNull().default([]).$type<string[]>(),
    deviceKinds: jsonb('device_kinds').notNull().default([]).$type<DeviceKind[]>(),
    sendResolved: boolean('send_resolved').notNull().default(true),
    lastSentAt: timestamp('last_sent_at', { withTimezone: true }),
    lastError: text('last_error'),
    lastErrorAt: timestamp('last_error_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('notification_channels_name_key').on(sql`lower(${t.name})`)],
);

/**
 * The outbox: one row per message per channel, written in the same transaction as the fault
 * change it reports, and sent (and retried with backoff) by the dispatcher, never by the engine.
 */
export const notifications = pgTable(
  'notifications',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    channelId: uuid('channel_id')
      .notNull()
      .references(() => notificationChannels.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull().$type<NotificationKind>(),
    // The root fault the message is about (null for a test message).
    faultId: uuid('fault_id').references(() => faults.id, { onDelete: 'set null' }),
    // The ticket an SLA warning is about.
    ticketId: uuid('ticket_id').references(() => tickets.id, { onDelete: 'set null' }),
    severity: severityEnum('severity').$type<Severity>(),
    payload: jsonb('payload').notNull().$type<Record<string, unknown>>(),
    state: text('state').notNull().default('pending').$type<DeliveryState>(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (t) => [
    index('notifications_due_idx').on(t.state, t.nextAttemptAt),
    index('notifications_fault_idx').on(t.faultId),
  ],
);
