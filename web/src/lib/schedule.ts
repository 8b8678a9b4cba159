// The maintenance schedule calendar: which days a view shows, where each event sits in a day
// column, and what the calendar API answers. Pure (no DOM, no runes) so the layout maths is
// unit-tested in Node.
//
// Every day is a local day of the facility's zone, measured in real time: a column is as long as
// its day, so on a spring-forward day in London 00:00-24:00 is 23 hours and on a fall-back day
// 25, and an event is placed by the instants it starts and ends, never by its wall-clock digits.
import { addDays, clockTime, dayStartMs, mondayOf, weekHeading, weekday } from './bookings.ts';
// Types only, from the server's own list, so these helpers stay free of the browser's API layer.
import type { WorkOrderStatus } from '../../../server/domain.ts';
import type {
  CalendarBooking,
  CalendarData,
  CalendarWindow,
  CalendarWorkOrder,
  Interval,
} from '../../../server/modules/pm/api-types.ts';

export type CalendarView = 'day' | 'week' | 'month';
export const calendarViews: readonly CalendarView[] = ['day', 'week', 'month'];

export type ScopeKind = 'facility' | 'site' | 'room' | 'suite';
export interface CalendarScope {
  kind: ScopeKind;
  /** Empty for the whole facility. */
  id: string;
}

export type { CalendarBooking, CalendarData, CalendarWindow, CalendarWorkOrder, Interval };

const minuteMs = 60_000;
const hourMs = 60 * minuteMs;

// ---------------------------------------------------------------------------------------------
// Days and periods

/** The first day of the month `date` is in. */
export function monthStart(date: string): string {
  return `${date.slice(0, 7)}-01`;
}

/** `date`'s month moved by `months`, on its first day. */
export function addMonths(date: string, months: number): string {
  const [y, m] = date.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + months, 1));
  return d.toISOString().slice(0, 10);
}

/**
 * A month as weeks of seven dates, Monday first: from the Monday on or before the 1st to the
 * Sunday on or after the last day, so 4 to 6 rows.
 */
export function monthGrid(date: string): string[][] {
  const first = monthStart(date);
  const next = addMonths(first, 1);
  const weeks: string[][] = [];
  for (let monday = mondayOf(first); monday < next; monday = addDays(monday, 7))
    weeks.push(Array.from({ length: 7 }, (_, i) => addDays(monday, i)));
  return weeks;
}

/** The days a view shows as columns (or, for a month, as cells), in order. */
export function viewDays(view: CalendarView, date: string): string[] {
  if (view === 'day') return [date];
  if (view === 'week') return Array.from({ length: 7 }, (_, i) => addDays(mondayOf(date), i));
  return monthGrid(date).flat();
}

/** The instants bounding a view's days in `zone`, for the calendar API's from and to. */
export function viewPeriod(
  view: CalendarView,
  date: string,
  zone: string,
): { from: string; to: string } {
  const days = viewDays(view, date);
  const first = days[0] ?? date;
  const last = days.at(-1) ?? date;
  return {
    from: new Date(dayStartMs(first, zone)).toISOString(),
    to: new Date(dayStartMs(addDays(last, 1), zone)).toISOString(),
  };
}

/** The date the previous or next button goes to: a day, a week or a month on. */
export function stepDate(view: CalendarView, date: string, step: -1 | 1): string {
  if (view === 'day') return addDays(date, step);
  if (view === 'week') return addDays(mondayOf(date), 7 * step);
  return addMonths(date, step);
}

/** Whether `date` is inside what the view shows for `anchor` (the month, not its grid edges). */
export function viewHolds(view: CalendarView, anchor: string, date: string): boolean {
  if (view === 'day') return anchor === date;
  if (view === 'week') return mondayOf(anchor) === mondayOf(date);
  return anchor.slice(0, 7) === date.slice(0, 7);
}

const longDate = (date: string, options: Intl.DateTimeFormatOptions) =>
  new Date(`${date}T12:00:00Z`).toLocaleDateString('en-GB', { timeZone: 'UTC', ...options });

