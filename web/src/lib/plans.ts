// Preventive-maintenance plans, meters, calibration and maintenance hours as the dashboard shows
// them. Everything here is pure (no DOM, no runes), so it is unit-tested in Node.
import type {
  CalibrationKind,
  DeviceKind,
  IntervalUnit,
  MeterSource,
  PlanSchedule,
  PlanTarget,
  StepKind,
} from '../../../server/domain.ts';
import type { PlanInput, StepTemplate } from '../../../server/modules/pm/api-types.ts';
import { number } from './format.ts';
import {
  allDayWeek,
  calendarProblems,
  deviceKindLabels,
  isAllDayWeek,
  spansText,
  weekdayNames,
  type BusinessCalendar,
  type SettingsProblem,
  type Span,
} from './helpdesk.ts';
import { isoToZoned, zonedToIso } from './zoned-time.ts';

export {
  calibrationKinds,
  intervalUnits,
  planSchedules,
  planTargets,
  stepKinds,
  type CalibrationKind,
  type DeviceKind,
  type IntervalUnit,
  type MeterSource,
  type PlanSchedule,
  type PlanTarget,
  type StepKind,
} from '../../../server/domain.ts';
export type { StepTemplate };

/** A problem with a form: the field as the server names it ('every.count', 'steps[2].unit'). */
export type FieldProblem = SettingsProblem;

// ---------------------------------------------------------------------------------------------
// Shapes of the API (server/modules/pm/routes.ts, plans.ts, meters.ts, calibration.ts)

export interface PlanTargetView {
  id: string;
  deviceId: string | null;
  suiteId: string | null;
  roomId: string | null;
  meterThreshold: number | null;
  nextDueAt: string | null;
  nextDueBy: 'time' | 'meter' | 'repair' | null;
}

export interface Plan {
  id: string;
  title: string;
  description: string;
  target: PlanTarget;
  deviceId: string | null;
  suiteId: string | null;
  roomId: string | null;
  deviceKind: DeviceKind | null;
  siteId: string | null;
  every: { count: number; unit: IntervalUnit } | null;
  schedule: PlanSchedule;
  meter: { reading: string; every: number } | null;
  afterRepair: boolean;
  startsOn: string;
  timezone: string;
  leadDays: number;
  graceFraction: number;
  durationMin: number;
  assigneeId: string | null;
  assignee: string | null;
  team: string | null;
  required: boolean;
  calibrationTemplateId: string | null;
  steps: StepTemplate[];
  active: boolean;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  targets: PlanTargetView[];
}

/** The body of POST /api/pm-plans; PATCH and the preview take any part of it. */
export type PlanBody = PlanInput;
export type PlanPatch = Partial<PlanBody>;

export interface ForecastItem {
  dueAt: string;
  /** 'meter': a date the meter's rate gives, so a forecast rather than a schedule. */
  by: 'time' | 'meter';
  targetId: string;
  deviceId: string | null;
  suiteId: string | null;
  roomId: string | null;
}

export interface PreviewRow {
  targetId: string;
  deviceId: string | null;
  suiteId: string | null;
  roomId: string | null;
  before: string[];
  after: string[];
  moved: boolean;
}

