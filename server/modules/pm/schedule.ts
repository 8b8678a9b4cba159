import { DateTime, IANAZone } from 'luxon';

// Schedule maths for preventive-maintenance plans: when the next service is due by the calendar
// or by a meter, how due it is now, and whether a finished work order counted as on time. Pure:
// no database, no clock (callers pass `now`).

export type Unit = 'day' | 'week' | 'month';

/** `count` is an integer >= 1. */
export interface Every {
  count: number;
  unit: Unit;
}

/**
 * 'fixed' keeps to the calendar whatever happens (a quarterly service stays on the quarter);
 * 'floating' counts from the last completion (oil change every 3 months after the last one).
 */
export type ScheduleKind = 'fixed' | 'floating';

export interface TimeTrigger {
  every: Every;
  schedule: ScheduleKind;
  /**
   * First due date (k = 0 of a fixed schedule), an instant; its local date and wall-clock time
   * in `timezone` are the anchor.
   */
  startsOn: Date;
  /** IANA zone whose calendar and wall clock the schedule keeps, e.g. 'Europe/London'. */
  timezone: string;
}

/** Where a target stands: the last fixed occurrence dealt with, and the last completion. */
export interface TargetState {
  lastIndex: number | null;
  lastCompletedAt: Date | null;
}

const hourMs = 60 * 60 * 1000;
const dayMs = 24 * hourMs;

// 365.25 / 12: a month "on average" over the Julian leap cycle. Only ever a nominal length for
// grace and rates; dates are stepped on the calendar.
const unitMs: Record<Unit, number> = { day: dayMs, week: 7 * dayMs, month: 30.4375 * dayMs };

// ---------------------------------------------------------------------------------------------
// Validation: these are programmer errors (the API validates plans before they get here), so
// they throw rather than return something a caller could mistake for a date.

function checkEvery(every: Every): void {
  if (!Number.isInteger(every.count) || every.count < 1) {
    throw new RangeError(`every.count must be an integer of at least 1, not ${every.count}`);
  }
  if (!Object.hasOwn(unitMs, every.unit)) {
    throw new RangeError(`every.unit must be day, week or month, not ${String(every.unit)}`);
  }
}

function checkInstant(name: string, at: Date): void {
  if (Number.isNaN(at.getTime())) throw new RangeError(`${name} is not a valid date`);
}

function checkTrigger(t: TimeTrigger): void {
  checkEvery(t.every);
  checkInstant('startsOn', t.startsOn);
  if (!IANAZone.isValidZone(t.timezone)) {
    throw new RangeError(`${t.timezone} is not an IANA time zone`);
  }
}

// ---------------------------------------------------------------------------------------------
// Nominal lengths

/**
 * Nominal length of an interval in ms: day = 24h, week = 7 days, month = 30.4375 days (x count).
 * Used for grace and rates only, never for stepping dates.
 */
export function intervalMs(every: Every): number {
  checkEvery(every);
  return every.count * unitMs[every.unit];
}

/**
 * Grace after the due date: `fraction` (default 0.1) of the interval, in whole ms (rounded, so
 * 10% of 30 days is exactly 3 days rather than 3 days and a float's rounding error).
 */
export function graceMs(every: Every, fraction = 0.1): number {
  if (!Number.isFinite(fraction) || fraction < 0) {
    throw new RangeError(`grace fraction must be a number >= 0, not ${fraction}`);
  }
  return Math.round(intervalMs(every) * fraction);
}

// ---------------------------------------------------------------------------------------------
// Calendar stepping

interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

const anchorOf = (t: TimeTrigger) => DateTime.fromJSDate(t.startsOn, { zone: t.timezone });

const dateOf = (local: DateTime): CalendarDate => ({
  year: local.year,
  month: local.month,
  day: local.day,
});

