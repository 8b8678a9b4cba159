import {
  blockDays,
  compileCalendar,
  piecesOfBlock,
  weekdayIndex,
  type BusinessCalendar,
  type Calendar,
} from '../tickets/sla.ts';

/**
 * The facility's maintenance hours: a BusinessCalendar whose `holidays` are blackout dates (no
 * maintenance at all that local day). 24/7 = all seven days ['00:00','24:00']; "weekends off" =
 * Saturday/Sunday [].
 */
export type MaintenanceHours = BusinessCalendar;

export interface Span {
  start: Date;
  end: Date;
}

/** A booking of an affected suite. */
export interface Busy extends Span {
  id: string;
  label: string;
}

export interface SlotRequest {
  /** Minutes of work, > 0. */
  durationMin: number;
  /** Earliest start (e.g. now, rounded). */
  notBefore: Date;
  /** The work should END by this instant. */
  dueAt: Date;
  /** Any order, may overlap each other. A booking whose end is not after its start takes no time. */
  busy: ReadonlyArray<Busy>;
  hours: MaintenanceHours;
  /** Starts are aligned to this many whole minutes on the UTC clock; default 15. */
  stepMin?: number;
  /** How far past dueAt (in 24-hour days) a late alternative may end; default 60. */
  horizonDays?: number;
}

export interface LeastHarm {
  start: Date;
  end: Date;
  /**
   * Minutes of the slot during which at least one booking runs: overlapping bookings count once.
   * Fractional when bookings do not start and end on whole minutes.
   */
  overlapMin: number;
  /** The bookings the slot overlaps, by start. */
  conflicts: Busy[];
}

export type SlotResult =
  | { fits: true; start: Date; end: Date }
  | {
      fits: false;
      /**
       * 'no_hours': no stretch of maintenance hours between notBefore and dueAt is long enough for
       * the work (including none at all); 'no_free_slot': there are such slots, but every one
       * overlaps a booking.
       */
      reason: 'no_hours' | 'no_free_slot';
      /**
       * The least harmful slot before dueAt inside maintenance hours: fewest minutes overlapping
       * bookings, ties -> earliest. null exactly when the reason is 'no_hours'.
       */
      leastHarm: LeastHarm | null;
      /**
       * The earliest fully free slot starting at or after notBefore that ends after dueAt, but no
       * more than horizonDays after it; null when there is none. It may start before dueAt: a job
       * that overruns its due time by an hour beats one that starts at it.
       */
      late: { start: Date; end: Date } | null;
    };

const minuteMs = 60_000;
const dayMs = 24 * 60 * minuteMs;
/** Zone offsets lie within -12h..+14h, so a local day's instants lie within 14h of its wall times. */
const offsetBoundMs = 14 * 60 * minuteMs;

function checkInstant(name: string, value: Date): number {
  const ms = value instanceof Date ? value.getTime() : Number.NaN;
  if (Number.isNaN(ms)) throw new RangeError(`${name} is not a valid date`);
  return ms;
}

const alignUp = (ms: number, stepMs: number) => Math.ceil(ms / stepMs) * stepMs;
const alignDown = (ms: number, stepMs: number) => Math.floor(ms / stepMs) * stepMs;

// ---------------------------------------------------------------------------------------------
// Maintenance hours

/**
 * Appends the maintenance time within [fromMs, toMs) to `out` as flat start, end pairs: sorted,
 * disjoint, one local day's span at a time, so spans that touch across midnight come out as
 * separate, touching pieces. Flat numbers rather than pairs: a year's walk is done for many work
 * orders, and allocating per piece showed up as its main cost.
 *
 * A span holds every instant whose local wall time on that date lies in [start, end), as in the
 * SLA clock: on a spring-forward day 00:00-24:00 is 23 real hours, on a fall-back day 25.
 */
