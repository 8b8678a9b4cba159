// Helpdesk administration as the dashboard shows it: the settings (priority matrix, SLA targets,
// business calendar), problems, runbooks and the helpdesk report. Everything here is pure (no
// DOM, no runes), so it is unit-tested in Node.
import {
  deviceKinds,
  levels,
  priorities,
  problemStatuses,
  severities,
  ticketCategories,
  ticketStatuses,
  type DeviceKind,
  type Level,
  type Priority,
  type ProblemStatus,
  type Role,
  type Severity,
  type TicketCategory,
  type TicketStatus,
} from '../../../server/domain.ts';

export {
  deviceKinds,
  levels,
  priorities,
  problemStatuses,
  severities,
  ticketCategories,
  ticketStatuses,
  type DeviceKind,
  type Level,
  type Priority,
  type ProblemStatus,
  type Severity,
  type TicketCategory,
  type TicketStatus,
};

// ---------------------------------------------------------------------------------------------
// Shapes of the API (server/modules/tickets/schemas.ts Settings, problems, runbooks, reports)

export type SlaClock = 'business' | 'continuous';
export type PriorityKey = `${Priority}`;

export interface SlaTargets {
  responseMinutes: number | null;
  resolutionMinutes: number | null;
  clock: SlaClock;
}

/** An open span of a day, [start, end): 'HH:MM', the end may be '24:00'. */
export type Span = [string, string];

export interface BusinessCalendar {
  timezone: string;
  /** Monday..Sunday; [] = closed. */
  week: Span[][];
  holidays: string[];
}

export interface HelpdeskSettings {
  /** impact → urgency → priority. */
  matrix: Record<Level, Record<Level, Priority>>;
  sla: Record<PriorityKey, SlaTargets>;
  calendar: BusinessCalendar;
  urgencyWindowHours: number;
  sharedSuites: number;
  faultTicketSeverity: Severity | null;
  teams: string[];
  warnFraction: number;
}

export interface Problem {
  id: string;
  number: number;
  title: string;
  description: string;
  status: ProblemStatus;
  rootCause: string;
  workaround: string;
  permanentFix: string;
  ownerId: string | null;
  owner: string | null;
  createdById: string | null;
  createdBy: string;
  closedAt: string | null;
  createdAt: string;
  updatedAt: string;
  incidentCount: number;
  openIncidents: number;
}

export interface Incident {
  id: string;
  number: number;
  title: string;
  status: TicketStatus;
  priority: Priority;
  createdAt: string;
}

export interface ProblemDetail extends Problem {
  incidents: Incident[];
}

export interface ProblemInput {
  title: string;
  description: string;
  rootCause: string;
  workaround: string;
  permanentFix: string;
  ownerId: string | null;
}

export type ProblemPatch = Partial<ProblemInput> & { status?: ProblemStatus };

export interface Runbook {
  id: string;
  title: string;
  body: string;
  /** Rendered and sanitised by the server: the only runbook text ever inserted as HTML. */
  html: string;
  deviceKinds: string[];
  profiles: string[];
  conditions: string[];
  categories: string[];
  createdById: string | null;
  createdBy: string;
  updatedBy: string;
  createdAt: string;
  updatedAt: string;
}

export type RunbookFacet = 'deviceKinds' | 'profiles' | 'conditions' | 'categories';

export interface RunbookInput {
  title: string;
  body: string;
  deviceKinds: string[];
  profiles: string[];
  conditions: string[];
  categories: string[];
}

export interface RunbookSuggestion extends Runbook {
  score: number;
  matched: Array<'condition' | 'profile' | 'deviceKind' | 'category'>;
}

/** A ticket as the problem page's "link a ticket" field offers it. */
export interface TicketRef {
  id: string;
  number: number;
  title: string;
  status: TicketStatus;
}

interface ByPriority {
  p1: number;
  p2: number;
  p3: number;
  p4: number;
  p5: number;
  total: number;
}

export interface BacklogBucket extends ByPriority {
  age: string;
  minDays: number;
  maxDays: number | null;
}