function daysInMonth(year: number, month: number): number {
  // Day 0 of the next month is the last day of this one.
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * `steps` intervals on from a calendar date. Days and weeks are stepped as UTC dates, so no DST
 * change can add or lose an hour on the way. Months keep the day of month, falling back to the
 * month's last day when it is shorter.
 */
function stepDate(from: CalendarDate, every: Every, steps: number): CalendarDate {
  const n = every.count * steps;
  if (every.unit === 'month') {
    const monthIndex = from.year * 12 + (from.month - 1) + n;
    const year = Math.floor(monthIndex / 12);
    const month = (monthIndex % 12) + 1;
    return { year, month, day: Math.min(from.day, daysInMonth(year, month)) };
  }
  const days = every.unit === 'week' ? 7 * n : n;
  const moved = new Date(Date.UTC(from.year, from.month - 1, from.day + days));
  return { year: moved.getUTCFullYear(), month: moved.getUTCMonth() + 1, day: moved.getUTCDate() };
}

/**
 * The instant of the anchor's wall-clock time on a local date. A time inside a spring-forward
 * gap moves on by the gap (luxon's behaviour: 01:30 on the day London skips 01:00–02:00 becomes
 * 02:30 BST); a time that happens twice on a fall-back day is taken the first time, so the work
 * falls due no later than planned.
 */
function wallTimeOn(date: CalendarDate, anchor: DateTime, zone: string): Date {
  const local = DateTime.fromObject(
    {
      ...date,
      hour: anchor.hour,
      minute: anchor.minute,
      second: anchor.second,
      millisecond: anchor.millisecond,
    },
    { zone },
  );
  if (!local.isValid) {
    throw new RangeError(`cannot place ${JSON.stringify(date)} in ${zone}: ${local.invalidReason}`);
  }
  const earliest = local.getPossibleOffsets().reduce((a, b) => (b < a ? b : a), local);
  return earliest.toJSDate();
}

// ---------------------------------------------------------------------------------------------
// Fixed schedules

/**
 * The k-th due date of a fixed schedule: startsOn + k*every in local calendar terms in
 * `timezone`, keeping startsOn's local wall-clock time (09:00 stays 09:00 across DST). Months
 * keep the anchor's day of month clamped to the month's last day, always counted from the
 * anchor: "monthly on the 31st" is 28/29 Feb, 31 Mar, 30 Apr, 31 May. Stepping from the previous
 * due date instead would lose the 31st for good after the first short month.
 */
export function fixedDue(t: TimeTrigger, k: number): Date {
  checkTrigger(t);
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`k must be an integer >= 0, not ${k}`);
  // k = 0 is startsOn itself, even when it is the later of a fall-back day's two wall times.
  if (k === 0) return new Date(t.startsOn.getTime());
  const anchor = anchorOf(t);
  return wallTimeOn(stepDate(dateOf(anchor), t.every, k), anchor, t.timezone);
}

/**
 * The first k whose fixedDue is strictly after `after`: where a fixed schedule picks up after a
 * skip or a long gap. Completing occurrence k early must not pull the schedule forward; the next
 * due after it is k + 1 (see nextTimeDue), whatever the completion time.
 */
export function fixedIndexAfter(t: TimeTrigger, after: Date): number {
  checkTrigger(t);
  checkInstant('after', after);
  const afterMs = after.getTime();
  // A guess from the nominal interval is off by at most a step or two (month lengths, DST,
  // clamping); due dates never go backwards as k grows, so walk from the guess to the answer.
  let k = Math.max(0, Math.floor((afterMs - t.startsOn.getTime()) / intervalMs(t.every)));
  while (k > 0 && fixedDue(t, k - 1).getTime() > afterMs) k -= 1;
  while (fixedDue(t, k).getTime() <= afterMs) k += 1;
  return k;
}

// ---------------------------------------------------------------------------------------------
// Floating schedules

/**
 * Floating: the next due is the completion's local calendar date + every, at startsOn's local
 * wall-clock time, month steps clamped to month end (completed 31 Jan, monthly -> 28/29 Feb).
 * Taking the date rather than the instant means a job finished at 16:00 is next due at the plan's
 * usual time, not at 16:00.
 */
export function floatingDue(t: TimeTrigger, completedAt: Date): Date {
  checkTrigger(t);
  checkInstant('completedAt', completedAt);
  const done = DateTime.fromJSDate(completedAt, { zone: t.timezone });
  return wallTimeOn(stepDate(dateOf(done), t.every, 1), anchorOf(t), t.timezone);
}

/**
 * The next time-based due date of one target. Fixed: occurrence lastIndex + 1 (0 when none has
 * been dealt with). Floating: from the last completion, or startsOn before the first. Floating
 * schedules have no occurrence numbers, so their index is null.
 */
export function nextTimeDue(
  t: TimeTrigger,
  state: TargetState,
): { dueAt: Date; index: number | null } {
  checkTrigger(t);
  switch (t.schedule) {
    case 'fixed': {
      const index = state.lastIndex === null ? 0 : state.lastIndex + 1;
      return { dueAt: fixedDue(t, index), index };
    }
    case 'floating':
      return {
        dueAt: state.lastCompletedAt
          ? floatingDue(t, state.lastCompletedAt)
          : new Date(t.startsOn.getTime()),
        index: null,
      };
  }
}