function collectOpenTime(hours: Calendar, fromMs: number, toMs: number, out: number[]): void {
  let doneUntil = fromMs;
  // A local date starts up to 14 hours before or after the UTC one: begin a day early, and stop
  // once even the earliest instant of the local day is past the end.
  for (let day = Math.floor(fromMs / dayMs) - 1; day * dayMs - offsetBoundMs < toMs; day += 1) {
    const spans = hours.week[weekdayIndex(day)] ?? [];
    if (spans.length === 0 || hours.holidays.has(day)) continue;
    const wallMidnight = day * dayMs;
    // Pieces outside, spans inside: within one offset spans map to instants in order.
    for (const piece of piecesOfBlock(hours.zone, Math.floor(day / blockDays))) {
      for (const [startMinute, endMinute] of spans) {
        const start = wallMidnight + startMinute * minuteMs - piece.offsetMs;
        const end = wallMidnight + endMinute * minuteMs - piece.offsetMs;
        const from = Math.max(start, piece.from, doneUntil);
        const to = Math.min(end, piece.to, toMs);
        if (from < to) {
          out.push(from, to);
          doneUntil = to;
        }
      }
    }
  }
}

/** Flat open pieces joined where they touch, so work can run on across midnight; cut at toMs. */
function joinTouching(open: number[], toMs: number): Array<[number, number]> {
  const joined: Array<[number, number]> = [];
  for (let index = 0; index < open.length; index += 2) {
    const from = open[index] ?? 0;
    const to = Math.min(open[index + 1] ?? 0, toMs);
    if (from >= to) break;
    const last = joined.at(-1);
    if (last && from === last[1]) last[1] = to;
    else joined.push([from, to]);
  }
  return joined;
}

/**
 * The open maintenance-hours stretches (merged, in real instants) intersecting [from, to), clipped
 * to it. Exported for the calendar view and tests. Throws a RangeError for hours that
 * calendarProblems rejects.
 */
export function openStretches(hours: MaintenanceHours, from: Date, to: Date): Span[] {
  const fromMs = checkInstant('from', from);
  const toMs = checkInstant('to', to);
  const open: number[] = [];
  collectOpenTime(compileCalendar(hours, 'maintenance hours'), fromMs, toMs, open);
  return joinTouching(open, toMs).map(([start, end]) => ({
    start: new Date(start),
    end: new Date(end),
  }));
}

// ---------------------------------------------------------------------------------------------
// Bookings

/** Bookings a span overlaps (strict overlap; touching does not count), by start. */
export function overlapping(span: Span, busy: ReadonlyArray<Busy>): Busy[] {
  const fromMs = checkInstant('span start', span.start);
  const toMs = checkInstant('span end', span.end);
  const hits: Array<{ booking: Busy; start: number; end: number }> = [];
  for (const booking of busy) {
    const [start, end] = bookingMs(booking);
    if (start < end && start < toMs && end > fromMs) hits.push({ booking, start, end });
  }
  return hits.sort((a, b) => a.start - b.start || a.end - b.end).map((hit) => hit.booking);
}

/** A booking's [start, end) in milliseconds; the name is only built when a date is bad. */
function bookingMs(booking: Busy): [number, number] {
  const start = booking.start instanceof Date ? booking.start.getTime() : Number.NaN;
  const end = booking.end instanceof Date ? booking.end.getTime() : Number.NaN;
  if (Number.isNaN(start) || Number.isNaN(end))
    throw new RangeError(`busy ${booking.id} has a start or end that is not a valid date`);
  return [start, end];
}

/**
 * The time taken by bookings reaching into [fromMs, toMs), sorted and merged: overlapping and
 * touching bookings become one, so neither search can count the same minute twice.
 *
 * Starts and ends are sorted apart, as plain numbers (a typed array sorts natively, with no
 * comparator calls), then swept as a count of bookings running: the union is where it is above 0.
 * That holds because the k-th earliest end always comes after the k-th earliest start.
 */