export interface Meter {
  id: string;
  source: MeterSource;
  deviceId: string | null;
  suiteId: string | null;
  reading: string;
  label: string;
  unit: string;
  value: number | null;
  at: string | null;
  ratePerDay: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface MeterSample {
  value: number;
  at: string;
  source: 'probe' | 'manual' | 'bookings';
  enteredBy: string;
  enteredAt: string;
}

export interface CalibrationReading {
  key: string;
  label: string;
  nominal: number;
  tolerance: number;
  unit: string;
}

export interface CalibrationTemplate {
  id: string;
  name: string;
  kind: CalibrationKind;
  description: string;
  readings: CalibrationReading[];
  builtin: boolean;
  updatedBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface TemplateBody {
  name: string;
  kind: CalibrationKind;
  description: string;
  readings: CalibrationReading[];
}

/** One finished calibration of a device, as GET /api/devices/:id/calibrations lists it. */
export interface CalibrationRun {
  workOrderId: string;
  number: number;
  templateId: string | null;
  completedAt: string | null;
  completedBy: string | null;
  passed: boolean | null;
  readings: Array<{
    key: string;
    label: string;
    value: number | null;
    nominal: number | null;
    tolerance: number | null;
    unit: string;
    ok: boolean | null;
  }>;
}

export interface MaintenanceConfig {
  hours: BusinessCalendar;
  signoffValidDays: number;
  repairDueHours: number;
  digestHour: number;
}

// ---------------------------------------------------------------------------------------------
// Words

const unitWords: Record<IntervalUnit, [string, string]> = {
  day: ['day', 'days'],
  week: ['week', 'weeks'],
  month: ['month', 'months'],
};

/** "every day", "every 3 months". */
export function everyText(every: { count: number; unit: IntervalUnit }): string {
  const [one, many] = unitWords[every.unit];
  return every.count === 1 ? `every ${one}` : `every ${number(every.count)} ${many}`;
}

// Reading names end in a unit code; people say the unit.
const tailWords: Record<string, string> = {
  s: 'seconds',
  h: 'hours',
  pct: 'percent',
  c: '°C',
};

/** 'lamp.hours' → "lamp hours", 'uptime_s' → "uptime seconds", 'disk.x[Disk_1]' → "disk x (Disk_1)". */
export function readingWords(reading: string): string {
  const match = /^(.*?)(?:\[(.+)\])?$/.exec(reading.trim());
  const base = match?.[1] ?? reading;
  const instance = match?.[2];
  const words = base.split(/[._\s]+/).filter(Boolean);
  const last = words.at(-1);
  if (last && words.length > 1 && last in tailWords) words[words.length - 1] = tailWords[last]!;
  const text = words.join(' ');
  return instance ? `${text} (${instance})` : text;
}

/** "every 2,000 lamp hours". */
export function meterEveryText(meter: { reading: string; every: number }): string {
  return `every ${number(meter.every)} ${readingWords(meter.reading)}`;
}

/**
 * The plan's triggers in one phrase, e.g. "every 3 months, fixed, or every 2,000 lamp hours,
 * whichever first; after repair".
 */
export function triggerText(
  plan: Pick<Plan, 'every' | 'schedule' | 'meter' | 'afterRepair'>,
): string {
  const time = plan.every ? `${everyText(plan.every)}, ${plan.schedule}` : null;
  const meter = plan.meter ? meterEveryText(plan.meter) : null;
  let text = time && meter ? `${time}, or ${meter}, whichever first` : (time ?? meter ?? '');
  if (plan.afterRepair) text = text ? `${text}; after repair` : 'after repair';
  return text || 'no trigger';
}

const kindWords: Record<DeviceKind, string> = {
  workstation: 'workstation',
  storage: 'storage device',
  raid: 'RAID array',
  router: 'video router',
  switch: 'network switch',
  display: 'display',
  audio: 'audio device',
  other: 'other device',
};

/** "storage device": a kind as a noun in a sentence. */
export const kindWord = (kind: DeviceKind) => kindWords[kind];

/** How the page names what an id stands for; undefined when it does not know (yet). */
export interface Names {
  device(id: string): string | undefined;
  suite(id: string): string | undefined;
  room(id: string): string | undefined;
  site(id: string): string | undefined;
}

/** "device X310 G1", "suite Grade 1", "room Floor 2", "every storage device at site Soho". */
export function targetText(
  plan: Pick<Plan, 'target' | 'deviceId' | 'suiteId' | 'roomId' | 'deviceKind' | 'siteId'>,
  names: Names,
): string {
  switch (plan.target) {
    case 'device':
      return `device ${(plan.deviceId && names.device(plan.deviceId)) ?? 'unknown'}`;
    case 'suite':
      return `suite ${(plan.suiteId && names.suite(plan.suiteId)) ?? 'unknown'}`;
    case 'room':
      return `room ${(plan.roomId && names.room(plan.roomId)) ?? 'unknown'}`;
    case 'device_kind': {
      const every = `every ${plan.deviceKind ? kindWord(plan.deviceKind) : 'device'}`;
      if (!plan.siteId) return `${every}, all sites`;
      return `${every} at site ${names.site(plan.siteId) ?? 'unknown'}`;
    }
  }
}

/** One target of a plan, a forecast or a preview, by name: "X310 G1", "Grade 1". */
export function ownerText(
  owner: { deviceId: string | null; suiteId: string | null; roomId: string | null },
  names: Names,
): string {
  if (owner.deviceId) return names.device(owner.deviceId) ?? 'a device';
  if (owner.suiteId) return names.suite(owner.suiteId) ?? 'a suite';
  if (owner.roomId) return names.room(owner.roomId) ?? 'a room';
  return '—';
}

/** The soonest next due date of any target, and what makes it due. */
export function nextDueOf(plan: Pick<Plan, 'targets'>): PlanTargetView | null {
  let best: PlanTargetView | null = null;
  for (const t of plan.targets)
    if (t.nextDueAt && (!best?.nextDueAt || t.nextDueAt < best.nextDueAt)) best = t;
  return best;
}

/**
 * What a target with no due date waits for: "at 1,890 lamp hours" (a meter with no rate yet to
 * date it), "on the next repair", or "—".
 */
export function waitingText(
  plan: Pick<Plan, 'meter' | 'afterRepair'>,
  target: Pick<PlanTargetView, 'meterThreshold'> | null,
): string {
  if (plan.meter && target?.meterThreshold != null)
    return `at ${number(target.meterThreshold)} ${readingWords(plan.meter.reading)}`;
  if (plan.afterRepair) return 'on the next repair';
  return '—';
}

const dayMs = 86_400_000;

/** "today", "tomorrow", "in 12 days", "yesterday", "3 days ago": by calendar days in `zone`. */
export function relativeDays(iso: string, now: Date, zone?: string): string {
  const day = (d: Date) => Date.parse(`${isoToZoned(d.getTime(), zone ?? 'UTC').slice(0, 10)}`);
  const diff = Math.round((day(new Date(iso)) - day(now)) / dayMs);
  if (diff === 0) return 'today';
  if (diff === 1) return 'tomorrow';
  if (diff === -1) return 'yesterday';
  return diff > 0 ? `in ${diff} days` : `${-diff} days ago`;
}

/** "Thu 14 Mar 2030": a due date as a planner reads it, in the plan's zone. */
export function dayText(iso: string, zone?: string): string {
  return new Date(iso).toLocaleDateString(undefined, {
    timeZone: zone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
  });
}

/** "100 ± 3 cd/m²", "2.4 ± 0.05": a step or reading against its nominal. */
export function rangeText(
  s: Pick<StepTemplate, 'nominal' | 'tolerance' | 'unit'> | CalibrationReading,
): string {
  if (s.nominal === null) return '—';
  const unit = s.unit ? ` ${s.unit}` : '';
  return s.tolerance === null
    ? `${number(s.nominal)}${unit}`
    : `${number(s.nominal)} ± ${number(s.tolerance)}${unit}`;
}

export const calibrationKindLabels: Record<CalibrationKind, string> = {
  sdr_display: 'SDR display',
  hdr_display: 'HDR display',
  audio_lineup: 'Audio line-up',
  loudness: 'Loudness',
};

export const stepKindLabels: Record<StepKind, string> = {
  check: 'Pass / fail',
  number: 'Number',
  text: 'Note',
  photo: 'Photo',
};

export const targetLabels: Record<PlanTarget, string> = {
  device: 'One device',
  suite: 'One suite',
  room: 'One room',
  device_kind: 'Every device of a kind',
};

export { deviceKindLabels };

// ---------------------------------------------------------------------------------------------
// Steps

export type StepDraft = Omit<StepTemplate, 'key'>;

export const emptyStep = (): StepDraft => ({
  label: '',
  kind: 'check',
  nominal: null,
  tolerance: null,
  unit: '',
  required: true,
});

const given = (v: number | null | undefined): v is number =>
  v !== null && v !== undefined && Number.isFinite(v);

/** What the server would refuse in the steps, each under its field ('steps[1].tolerance'). */
export function stepProblems(steps: StepDraft[]): FieldProblem[] {
  const problems: FieldProblem[] = [];
  steps.forEach((step, i) => {
    const add = (key: string, text: string) => problems.push({ field: `steps[${i}].${key}`, text });
    if (step.label.trim() === '') add('label', 'a step needs a label');
    else if (step.label.length > 200) add('label', 'at most 200 characters');
    if (step.kind === 'number') {
      if (!given(step.nominal)) add('nominal', 'a number step needs its nominal value');
      if (!given(step.tolerance)) add('tolerance', 'a number step needs a tolerance');
    }
    if (given(step.tolerance) && step.tolerance < 0)
      add('tolerance', `${step.tolerance} is negative; give ± as a size`);
    if (step.unit.length > 30) add('unit', 'at most 30 characters');
  });
  return problems;
}

/** Steps as the API takes them: measures only on number steps, labels trimmed. */
export function stepsBody(steps: StepDraft[]): StepDraft[] {
  return steps.map((s) => ({
    label: s.label.trim(),
    kind: s.kind,
    nominal: s.kind === 'number' && given(s.nominal) ? s.nominal : null,
    tolerance: s.kind === 'number' && given(s.tolerance) ? s.tolerance : null,
    unit: s.kind === 'number' ? s.unit.trim() : '',
    required: s.required,
  }));
}

// ---------------------------------------------------------------------------------------------
// The plan form

export interface PlanDraft {
  title: string;
  description: string;
  target: PlanTarget;
  deviceId: string;
  suiteId: string;
  roomId: string;
  deviceKind: DeviceKind | '';
  siteId: string;
  useEvery: boolean;
  everyCount: number | null;
  everyUnit: IntervalUnit;
  schedule: PlanSchedule;
  useMeter: boolean;
  meterReading: string;
  meterEvery: number | null;
  afterRepair: boolean;
  /** The start as a wall clock in `timezone` ("2030-03-01T19:00"), as a datetime-local holds it. */
  startsOn: string;
  timezone: string;
  leadDays: number | null;
  /** The grace as a percentage of the interval; the API takes a fraction. */
  gracePercent: number | null;
  durationMin: number | null;
  assigneeId: string;
  team: string;
  required: boolean;
  calibrationTemplateId: string;
  steps: StepDraft[];
  active: boolean;
}

/** A new plan: monthly, fixed, from tonight 19:00 in the facility's zone. */
export function emptyDraft(timezone: string, now: Date): PlanDraft {
  const today = isoToZoned(now.getTime(), timezone).slice(0, 10);
  return {
    title: '',
    description: '',
    target: 'device',
    deviceId: '',
    suiteId: '',
    roomId: '',
    deviceKind: '',
    siteId: '',
    useEvery: true,
    everyCount: 1,
    everyUnit: 'month',
    schedule: 'fixed',
    useMeter: false,
    meterReading: '',
    meterEvery: null,
    afterRepair: false,
    startsOn: `${today}T19:00`,
    timezone,
    leadDays: 7,
    gracePercent: 10,
    durationMin: 60,
    assigneeId: '',
    team: '',
    required: false,
    calibrationTemplateId: '',
    steps: [],
    active: true,
  };
}

export function draftFromPlan(plan: Plan): PlanDraft {
  return {
    title: plan.title,
    description: plan.description,
    target: plan.target,
    deviceId: plan.deviceId ?? '',
    suiteId: plan.suiteId ?? '',
    roomId: plan.roomId ?? '',
    deviceKind: plan.deviceKind ?? '',
    siteId: plan.siteId ?? '',
    useEvery: plan.every !== null,
    everyCount: plan.every?.count ?? 1,
    everyUnit: plan.every?.unit ?? 'month',
    schedule: plan.schedule,
    useMeter: plan.meter !== null,
    meterReading: plan.meter?.reading ?? '',
    meterEvery: plan.meter?.every ?? null,
    afterRepair: plan.afterRepair,
    startsOn: isoToZoned(plan.startsOn, plan.timezone),
    timezone: plan.timezone,
    leadDays: plan.leadDays,
    gracePercent: Math.round(plan.graceFraction * 1000) / 10,
    durationMin: plan.durationMin,
    assigneeId: plan.assigneeId ?? '',
    team: plan.team ?? '',
    required: plan.required,
    calibrationTemplateId: plan.calibrationTemplateId ?? '',
    // The template's steps come back from the template; only the plan's own are edited here.
    steps: plan.steps
      .filter((s) => !s.key)
      .map((s) => ({
        label: s.label,
        kind: s.kind,
        nominal: s.nominal,
        tolerance: s.tolerance,
        unit: s.unit,
        required: s.required,
      })),
    active: plan.active,
  };
}

/** Every problem the form can see before asking the server, under the server's field names. */
export function draftProblems(d: PlanDraft): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const add = (field: string, text: string) => problems.push({ field, text });
  if (d.title.trim() === '') add('title', 'say what the work is');
  if (d.target === 'device' && !d.deviceId) add('deviceId', 'pick the device');
  if (d.target === 'suite' && !d.suiteId) add('suiteId', 'pick the suite');
  if (d.target === 'room' && !d.roomId) add('roomId', 'pick the room');
  if (d.target === 'device_kind' && !d.deviceKind) add('deviceKind', 'pick the kind of device');
  if (!d.useEvery && !d.useMeter && !d.afterRepair)
    add(
      'every',
      'a plan needs a trigger: a time interval, a meter interval, after repair, or several',
    );
  if (d.useEvery && !(given(d.everyCount) && Number.isInteger(d.everyCount) && d.everyCount >= 1))
    add('every.count', 'a whole number, 1 or more');
  if (d.useMeter) {
    if (d.target === 'room') add('meter', 'a room has no meters; target a device or a suite');
    if (d.meterReading.trim() === '') add('meter.reading', 'pick the reading the meter follows');
    if (!(given(d.meterEvery) && d.meterEvery > 0)) add('meter.every', 'more than 0');
  }
  if (!zonedToIso(d.startsOn, d.timezone)) add('startsOn', 'give a date and time');
  if (!(given(d.leadDays) && Number.isInteger(d.leadDays) && d.leadDays >= 0 && d.leadDays <= 365))
    add('leadDays', 'whole days, 0 to 365');
  if (!(given(d.gracePercent) && d.gracePercent >= 0 && d.gracePercent <= 100))
    add('graceFraction', 'a percentage of the interval, 0 to 100');
  if (
    !(given(d.durationMin) && Number.isInteger(d.durationMin) && d.durationMin >= 1) ||
    d.durationMin > 7 * 24 * 60
  )
    add('durationMin', 'from 1 minute to 7 days');
  problems.push(...stepProblems(d.steps));
  return problems;
}

/** The draft as the POST body: only the chosen target, only the triggers turned on. */
export function draftBody(d: PlanDraft): PlanBody {
  const target: Partial<PlanBody> =
    d.target === 'device'
      ? { deviceId: d.deviceId }
      : d.target === 'suite'
        ? { suiteId: d.suiteId }
        : d.target === 'room'
          ? { roomId: d.roomId }
          : {
              deviceKind: d.deviceKind as DeviceKind,
              ...(d.siteId ? { siteId: d.siteId } : {}),
            };
  return {
    title: d.title.trim(),
    description: d.description.trim(),
    ...target,
    every: d.useEvery ? { count: d.everyCount ?? 0, unit: d.everyUnit } : null,
    schedule: d.schedule,
    meter: d.useMeter ? { reading: d.meterReading.trim(), every: d.meterEvery ?? 0 } : null,
    afterRepair: d.afterRepair,
    startsOn: zonedToIso(d.startsOn, d.timezone) ?? '',
    timezone: d.timezone,
    leadDays: d.leadDays ?? 0,
    graceFraction: Math.round((d.gracePercent ?? 0) * 10) / 1000,
    durationMin: d.durationMin ?? 0,
    assigneeId: d.assigneeId || null,
    team: d.team.trim() || null,
    required: d.required,
    calibrationTemplateId: d.calibrationTemplateId || null,
    steps: stepsBody(d.steps),
    active: d.active,
  };
}

const targetFields = ['deviceId', 'suiteId', 'roomId', 'deviceKind', 'siteId'] as const;

/** What the edit changes, as a PATCH body; the target cannot change, so it is never sent. */
export function draftPatch(plan: Plan, d: PlanDraft): PlanPatch {
  const before = draftBody(draftFromPlan(plan)) as unknown as Record<string, unknown>;
  const after = draftBody(d) as unknown as Record<string, unknown>;
  const patch: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(after)) {
    if ((targetFields as readonly string[]).includes(key)) continue;
    if (JSON.stringify(value) !== JSON.stringify(before[key])) patch[key] = value;
  }
  return patch;
}

