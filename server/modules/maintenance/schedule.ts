import { DateTime } from 'luxon';
import type { Recurrence } from '../../domain.ts';

/** The fields of a maintenance window that decide when it runs. */
export interface Schedule {
  startsAt: Date;
  endsAt: Date;
  /** IANA zone whose wall clock the repeats keep. */
  timezone: string;
  recurrence: Recurrence;
  /** ISO weekdays (1 = Monday) of a weekly window; empty means the weekday startsAt falls on. */
  weekdays: readonly number[];
  /** No occurrence starts after this. */
  until: Date | null;
}

export interface Occurrence {
  start: Date;
  end: Date;
}

const dayMs = 24 * 60 * 60 * 1000;

/** How many days back the latest start before any instant can lie. */
const cycleDays: Record<Recurrence, number> = { none: 0, daily: 1, weekly: 7, monthly: 31 };

// Every occurrence lasts as long as the first in real elapsed time, not in wall-clock time: across
// a DST change a 4-hour window still lasts 4 hours, which is what the person booking it expects.
const lengthMs = (w: Schedule) => w.endsAt.getTime() - w.startsAt.getTime();

const firstLocal = (w: Schedule) => DateTime.fromJSDate(w.startsAt, { zone: w.timezone });

// Calendar days are stepped as UTC dates: plain date arithmetic, with no DST in the way.
const calendarDay = (local: DateTime) => DateTime.utc(local.year, local.month, local.day);

function weekdaysOf(w: Schedule, first: DateTime): readonly number[] {
  return w.weekdays.length > 0 ? w.weekdays : [first.weekday];
}

/** Whether an occurrence starts on this local calendar day (on or after the first day). */
function scheduledOn(w: Schedule, first: DateTime, firstDay: DateTime, day: DateTime): boolean {
  if (day < firstDay) return false;
  switch (w.recurrence) {
    case 'none':
      return day.hasSame(firstDay, 'day');
    case 'daily':
      return true;
    case 'weekly':
      return weekdaysOf(w, first).includes(day.weekday);
    case 'monthly':
      // The 31st falls on the last day of a shorter month.
      return day.day === Math.min(first.day, day.daysInMonth ?? 31);
  }
}

/**
 * The start of the occurrence on a local calendar day: the first occurrence's wall-clock time.
 * A time inside a spring-forward gap moves on by the gap (02:30 becomes 03:30, as luxon and
 * RFC 5545 do it); a time that happens twice on a fall-back day is taken the first time, so the
 * window starts no later than planned.
 */
function startOn(w: Schedule, first: DateTime, firstDay: DateTime, day: DateTime): Date {
  if (day.hasSame(firstDay, 'day')) return w.startsAt;
  const local = DateTime.fromObject(
    {
      year: day.year,
      month: day.month,
      day: day.day,
      hour: first.hour,
      minute: first.minute,
      second: first.second,
      millisecond: first.millisecond,
    },
    { zone: w.timezone },
  );
  const earliest = local.getPossibleOffsets().reduce((a, b) => (b < a ? b : a), local);
  return earliest.toJSDate();
}

const afterUntil = (w: Schedule, start: Date) =>
  w.until !== null && start.getTime() > w.until.getTime();

/** The start of the last occurrence that starts at or before `at`, if any. */
function latestStart(w: Schedule, at: Date): Date | null {
  const first = firstLocal(w);
  const firstDay = calendarDay(first);
  const today = calendarDay(DateTime.fromJSDate(at, { zone: w.timezone }));
  // One day more than the cycle: a start moved by a DST gap can land after `at` on its own day.
  for (let back = 0; back <= cycleDays[w.recurrence] + 1; back += 1) {
    const day = today.minus({ days: back });
    if (day < firstDay) break;
    if (!scheduledOn(w, first, firstDay, day)) continue;
    const start = startOn(w, first, firstDay, day);
    if (start.getTime() > at.getTime() || afterUntil(w, start)) continue;
    return start;
  }
  return null;
}

/**
 * The occurrence running at `at`: it started at or before `at` and ends after it. This includes
 * one that began the previous day (a 22:00–02:00 daily window at 01:00).
 */
export function occurrenceAt(w: Schedule, at: Date): Occurrence | null {
  const start = latestStart(w, at);
  if (!start) return null;
  // Every occurrence has the same length, so if the latest start has ended, all earlier have too.
  const end = new Date(start.getTime() + lengthMs(w));
  return end.getTime() > at.getTime() ? { start, end } : null;
}

/** The occurrence running at `from` (if any), then those that start after it, in order. */
export function nextOccurrences(w: Schedule, from: Date, count: number): Occurrence[] {
  const out: Occurrence[] = [];
  const running = occurrenceAt(w, from);
  if (running) out.push(running);
  const first = firstLocal(w);
  const firstDay = calendarDay(first);
  let day = DateTime.max(firstDay, calendarDay(DateTime.fromJSDate(from, { zone: w.timezone })));
  // Every recurrence has a start within 31 days, so this bound is never what stops a live one.
  const lastDay = day.plus({ days: (count + 1) * 32 });
  for (; out.length < count && day <= lastDay; day = day.plus({ days: 1 })) {
    if (w.recurrence === 'none' && day > firstDay) break;
    if (!scheduledOn(w, first, firstDay, day)) continue;
    const start = startOn(w, first, firstDay, day);
    if (afterUntil(w, start)) break;
    if (start.getTime() <= from.getTime()) continue;
    out.push({ start, end: new Date(start.getTime() + lengthMs(w)) });
  }
  return out;
}

/** When the last occurrence ends; null for a window that repeats for ever. */
export function windowEnd(w: Schedule): Date | null {
  if (w.recurrence === 'none') return w.endsAt;
  if (w.until === null) return null;
  const start = latestStart(w, w.until);
  // A weekly window whose first chosen weekday comes after `until` never runs.
  return start ? new Date(start.getTime() + lengthMs(w)) : w.startsAt;
}

/**
 * The longest a window may last before its occurrences would overlap: a day for a daily window,
 * the shortest gap between its weekdays for a weekly one (a week with one weekday, the default),
 * and 28 days (February) for a monthly one.
 */
export function longestLengthMs(recurrence: Recurrence, weekdays: readonly number[]): number {
  switch (recurrence) {
    case 'none':
      return Number.POSITIVE_INFINITY;
    case 'daily':
      return dayMs;
    case 'monthly':
      return 28 * dayMs;
    case 'weekly': {
      const days = [...new Set(weekdays)].sort((a, b) => a - b);
      let gap = 7;
      // The gap after the last day wraps round to the first day of the next week.
      for (const [i, day] of days.entries())
        gap = Math.min(gap, (days[i + 1] ?? (days[0] ?? day) + 7) - day);
      return gap * dayMs;
    }
  }
}