export interface SlaRow {
  measure: 'response' | 'resolution';
  priority: Priority;
  withTarget: number;
  met: number;
  breached: number;
  attainment: number | null;
}

export interface SuiteCount {
  suiteId: string;
  suiteName: string;
  count: number;
  open: number;
}

export interface DeviceKindCount {
  kind: DeviceKind;
  count: number;
  open: number;
}

export interface HelpdeskReport {
  from: string;
  to: string;
  backlog: { asOf: string; buckets: BacklogBucket[]; totals: ByPriority };
  mtta: { minutes: number | null; count: number };
  mttr: { minutes: number | null; count: number; meaning: 'restore' };
  sla: SlaRow[];
  perSuite: SuiteCount[];
  perDeviceKind: DeviceKindCount[];
}

// ---------------------------------------------------------------------------------------------
// Who sees what

/** Everyone reads the settings; only an admin changes them. */
export const canEditSettings = (role: Role | null | undefined) => role === 'admin';

/** The helpdesk report is for everyone but juniors (the server says the same). */
export const canReadReports = (role: Role | null | undefined) =>
  role === 'engineer' || role === 'manager' || role === 'admin';

// ---------------------------------------------------------------------------------------------
// Durations

const hourMinutes = 60;
const dayMinutes = 24 * hourMinutes;

/** "15 min", "1 h 30 min", "9 h", "2 d 3 h": a span of minutes to the minute, "—" for none. */
export function durationText(minutes: number | null): string {
  if (minutes === null || !Number.isFinite(minutes)) return '—';
  const total = Math.max(0, Math.round(minutes));
  if (total < hourMinutes) return `${total} min`;
  if (total < 2 * dayMinutes) {
    const h = Math.floor(total / hourMinutes);
    const m = total % hourMinutes;
    return m ? `${h} h ${m} min` : `${h} h`;
  }
  const d = Math.floor(total / dayMinutes);
  const h = Math.round((total % dayMinutes) / hourMinutes);
  if (h === 24) return `${d + 1} d`;
  return h ? `${d} d ${h} h` : `${d} d`;
}

/** A target's minutes as the two inputs that edit it; both empty for "no target". */
export function hoursAndMinutes(total: number | null): {
  hours: number | null;
  minutes: number | null;
} {
  if (total === null) return { hours: null, minutes: null };
  return { hours: Math.floor(total / hourMinutes), minutes: total % hourMinutes };
}

/**
 * The minutes two inputs say: null when both are empty or zero (no target), NaN when either is
 * not a whole number of at least zero (the form says so). Hours may be fractional: 1.5 h is 90.
 */
export function minutesOf(
  hours: number | null | undefined,
  minutes: number | null | undefined,
): number | null {
  const h = hours ?? 0;
  const m = minutes ?? 0;
  if (!Number.isFinite(h) || !Number.isFinite(m) || h < 0 || m < 0) return Number.NaN;
  if (!Number.isInteger(m)) return Number.NaN;
  const total = h * hourMinutes + m;
  if (!Number.isInteger(total)) return Number.NaN;
  return total === 0 ? null : total;
}

// ---------------------------------------------------------------------------------------------
// The calendar, checked as the server checks it (server/modules/tickets/sla.ts) so a bad span is
// named beside its inputs before anyone presses Save. The server stays the judge.

export const weekdayNames = [
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
  'Sunday',
] as const;

/** A problem with the settings: the field, as the server names it, and what is wrong. */
export interface SettingsProblem {
  field: string;
  text: string;
}

/** "calendar.week[2][0]: end 08:00 is not after start 09:00", as the server words it. */
export const problemLine = (p: SettingsProblem) => `${p.field}: ${p.text}`;

/** Minutes after midnight of 'HH:MM'; '24:00' only as an end. */
export function parseHhmm(value: string, end: boolean): number | null {
  const match = /^(\d\d):(\d\d)$/.exec(value);
  if (!match) return null;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (minutes > 59) return null;
  if (hours < 24) return hours * 60 + minutes;
  return end && hours === 24 && minutes === 0 ? dayMinutes : null;
}

