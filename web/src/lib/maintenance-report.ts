// The manager's maintenance report: its shapes (as GET /api/reports/maintenance answers), the
// period and filters kept in the URL, and how figures read. Free of the browser, so it is
// unit-tested in Node; the fetching lives in maintenance-report-api.ts.
import { deviceKindLabels, durationText, isDate, percentText } from './helpdesk.ts';
import type { DeviceKind } from './types.ts';
import { isoToZoned, zonedToIso } from './zoned-time.ts';

// ---------------------------------------------------------------------------------------------
// Shapes

export interface PmComplianceFigure {
  pct: number | null;
  onTime: number;
  lateInGrace: number;
  missed: number;
  skipped: number;
  pending: number;
  due: number;
  formula: string;
}

export interface ReliabilityFigure {
  bookedH: number;
  downInBookedH: number;
  failures: number;
  mtbfH: number | null;
  availabilityPct: number | null;
  formula: string;
}

export interface SuiteReliabilityRow extends ReliabilityFigure {
  suiteId: string;
  name: string;
}

export interface TrendRow {
  /** yyyy-MM in the facility's time zone. */
  month: string;
  pmCompliancePct: number | null;
  mttrMin: number | null;
  mttaMin: number | null;
  mtbfH: number | null;
  availabilityPct: number | null;
  calibrationPct: number | null;
}

export type TrendKey = Exclude<keyof TrendRow, 'month'>;

export interface MaintenanceReport {
  period: { from: string; to: string };
  asOf: string;
  timezone: string;
  pmCompliance: PmComplianceFigure;
  backlog: Array<{ bucket: string; count: number }>;
  mttr: {
    minutes: number | null;
    failures: number;
    totalMin: number;
    stillDown: number;
    formula: string;
  };
  labour: { minutes: number; workOrders: number; withoutStart: number; formula: string };
  mtta: {
    minutes: number | null;
    acknowledged: number;
    unacknowledged: number;
    totalMin: number;
    formula: string;
  };
  reliability: ReliabilityFigure;
  calibration: { pct: number | null; passed: number; runs: number; formula: string };
  suites: SuiteReliabilityRow[];
  trend: TrendRow[];
}

/** The lists behind the figures, each its own URL so it can be fetched as CSV. */
export const reportLists = {
  compliance: 'compliance',
  backlog: 'backlog',
  downtimes: 'downtimes',
  labour: 'labour',
  faults: 'faults',
  suites: 'suites',
  calibration: 'calibration',
  trend: 'trend',
} as const;
export type ReportList = keyof typeof reportLists;

// ---------------------------------------------------------------------------------------------
// Calendar dates ('YYYY-MM-DD') and months ('YYYY-MM'), read on the facility's clock

export const isMonth = (value: string | undefined): value is string =>
  !!value && /^\d{4}-(0[1-9]|1[0-2])$/.test(value);

/** '2025-01' plus -1 month is '2024-12'. */
export function addMonths(month: string, count: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) + count;
  const year = Math.floor(index / 12);
  return `${String(year).padStart(4, '0')}-${String(index - year * 12 + 1).padStart(2, '0')}`;
}

/** The first and last day of a month: '2024-02' is 2024-02-01 to 2024-02-29. */
export function monthDays(month: string): { from: string; to: string } {
  const next = Date.parse(`${addMonths(month, 1)}-01T00:00:00Z`);
  return { from: `${month}-01`, to: new Date(next - 86_400_000).toISOString().slice(0, 10) };
}