/** The fields that move due dates: only a change to one of these needs a preview. */
const timingFields = [
  'every',
  'schedule',
  'meter',
  'afterRepair',
  'startsOn',
  'timezone',
  'active',
] as const;

export function changesTiming(patch: PlanPatch): boolean {
  return timingFields.some((k) => k in patch);
}

/**
 * The form field a server refusal names, under the names `draftProblems` uses:
 * 'body.every.count: …' (the service) and 'body.steps.0.tolerance must be >= 0' (the schema)
 * both name a field; 'body: give exactly one target' names the target.
 */
export function errorFieldOf(message: string): string | null {
  if (/^body: .*target/.test(message)) return 'target';
  const match = /^body\.([A-Za-z0-9_.[\]]+?)(?::|\s)/.exec(message);
  if (!match) return null;
  return match[1]!.replace(/\.(\d+)(?=\.|$)/g, '[$1]');
}

/** The refusal without the field it names: what to print beside that field. */
export function errorTextOf(message: string): string {
  return message.replace(/^body(\.[^:\s]+)?:\s*/, '').replace(/^body\.[^\s]+\s+/, '');
}

/** Field → first problem, from the form's own checks and then a server refusal. */
export function problemsByField(problems: FieldProblem[], refusal: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of problems) out[p.field] ??= p.text;
  const field = refusal ? errorFieldOf(refusal) : null;
  if (field) out[field] ??= errorTextOf(refusal);
  return out;
}