/** What people type, as the server wants it: '9' → '09:00', '9:30' and '0930' → '09:30'. */
export function normalizeHhmm(value: string): string {
  const text = value.trim();
  let match = /^(\d{1,2})$/.exec(text);
  if (match) return `${match[1]!.padStart(2, '0')}:00`;
  match = /^(\d{1,2})[:.h](\d{2})$/.exec(text);
  if (match) return `${match[1]!.padStart(2, '0')}:${match[2]}`;
  match = /^(\d{2})(\d{2})$/.exec(text);
  if (match) return `${match[1]}:${match[2]}`;
  return text;
}

/** Whether 'YYYY-MM-DD' is a real date. */
export function isDate(value: string): boolean {
  const match = /^(\d{4})-(\d\d)-(\d\d)$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  );
}

/** Whether the runtime knows an IANA zone. */
export function isTimeZone(zone: string): boolean {
  if (!zone) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The calendar's problems; fields start 'calendar.' as in the server's 400 message. */
export function calendarProblems(cal: BusinessCalendar): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  const add = (field: string, text: string) => problems.push({ field: `calendar.${field}`, text });
  if (!isTimeZone(cal.timezone)) add('timezone', `'${cal.timezone}' is not a known IANA time zone`);
  let openSpans = 0;
  cal.week.forEach((spans, dayIndex) => {
    const valid: Array<{ start: number; end: number; field: string; text: string }> = [];
    spans.forEach(([startText, endText], spanIndex) => {
      const field = `week[${dayIndex}][${spanIndex}]`;
      const start = parseHhmm(startText, false);
      const end = parseHhmm(endText, true);
      if (start === null) add(field, `start '${startText}' is not a time HH:MM (00:00 to 23:59)`);
      if (end === null) add(field, `end '${endText}' is not a time HH:MM (00:00 to 24:00)`);
      if (start === null || end === null) return;
      if (end <= start) {
        add(field, `end ${endText} is not after start ${startText}`);
        return;
      }
      valid.push({ start, end, field, text: `${startText}-${endText}` });
    });
    valid.sort((a, b) => a.start - b.start);
    let latest: (typeof valid)[number] | undefined;
    for (const span of valid) {
      if (latest && span.start < latest.end)
        add(span.field, `${span.text} overlaps ${latest.field} ${latest.text}`);
      if (!latest || span.end > latest.end) latest = span;
    }
    openSpans += valid.length;
  });
  if (openSpans === 0) add('week', 'no open hours on any day');
  cal.holidays.forEach((holiday, index) => {
    if (!isDate(holiday)) add(`holidays[${index}]`, `'${holiday}' is not a date YYYY-MM-DD`);
  });
  return problems;
}

/** Every problem the form can see: SLA targets, the calendar, the teams. */
export function settingsProblems(s: HelpdeskSettings): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  for (const p of priorities) {
    const row = s.sla[`${p}`];
    for (const key of ['responseMinutes', 'resolutionMinutes'] as const) {
      const value = row[key];
      if (value !== null && (!Number.isInteger(value) || value < 1 || value > 525_600))
        problems.push({
          field: `sla.${p}.${key}`,
          text: 'give whole hours and minutes, up to a year, or leave both empty for no target',
        });
    }
    if (
      row.responseMinutes !== null &&
      row.resolutionMinutes !== null &&
      row.resolutionMinutes < row.responseMinutes
    )
      problems.push({
        field: `sla.${p}.resolutionMinutes`,
        text: 'it is shorter than the response target',
      });
  }
  problems.push(...calendarProblems(s.calendar));
  const teams = s.teams.map((t) => t.trim().toLowerCase());
  teams.forEach((t, i) => {
    if (t === '') problems.push({ field: `teams[${i}]`, text: 'a team needs a name' });
    else if (teams.indexOf(t) !== i)
      problems.push({ field: `teams[${i}]`, text: `'${s.teams[i]}' is listed twice` });
  });
  return problems;
}

/** The field a server 400 names: 'body.calendar.week[2][0]: …' → 'calendar.week[2][0]'. */
export function errorField(message: string): string | null {
  return /^body\.([^:\s]+):/.exec(message)?.[1] ?? null;
}

