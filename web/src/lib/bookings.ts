// Suite bookings: who is in which suite, when. Everything here is pure (no DOM, no runes), so the
// schedule maths and the words on the wall are unit-tested in Node.
//
// Times are shown on the suite's own clock (its site's time zone): a session "until 18:00" in a
// Soho suite means 18:00 London time on whatever screen reads it.
import { zonedToIso } from './zoned-time.ts';

export type SignoffKind = 'grade' | 'mix';

/** Work an engineer moved onto a session on purpose, with the reason they gave. */
export interface MovedWork {
  id: string;
  number: number;
  title: string;
  status: string;
  scheduledStart: string | null;
  scheduledEnd: string | null;
  reason: string;
}

export interface Booking {
  id: string;
  suiteId: string;
  client: string;
  project: string;
  operator: string;
  startsAt: string;
  endsAt: string;
  // The server always sends these three; fixtures and older answers may leave them out.
  /** A client approving the grade or the mix. */
  signoff?: SignoffKind | null;
  /** A sign-off whose suite has no passing calibration recent enough at the session's start. */
  signoffRisk?: { reason: string; lastPassAt: string | null } | null;
  movedWork?: MovedWork[];
  source: 'manual' | 'ics';
  sourceUid: string | null;
  createdById: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface NewBooking {
  suiteId: string;
  client: string;
  project: string;
  operator: string;
  startsAt: string;
  endsAt: string;
  signoff?: SignoffKind | null;
}

export type BookingPatch = Partial<NewBooking>;

export interface ImportRequest {
  suiteId: string;
  ics?: string;
  url?: string;
}

export interface ImportResult {
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
  /** Imported before, and no longer in the calendar's events. */
  removed?: number;
  errors: string[];
}

export const dayMs = 24 * 3600_000;
/** The wall looks this far ahead for a suite's next session. */
export const lookAheadMs = 7 * dayMs;

/** What the wall loads: every suite's bookings from a day ago to a week ahead. */
export function wallRange(now: number): { from: string; to: string } {
  return {
    from: new Date(now - dayMs).toISOString(),
    to: new Date(now + lookAheadMs).toISOString(),
  };
}

const start = (b: Booking) => Date.parse(b.startsAt);
const end = (b: Booking) => Date.parse(b.endsAt);

/**
 * The suite's session running at `now`, if any. Imported calendars may overlap; the session that
 * began first is the one the room is in.
 */
export function runningAt(bookings: Booking[], suiteId: string, now: number): Booking | undefined {
  let found: Booking | undefined;
  for (const b of bookings) {
    if (b.suiteId !== suiteId || start(b) > now || end(b) <= now) continue;
    if (!found || start(b) < start(found)) found = b;
  }
  return found;
}

/** The suite's next session to start after `now` and within `withinMs`. */
export function nextAfter(
  bookings: Booking[],
  suiteId: string,
  now: number,
  withinMs = lookAheadMs,
): Booking | undefined {
  let found: Booking | undefined;
  for (const b of bookings) {
    if (b.suiteId !== suiteId || start(b) <= now || start(b) >= now + withinMs) continue;
    if (!found || start(b) < start(found)) found = b;
  }
  return found;
}

/**
 * The next moment after `now` when what a view shows changes by itself: a session starts or ends,
 * or a day turns over in one of `zones` (so "Tue 14:00" becomes "14:00"). A view sets one timer
 * for it instead of polling. Null when nothing is coming.
 */
export function nextBoundary(
  bookings: Booking[],
  now: number,
  zones: string[] = [],
): number | null {
  let next = Infinity;
  for (const b of bookings) {
    for (const t of [start(b), end(b)]) if (t > now && t < next) next = t;
  }
  for (const zone of new Set(zones)) {
    const midnight = dayStartMs(addDays(localDate(now, zone), 1), zone);
    if (midnight > now && midnight < next) next = midnight;
  }
  return Number.isFinite(next) ? next : null;
}

// Intl formats are costly to build and a wall formats a label per tile: keep one per zone.
const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(kind: 'date' | 'time' | 'weekday', timeZone: string): Intl.DateTimeFormat {
  const key = `${kind}|${timeZone}`;
  let format = formats.get(key);
  if (!format) {
    format =
      kind === 'date'
        ? // en-CA writes dates as YYYY-MM-DD.
          new Intl.DateTimeFormat('en-CA', {
            timeZone,
            year: 'numeric',
            month: '2-digit',
            day: '2-digit',
          })
        : kind === 'time'
          ? new Intl.DateTimeFormat('en-GB', {
              timeZone,
              hour: '2-digit',
              minute: '2-digit',
              hourCycle: 'h23',
            })
          : new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short' });
    formats.set(key, format);
  }
  return format;
}

const ms = (t: string | number) => (typeof t === 'number' ? t : Date.parse(t));

/** The local date ("2025-03-04") at an instant in `zone`. */
export function localDate(t: string | number, zone: string): string {
  return formatFor('date', zone).format(ms(t));
}

/** "18:00": the 24-hour wall clock in `zone`. */
export function clockTime(t: string | number, zone: string): string {
  return formatFor('time', zone).format(ms(t));
}

/** "Tue": the weekday in `zone`. */
export function weekday(t: string | number, zone: string): string {
  return formatFor('weekday', zone).format(ms(t));
}

/** "18:00" when `t` falls on the same local day as `now`, else "Tue 18:00". */
export function timeFrom(t: string | number, now: string | number, zone: string): string {
  const time = clockTime(t, zone);
  return localDate(t, zone) === localDate(now, zone) ? time : `${weekday(t, zone)} ${time}`;
}

/** Calendar dates as "YYYY-MM-DD" strings, counted in UTC so no zone can shift them. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * dayMs).toISOString().slice(0, 10);
}

/** The Monday on or before `date`. */
export function mondayOf(date: string): string {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  return addDays(date, -((day + 6) % 7));
}

export function weekDays(monday: string): string[] {
  return Array.from({ length: 7 }, (_, i) => addDays(monday, i));
}

export function isDate(value: string | undefined): value is string {
  return (
    value !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value))
  );
}

