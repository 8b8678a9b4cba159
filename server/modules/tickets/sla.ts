import { IANAZone } from 'luxon';

/** A local wall-clock time 'HH:MM'; a span's end may be '24:00'. */
export type Hhmm = string;

export interface BusinessCalendar {
  /** IANA zone whose wall clock the open hours follow, e.g. 'Europe/London'. */
  timezone: string;
  /**
   * Open hours for ISO weekdays Monday..Sunday (index 0 = Monday). Each day a list of [start, end)
   * spans; [] = closed. ['00:00','24:00'] on all 7 days = 24/7.
   */
  week: Array<Array<[Hhmm, Hhmm]>>;
  /** Local dates 'YYYY-MM-DD' the facility is closed all day. */
  holidays: string[];
}

/** A pause of the clock; `to` null = still paused. */
export interface Interval {
  from: Date;
  to: Date | null;
}

/** 'continuous' counts 24/7 wall time whatever the calendar says. */
export type SlaClockKind = 'business' | 'continuous';

/** null minutes = no target (P5). */
export interface SlaTarget {
  minutes: number | null;
  clock: SlaClockKind;
}

export interface SlaTimer {
  targetMinutes: number | null;
  /** null when no target. While paused: the due time if the ticket resumed now. */
  dueAt: Date | null;
  /** When (1 - warnFraction) of the target has elapsed. */
  warnAt: Date | null;
  /** Working minutes from start to (stoppedAt ?? now), minus pauses. */
  elapsedMinutes: number;
  /** target - elapsed; negative once breached. */
  remainingMinutes: number | null;
  /** A pause covers now and the ticket is not stopped. */
  paused: boolean;
  /** (stoppedAt ?? now) is after dueAt. */
  breached: boolean;
  /** Stopped: whether the target was met. Running or no target: null. */
  met: boolean | null;
  state: 'none' | 'running' | 'warning' | 'paused' | 'met' | 'breached';
}

const minuteMs = 60_000;
const dayMinutes = 24 * 60;
const dayMs = dayMinutes * minuteMs;
/** Zone offsets lie within -12h..+14h, so a local day's instants lie within 14h of its wall times. */
const offsetBoundMs = 14 * 60 * minuteMs;

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

// Frozen because every caller shares it: one that edited it would change everyone's SLA.
export const alwaysOpen: BusinessCalendar = deepFreeze({
  timezone: 'UTC',
  week: Array.from({ length: 7 }, (): Array<[Hhmm, Hhmm]> => [['00:00', '24:00']]),
  holidays: [],
});

// ---------------------------------------------------------------------------------------------
// Validation

const hhmmPattern = /^(\d\d):(\d\d)$/;
const datePattern = /^(\d{4})-(\d\d)-(\d\d)$/;

/** Minutes after local midnight, or null when not a time; '24:00' only where `end` allows it. */
function parseHhmm(value: unknown, end: boolean): number | null {
  if (typeof value !== 'string') return null;
  const match = hhmmPattern.exec(value);
  if (!match) return null;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (minutes > 59) return null;
  if (hours < 24) return hours * 60 + minutes;
  return end && hours === 24 && minutes === 0 ? dayMinutes : null;
}

/** Days since 1970-01-01 of a 'YYYY-MM-DD' date, or null when there is no such date. */
function parseDate(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const match = datePattern.exec(value);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const back = new Date(ms);
  // Date.UTC rolls 2026-02-30 over into March; a real date comes back unchanged.
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1) return null;
  if (back.getUTCDate() !== day) return null;
  return ms / dayMs;
}

const quote = (value: unknown) => (typeof value === 'string' ? `'${value}'` : String(value));

/**
 * Validates a calendar; returns a list of problems as 'field: what is wrong' strings (empty =
 * fine): bad zone, week not 7 days, bad HH:MM, end <= start, overlapping spans, bad holiday date,
 * a calendar with no open time at all.
 */