/** "Monday 3 March 2025", "3 – 9 Mar 2025", "March 2025". */
export function periodHeading(view: CalendarView, date: string): string {
  if (view === 'day')
    return longDate(date, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
  if (view === 'week') return weekHeading(mondayOf(date));
  return longDate(date, { month: 'long', year: 'numeric' });
}

/** A local day in `zone` as instants: [start, end), and its real length in hours (23, 24, 25). */
export function dayBounds(
  date: string,
  zone: string,
): { start: number; end: number; hours: number } {
  const start = dayStartMs(date, zone);
  const end = dayStartMs(addDays(date, 1), zone);
  return { start, end, hours: (end - start) / hourMs };
}

/**
 * The hour lines of a local day, each with its wall-clock label and its place down the column
 * (0 = the day's start, 1 = its end). Stepped in real hours, so a spring-forward day in London
 * reads 00, 02, 03, ... (23 lines) and a fall-back day 00, 01, 01, 02, ... (25 lines).
 */
export function hourMarks(date: string, zone: string): Array<{ label: string; at: number }> {
  const day = dayBounds(date, zone);
  const marks: Array<{ label: string; at: number }> = [];
  for (let t = day.start; t < day.end; t += hourMs)
    marks.push({ label: clockTime(t, zone), at: (t - day.start) / (day.end - day.start) });
  return marks;
}

// ---------------------------------------------------------------------------------------------
// Placing events in a day column

export interface Span {
  start: number;
  end: number;
}

export interface Placed<T> {
  item: T;
  /** The part of the event inside the day, as instants. */
  start: number;
  end: number;
  /** Fractions of the day's length: where the block begins and how tall it is. */
  top: number;
  height: number;
  /** Side-by-side lanes: this event's lane and how many its overlapping group needs. */
  lane: number;
  lanes: number;
  /** It began before this day or runs on past it (an overnight session). */
  startsBefore: boolean;
  endsAfter: boolean;
}

/** The events touching [from, to), earliest first; those that only touch an edge are not. */
export function eventsBetween<T>(
  items: readonly T[],
  span: (t: T) => Span,
  from: number,
  to: number,
): T[] {
  return items
    .filter((item) => {
      const s = span(item);
      return s.start < to && s.end > from;
    })
    .sort((a, b) => span(a).start - span(b).start || span(b).end - span(a).end);
}

/**
 * Lays events out in one local day: each clipped to the day, at its place down the column, and
 * given a lane so overlapping events stand side by side. Lanes are dealt greedily in order of
 * start (first free lane); a group of events linked by overlaps shares one lane count, so
 * blocks in a group are equally wide. `minMs` is the shortest a block is drawn, so two short
 * events that would be drawn on top of each other also get separate lanes.
 */
export function layoutDay<T>(
  items: readonly T[],
  span: (t: T) => Span,
  date: string,
  zone: string,
  minMs = 0,
): Placed<T>[] {
  const day = dayBounds(date, zone);
  const length = day.end - day.start;
  const placed: Placed<T>[] = [];
  const laneEnds: number[] = [];
  let group: Placed<T>[] = [];
  let groupEnd = Number.NEGATIVE_INFINITY;
  const closeGroup = () => {
    for (const p of group) p.lanes = laneEnds.length;
    group = [];
    laneEnds.length = 0;
  };
  for (const item of eventsBetween(items, span, day.start, day.end)) {
    const s = span(item);
    const start = Math.max(s.start, day.start);
    const end = Math.min(s.end, day.end);
    const drawnEnd = Math.max(end, Math.min(start + minMs, day.end));
    if (start >= groupEnd) closeGroup();
    let lane = laneEnds.findIndex((laneEnd) => laneEnd <= start);
    if (lane === -1) lane = laneEnds.push(drawnEnd) - 1;
    else laneEnds[lane] = drawnEnd;
    groupEnd = Math.max(groupEnd, drawnEnd);
    const p: Placed<T> = {
      item,
      start,
      end,
      top: (start - day.start) / length,
      height: (end - start) / length,
      lane,
      lanes: 1,
      startsBefore: s.start < day.start,
      endsAfter: s.end > day.end,
    };
    group.push(p);
    placed.push(p);
  }
  closeGroup();
  return placed;
}

/** The parts of [from, to) that none of `open` covers: the time outside maintenance hours. */
export function gaps(open: readonly Span[], from: number, to: number): Span[] {
  const out: Span[] = [];
  let cursor = from;
  for (const s of [...open].sort((a, b) => a.start - b.start)) {
    if (s.end <= cursor || s.start >= to) continue;
    if (s.start > cursor) out.push({ start: cursor, end: Math.min(s.start, to) });
    cursor = Math.max(cursor, s.end);
    if (cursor >= to) break;
  }
  if (cursor < to) out.push({ start: cursor, end: to });
  return out;
}

/** Bands down a day column for spans: the part of each inside the day, as fractions. */
export function bandsOnDay(
  spans: readonly Span[],
  date: string,
  zone: string,
): Array<{ top: number; height: number }> {
  const day = dayBounds(date, zone);
  const length = day.end - day.start;
  return spans
    .filter((s) => s.start < day.end && s.end > day.start)
    .map((s) => {
      const start = Math.max(s.start, day.start);
      const end = Math.min(s.end, day.end);
      return { top: (start - day.start) / length, height: (end - start) / length };
    });
}

/**
 * The instant at a place down a day column (0 = the day's start, 1 = its end), snapped to
 * `stepMin` minutes: where a dragged block lands. Snapped on the UTC clock, which keeps every
 * zone's quarter hours (all offsets are whole quarters).
 */
export function instantAt(date: string, zone: string, fraction: number, stepMin = 15): number {
  const day = dayBounds(date, zone);
  const raw = day.start + Math.min(1, Math.max(0, fraction)) * (day.end - day.start);
  const step = stepMin * minuteMs;
  return Math.round(raw / step) * step;
}

// ---------------------------------------------------------------------------------------------
// Events

export const iso = (t: string) => Date.parse(t);

export const bookingSpan = (b: CalendarBooking): Span => ({ start: iso(b.start), end: iso(b.end) });
export const windowSpan = (w: CalendarWindow): Span => ({ start: iso(w.start), end: iso(w.end) });

/**
 * Where a work order sits: its slot, or for work with no free slot the slot on offer. Work with
 * neither has no time of its own (it is shown on its due date).
 */
export function workOrderSpan(w: CalendarWorkOrder): (Span & { offered: boolean }) | null {
  if (w.scheduledStart) {
    const start = iso(w.scheduledStart);
    const end = w.scheduledEnd ? iso(w.scheduledEnd) : start + w.durationMin * minuteMs;
    return { start, end: Math.max(end, start + minuteMs), offered: false };
  }
  if (w.proposedStart) {
    const start = iso(w.proposedStart);
    const end = w.proposedEnd ? iso(w.proposedEnd) : start + w.durationMin * minuteMs;
    return { start, end: Math.max(end, start + minuteMs), offered: true };
  }
  return null;
}

/** What the calendar asks to move: `start` is where a drag left it, `failure` why that failed. */
export interface MoveRequest {
  order: CalendarWorkOrder;
  start: number;
  failure?: unknown;
}

/** Work that can still move: the server refuses done, skipped, cancelled and reviewed work. */
export function movable(w: CalendarWorkOrder): boolean {
  return w.status === 'scheduled' || w.status === 'in_progress';
}

export const statusLabels: Record<WorkOrderStatus, string> = {
  scheduled: 'Scheduled',
  in_progress: 'In progress',
  pending_review: 'Awaiting review',
  done: 'Done',
  skipped: 'Skipped',
  cancelled: 'Cancelled',
};

/** What the work is on, for a block's second line: "X310 G1", "Grade 1", "Floor 1". */
export function workPlace(w: CalendarWorkOrder): string {
  return w.deviceName ?? w.suiteName ?? w.roomName ?? '';
}

/** "19:00–20:00", with weekdays on the ends that fall on another local day than `date`. */
export function spanText(span: Span, date: string, zone: string): string {
  const side = (t: number) => {
    const start = dayStartMs(date, zone);
    const end = dayStartMs(addDays(date, 1), zone);
    return t >= start && t <= end
      ? clockTime(t, zone)
      : `${weekday(t, zone)} ${clockTime(t, zone)}`;
  };
  return `${side(span.start)}–${side(span.end)}`;
}

/** "Grade 1: Northern Light (10:00–18:00)" and the like, for a 409's question. */
export function clashText(
  clashes: ReadonlyArray<{ label: string; start: string; end: string }>,
  zone: string,
): string {
  return clashes
    .map((c) => {
      const start = iso(c.start);
      const end = iso(c.end);
      return `${c.label} (${weekday(start, zone)} ${clockTime(start, zone)}–${clockTime(end, zone)})`;
    })
    .join(', ');
}

// ---------------------------------------------------------------------------------------------
// The URL

/** The place a calendar shows, from the route's query: `site`, `room` or `suite`, else all. */
export function scopeFromQuery(query: Record<string, string | undefined>): CalendarScope {
  for (const kind of ['suite', 'room', 'site'] as const) {
    const id = query[kind];
    if (id) return { kind, id };
  }
  return { kind: 'facility', id: '' };
}

export function scopeValue(scope: CalendarScope): string {
  return scope.kind === 'facility' ? 'facility' : `${scope.kind}:${scope.id}`;
}

export function parseScopeValue(value: string): CalendarScope {
  const [kind, id] = value.split(':');
  if ((kind === 'site' || kind === 'room' || kind === 'suite') && id) return { kind, id };
  return { kind: 'facility', id: '' };
}

/** The query the API takes for a scope. */
export function scopeParams(scope: CalendarScope): Record<string, string> {
  return scope.kind === 'facility' ? {} : { [`${scope.kind}Id`]: scope.id };
}

/** The route's query for a view, date and scope. */
export function scheduleQuery(
  view: CalendarView,
  date: string | undefined,
  scope: CalendarScope,
): Record<string, string | undefined> {
  return {
    view: view === 'week' ? undefined : view,
    date,
    ...(scope.kind === 'facility' ? {} : { [scope.kind]: scope.id }),
  };
}

export function isView(value: string | undefined): value is CalendarView {
  return value === 'day' || value === 'week' || value === 'month';
}