/** Every day open round the clock. */
export function allDayWeek(): Span[][] {
  return Array.from({ length: 7 }, (): Span[] => [['00:00', '24:00']]);
}

export function isAllDayWeek(week: Span[][]): boolean {
  return (
    week.length === 7 &&
    week.every(
      (spans) => spans.length === 1 && spans[0]?.[0] === '00:00' && spans[0][1] === '24:00',
    )
  );
}

/** "09:00–18:00, 19:00–22:00", or "closed". */
export function spansText(spans: Span[]): string {
  if (spans.length === 0) return 'closed';
  return spans
    .map(([a, b]) => (a === '00:00' && b === '24:00' ? 'all day' : `${a}–${b}`))
    .join(', ');
}

/** The span offered when a day gets another: after the last one, else office hours. */
export function nextSpan(spans: Span[]): Span {
  const last = spans.at(-1);
  const end = last ? parseHhmm(last[1], true) : null;
  if (end === null || end >= 23 * 60) return ['09:00', '18:00'];
  const hhmm = (m: number) =>
    `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  return [hhmm(end + 60), hhmm(Math.min(end + 4 * 60, dayMinutes))];
}

/** Holidays sorted and without repeats: the order the server keeps does not matter to it. */
export function addHoliday(holidays: string[], date: string): string[] {
  return [...new Set([...holidays, date])].sort();
}

/** "Mon 25 Dec 2028": a holiday as people read it. */
export function holidayText(date: string): string {
  if (!isDate(date)) return date;
  return new Date(`${date}T12:00:00Z`).toLocaleDateString('en-GB', {
    timeZone: 'UTC',
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
  });
}

export const deviceKindLabels: Record<DeviceKind, string> = {
  workstation: 'Workstation',
  storage: 'Storage',
  raid: 'RAID',
  router: 'Video router',
  switch: 'Network switch',
  display: 'Display',
  audio: 'Audio',
  other: 'Other',
};

export const levelLabels: Record<Level, string> = { high: 'High', medium: 'Medium', low: 'Low' };

/** The choices for "open a ticket for root faults at or above": the lowest is every fault. */
export const severityOptions: Array<{ value: Severity | null; label: string }> = [
  ...severities.map((s, i) => ({
    value: s,
    label: i === severities.length - 1 ? `${s} and worse (every fault)` : `${s} and worse`,
  })),
  { value: null, label: 'never' },
];

/**
 * A deep copy for a form to edit without touching what the server sent. Through JSON, which is
 * what the settings are, so a reactive proxy copies as plain data (structuredClone refuses one).
 */
export function cloneSettings(s: HelpdeskSettings): HelpdeskSettings {
  return JSON.parse(JSON.stringify(s)) as HelpdeskSettings;
}

/** Whether two settings say the same (the form is dirty when they do not). */
export function sameSettings(a: HelpdeskSettings, b: HelpdeskSettings): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

// ---------------------------------------------------------------------------------------------
// Problems

export const problemStatusLabels: Record<ProblemStatus, string> = {
  open: 'Open',
  known_error: 'Known error',
  resolved: 'Resolved',
  closed: 'Closed',
};

/**
 * Where a problem can go from each status, and what the button says. Any move is allowed by the
 * server; these are the ones that make sense to offer. A closed problem is reopened, not
 * resolved again.
 */
const problemMoveLabels: Record<ProblemStatus, Partial<Record<ProblemStatus, string>>> = {
  open: { known_error: 'Mark known error', resolved: 'Mark resolved', closed: 'Close problem' },
  known_error: { open: 'Back to open', resolved: 'Mark resolved', closed: 'Close problem' },
  resolved: { open: 'Reopen', known_error: 'Back to known error', closed: 'Close problem' },
  closed: { open: 'Reopen', known_error: 'Reopen as known error' },
};

export function problemMoves(from: ProblemStatus): Array<{ to: ProblemStatus; label: string }> {
  return problemStatuses.flatMap((to) => {
    const label = problemMoveLabels[from][to];
    return label ? [{ to, label }] : [];
  });
}

/** A short time for a table cell: "23 Nov, 03:32". */
export function shortDateTime(iso: string, locale?: string, timeZone?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(locale, {
    timeZone,
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  });
}

export function isProblemStatus(value: string | undefined): value is ProblemStatus {
  return (problemStatuses as readonly string[]).includes(value ?? '');
}

export const ticketStatusText = (status: TicketStatus) => status.replaceAll('_', ' ');

/** Tickets still open: neither resolved nor closed. */
export const isOpenTicket = (status: TicketStatus) => status !== 'resolved' && status !== 'closed';

/** "1 incident stays open", "3 incidents stay open", or '' when none do. */
export function openIncidentsText(count: number): string {
  if (count <= 0) return '';
  return count === 1 ? '1 incident stays open' : `${count} incidents stay open`;
}

/** A ticket number as people type it: "12", "#12", "ticket 12", "T-12". */
export function ticketNumber(text: string): number | null {
  const match = /^\s*(?:ticket\s*|t-?\s*)?#?\s*(\d{1,9})\s*$/i.exec(text);
  if (!match) return null;
  const n = Number(match[1]);
  return n > 0 ? n : null;
}

/** Only what changed between the record and the form, so an edit never clobbers another. */
export function problemPatch(before: ProblemInput, after: ProblemInput): Partial<ProblemInput> {
  const patch: Partial<ProblemInput> = {};
  for (const key of Object.keys(after) as Array<keyof ProblemInput>) {
    if (after[key] !== before[key]) (patch as Record<string, unknown>)[key] = after[key];
  }
  return patch;
}

export const emptyProblem = (): ProblemInput => ({
  title: '',
  description: '',
  rootCause: '',
  workaround: '',
  permanentFix: '',
  ownerId: null,
});

export function problemInput(p: Problem): ProblemInput {
  return {
    title: p.title,
    description: p.description,
    rootCause: p.rootCause,
    workaround: p.workaround,
    permanentFix: p.permanentFix,
    ownerId: p.ownerId,
  };
}

// ---------------------------------------------------------------------------------------------
// Runbooks

export const facetLabels: Record<RunbookFacet, string> = {
  deviceKinds: 'Device kinds',
  profiles: 'Probe profiles',
  conditions: 'Fault conditions',
  categories: 'Ticket categories',
};

export const runbookFacets = Object.keys(facetLabels) as RunbookFacet[];

/** A chip as typed: trimmed, and only once. Conditions keep their case; the rest are names. */
export function addChip(chips: string[], text: string): string[] {
  const value = text.trim();
  if (!value || chips.includes(value)) return chips;
  return [...chips, value];
}

/** Chips from pasted text: "raid.status, volume.used_pct" gives two. */
export function splitChips(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export const emptyRunbook = (): RunbookInput => ({
  title: '',
  body: '',
  deviceKinds: [],
  profiles: [],
  conditions: [],
  categories: [],
});

export function runbookInput(r: Runbook): RunbookInput {
  return {
    title: r.title,
    body: r.body,
    deviceKinds: [...r.deviceKinds],
    profiles: [...r.profiles],
    conditions: [...r.conditions],
    categories: [...r.categories],
  };
}

/** "storage · raid.status · 2 more": what a runbook is for, in one line of a list. */
export function facetSummary(r: Pick<Runbook, RunbookFacet>, max = 4): string {
  const all = [...r.conditions, ...r.deviceKinds, ...r.profiles, ...r.categories];
  if (all.length === 0) return 'general';
  const shown = all.slice(0, max).join(' · ');
  return all.length > max ? `${shown} · ${all.length - max} more` : shown;
}

/** The suggest URL's query for a fault: repeated parameters, as the route wants them. */
export function suggestQuery(facets: {
  conditions?: string[];
  deviceKinds?: string[];
  profiles?: string[];
  categories?: string[];
  limit?: number;
}): string {
  const params = new URLSearchParams();
  for (const c of new Set(facets.conditions ?? [])) params.append('condition', c);
  for (const k of new Set(facets.deviceKinds ?? [])) params.append('deviceKind', k);
  for (const p of new Set(facets.profiles ?? [])) params.append('profile', p);
  for (const c of new Set(facets.categories ?? [])) params.append('category', c);
  if (facets.limit) params.set('limit', String(facets.limit));
  return params.toString();
}

/** Why a suggestion was offered: "condition, device kind". */
export function matchedText(matched: RunbookSuggestion['matched']): string {
  const words = {
    condition: 'condition',
    profile: 'profile',
    deviceKind: 'device kind',
    category: 'category',
  };
  return matched.map((m) => words[m]).join(', ');
}

// ---------------------------------------------------------------------------------------------
// Reports

export const periodChoices = ['7', '30', '90', 'custom'] as const;
export type PeriodChoice = (typeof periodChoices)[number];

export const periodLabels: Record<PeriodChoice, string> = {
  '7': 'Last 7 days',
  '30': 'Last 30 days',
  '90': 'Last 90 days',
  custom: 'Custom',
};

export function isPeriodChoice(value: string | undefined): value is PeriodChoice {
  return (periodChoices as readonly string[]).includes(value ?? '');
}

const dayMs = 24 * 3600_000;

/**
 * The report period [from, to) as instants. "Last N days" ends now. A custom period runs from the
 * start of its first day to the end of its last, both read on `localMidnight`'s clock (the
 * browser's); null when a custom date is missing or the last is before the first.
 */
export function periodRange(
  choice: PeriodChoice,
  now: number,
  custom: { from?: string; to?: string },
  localMidnight: (date: string) => number,
): { from: string; to: string } | null {
  if (choice !== 'custom') {
    const days = Number(choice);
    return { from: new Date(now - days * dayMs).toISOString(), to: new Date(now).toISOString() };
  }
  if (!custom.from || !custom.to || !isDate(custom.from) || !isDate(custom.to)) return null;
  if (custom.to < custom.from) return null;
  const next = new Date(Date.parse(`${custom.to}T00:00:00Z`) + dayMs).toISOString().slice(0, 10);
  const from = localMidnight(custom.from);
  const to = localMidnight(next);
  if (!Number.isFinite(from) || !Number.isFinite(to)) return null;
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}

/** "93.5 %", "100 %", "—" without a target. */
export function percentText(fraction: number | null): string {
  if (fraction === null || !Number.isFinite(fraction)) return '—';
  const pct = Math.round(fraction * 1000) / 10;
  return `${pct.toLocaleString('en-GB', { maximumFractionDigits: 1 })} %`;
}

/** The width of an attainment bar, 0..100, and how it reads against a target (90 % by default). */
export function attainmentTone(
  fraction: number | null,
  goal = 0.9,
): 'none' | 'ok' | 'warning' | 'critical' {
  if (fraction === null) return 'none';
  if (fraction >= goal) return 'ok';
  if (fraction >= goal - 0.2) return 'warning';
  return 'critical';
}

/** Response and resolution rows side by side, one line per priority. */
export function slaByPriority(
  rows: SlaRow[],
): Array<{ priority: Priority; response: SlaRow | null; resolution: SlaRow | null }> {
  return priorities.map((priority) => ({
    priority,
    response: rows.find((r) => r.priority === priority && r.measure === 'response') ?? null,
    resolution: rows.find((r) => r.priority === priority && r.measure === 'resolution') ?? null,
  }));
}

/** "over 12 tickets" or "no tickets": what a mean was taken over. */
export function countText(count: number, what = 'ticket'): string {
  if (count === 0) return `no ${what}s`;
  return count === 1 ? `1 ${what}` : `${count} ${what}s`;
}

/** The share of the largest count a bar shows, 0..100. */
export function barWidth(count: number, max: number): number {
  if (max <= 0 || count <= 0) return 0;
  return Math.max(2, Math.round((count / max) * 100));
}

/** The file name a download takes: the server's, else the list's name and the date. */
export function downloadName(disposition: string | null, fallback: string, now: Date): string {
  const match = /filename="?([^";]+)"?/i.exec(disposition ?? '');
  if (match?.[1]) return match[1];
  return `${fallback}-${now.toISOString().slice(0, 10)}.csv`;
}