/** The problems under one part of the form: 'meter' takes 'meter', 'meter.every', … */
export function problemsUnder(wrong: Record<string, string>, prefix: string): string[] {
  return Object.entries(wrong)
    .filter(([field]) => field === prefix || field.startsWith(`${prefix}.`))
    .map(([, text]) => text);
}

// ---------------------------------------------------------------------------------------------
// The change preview and the forecast

export interface PreviewPair {
  before: string | null;
  after: string | null;
  moved: boolean;
}

/** A target's next due dates before and after, side by side. */
export function previewPairs(row: PreviewRow): PreviewPair[] {
  const n = Math.max(row.before.length, row.after.length);
  return Array.from({ length: n }, (_, i) => {
    const before = row.before[i] ?? null;
    const after = row.after[i] ?? null;
    return { before, after, moved: before !== after };
  });
}

/** "3 of 4 targets move": the preview in a line. */
export function previewSummary(rows: PreviewRow[]): string {
  const moved = rows.filter((r) => r.moved).length;
  if (rows.length === 0) return 'The plan has no targets yet.';
  if (moved === 0) return 'No due date moves.';
  if (rows.length === 1) return 'The due dates move.';
  return `${moved} of ${rows.length} targets move.`;
}

// ---------------------------------------------------------------------------------------------
// Meters