/** When the local day `date` begins in `zone` (just after the gap, if a clock change skips midnight). */
export function dayStartMs(date: string, zone: string): number {
  return Date.parse(zonedToIso(`${date}T00:00`, zone) ?? `${date}T00:00:00Z`);
}

/** The instants bounding a week of local days, for `GET /api/bookings?from&to`. */
export function weekRange(monday: string, zone: string): { from: string; to: string } {
  return {
    from: new Date(dayStartMs(monday, zone)).toISOString(),
    to: new Date(dayStartMs(addDays(monday, 7), zone)).toISOString(),
  };
}

/** "Mon 3 Mar": a day's heading. */
export function dayHeading(date: string): string {
  return new Date(`${date}T12:00:00Z`).toLocaleDateString('en-GB', {
    timeZone: 'UTC',
    weekday: 'short',
    day: 'numeric',
    month: 'short',
  });
}

/** "3 – 9 Mar 2025", "28 Apr – 4 May 2025": a week's label. */
export function weekHeading(monday: string): string {
  const sunday = addDays(monday, 6);
  const fmt = (date: string, options: Intl.DateTimeFormatOptions) =>
    new Date(`${date}T12:00:00Z`).toLocaleDateString('en-GB', { timeZone: 'UTC', ...options });
  const sameMonth = monday.slice(0, 7) === sunday.slice(0, 7);
  const first = fmt(monday, sameMonth ? { day: 'numeric' } : { day: 'numeric', month: 'short' });
  return `${first} – ${fmt(sunday, { day: 'numeric', month: 'short', year: 'numeric' })}`;
}

/** The sessions that touch the local day `date`, earliest first. An overnight one is on both days. */
export function bookingsOnDay(bookings: Booking[], date: string, zone: string): Booking[] {
  const from = dayStartMs(date, zone);
  const to = dayStartMs(addDays(date, 1), zone);
  return bookings
    .filter((b) => start(b) < to && end(b) > from)
    .sort((a, b) => start(a) - start(b) || end(a) - end(b));
}