function mergeBusy(
  busy: ReadonlyArray<Busy>,
  fromMs: number,
  toMs: number,
): Array<[number, number]> {
  const starts = new Float64Array(busy.length);
  const ends = new Float64Array(busy.length);
  let count = 0;
  for (const booking of busy) {
    const [start, end] = bookingMs(booking);
    if (start < end && end > fromMs && start < toMs) {
      starts[count] = start;
      ends[count] = end;
      count += 1;
    }
  }
  if (count === 0) return [];
  starts.subarray(0, count).sort();
  ends.subarray(0, count).sort();
  const merged: Array<[number, number]> = [];
  let running = 0;
  let openedAt = 0;
  let nextEnd = 0;
  for (let nextStart = 0; nextStart < count;) {
    const start = starts[nextStart] ?? 0;
    const end = ends[nextEnd] ?? 0;
    // Starts first on a tie, so that touching bookings join.
    if (start <= end) {
      if (running === 0) openedAt = start;
      running += 1;
      nextStart += 1;
    } else {
      running -= 1;
      if (running === 0) merged.push([openedAt, end]);
      nextEnd += 1;
    }
  }
  // Past the last start the count only falls, reaching 0 at the latest end.
  merged.push([openedAt, ends[count - 1] ?? 0]);
  return merged;
}

// ---------------------------------------------------------------------------------------------
// Searches

/**
 * The search for the earliest aligned slot lying in one stretch of open time and on no booking.
 * Fed the open pieces in order, it answers the slot's start as soon as one is found, else null.
 * One sweep: after a clash the search resumes at the booking's end, and bookings are passed over
 * in order, so the cost is the number of open pieces plus bookings, not of steps.
 */
function freeSearch(busy: Array<[number, number]>, durationMs: number, stepMs: number) {
  let next = 0;
  let from = Number.NEGATIVE_INFINITY;
  let runEnd = Number.NEGATIVE_INFINITY;
  return (openFrom: number, openTo: number): number | null => {
    // A piece that touches the last one carries the search on where it was (work across midnight).
    if (openFrom !== runEnd) from = Math.max(from, openFrom);
    runEnd = openTo;
    for (;;) {
      const start = alignUp(from, stepMs);
      const end = start + durationMs;
      if (end > openTo) return null;
      while ((busy[next]?.[1] ?? Number.POSITIVE_INFINITY) <= start) next += 1;
      const booking = busy[next];
      if (!booking || booking[0] >= end) return start;
      from = booking[1];
    }
  };
}

/**
 * The aligned slot inside one stretch with the least booked time in it, ties to the earliest.
 *
 * The booked time in [s, s + duration) is piecewise linear in s, bending only where s or
 * s + duration meets a booking's start or end. Between two bends it is least at the first or last
 * aligned start, so those starts (and each stretch's ends) are the only candidates: O(n log n)
 * rather than every step against every booking.
 */
function leastHarmStart(
  open: Array<[number, number]>,
  busy: Array<[number, number]>,
  durationMs: number,
  stepMs: number,
): { start: number; overlapMs: number } | null {
  // before[i] = booked time before busy[i] starts, for booked time up to any instant.
  const before: number[] = [];
  let total = 0;
  for (const [start, end] of busy) {
    before.push(total);
    total += end - start;
  }
  const bookedBefore = (at: number) => {
    // The last booking starting before `at`.
    let low = 0;
    let high = busy.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((busy[mid]?.[0] ?? 0) < at) low = mid + 1;
      else high = mid;
    }
    const last = busy[low - 1];
    if (!last) return 0;
    return (before[low - 1] ?? 0) + Math.min(at, last[1]) - last[0];
  };
  const harm = (start: number) => bookedBefore(start + durationMs) - bookedBefore(start);

  const bends = new Float64Array(busy.length * 4);
  for (const [index, [start, end]] of busy.entries()) {
    bends[index * 4] = start;
    bends[index * 4 + 1] = end;
    bends[index * 4 + 2] = start - durationMs;
    bends[index * 4 + 3] = end - durationMs;
  }
  bends.sort();

  let bestStart = Number.NaN;
  let bestOverlapMs = Number.POSITIVE_INFINITY;
  const consider = (start: number) => {
    const overlapMs = harm(start);
    if (overlapMs < bestOverlapMs || (overlapMs === bestOverlapMs && start < bestStart)) {
      bestStart = start;
      bestOverlapMs = overlapMs;
    }
  };
  let bend = 0;
  for (const [openFrom, openTo] of open) {
    const first = alignUp(openFrom, stepMs);
    const last = alignDown(openTo - durationMs, stepMs);
    if (first > last) continue;
    consider(first);
    consider(last);
    while ((bends[bend] ?? Number.POSITIVE_INFINITY) < first) bend += 1;
    for (; bend < bends.length; bend += 1) {
      const at = bends[bend] ?? Number.POSITIVE_INFINITY;
      if (at > last) break;
      consider(alignDown(at, stepMs));
      consider(alignUp(at, stepMs));
    }
  }
  return Number.isNaN(bestStart) ? null : { start: bestStart, overlapMs: bestOverlapMs };
}