/** "Lamp hours", or the meter's own label. */
export function meterName(meter: Pick<Meter, 'label' | 'reading'>): string {
  const text = meter.label.trim() || readingWords(meter.reading);
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "+12.5 h a day", "no change", "not known yet". */
export function rateText(ratePerDay: number | null, unit: string): string {
  if (ratePerDay === null || !Number.isFinite(ratePerDay)) return 'not known yet';
  if (Math.abs(ratePerDay) < 1e-9) return 'no change';
  const sign = ratePerDay > 0 ? '+' : '−';
  return `${sign}${number(Math.abs(ratePerDay))}${unit ? ` ${unit}` : ''} a day`;
}

/** Why a hand-entered reading cannot be taken, or null; the time may be earlier, not later. */
export function meterEntryProblem(
  value: number | null | undefined,
  atIso: string | null,
  now: Date,
): FieldProblem | null {
  if (!given(value)) return { field: 'value', text: 'give the value the meter shows' };
  if (atIso === null) return { field: 'at', text: 'give the date and time it was read' };
  // The server allows a minute of clock difference; so does the form.
  if (Date.parse(atIso) > now.getTime() + 60_000)
    return { field: 'at', text: 'is in the future; give when it was read' };
  return null;
}

// ---------------------------------------------------------------------------------------------
// Calibration

export interface DriftPoint {
  /** Seconds since the epoch, as uPlot takes time. */
  t: number;
  value: number;
  nominal: number | null;
  tolerance: number | null;
  ok: boolean | null;
  number: number;
}

export interface DriftSeries {
  key: string;
  label: string;
  unit: string;
  points: DriftPoint[];
}

/** One series per reading key across the runs, oldest first, for the drift charts. */
export function driftSeries(runs: CalibrationRun[]): DriftSeries[] {
  const byKey = new Map<string, DriftSeries>();
  const sorted = runs
    .filter((r) => r.completedAt)
    .sort((a, b) => Date.parse(a.completedAt!) - Date.parse(b.completedAt!));
  for (const run of sorted) {
    for (const r of run.readings) {
      let series = byKey.get(r.key);
      if (!series) {
        series = { key: r.key, label: r.label, unit: r.unit, points: [] };
        byKey.set(r.key, series);
      }
      // The newest run names the reading: a template edit renames it from then on.
      series.label = r.label;
      series.unit = r.unit;
      if (r.value === null) continue;
      series.points.push({
        t: Date.parse(run.completedAt!) / 1000,
        value: r.value,
        nominal: r.nominal,
        tolerance: r.tolerance,
        ok: r.ok,
        number: run.number,
      });
    }
  }
  return [...byKey.values()];
}

/** "3 runs, last 101 cd/m² against 100 ± 3 cd/m², in tolerance": a chart in words. */
export function driftSummary(series: DriftSeries): string {
  const last = series.points.at(-1);
  if (!last) return `${series.label}: no values recorded`;
  const unit = series.unit ? ` ${series.unit}` : '';
  const runs = series.points.length === 1 ? '1 run' : `${series.points.length} runs`;
  const against = rangeText({
    nominal: last.nominal,
    tolerance: last.tolerance,
    unit: series.unit,
  });
  const verdict = last.ok === null ? '' : last.ok ? ', in tolerance' : ', out of tolerance';
  return `${series.label}: ${runs}, last ${number(last.value)}${unit} against ${against}${verdict}`;
}

/** "2 of 6 readings out of tolerance", "all 6 in tolerance". */
export function runSummary(run: CalibrationRun): string {
  const out = run.readings.filter((r) => r.ok === false).length;
  const n = run.readings.length;
  if (out === 0) return n === 1 ? 'in tolerance' : `all ${n} in tolerance`;
  return `${out} of ${n} out of tolerance`;
}

/** What the server would refuse in a template, under its field names ('readings[1].key'). */
export function templateProblems(t: TemplateBody): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (t.name.trim() === '') problems.push({ field: 'name', text: 'a template needs a name' });
  if (t.readings.length === 0)
    problems.push({ field: 'readings', text: 'a calibration records at least one reading' });
  const seen = new Set<string>();
  t.readings.forEach((r, i) => {
    const add = (key: string, text: string) =>
      problems.push({ field: `readings[${i}].${key}`, text });
    if (!/^[a-z][a-z0-9_]*$/.test(r.key))
      add('key', 'lower-case letters, digits and _, starting with a letter');
    else if (seen.has(r.key)) add('key', `'${r.key}' is listed twice`);
    seen.add(r.key);
    if (!given(r.nominal)) add('nominal', 'give the nominal value');
    if (!given(r.tolerance)) add('tolerance', 'give the tolerance');
    else if (r.tolerance < 0) add('tolerance', `${r.tolerance} is negative; give ± as a size`);
  });
  return problems;
}