/**
 * A session's times as read under the day `date`: "09:00–18:00", and for an overnight session
 * "22:00–Tue 02:00" on the first day and "Mon 22:00–02:00" on the next.
 */
export function spanOnDay(b: Booking, date: string, zone: string): string {
  const side = (t: string) =>
    localDate(t, zone) === date ? clockTime(t, zone) : `${weekday(t, zone)} ${clockTime(t, zone)}`;
  return `${side(b.startsAt)}–${side(b.endsAt)}`;
}

/** What a wall tile says about its suite's sessions. */
export interface TileBooking {
  kind: 'now' | 'next';
  /** `lead + client + tail`, in parts so a long client name is cut short and the time is not. */
  lead: string;
  client: string;
  tail: string;
  text: string;
  /** The longer version, for a tooltip. */
  detail: string;
}

function who(b: Booking): string {
  return [b.client, b.project, b.operator && `with ${b.operator}`].filter(Boolean).join(', ');
}

function line(kind: TileBooking['kind'], client: string, tail: string, detail: string) {
  const lead = kind === 'now' ? 'in session: ' : 'next: ';
  return { kind, lead, client, tail, text: `${lead}${client}${tail}`, detail };
}

/**
 * "in session: ACME until 18:00" while a session runs, else "next: ACME 14:00" (with the weekday
 * when it is not today) for one starting within a week, else null.
 */
export function tileBooking(
  bookings: Booking[],
  suiteId: string,
  now: number,
  zone: string,
): TileBooking | null {
  const running = runningAt(bookings, suiteId, now);
  if (running) {
    const until = timeFrom(running.endsAt, now, zone);
    return line(
      'now',
      running.client,
      ` until ${until}`,
      `In session: ${who(running)}, until ${until}`,
    );
  }
  const next = nextAfter(bookings, suiteId, now);
  if (!next) return null;
  const at = timeFrom(next.startsAt, now, zone);
  return line(
    'next',
    next.client,
    ` ${at}`,
    `Next session: ${who(next)}, ${at}–${timeFrom(next.endsAt, next.startsAt, zone)}`,
  );
}

/** The ids of sessions that overlap another (imports store clashes; the calendar wins). */
export function clashing(bookings: Booking[]): Set<string> {
  const ids = new Set<string>();
  const sorted = [...bookings].sort((a, b) => start(a) - start(b));
  for (const [i, a] of sorted.entries()) {
    for (const b of sorted.slice(i + 1)) {
      if (start(b) >= end(a)) break;
      if (a.suiteId !== b.suiteId) continue;
      ids.add(a.id);
      ids.add(b.id);
    }
  }
  return ids;
}

interface Place {
  id: string;
  name: string;
}
interface RoomPlace extends Place {
  siteId: string;
}
interface SitePlace extends Place {
  timezone: string;
}

