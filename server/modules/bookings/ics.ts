import { DateTime } from 'luxon';
import ical, { type DateWithTimeZone, type VEvent } from 'node-ical';

/** One occurrence of a calendar event, as a booking would hold it. */
export interface IcsOccurrence {
  /** The UID plus the occurrence's original start, stable across moves and re-imports. */
  sourceUid: string;
  summary: string;
  description: string;
  startsAt: Date;
  endsAt: Date;
}

export interface IcsExpansion {
  occurrences: IcsOccurrence[];
  /** Events left out on purpose (cancelled), counted. */
  skipped: number;
  errors: string[];
  /** UIDs of events that could not be expanded: what was imported from them is kept. */
  failed: Set<string>;
}

/** More sessions than this in one import is not a suite's calendar; the import is refused. */
export const maxOccurrences = 10_000;

export class TooManyOccurrences extends Error {}

// A session that repeats within the day is not a booking, and expanding one over months would
// mean millions of rows. (node-ical's rrule names the frequency; older ones numbered it 4 to 6.)
const subDaily = ['HOURLY', 'MINUTELY', 'SECONDLY', '4', '5', '6'];

const text = (value: unknown): string => {
  if (typeof value === 'string') return value.trim();
  if (value && typeof value === 'object' && 'val' in value) return String(value.val).trim();
  return '';
};

/**
 * node-ical gives a DATE value as local midnight of the server process; its calendar day is what
 * counts. The booking takes that whole day in `zone`.
 */
function dayStart(date: Date, zone: string): DateTime {
  return DateTime.fromObject(
    { year: date.getFullYear(), month: date.getMonth() + 1, day: date.getDate() },
    { zone },
  );
}

/** The original start of an occurrence as a key: a date for all-day events, else the instant. */
function occurrenceKey(start: DateWithTimeZone, fullDay: boolean): string {
  if (!fullDay) return start.toISOString();
  if (start.dateOnly)
    return (
      DateTime.fromObject({
        year: start.getFullYear(),
        month: start.getMonth() + 1,
        day: start.getDate(),
      }).toISODate() ?? ''
    );
  // Exchange writes the RECURRENCE-ID of an all-day occurrence as local midnight with a TZID.
  return DateTime.fromJSDate(start, { zone: start.tz ?? 'UTC' }).toISODate() ?? '';
}

/** Parses calendar text, or throws a message saying why it is not iCalendar. */
export function parseIcs(body: string): VEvent[] {
  if (!/^\s*BEGIN:VCALENDAR/i.test(body)) throw new Error('it does not start with BEGIN:VCALENDAR');
  if (!/END:VCALENDAR\s*$/i.test(body)) throw new Error('it does not end with END:VCALENDAR');
  let parsed: ical.CalendarResponse;
  try {
    parsed = ical.sync.parseICS(body);
  } catch (error) {
    throw new Error(error instanceof Error ? error.message : String(error));
  }
  const events = Object.values(parsed).filter(
    (c): c is VEvent => typeof c === 'object' && c !== null && c.type === 'VEVENT',
  );
  return events;
}

/**
 * Each event's occurrences that overlap [from, to]: RRULEs expanded, EXDATEs dropped, moved
 * occurrences (RECURRENCE-ID) applied, TZIDs (Windows names too) resolved by node-ical. All-day
 * events take whole days in `zone`.
 */
export function expandIcs(events: VEvent[], from: Date, to: Date, zone: string): IcsExpansion {
  const out: IcsExpansion = { occurrences: [], skipped: 0, errors: [], failed: new Set() };
  for (const event of events) {
    if (event.status === 'CANCELLED') {
      out.skipped += 1;
      continue;
    }
    const rule = (event.rrule as { options?: Record<string, unknown> } | undefined)?.options;
    const several = (...values: unknown[]) =>
      values.some((value) => Array.isArray(value) && value.length > 1);
    if (
      rule &&
      (subDaily.includes(String(rule.freq)) ||
        several(
          rule.byHour,
          rule.byhour,
          rule.byMinute,
          rule.byminute,
          rule.bySecond,
          rule.bysecond,
        ))
    ) {
      out.errors.push(`event ${event.uid}: it repeats more often than daily; not imported`);
      out.skipped += 1;
      out.failed.add(event.uid);
      continue;
    }
    let instances: ical.EventInstance[];
    try {
      instances = ical.expandRecurringEvent(event, { from, to, expandOngoing: true });
    } catch (error) {
      out.errors.push(
        `event ${event.uid}: ${error instanceof Error ? error.message : String(error)}`,
      );
      out.failed.add(event.uid);
      continue;
    }
    if (out.occurrences.length + instances.length > maxOccurrences)
      throw new TooManyOccurrences(
        `the calendar has more than ${maxOccurrences.toLocaleString('en')} sessions between from and to; import a shorter window`,
      );
    for (const instance of instances) {
      if (instance.event.status === 'CANCELLED') {
        out.skipped += 1;
        continue;
      }
      const original = instance.isOverride ? instance.event.recurrenceid : instance.start;
      const sourceUid =
        instance.isRecurring || instance.isOverride
          ? `${event.uid}/${occurrenceKey(original ?? instance.start, instance.isFullDay)}`
          : event.uid;
      let startsAt: Date;
      let endsAt: Date;
      if (instance.isFullDay) {
        const first = dayStart(instance.start, zone);
        const end = dayStart(instance.end, zone);
        startsAt = first.toJSDate();
        endsAt = (end > first ? end : first.plus({ days: 1 })).toJSDate();
      } else {
        startsAt = new Date(instance.start.getTime());
        endsAt = new Date(instance.end.getTime());
      }
      const summary = text(instance.event.summary);
      if (endsAt.getTime() <= startsAt.getTime()) {
        out.errors.push(`${sourceUid} (${summary}): it ends when or before it starts; skipped`);
        out.skipped += 1;
        continue;
      }
      out.occurrences.push({
        sourceUid,
        summary,
        description: text(instance.event.description),
        startsAt,
        endsAt,
      });
    }
  }
  return out;
}