/** 'Peak white luminance' → 'peak_white_luminance': a key for a new reading. */
export function keyFromLabel(label: string): string {
  const key = label
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^[^a-z]+|_+$/g, '');
  return key.slice(0, 60);
}

// ---------------------------------------------------------------------------------------------
// Maintenance hours

/** Weeknights 19:00–08:00 and all weekend: the server's default. */
export function defaultWeek(): Span[][] {
  const nights = (): Span[] => [
    ['00:00', '08:00'],
    ['19:00', '24:00'],
  ];
  const allDay = (): Span[] => [['00:00', '24:00']];
  return [nights(), nights(), nights(), nights(), nights(), allDay(), allDay()];
}

/** Weekends off: no planned work on Saturday or Sunday. */
export function isWeekendsOff(week: Span[][]): boolean {
  return week[5]?.length === 0 && week[6]?.length === 0;
}

/** The week with Saturday and Sunday closed, or (turning it off) open all day. */
export function withWeekendsOff(week: Span[][], off: boolean): Span[][] {
  return week.map((spans, day): Span[] =>
    day < 5 ? spans.map(([a, b]): Span => [a, b]) : off ? [] : [['00:00', '24:00']],
  );
}

/** "24/7", or "Mon–Fri 00:00–08:00, 19:00–24:00; Sat–Sun all day": days with the same hours together. */
export function hoursText(hours: BusinessCalendar): string {
  if (isAllDayWeek(hours.week)) return '24/7';
  const short = (day: number) => weekdayNames[day]!.slice(0, 3);
  const runs: Array<{ from: number; to: number; text: string }> = [];
  hours.week.forEach((spans, day) => {
    const text = spans.length === 0 ? 'no planned work' : spansText(spans);
    const last = runs.at(-1);
    if (last && last.text === text && last.to === day - 1) last.to = day;
    else runs.push({ from: day, to: day, text });
  });
  return runs
    .map((r) => `${short(r.from)}${r.to > r.from ? `–${short(r.to)}` : ''} ${r.text}`)
    .join('; ');
}