/**
 * Forecast of due dates in [from, to), at most `limit`. Fixed: every fixedDue(k) in range from
 * the next index on. Floating: assumes each one is completed exactly on its due date and chains
 * floatingDue, so a monthly plan that once lands on the 28th stays on the 28th, as it would in
 * real life. An overdue next date before `from` is not listed; dueState reports that one.
 */
export function dueDatesBetween(
  t: TimeTrigger,
  state: TargetState,
  from: Date,
  to: Date,
  limit = 500,
): Date[] {
  checkInstant('from', from);
  checkInstant('to', to);
  const out: Date[] = [];
  const next = nextTimeDue(t, state);
  const fromMs = from.getTime();
  const toMs = to.getTime();
  if (t.schedule === 'fixed') {
    // Dates are whole ms, so "strictly after from - 1 ms" is "at or after from".
    let k = Math.max(next.index ?? 0, fixedIndexAfter(t, new Date(fromMs - 1)));
    for (; out.length < limit; k += 1) {
      const due = fixedDue(t, k);
      if (due.getTime() >= toMs) break;
      out.push(due);
    }
    return out;
  }
  // Each floating step moves on at least a day, so this ends once it passes `to`.
  for (
    let due = next.dueAt;
    due.getTime() < toMs && out.length < limit;
    due = floatingDue(t, due)
  ) {
    if (due.getTime() >= fromMs) out.push(due);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Meters

// A forecast further out than a Date can hold is no forecast.
const maxDateMs = 8.64e15;

/** When a meter growing at `ratePerDay` from (value, at) reaches `target`, to the nearest ms. */
function reachedAt(value: number, atMs: number, ratePerDay: number, target: number): Date | null {
  const ms = atMs + Math.round(((target - value) / ratePerDay) * dayMs);
  return Number.isFinite(ms) && Math.abs(ms) <= maxDateMs ? new Date(ms) : null;
}

/**
 * When the meter reaches its threshold, given the latest reading and a rate in units per day.
 * Already at or past it: `at` (due since that reading). No rate, or not growing: null, since no
 * date can be forecast.
 */
export function meterDueAt(m: {
  value: number;
  at: Date;
  ratePerDay: number | null;
  threshold: number;
}): Date | null {
  checkInstant('at', m.at);
  if (m.value >= m.threshold) return new Date(m.at.getTime());
  if (m.ratePerDay === null || !(m.ratePerDay > 0)) return null;
  return reachedAt(m.value, m.at.getTime(), m.ratePerDay, m.threshold);
}

/**
 * Rate of growth in units per day from samples (any order), over those within `windowDays`
 * (default 30) of the newest. A counter that drops (disk replaced, counter reset) restarts the
 * estimate from the first sample after the drop: the readings before it belong to another
 * counter. Fewer than 2 usable samples, or under an hour between them, gives null: too little to
 * extrapolate from.
 *
 * The rate is the least-squares slope of value against time: every sample counts, one odd reading
 * moves it a little rather than deciding it (as a first-to-last difference would), and it is the
 * "trend line" anyone can check in a spreadsheet.
 */
export function meterRate(
  samples: ReadonlyArray<{ at: Date; value: number }>,
  windowDays = 30,
): number | null {
  // Ties in time are ordered by value so that two readings at one instant never look like a drop.
  const sorted = samples
    .map((s) => ({ t: s.at.getTime(), v: s.value }))
    .filter((s) => Number.isFinite(s.t) && Number.isFinite(s.v))
    .sort((a, b) => a.t - b.t || a.v - b.v);
  const newest = sorted.at(-1);
  if (!newest) return null;
  const inWindow = sorted.filter((s) => s.t >= newest.t - windowDays * dayMs);
  let start = 0;
  for (let i = 1; i < inWindow.length; i += 1) {
    // Both exist: 1 <= i < length.
    if (inWindow[i]!.v < inWindow[i - 1]!.v) start = i;
  }
  const usable = inWindow.slice(start);
  const first = usable[0];
  if (!first || usable.length < 2 || newest.t - first.t < hourMs) return null;

  // Centred on the means: epoch ms squared would lose the precision the slope needs.
  const meanT = usable.reduce((sum, s) => sum + s.t, 0) / usable.length;
  const meanV = usable.reduce((sum, s) => sum + s.v, 0) / usable.length;
  let covariance = 0;
  let variance = 0;
  for (const s of usable) {
    covariance += (s.t - meanT) * (s.v - meanV);
    variance += (s.t - meanT) ** 2;
  }
  return (covariance / variance) * dayMs;
}

/**
 * Meter forecast in [from, to), at most `limit`: thresholds threshold, threshold + every, ...
 * reached at the given rate from (value, at). A threshold already passed at `at` is due at `at`,
 * once: several passed thresholds are still one service owed. No rate, or not growing: [].
 */
export function meterDatesBetween(
  m: { value: number; at: Date; ratePerDay: number | null; threshold: number; every: number },
  from: Date,
  to: Date,
  limit = 500,
): Date[] {
  checkInstant('at', m.at);
  checkInstant('from', from);
  checkInstant('to', to);
  if (!Number.isFinite(m.every) || m.every <= 0) {
    throw new RangeError(`meter every must be a number > 0, not ${m.every}`);
  }
  const rate = m.ratePerDay;
  if (rate === null || !(rate > 0)) return [];
  const atMs = m.at.getTime();
  const fromMs = from.getTime();
  const toMs = to.getTime();
  const out: Date[] = [];

  // j-th threshold: threshold + j * every. The first not yet reached at `at`:
  let j = 0;
  if (m.value >= m.threshold) {
    if (atMs >= fromMs && atMs < toMs && limit > 0) out.push(new Date(atMs));
    j = Math.floor((m.value - m.threshold) / m.every) + 1;
  }
  // Jump to about where `from` is (one back, for rounding) rather than walk there.
  if (fromMs > atMs) {
    const valueAtFrom = m.value + (rate * (fromMs - atMs)) / dayMs;
    j = Math.max(j, Math.ceil((valueAtFrom - m.threshold) / m.every) - 1);
  }
  for (; out.length < limit; j += 1) {
    const due = reachedAt(m.value, atMs, rate, m.threshold + j * m.every);
    if (!due || due.getTime() >= toMs) break;
    if (due.getTime() >= fromMs) out.push(due);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Combining and judging

/**
 * Whichever comes first of a time due and a meter due ("every 6 months or 500 hours"). Either may
 * be null; both null gives null. A tie goes to 'time', the one people can plan around.
 */
export function whicheverFirst(
  timeDue: Date | null,
  meterDue: Date | null,
): { dueAt: Date; by: 'time' | 'meter' } | null {
  if (timeDue && (!meterDue || timeDue.getTime() <= meterDue.getTime())) {
    return { dueAt: timeDue, by: 'time' };
  }
  return meterDue ? { dueAt: meterDue, by: 'meter' } : null;
}

export type DueState = 'upcoming' | 'due_soon' | 'due' | 'overdue';

/**
 * upcoming before dueAt - leadDays (counted as 24h days); due_soon from then until dueAt; due in
 * [dueAt, dueAt + grace); overdue from dueAt + grace on.
 */
export function dueState(
  dueAt: Date,
  now: Date,
  o: { leadDays: number; graceMs: number },
): DueState {
  const dueMs = dueAt.getTime();
  const nowMs = now.getTime();
  if (nowMs < dueMs - o.leadDays * dayMs) return 'upcoming';
  if (nowMs < dueMs) return 'due_soon';
  if (nowMs < dueMs + o.graceMs) return 'due';
  return 'overdue';
}

export type Outcome = 'on_time' | 'late_in_grace' | 'missed' | 'skipped' | 'pending';

/**
 * Compliance outcome of one preventive work order, judged at `now`. Skipped (or cancelled) counts
 * as skipped whatever else is set. Completed: on time up to dueAt, late but in grace up to
 * dueAt + grace (inclusive), missed after. Not completed: missed once now is past dueAt + grace,
 * pending until then (it can still be done in grace, so it is not decided yet).
 */
export function outcome(
  o: { dueAt: Date; graceMs: number; completedAt: Date | null; skipped: boolean },
  now: Date,
): Outcome {
  if (o.skipped) return 'skipped';
  const dueMs = o.dueAt.getTime();
  const graceEndMs = dueMs + o.graceMs;
  if (o.completedAt) {
    const doneMs = o.completedAt.getTime();
    if (doneMs <= dueMs) return 'on_time';
    return doneMs <= graceEndMs ? 'late_in_grace' : 'missed';
  }
  return now.getTime() > graceEndMs ? 'missed' : 'pending';
}