export function calendarProblems(cal: BusinessCalendar): string[] {
  const problems: string[] = [];
  // Calendars arrive from JSON, so the shapes the types promise are checked too.
  const raw = cal as unknown as Record<string, unknown>;
  if (typeof raw.timezone !== 'string' || !IANAZone.create(raw.timezone).isValid)
    problems.push(`timezone: ${quote(raw.timezone)} is not a known IANA time zone`);

  let openSpans = 0;
  if (!Array.isArray(raw.week)) {
    problems.push('week: expected a list of 7 days, Monday to Sunday');
  } else {
    const week = raw.week as unknown[];
    if (week.length !== 7)
      problems.push(`week: expected 7 days (Monday to Sunday), got ${week.length}`);
    for (const [dayIndex, spans] of week.entries()) {
      if (!Array.isArray(spans)) {
        problems.push(`week[${dayIndex}]: expected a list of [start, end] spans`);
        continue;
      }
      const valid: Array<{ start: number; end: number; field: string; text: string }> = [];
      for (const [spanIndex, span] of (spans as unknown[]).entries()) {
        const field = `week[${dayIndex}][${spanIndex}]`;
        if (!Array.isArray(span) || span.length !== 2) {
          problems.push(`${field}: expected [start, end]`);
          continue;
        }
        const [startText, endText] = span as [unknown, unknown];
        const start = parseHhmm(startText, false);
        const end = parseHhmm(endText, true);
        if (start === null)
          problems.push(`${field}: start ${quote(startText)} is not a time HH:MM (00:00 to 23:59)`);
        if (end === null)
          problems.push(`${field}: end ${quote(endText)} is not a time HH:MM (00:00 to 24:00)`);
        if (start === null || end === null) continue;
        if (end <= start) {
          problems.push(`${field}: end ${String(endText)} is not after start ${String(startText)}`);
          continue;
        }
        valid.push({ start, end, field, text: `${String(startText)}-${String(endText)}` });
      }
      valid.sort((a, b) => a.start - b.start);
      let latest: (typeof valid)[number] | undefined;
      for (const span of valid) {
        if (latest && span.start < latest.end)
          problems.push(`${span.field}: ${span.text} overlaps ${latest.field} ${latest.text}`);
        if (!latest || span.end > latest.end) latest = span;
      }
      openSpans += valid.length;
    }
    if (openSpans === 0) problems.push('week: no open hours on any day');
  }

  if (!Array.isArray(raw.holidays)) {
    problems.push("holidays: expected a list of dates 'YYYY-MM-DD'");
  } else {
    for (const [index, holiday] of (raw.holidays as unknown[]).entries())
      if (parseDate(holiday) === null)
        problems.push(`holidays[${index}]: ${quote(holiday)} is not a date YYYY-MM-DD`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Zone offsets

/** Instants [from, to) over which a zone keeps one UTC offset. */
export interface Piece {
  from: number;
  to: number;
  offsetMs: number;
}

// Local days are grouped into weeks whose offsets are looked up together: Intl is the only source
// of zone rules and costs microseconds a call, so a year-long SLA must not ask it per span.
export const blockDays = 7;
const maxCachedBlocks = 20_000;
const pieceCache = new Map<string, Map<number, Piece[]>>();

function offsetMsAt(zone: IANAZone, at: number): number {
  const offsetMinutes = zone.offset(at);
  // NaN past the end of Date's range; the search below would never finish.
  if (Number.isNaN(offsetMinutes)) throw new RangeError(`${at} is outside the range of dates`);
  return offsetMinutes * minuteMs;
}

/**
 * The constant-offset pieces covering every instant whose local date is in the block. Assumes a
 * zone never changes offset and changes it back within the same eight days, which no zone does.
 */
export function piecesOfBlock(zone: IANAZone, block: number): Piece[] {
  let zoneCache = pieceCache.get(zone.name);
  if (!zoneCache) {
    zoneCache = new Map<number, Piece[]>();
    pieceCache.set(zone.name, zoneCache);
  }
  const cached = zoneCache.get(block);
  if (cached) return cached;

  const windowEnd = (block + 1) * blockDays * dayMs + offsetBoundMs;
  const endOffsetMs = offsetMsAt(zone, windowEnd);
  const pieces: Piece[] = [];
  let from = block * blockDays * dayMs - offsetBoundMs;
  let offsetMs = offsetMsAt(zone, from);
  while (offsetMs !== endOffsetMs) {
    // Find the first instant with another offset: the transition.
    let same = from;
    let changed = windowEnd;
    while (changed - same > 1) {
      const mid = Math.floor((same + changed) / 2);
      if (offsetMsAt(zone, mid) === offsetMs) same = mid;
      else changed = mid;
    }
    pieces.push({ from, to: changed, offsetMs });
    from = changed;
    offsetMs = offsetMsAt(zone, changed);
  }
  pieces.push({ from, to: windowEnd, offsetMs });

  if (zoneCache.size >= maxCachedBlocks) zoneCache.clear();
  zoneCache.set(block, pieces);
  return pieces;
}

// ---------------------------------------------------------------------------------------------
// Open time

export interface Calendar {
  zone: IANAZone;
  /** Minutes after local midnight, sorted by start, per ISO weekday (index 0 = Monday). */
  week: Array<Array<[number, number]>>;
  /** Holidays as days since 1970-01-01. */
  holidays: Set<number>;
}

/** Parses a calendar once for the walks; `what` names it in the error (maintenance hours too). */
export function compileCalendar(cal: BusinessCalendar, what = 'business calendar'): Calendar {
  const problems = calendarProblems(cal);
  if (problems.length > 0) throw new RangeError(`Invalid ${what}: ${problems.join('; ')}`);
  const week = cal.week.map((spans) =>
    spans
      .map(([start, end]): [number, number] => [
        parseHhmm(start, false) ?? 0,
        parseHhmm(end, true) ?? 0,
      ])
      .sort((a, b) => a[0] - b[0]),
  );
  const holidays = new Set(cal.holidays.map((date) => parseDate(date) ?? Number.NaN));
  return { zone: IANAZone.create(cal.timezone), week, holidays };
}

/** Index into `week` (0 = Monday) of a day counted from 1970-01-01, a Thursday. */
export const weekdayIndex = (day: number) => (((day + 3) % 7) + 7) % 7;

/**
 * The calendar's open time at or after `fromMs`, as sorted, disjoint [start, end) instants.
 *
 * A span holds every instant whose local wall time on that date lies in [start, end). So on a
 * spring-forward day a span 01:00-03:00 in London is one real hour (01:00-02:00 never shows on the
 * clock) and on a fall-back day it is three: the clock reads 01:00-02:00 twice.
 */
function* openTime(cal: Calendar, fromMs: number): Generator<[number, number]> {
  if (cal.week.every((spans) => spans.length === 0)) return;
  let doneUntil = fromMs;
  // A local date starts up to 14 hours before or after the UTC one: begin a day early.
  for (let day = Math.floor(fromMs / dayMs) - 1; ; day += 1) {
    const spans = cal.week[weekdayIndex(day)] ?? [];
    if (spans.length === 0 || cal.holidays.has(day)) continue;
    const wallMidnight = day * dayMs;
    // Pieces outside, spans inside: within one offset spans map to instants in order.
    for (const piece of piecesOfBlock(cal.zone, Math.floor(day / blockDays))) {
      for (const [startMinute, endMinute] of spans) {
        const start = wallMidnight + startMinute * minuteMs - piece.offsetMs;
        const end = wallMidnight + endMinute * minuteMs - piece.offsetMs;
        const from = Math.max(start, piece.from, doneUntil);
        const to = Math.min(end, piece.to);
        if (from < to) {
          yield [from, to];
          doneUntil = to;
        }
      }
    }
  }
}

function checkInstant(name: string, value: Date): number {
  const ms = value.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`${name} is not a valid date`);
  return ms;
}

/** Pauses clipped to start at or after `fromMs`, sorted and merged; an open one ends at Infinity. */
function normalisePauses(pauses: readonly Interval[], fromMs: number): Array<[number, number]> {
  const clipped = pauses
    .map((p): [number, number] => [
      Math.max(checkInstant('pause from', p.from), fromMs),
      p.to === null ? Number.POSITIVE_INFINITY : checkInstant('pause to', p.to),
    ])
    .filter(([from, to]) => from < to)
    .sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const [from, to] of clipped) {
    const last = merged.at(-1);
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else merged.push([from, to]);
  }
  return merged;
}

/**
 * The time the clock runs at or after `fromMs`: open time less the pauses, as sorted, disjoint
 * [start, end) instants. Ends early only at a pause with no end.
 */
function* runningTime(
  cal: Calendar | null,
  fromMs: number,
  pauses: Array<[number, number]>,
): Generator<[number, number]> {
  let at = fromMs;
  let next = 0;
  for (;;) {
    while (next < pauses.length && (pauses[next]?.[1] ?? 0) <= at) next += 1;
    const pause = pauses[next];
    if (pause && pause[0] <= at) {
      if (pause[1] === Number.POSITIVE_INFINITY) return;
      // Resume the calendar after the pause rather than walking through it: a 30-day wait is cheap.
      at = pause[1];
      continue;
    }
    const pauseFrom = pause?.[0] ?? Number.POSITIVE_INFINITY;
    const open: Iterable<[number, number]> = cal
      ? openTime(cal, at)
      : [[at, Number.POSITIVE_INFINITY]];
    for (const [from, to] of open) {
      if (from >= pauseFrom) break;
      yield [from, Math.min(to, pauseFrom)];
      if (to >= pauseFrom) break;
    }
    if (pauseFrom === Number.POSITIVE_INFINITY) return;
    at = pauseFrom;
  }
}

/**
 * The instant at which `minutes` of working time (per calendar, or wall time if clock is
 * 'continuous') have elapsed after start, not counting time inside pauses.
 *
 * - minutes 0 returns start itself, even out of hours: no time is owed, so nothing is due later
 *   than the moment the clock started.
 * - minutes > 0 from out of hours (or inside a pause) begins counting at the next opening.
 * - The answer is the first instant the time is used up, so 9 hours from Monday 09:00 on a
 *   09:00-18:00 calendar is Monday 18:00, not Tuesday 09:00.
 *
 * Throws a RangeError for negative or non-finite minutes, a calendar `calendarProblems` rejects
 * (including one with no open time, which would never finish), or a pause with no end (`to` null)
 * that stops the clock before the time is used up. A timer that is paused now should close its
 * open pause at now, as `slaTimer` does.
 */
export function addWorkingTime(
  cal: BusinessCalendar,
  clock: SlaClockKind,
  start: Date,
  minutes: number,
  pauses: Interval[],
): Date {
  const startMs = checkInstant('start', start);
  if (!Number.isFinite(minutes) || minutes < 0)
    throw new RangeError(`minutes must be a finite number of 0 or more, not ${minutes}`);
  const compiled = clock === 'business' ? compileCalendar(cal) : null;
  if (minutes === 0) return new Date(startMs);
  let owedMs = minutes * minuteMs;
  for (const [from, to] of runningTime(compiled, startMs, normalisePauses(pauses, startMs))) {
    // Rounded up to whole milliseconds so that at the due instant the time has been used up.
    if (to - from >= owedMs) return new Date(Math.ceil(from + owedMs));
    owedMs -= to - from;
  }
  throw new RangeError('The clock is paused with no end before the working time is used up');
}

/**
 * Working minutes between from and to (to >= from), not counting pauses. Fractional minutes
 * allowed. A pause with no end (`to` null) counts as lasting past `to`. Throws a RangeError when
 * to is before from or the calendar has problems.
 */
export function workingMinutes(
  cal: BusinessCalendar,
  clock: SlaClockKind,
  from: Date,
  to: Date,
  pauses: Interval[],
): number {
  const fromMs = checkInstant('from', from);
  const toMs = checkInstant('to', to);
  if (toMs < fromMs)
    throw new RangeError(`to (${to.toISOString()}) is before from (${from.toISOString()})`);
  const compiled = clock === 'business' ? compileCalendar(cal) : null;
  let totalMs = 0;
  for (const [start, end] of runningTime(compiled, fromMs, normalisePauses(pauses, fromMs))) {
    if (start >= toMs) break;
    totalMs += Math.min(end, toMs) - start;
    if (end >= toMs) break;
  }
  return totalMs / minuteMs;
}

/**
 * The SLA clock of one target on one ticket at `now`.
 *
 * Pauses are clipped to the clock: time before start never counts, and once stopped nothing after
 * stoppedAt does. A pause still open is taken to end at stoppedAt, or at now while running, so a
 * paused timer's dueAt and warnAt are where they would be if the ticket resumed now; they move on
 * for as long as the pause lasts. A closed pause that ends after now (a known resume date) counts
 * in full. The states rank breached, then paused, then warning: a breach stays visible while
 * paused, and a paused clock is not counting towards its warning.
 */
export function slaTimer(input: {
  target: SlaTarget;
  calendar: BusinessCalendar;
  start: Date;
  stoppedAt: Date | null;
  pauses: Interval[];
  now: Date;
  warnFraction?: number;
}): SlaTimer {
  const { target, calendar, start, stoppedAt, now } = input;
  const warnFraction = input.warnFraction ?? 0.25;
  if (!(warnFraction >= 0 && warnFraction <= 1))
    throw new RangeError(`warnFraction must be between 0 and 1, not ${warnFraction}`);
  const startMs = checkInstant('start', start);
  const nowMs = checkInstant('now', now);
  const stoppedMs = stoppedAt === null ? null : checkInstant('stoppedAt', stoppedAt);
  // A stop or a now before start (clock skew) leaves the clock at start.
  const endMs = Math.max(stoppedMs ?? nowMs, startMs);
  const end = new Date(endMs);

  const paused =
    stoppedMs === null &&
    input.pauses.some(
      (p) => p.from.getTime() <= nowMs && (p.to === null || p.to.getTime() > nowMs),
    );
  const pauses: Interval[] = input.pauses.map((p) => {
    const to = p.to === null ? endMs : p.to.getTime();
    return { from: p.from, to: new Date(stoppedMs === null ? to : Math.min(to, stoppedMs)) };
  });

  const elapsedMinutes = workingMinutes(calendar, target.clock, start, end, pauses);
  if (target.minutes === null) {
    return {
      targetMinutes: null,
      dueAt: null,
      warnAt: null,
      elapsedMinutes,
      remainingMinutes: null,
      paused,
      breached: false,
      met: null,
      state: 'none',
    };
  }

  const dueAt = addWorkingTime(calendar, target.clock, start, target.minutes, pauses);
  const warnAt = addWorkingTime(
    calendar,
    target.clock,
    start,
    target.minutes * (1 - warnFraction),
    pauses,
  );
  const breached = endMs > dueAt.getTime();
  const met = stoppedMs === null ? null : !breached;
  let state: SlaTimer['state'];
  if (met !== null) state = met ? 'met' : 'breached';
  else if (breached) state = 'breached';
  else if (paused) state = 'paused';
  else if (endMs >= warnAt.getTime()) state = 'warning';
  else state = 'running';

  return {
    targetMinutes: target.minutes,
    dueAt,
    warnAt,
    elapsedMinutes,
    remainingMinutes: target.minutes - elapsedMinutes,
    paused,
    breached,
    met,
    state,
  };
}