/** The day after a date: the end, exclusive, of a period that includes it. */
export function dayAfter(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/** Today's date on the facility's clock (not the browser's: a manager may be abroad). */
export function todayIn(timeZone: string, now: number): string {
  return isoToZoned(now, timeZone).slice(0, 10);
}

export const quickPicks = ['this-month', 'last-month', 'last-12-months'] as const;
export type QuickPick = (typeof quickPicks)[number];

export const quickPickLabels: Record<QuickPick, string> = {
  'this-month': 'This month',
  'last-month': 'Last month',
  'last-12-months': 'Last 12 months',
};

/**
 * The days a quick pick covers, first and last inclusive. "This month" runs to its last day: the
 * server counts booked hours and pending work only up to now. "Last 12 months" is this month and
 * the eleven before, so the trend ends with the month in progress.
 */
export function quickPickDays(pick: QuickPick, today: string): { from: string; to: string } {
  const month = today.slice(0, 7);
  switch (pick) {
    case 'this-month':
      return monthDays(month);
    case 'last-month':
      return monthDays(addMonths(month, -1));
    case 'last-12-months':
      return { from: `${addMonths(month, -11)}-01`, to: monthDays(month).to };
  }
}

/** Which quick pick, if any, the days are, so its button shows pressed. */
export function matchingPick(days: { from: string; to: string }, today: string): QuickPick | null {
  return (
    quickPicks.find((pick) => {
      const range = quickPickDays(pick, today);
      return range.from === days.from && range.to === days.to;
    }) ?? null
  );
}

/**
 * The period [from, to) as instants: from the facility's midnight starting the first day to the
 * one ending the last. A last day before the first is passed on as it is, for the server to refuse
 * in its own words (it names the field); null only for a date that is not a date.
 */
export function periodInstants(
  days: { from: string; to: string },
  timeZone: string,
): { from: string; to: string } | null {
  if (!isDate(days.from) || !isDate(days.to)) return null;
  const from = zonedToIso(`${days.from}T00:00`, timeZone);
  const to = zonedToIso(`${dayAfter(days.to)}T00:00`, timeZone);
  return from && to ? { from, to } : null;
}

// ---------------------------------------------------------------------------------------------
// Filters in the URL

export interface ReportFilters {
  siteId?: string;
  suiteId?: string;
  deviceKind?: DeviceKind;
  assigneeId?: string;
}

export const filterKeys = ['siteId', 'suiteId', 'deviceKind', 'assigneeId'] as const;

const isDeviceKind = (value: string | undefined): value is DeviceKind =>
  value !== undefined && Object.hasOwn(deviceKindLabels, value);

/** The filters a URL query names; an unknown device kind is dropped, ids go to the server. */
export function filtersOf(query: Record<string, string>): ReportFilters {
  const filters: ReportFilters = {};
  if (query.siteId) filters.siteId = query.siteId;
  if (query.suiteId) filters.suiteId = query.suiteId;
  if (isDeviceKind(query.deviceKind)) filters.deviceKind = query.deviceKind;
  if (query.assigneeId) filters.assigneeId = query.assigneeId;
  return filters;
}

/** The report page's days: the URL's, else this month. */
export function daysOf(query: Record<string, string>, today: string): { from: string; to: string } {
  if (query.from || query.to) return { from: query.from ?? '', to: query.to ?? '' };
  return quickPickDays('this-month', today);
}

/** The print page's month: the URL's, else last month (the one a monthly meeting reviews). */
export function monthOf(query: Record<string, string>, today: string): string {
  return isMonth(query.month) ? query.month : addMonths(today.slice(0, 7), -1);
}

/** The API's query string for a period and filters, without empty values. */
export function reportQuery(period: { from: string; to: string }, filters: ReportFilters): string {
  const params = new URLSearchParams({ from: period.from, to: period.to });
  for (const key of filterKeys) {
    const value = filters[key];
    if (value) params.set(key, value);
  }
  return params.toString();
}

/** The filters as URL query pairs for link() and navigate(), empty ones left out. */
export function filterParams(filters: ReportFilters): Record<string, string | undefined> {
  return Object.fromEntries(filterKeys.map((key) => [key, filters[key] || undefined]));
}

export const fieldLabels: Record<'from' | 'to' | (typeof filterKeys)[number], string> = {
  from: 'First day',
  to: 'Last day',
  siteId: 'Site',
  suiteId: 'Suite',
  deviceKind: 'Device kind',
  assigneeId: 'Assignee',
};
export type ReportField = keyof typeof fieldLabels;

/**
 * The filter a refusal is about: the server names it first ("querystring.to: must be after
 * from"), and the page shows the message beside that field. Null for anything else.
 */
export function refusedField(message: string): { field: ReportField; text: string } | null {
  const match = /^querystring\.(\w+)\b[:\s]*(.*)$/s.exec(message);
  const field = match?.[1];
  if (!field || !Object.hasOwn(fieldLabels, field)) return null;
  return { field: field as ReportField, text: match[2] ?? '' };
}

// ---------------------------------------------------------------------------------------------
// How figures read

/** Shown where a figure has no denominator: a 0 there would claim something that is not so. */
export const notApplicable = 'n/a';

/** A percentage the server gives as 0..100: "93.5 %", "n/a" without a denominator. */
export function pctText(pct: number | null): string {
  return pct === null || !Number.isFinite(pct) ? notApplicable : percentText(pct / 100);
}

/** Minutes as "1 h 30 min", "n/a" when nothing was measured. */
export function minutesText(minutes: number | null): string {
  return minutes === null || !Number.isFinite(minutes) ? notApplicable : durationText(minutes);
}

/** Hours to a tenth: "1,234.5 h", "n/a" when there is nothing to divide by. */
export function hoursText(hours: number | null): string {
  if (hours === null || !Number.isFinite(hours)) return notApplicable;
  return `${hours.toLocaleString('en-GB', { maximumFractionDigits: 1 })} h`;
}

/** "1 failure", "3 failures", "no failures". */
export function counted(count: number, what: string, plural = `${what}s`): string {
  if (count === 0) return `no ${plural}`;
  return `${count.toLocaleString('en-GB')} ${count === 1 ? what : plural}`;
}

/** '0-7' reads "0–7 days overdue"; '90+' "over 90 days". */
export function bucketLabel(bucket: string): string {
  if (bucket.endsWith('+')) return `over ${bucket.slice(0, -1)} days`;
  return `${bucket.replace('-', '–')} days`;
}

/**
 * The server's reliability formula is "MTBF …; availability …": one part for each figure. A
 * formula of another shape stays whole on both.
 */
export function reliabilityParts(formula: string): { mtbf: string; availability: string } {
  const at = formula.indexOf('; ');
  if (at === -1) return { mtbf: formula, availability: formula };
  return { mtbf: formula.slice(0, at), availability: formula.slice(at + 2) };
}

export type FigureKey =
  'compliance' | 'mttr' | 'labour' | 'mtta' | 'mtbf' | 'availability' | 'calibration';

/**
 * Why a figure reads n/a, in words that say what is missing; null when it has a value. Booked
 * hours come first for MTBF and availability: without them neither can be computed at all.
 */
export function missingReason(figure: FigureKey, report: MaintenanceReport): string | null {
  const { pmCompliance: pm, mttr, labour, mtta, reliability: r, calibration } = report;
  switch (figure) {
    case 'compliance':
      if (pm.pct !== null) return null;
      return pm.pending > 0
        ? `No preventive work that fell due in this period is decided yet (${counted(pm.pending, 'work order')} still within grace), so compliance cannot be computed.`
        : 'No preventive work fell due in this period, so compliance cannot be computed.';
    case 'mttr':
      if (mttr.minutes !== null) return null;
      return mttr.stillDown > 0
        ? `No failure was restored in this period (${counted(mttr.stillDown, 'failure')} still down), so MTTR cannot be computed.`
        : 'No critical or major failure started in this period, so there is nothing to restore.';
    case 'labour':
      if (labour.workOrders > 0) return null;
      return labour.withoutStart > 0
        ? `The ${counted(labour.withoutStart, 'work order')} done in this period had no start time, so no labour could be summed.`
        : 'No work order was done in this period.';
    case 'mtta':
      if (mtta.minutes !== null) return null;
      return mtta.unacknowledged > 0
        ? `No fault was acknowledged in this period (${counted(mtta.unacknowledged, 'fault')} unacknowledged), so MTTA cannot be computed.`
        : 'No critical or major fault opened in this period, so MTTA cannot be computed.';
    case 'mtbf':
      if (r.bookedH === 0)
        return 'No booked hours in this period, so MTBF cannot be computed: it counts booked hours only.';
      if (r.mtbfH !== null) return null;
      return `No failure in ${hoursText(r.bookedH)} booked, so there is no time between failures to measure.`;
    case 'availability':
      if (r.availabilityPct !== null) return null;
      return 'No booked hours in this period, so availability cannot be computed.';
    case 'calibration':
      if (calibration.pct !== null) return null;
      return 'No calibration run was finished in this period, so there is no pass rate.';
  }
}

/** Month keys as short labels: "Jan 2025". */
export function monthLabel(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 1, 1)).toLocaleDateString('en-GB', {
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

/** "1 Jan 2025 – 31 Jan 2025" for the days of a period. */
export function daysText(days: { from: string; to: string }): string {
  const text = (date: string) =>
    new Date(`${date}T00:00:00Z`).toLocaleDateString('en-GB', {
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      timeZone: 'UTC',
    });
  return days.from === days.to ? text(days.from) : `${text(days.from)} – ${text(days.to)}`;
}

/** A trend series read aloud: "Jan 2025 80 %, Feb 2025 n/a". */
export function trendSummary(
  rows: readonly TrendRow[],
  key: TrendKey,
  text: (value: number | null) => string,
): string {
  return rows.map((row) => `${monthLabel(row.month)} ${text(row[key])}`).join(', ');
}

export type TrendUnit = 'pct' | 'min' | 'h';

/** A value on a trend chart's axis or readout: "80 %", "45 min", "2.5 h", "12 h". */
export function trendValueText(value: number | null, unit: TrendUnit): string {
  if (value === null || !Number.isFinite(value)) return notApplicable;
  switch (unit) {
    case 'pct':
      return pctText(value);
    case 'min':
      return minutesText(value);
    case 'h':
      return hoursText(value);
  }
}

/**
 * The top of a trend chart's value axis: 100 for a percentage, else a round number a little above
 * the largest value (1 when there is none), so the axis does not end on an odd figure.
 */
export function axisTop(values: ReadonlyArray<number | null>, unit: TrendUnit): number {
  if (unit === 'pct') return 100;
  const max = Math.max(0, ...values.filter((v): v is number => v !== null && Number.isFinite(v)));
  if (max <= 0) return 1;
  // Up in steps of 5 at the second digit: 49.5 → 50, 1,045 → 1,500, 0.44 → 0.45.
  const target = max * 1.1;
  const step = 5 * 10 ** (Math.floor(Math.log10(target)) - 1);
  return Number((Math.ceil(target / step) * step).toPrecision(12));
}

/**
 * The bottom of a value axis: 0, except on a zoomed percentage (availability) that stays at 90 or
 * above all period, where 0-100 would draw a flat line along the top and hide a fall from 99.9 to
 * 98. Then a whole number at least one below the lowest value, so every point sits clear of the
 * axis. Compliance is never zoomed: 95 % drawn near the bottom would look like a failure.
 */
export function axisBottom(
  values: ReadonlyArray<number | null>,
  unit: TrendUnit,
  zoom = false,
): number {
  if (unit !== 'pct' || !zoom) return 0;
  const known = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (known.length === 0) return 0;
  const min = Math.min(...known);
  return min >= 90 ? Math.min(99, Math.floor(min) - 1) : 0;
}

/** Which months a chart labels: every one up to a dozen, then every second, third… */
export function labelledMonths(count: number, most = 12): number[] {
  const every = Math.max(1, Math.ceil(count / most));
  const indices: number[] = [];
  for (let i = 0; i < count; i += every) indices.push(i);
  return indices;
}

// ---------------------------------------------------------------------------------------------
// The figures, as both report pages show them

export interface Figure {
  key: FigureKey;
  title: string;
  /** The figure as it reads, "n/a" without a denominator. */
  value: string;
  /** What the figure means, in words. */
  definition: string;
  /** The server's working with this period's numbers, to check by hand. */
  formula: string;
  /** The counts behind it. */
  counts: Array<{ label: string; value: string }>;
  /** Why it reads n/a (or is empty), when it does. */
  reason: string | null;
  /** Its monthly trend, when the server keeps one. */
  trend: { key: TrendKey; unit: TrendUnit; zoom?: boolean } | null;
  /** The list behind it, for the CSV export. */
  list: ReportList;
  /** A percentage as a fraction, for a good/bad tone; null for other figures. */
  fraction: number | null;
}

const n = (count: number) => count.toLocaleString('en-GB');

export function figuresOf(report: MaintenanceReport): Figure[] {
  const { pmCompliance: pm, mttr, labour, mtta, reliability: r, calibration: cal } = report;
  const parts = reliabilityParts(r.formula);
  const reason = (key: FigureKey) => missingReason(key, report);
  return [
    {
      key: 'compliance',
      title: 'PM compliance',
      value: pctText(pm.pct),
      definition:
        'Preventive work done in time (on time, or late within its grace) ÷ preventive work that fell due in the period (done in time, missed, or skipped with a reason). Work still within its grace is not counted yet.',
      formula: pm.formula,
      counts: [
        { label: 'On time', value: n(pm.onTime) },
        { label: 'Late within grace', value: n(pm.lateInGrace) },
        { label: 'Missed', value: n(pm.missed) },
        { label: 'Skipped with a reason', value: n(pm.skipped) },
        { label: 'Fell due (the denominator)', value: n(pm.due) },
        { label: 'Still within grace, not counted', value: n(pm.pending) },
      ],
      reason: reason('compliance'),
      trend: { key: 'pmCompliancePct', unit: 'pct' },
      list: 'compliance',
      fraction: pm.pct === null ? null : pm.pct / 100,
    },
    {
      key: 'mttr',
      title: 'MTTR · restore',
      value: minutesText(mttr.minutes),
      definition:
        'Mean time to restore: the sum of restore times (from detection to restore, wall clock) ÷ the failures restored. Critical and major downtimes outside maintenance that started in the period. Labour is reported apart.',
      formula: mttr.formula,
      counts: [
        { label: 'Failures restored', value: n(mttr.failures) },
        { label: 'Total restore time', value: durationText(mttr.totalMin) },
        { label: 'Still down, not counted', value: n(mttr.stillDown) },
      ],
      reason: reason('mttr'),
      trend: { key: 'mttrMin', unit: 'min' },
      list: 'downtimes',
      fraction: null,
    },
    {
      key: 'labour',
      title: 'Labour · hands-on time',
      value: durationText(labour.minutes),
      definition:
        'The sum of (completed − started) over work orders done in the period: the time people spent, not the time service was lost, so it is no part of MTTR.',
      formula: labour.formula,
      counts: [
        { label: 'Work orders timed', value: n(labour.workOrders) },
        { label: 'Done without a start time, not summed', value: n(labour.withoutStart) },
      ],
      reason: reason('labour'),
      trend: null,
      list: 'labour',
      fraction: null,
    },
    {
      key: 'mtta',
      title: 'MTTA · acknowledge',
      value: minutesText(mtta.minutes),
      definition:
        'Mean time to acknowledge: the sum of times from opening to acknowledgement ÷ the faults acknowledged. Critical and major faults outside maintenance opened in the period.',
      formula: mtta.formula,
      counts: [
        { label: 'Faults acknowledged', value: n(mtta.acknowledged) },
        { label: 'Total time to acknowledge', value: durationText(mtta.totalMin) },
        { label: 'Not acknowledged, not counted', value: n(mtta.unacknowledged) },
      ],
      reason: reason('mtta'),
      trend: { key: 'mttaMin', unit: 'min' },
      list: 'faults',
      fraction: null,
    },
    {
      key: 'mtbf',
      title: 'MTBF · booked hours',
      value: hoursText(r.mtbfH),
      definition:
        'Mean time between failures over booked hours, not wall-clock hours: the hours suites were booked ÷ the failures that hit booked time.',
      formula: parts.mtbf,
      counts: [
        { label: 'Booked hours', value: hoursText(r.bookedH) },
        { label: 'Failures in booked time', value: n(r.failures) },
      ],
      reason: reason('mtbf'),
      trend: { key: 'mtbfH', unit: 'h' },
      list: 'suites',
      fraction: null,
    },
    {
      key: 'availability',
      title: 'Availability · booked hours',
      value: pctText(r.availabilityPct),
      definition:
        '(Booked hours − booked hours lost to failures) ÷ booked hours. A suite idle and unbooked is neither up nor down.',
      formula: parts.availability,
      counts: [
        { label: 'Booked hours', value: hoursText(r.bookedH) },
        { label: 'Lost to failures', value: hoursText(r.downInBookedH) },
      ],
      reason: reason('availability'),
      trend: { key: 'availabilityPct', unit: 'pct', zoom: true },
      list: 'suites',
      fraction: r.availabilityPct === null ? null : r.availabilityPct / 100,
    },
    {
      key: 'calibration',
      title: 'Calibration pass rate',
      value: pctText(cal.pct),
      definition: 'Calibration runs that passed ÷ calibration runs finished in the period.',
      formula: cal.formula,
      counts: [
        { label: 'Passed', value: n(cal.passed) },
        { label: 'Failed', value: n(cal.runs - cal.passed) },
        { label: 'Runs', value: n(cal.runs) },
      ],
      reason: reason('calibration'),
      trend: { key: 'calibrationPct', unit: 'pct' },
      list: 'calibration',
      fraction: cal.pct === null ? null : cal.pct / 100,
    },
  ];
}

/**
 * What the filters narrow the report to, in words for a printed page: "Site A · Grade 1 ·
 * Workstation · assigned to Ada", or "The whole facility". An id whose name is not known yet
 * shows as "a site" rather than a bare id.
 */
export function scopeText(
  filters: ReportFilters,
  names: { site?: string; suite?: string; assignee?: string },
): string {
  const parts: string[] = [];
  if (filters.siteId) parts.push(names.site ?? 'a site');
  if (filters.suiteId) parts.push(names.suite ?? 'a suite');
  if (filters.deviceKind) parts.push(deviceKindLabels[filters.deviceKind]);
  if (filters.assigneeId) parts.push(`assigned to ${names.assignee ?? 'one person'}`);
  return parts.length ? parts.join(' · ') : 'The whole facility';
}

/** A month key as its name: "June 2025". */
export function monthName(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 1, 1)).toLocaleDateString('en-GB', {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
}