/** The suite's clock: its site's zone, or `fallback` for a suite in no room. */
export function suiteZone(
  suite: { roomId: string | null },
  rooms: RoomPlace[],
  sites: SitePlace[],
  fallback: string,
): string {
  const room = rooms.find((r) => r.id === suite.roomId);
  return sites.find((s) => s.id === room?.siteId)?.timezone ?? fallback;
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Suites grouped as "Site · Room" for a picker, by name; suites in no room come last. */
export function suiteGroups<S extends { id: string; name: string; roomId: string | null }>(
  suites: S[],
  rooms: RoomPlace[],
  sites: SitePlace[],
): { label: string; suites: S[] }[] {
  const groups = new Map<string, S[]>();
  for (const suite of suites) {
    const room = rooms.find((r) => r.id === suite.roomId);
    const site = sites.find((s) => s.id === room?.siteId);
    const label = room ? (site ? `${site.name} · ${room.name}` : room.name) : '';
    groups.set(label, [...(groups.get(label) ?? []), suite]);
  }
  return [...groups.entries()]
    .map(([label, list]) => ({
      label: label || 'No room',
      last: label === '',
      suites: list.sort((a, b) => collator.compare(a.name, b.name)),
    }))
    .sort((a, b) => Number(a.last) - Number(b.last) || collator.compare(a.label, b.label))
    .map(({ label, suites }) => ({ label, suites }));
}

/** The form's fields: wall-clock times as a datetime-local field holds them. */
export interface BookingDraft {
  client: string;
  project: string;
  operator: string;
  startsAt: string;
  endsAt: string;
}

export type DraftField = keyof BookingDraft;
const draftFields: readonly string[] = ['client', 'project', 'operator', 'startsAt', 'endsAt'];

/** The sign-off select's choices; '' is none. */
export const signoffChoices: ReadonlyArray<{ value: SignoffKind | ''; label: string }> = [
  { value: '', label: 'None' },
  { value: 'grade', label: 'Grade approval' },
  { value: 'mix', label: 'Mix approval' },
];

export const signoffLabels: Record<SignoffKind, string> = {
  grade: 'grade approval',
  mix: 'mix approval',
};

/** "Sign-off at risk: …", with the last pass when there was one. */
export function signoffRiskText(
  risk: { reason: string; lastPassAt: string | null },
  zone: string,
): string {
  const last = risk.lastPassAt
    ? ` Last pass: ${dayHeading(localDate(risk.lastPassAt, zone))} ${clockTime(risk.lastPassAt, zone)}.`
    : '';
  return `${risk.reason.charAt(0).toUpperCase()}${risk.reason.slice(1)}.${last}`;
}

/** The instants the server wants; a time that does not parse goes as typed so the server names it. */
export function draftToInput(draft: BookingDraft, zone: string): Omit<NewBooking, 'suiteId'> {
  return {
    client: draft.client,
    project: draft.project,
    operator: draft.operator,
    startsAt: zonedToIso(draft.startsAt, zone) ?? draft.startsAt,
    endsAt: zonedToIso(draft.endsAt, zone) ?? draft.endsAt,
  };
}

/** The datetime-local value for an instant on `zone`'s clock. */
export function wallClock(t: string | number, zone: string): string {
  return `${localDate(t, zone)}T${clockTime(t, zone)}`;
}

export function bookingToDraft(b: Booking, zone: string): BookingDraft {
  return {
    client: b.client,
    project: b.project,
    operator: b.operator,
    startsAt: wallClock(b.startsAt, zone),
    endsAt: wallClock(b.endsAt, zone),
  };
}

/**
 * A new session's first guess: on `date` at 10:00–19:00 (a post-production day), or, when `date`
 * is today and that has begun, from the next full hour for as long.
 */
export function defaultDraft(date: string, now: number, zone: string): BookingDraft {
  let from = Date.parse(zonedToIso(`${date}T10:00`, zone) ?? `${date}T10:00:00Z`);
  if (localDate(now, zone) === date && from < now) from = Math.ceil(now / 3600_000) * 3600_000;
  return {
    client: '',
    project: '',
    operator: '',
    startsAt: wallClock(from, zone),
    endsAt: wallClock(from + 9 * 3600_000, zone),
  };
}

/** The form field a server message is about: "body.endsAt: …" → "endsAt"; null for the form. */
export function fieldOf(message: string): DraftField | null {
  const name = /^body\.(\w+)/.exec(message)?.[1];
  return name !== undefined && draftFields.includes(name) ? (name as DraftField) : null;
}

/** Server messages name times in UTC ISO; people read them on the suite's clock. */
export function localizeTimes(message: string, zone: string): string {
  return message.replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z/g, (iso) =>
    Number.isNaN(Date.parse(iso))
      ? iso
      : `${dayHeading(localDate(iso, zone))} ${clockTime(iso, zone)}`,
  );
}

/** An import's refusal, naming the control rather than the request's field. */
export function importErrorText(message: string): string {
  return message
    .replace(/^body\.url:\s*/, 'Calendar URL: ')
    .replace(/^body\.ics:\s*/, 'Calendar file: ');
}

/** "2 created · 1 updated · 5 unchanged · 0 skipped", and "· 1 removed" when any went. */
export function importSummary(result: ImportResult): string {
  const counts = (['created', 'updated', 'unchanged', 'skipped'] as const).map(
    (key) => `${result[key]} ${key}`,
  );
  if (result.removed) counts.push(`${result.removed} removed`);
  return counts.join(' · ');
}