/**
 * The earliest slot [start, start+duration) with start >= notBefore, end <= dueAt, lying wholly
 * inside maintenance hours and overlapping no busy span (touching ends is fine: a booking ending
 * 18:00 allows a slot from 18:00). Open spans that touch across local midnight are one stretch:
 * Mon 22:00-24:00 + Tue 00:00-06:00 allows a slot 23:00-01:00. DST-correct in hours.timezone
 * (hours are local wall-clock; on a 23-hour day the stretch is an hour shorter).
 *
 * Throws a RangeError for a duration that is not a positive number, a step that is not a positive
 * whole number of minutes, a negative horizon, an invalid date, or hours calendarProblems rejects.
 */
export function findSlot(req: SlotRequest): SlotResult {
  const notBeforeMs = checkInstant('notBefore', req.notBefore);
  const dueMs = checkInstant('dueAt', req.dueAt);
  if (!(Number.isFinite(req.durationMin) && req.durationMin > 0))
    throw new RangeError(`durationMin must be a positive number, not ${req.durationMin}`);
  const stepMin = req.stepMin ?? 15;
  if (!(Number.isInteger(stepMin) && stepMin > 0))
    throw new RangeError(`stepMin must be a positive whole number of minutes, not ${stepMin}`);
  const horizonDays = req.horizonDays ?? 60;
  if (!(Number.isFinite(horizonDays) && horizonDays >= 0))
    throw new RangeError(`horizonDays must be 0 or more, not ${horizonDays}`);

  const hours = compileCalendar(req.hours, 'maintenance hours');
  // Whole milliseconds, so that every instant compared below is an exact integer.
  const durationMs = Math.ceil(req.durationMin * minuteMs);
  const stepMs = stepMin * minuteMs;
  const limitMs = dueMs + horizonDays * dayMs;
  const busy = mergeBusy(req.busy, notBeforeMs, limitMs);

  // One search serves both answers: the first free slot either ends by dueAt or is the late one.
  // Open time is walked in chunks that double, so a slot found tomorrow costs days, not the
  // horizon; the pieces are kept for the least-harm search, which needs them all up to dueAt.
  const open: number[] = [];
  const offer = freeSearch(busy, durationMs, stepMs);
  let free: number | null = null;
  for (let from = notBeforeMs, days = 7; free === null && from < limitMs; days *= 2) {
    const to = Math.min(from + days * dayMs, limitMs);
    let index = open.length;
    collectOpenTime(hours, from, to, open);
    for (; free === null && index < open.length; index += 2)
      free = offer(open[index] ?? 0, open[index + 1] ?? 0);
    from = to;
  }
  if (free !== null && free + durationMs <= dueMs)
    return { fits: true, start: new Date(free), end: new Date(free + durationMs) };
  const late = free === null ? null : { start: new Date(free), end: new Date(free + durationMs) };

  // A late slot ends after dueAt, so the walk above has passed dueAt either way.
  const stretchesBeforeDue = joinTouching(open, dueMs);
  const best = leastHarmStart(stretchesBeforeDue, busy, durationMs, stepMs);
  if (!best) return { fits: false, reason: 'no_hours', leastHarm: null, late };
  const span = { start: new Date(best.start), end: new Date(best.start + durationMs) };
  return {
    fits: false,
    reason: 'no_free_slot',
    leastHarm: {
      ...span,
      overlapMin: best.overlapMs / minuteMs,
      conflicts: overlapping(span, req.busy),
    },
    late,
  };
}
