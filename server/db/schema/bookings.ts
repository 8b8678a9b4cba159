import { sql } from 'drizzle-orm';
import { check, index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { SignoffKind } from '../../domain.ts';
import { users } from './auth.ts';
import { suites } from './inventory.ts';

export type BookingSource = 'manual' | 'ics';

/** A client session booked into a suite, typed in or imported from a calendar. */
export const bookings = pgTable(
  'bookings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    suiteId: uuid('suite_id')
      .notNull()
      .references(() => suites.id, { onDelete: 'cascade' }),
    client: text('client').notNull(),
    project: text('project').notNull().default(''),
    // The editor or operator running the session.
    operator: text('operator').notNull().default(''),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    // A client approving the grade or the mix: the suite's calibration must be current for it.
    signoff: text('signoff').$type<SignoffKind>(),
    source: text('source').notNull().default('manual').$type<BookingSource>(),
    // An imported occurrence: the ICS UID plus its original start (the RECURRENCE-ID), so that
    // importing the calendar again updates the row instead of adding another.
    sourceUid: text('source_uid'),
    createdById: uuid('created_by_id').references(() => users.id, { onDelete: 'set null' }),
    createdBy: text('created_by').notNull().default(''),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('bookings_suite_starts_idx').on(t.suiteId, t.startsAt),
    uniqueIndex('bookings_source_uid_key')
      .on(t.suiteId, t.sourceUid)
      .where(sql`${t.sourceUid} is not null`),
    check('bookings_order', sql`${t.endsAt} > ${t.startsAt}`),
  ],
);