/**
 * The settings as PATCH takes them: only the fields an admin edits. The GET answer may carry
 * bookkeeping of the server's own (when the digest last went out), which PATCH refuses.
 */
export function configPatch(c: MaintenanceConfig): MaintenanceConfig {
  return {
    hours: { timezone: c.hours.timezone, week: c.hours.week, holidays: c.hours.holidays },
    signoffValidDays: c.signoffValidDays,
    repairDueHours: c.repairDueHours,
    digestHour: c.digestHour,
  };
}

const configLabels: Record<string, string> = {
  'hours.timezone': 'Time zone',
  'hours.week': 'Hours',
  signoffValidDays: 'Sign-off validity',
  repairDueHours: 'After a repair',
  digestHour: 'Digest hour',
};

/** "Tuesday hours 1: end 07:00 is not after start 09:00": a settings problem in words. */
export function configProblemText(p: FieldProblem): string {
  const span = /^hours\.week\[(\d)\]\[(\d+)\]$/.exec(p.field);
  if (span)
    return `${weekdayNames[Number(span[1])] ?? 'A day'} hours ${Number(span[2]) + 1}: ${p.text}`;
  if (/^hours\.holidays\[\d+\]$/.test(p.field)) return `Blackout date: ${p.text}`;
  return `${configLabels[p.field] ?? p.field}: ${p.text}`;
}

/** Every problem the maintenance settings form can see, under the server's field names. */
export function configProblems(c: MaintenanceConfig): FieldProblem[] {
  const problems = calendarProblems(c.hours).map((p) => ({
    field: p.field.replace(/^calendar\./, 'hours.'),
    text: p.text,
  }));
  if (!(
    Number.isInteger(c.signoffValidDays) &&
    c.signoffValidDays >= 1 &&
    c.signoffValidDays <= 365
  ))
    problems.push({ field: 'signoffValidDays', text: 'whole days, 1 to 365' });
  if (!(given(c.repairDueHours) && c.repairDueHours >= 0 && c.repairDueHours <= 24 * 60))
    problems.push({ field: 'repairDueHours', text: 'hours after the repair, 0 or more' });
  if (!(Number.isInteger(c.digestHour) && c.digestHour >= 0 && c.digestHour <= 23))
    problems.push({ field: 'digestHour', text: 'a local hour, 0 to 23' });
  return problems;
}

export { allDayWeek, isAllDayWeek };
