// Work orders as the dashboard shows them: the list's tabs, due words, step verdicts, what a
// person may do, the timeline's words and the ad-hoc form. Everything here is pure (no DOM, no
// runes), so it is unit-tested in Node.
import {
  openWorkOrderStatuses,
  type Role,
  type StepKind,
  type WorkOrderStatus,
  type WorkOrderType,
} from '../../../server/domain.ts';
import type {
  AdHocInput,
  Step,
  StepTemplate,
  TransitionInput,
  WorkOrderFilter,
} from '../../../server/modules/pm/api-types.ts';
import { age, number } from './format.ts';
import { rangeText, stepProblems, stepsBody, type FieldProblem, type StepDraft } from './plans.ts';
import type { TicketStatus } from './tickets.ts';
import { zonedToIso } from './zoned-time.ts';

// ---------------------------------------------------------------------------------------------
// Shapes of the work-order API (server/modules/pm/routes.ts, work-orders.ts, attachment-routes.ts)

export type { StepKind, TransitionInput, WorkOrderFilter, WorkOrderStatus, WorkOrderType };
export type DueState = 'upcoming' | 'due_soon' | 'due' | 'overdue';

export type WorkOrderStep = Step;

/** A work order as GET /api/work-orders lists it. */
export interface WorkOrder {
  id: string;
  number: number;
  planId: string | null;
  type: WorkOrderType;
  title: string;
  description: string;
  deviceId: string | null;
  suiteId: string | null;
  roomId: string | null;
  status: WorkOrderStatus;
  dueAt: string | null;
  graceMin: number;
  /** The plan's lead time: "due soon" opens this many days before dueAt (7 when not sent). */
  leadDays?: number;
  dueBy: 'time' | 'meter' | 'repair' | 'manual' | null;
  durationMin: number;
  scheduledStart: string | null;
  scheduledEnd: string | null;
  slotNote: string;
  proposedStart: string | null;
  proposedEnd: string | null;
  overrideReason: string | null;
  assigneeId: string | null;
  team: string | null;
  required: boolean;
  calibrationTemplateId: string | null;
  steps: WorkOrderStep[];
  passed: boolean | null;
  startedAt: string | null;
  completedAt: string | null;
  completedById: string | null;
  completedBy: string | null;
  enteredAt: string | null;
  reviewedById: string | null;
  reviewedBy: string | null;
  reviewedAt: string | null;
  reason: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  dueState: DueState | null;
  overdue: boolean;
}

export type WorkOrderEventKind =
  | 'created'
  | 'scheduled'
  | 'moved'
  | 'status'
  | 'step'
  | 'assign'
  | 'comment'
  | 'review_returned'
  | 'review_approved'
  | 'ticket'
  | 'attachment';

/** One line of a work order's timeline: `at` is when it happened, `enteredAt` when it was typed. */
export interface WorkOrderEvent {
  id: number;
  workOrderId: string;
  kind: WorkOrderEventKind;
  at: string;
  enteredAt: string;
  actorId: string | null;
  actor: string;
  text: string;
  detail: Record<string, unknown>;
}

/** A ticket a step of the work order opened. */
export interface LinkedTicket {
  id: string;
  number: number;
  title: string;
  status: TicketStatus;
}

/** GET /api/work-orders/:id: the work order with its timeline and the tickets it opened. */
export interface WorkOrderDetail extends WorkOrder {
  events: WorkOrderEvent[];
  tickets: LinkedTicket[];
}

/** What recording a step answers: the work order, and the ticket a failure opened. */
export interface StepRecorded extends WorkOrder {
  ticket: { id: string; number: number; title: string } | null;
}

export interface PhotoStored extends WorkOrder {
  attachment: {
    id: string;
    stepId: string;
    filename: string;
    contentType: string;
    size: number;
    createdBy: string;
    createdAt: string;
  };
}

export type NewStep = Omit<StepTemplate, 'key'>;

export type NewWorkOrder = AdHocInput;

export type StepInput = { result: 'pass' | 'fail' | 'na' } | { value: number } | { note: string };

/** The bookings a refused move would land on, as the 409's body names them. */
export interface MoveClash {
  id: string;
  label: string;
  start: string;
  end: string;
}

const minuteMs = 60_000;
const dayMs = 24 * 60 * minuteMs;

/** "WO-311": how the work order is named out loud and in ticket titles. */
export const orderName = (o: Pick<WorkOrder, 'number'>) => `WO-${o.number}`;

// ---------------------------------------------------------------------------------------------
// Statuses and due state

const statusLabels: Record<WorkOrderStatus, string> = {
  scheduled: 'Scheduled',
  in_progress: 'In progress',
  pending_review: 'Pending review',
  done: 'Done',
  skipped: 'Skipped',
  cancelled: 'Cancelled',
};

export const statusLabel = (status: WorkOrderStatus) => statusLabels[status];

/** Still holds the plan's slot: not done, skipped or cancelled (review is open). */
export const isOpen = (status: WorkOrderStatus) => openWorkOrderStatuses.includes(status);

/** Work still to do: scheduled or started. Work waiting for review is done, not due. */
export const isToDo = (status: WorkOrderStatus) =>
  status === 'scheduled' || status === 'in_progress';

export const dueStateWords: Record<DueState, string> = {
  upcoming: 'upcoming',
  due_soon: 'due soon',
  due: 'due',
  overdue: 'overdue',
};

/**
 * The due state now, by the server's rule (schedule.ts dueState): due soon from `leadDays`
 * before the due date, due until the grace ends, overdue after. Recomputed on the page's clock,
 * so a list left open turns overdue without a reload. Null for finished work or no due date.
 */
export function dueStateAt(
  o: Pick<WorkOrder, 'status' | 'dueAt' | 'graceMin' | 'leadDays'>,
  now: number,
): DueState | null {
  if (!isOpen(o.status) || !o.dueAt) return null;
  const due = Date.parse(o.dueAt);
  if (now < due - (o.leadDays ?? 7) * dayMs) return 'upcoming';
  if (now < due) return 'due_soon';
  if (now < due + o.graceMin * minuteMs) return 'due';
  return 'overdue';
}

/** A span ahead of now in the short words of `age`: "45 min", "5 h", "3 d". */
const ahead = (ms: number, now: number) => age(new Date(now - ms).toISOString(), now);

export interface DueText {
  state: DueState | null;
  text: string;
}

/**
 * The due cell: "due in 12 d", "due soon · in 3 d", "due 5 h ago" (in grace), "overdue by 2 d".
 * Work waiting for review, or finished, has no due words: its status says it.
 */
export function dueText(
  o: Pick<WorkOrder, 'status' | 'dueAt' | 'graceMin' | 'leadDays'>,
  now: number,
): DueText | null {
  if (!isToDo(o.status)) return null;
  if (!o.dueAt) return { state: null, text: 'no due date' };
  const state = dueStateAt(o, now)!;
  const due = Date.parse(o.dueAt);
  switch (state) {
    case 'upcoming':
      return { state, text: `due in ${ahead(due - now, now)}` };
    case 'due_soon':
      return { state, text: `due soon · in ${ahead(due - now, now)}` };
    case 'due':
      return { state, text: `due ${age(o.dueAt, now)} ago` };
    case 'overdue':
      return { state, text: `overdue by ${age(o.dueAt, now)}` };
  }
}

// ---------------------------------------------------------------------------------------------
// The list's tabs

export const workTabs = ['overdue', 'week', 'review', 'mine', 'open', 'done'] as const;
export type WorkTab = (typeof workTabs)[number];

export const tabLabels: Record<WorkTab, string> = {
  overdue: 'Overdue',
  week: 'Due this week',
  review: 'Awaiting review',
  mine: 'Mine',
  open: 'All open',
  done: 'Done',
};

export const tabHints: Record<WorkTab, string> = {
  overdue: 'Not done, and past the due date and its grace',
  week: 'Not done, due within the next 7 days',
  review: "Completed by a junior, waiting for an engineer's approval",
  mine: 'Open work assigned to you',
  open: 'Everything scheduled, started or waiting for review',
  done: 'Done, skipped or cancelled',
};

export function isTab(value: string | undefined): value is WorkTab {
  return (workTabs as readonly string[]).includes(value ?? '');
}

/** A junior starts on their own work; everyone else on the whole open list. */
export const defaultTab = (role: Role | null): WorkTab => (role === 'junior' ? 'mine' : 'open');

export function inTab(
  o: Pick<WorkOrder, 'status' | 'dueAt' | 'graceMin' | 'leadDays' | 'assigneeId'>,
  tab: WorkTab,
  me: string | null,
  now: number,
): boolean {
  switch (tab) {
    case 'overdue':
      return isToDo(o.status) && dueStateAt(o, now) === 'overdue';
    case 'week':
      return (
        isToDo(o.status) &&
        o.dueAt !== null &&
        dueStateAt(o, now) !== 'overdue' &&
        Date.parse(o.dueAt) < now + 7 * dayMs
      );
    case 'review':
      return o.status === 'pending_review';
    case 'mine':
      return isOpen(o.status) && me !== null && o.assigneeId === me;
    case 'open':
      return isOpen(o.status);
    case 'done':
      return !isOpen(o.status);
  }
}

export function tabCounts(
  orders: Array<Pick<WorkOrder, 'status' | 'dueAt' | 'graceMin' | 'leadDays' | 'assigneeId'>>,
  me: string | null,
  now: number,
): Record<WorkTab, number> {
  const counts = Object.fromEntries(workTabs.map((t) => [t, 0])) as Record<WorkTab, number>;
  for (const o of orders) for (const t of workTabs) if (inTab(o, t, me, now)) counts[t] += 1;
  return counts;
}

/** Open lists soonest due first (no due date last); the done list latest finished first. */
export function tabOrder(tab: WorkTab) {
  if (tab === 'done')
    return (a: WorkOrder, b: WorkOrder) =>
      (b.completedAt ?? b.updatedAt).localeCompare(a.completedAt ?? a.updatedAt);
  return (a: WorkOrder, b: WorkOrder) =>
    (a.dueAt ?? '\uffff').localeCompare(b.dueAt ?? '\uffff') || a.number - b.number;
}

// ---------------------------------------------------------------------------------------------
// The slot

/** "Tue 5 Mar, 19:00": a moment as a planner reads it, on the facility's (or this screen's) clock. */
export const whenText = (iso: string, timeZone?: string) =>
  new Date(iso).toLocaleString('en-GB', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  });
const clock = (iso: string, timeZone?: string) =>
  new Date(iso).toLocaleTimeString('en-GB', { timeZone, hour: '2-digit', minute: '2-digit' });
const day = (iso: string, timeZone?: string) =>
  new Date(iso).toLocaleDateString('en-GB', { timeZone, day: 'numeric', month: 'short' });

/** "Tue 5 Mar, 19:00–20:00", or both ends in full when the slot runs past midnight. */
export function spanText(start: string, end: string, timeZone?: string): string {
  const sameDay = day(start, timeZone) === day(end, timeZone);
  return `${whenText(start, timeZone)}–${sameDay ? clock(end, timeZone) : whenText(end, timeZone)}`;
}

/** The slot cell: the placed slot, or why there is none and the slot on offer. */
export function slotText(
  o: Pick<
    WorkOrder,
    'scheduledStart' | 'scheduledEnd' | 'slotNote' | 'proposedStart' | 'proposedEnd'
  >,
  timeZone?: string,
): { slot: string | null; note: string; proposed: string | null } {
  return {
    slot:
      o.scheduledStart && o.scheduledEnd
        ? spanText(o.scheduledStart, o.scheduledEnd, timeZone)
        : null,
    note: o.slotNote,
    proposed:
      o.proposedStart && o.proposedEnd ? spanText(o.proposedStart, o.proposedEnd, timeZone) : null,
  };
}

// ---------------------------------------------------------------------------------------------
// Steps

/** The server's rule for a required step: anything recorded counts. */
export const isFilled = (s: WorkOrderStep) =>
  s.result !== null || s.value !== null || s.note.trim() !== '' || s.attachmentId !== null;

export const emptyRequired = (steps: WorkOrderStep[]) =>
  steps.filter((s) => s.required && !isFilled(s));

/** "4 of 7 steps recorded". */
export function progressText(steps: WorkOrderStep[]): string {
  const filled = steps.filter(isFilled).length;
  return `${filled} of ${steps.length} ${steps.length === 1 ? 'step' : 'steps'} recorded`;
}

/** "100 ± 3 cd/m²" for a number step; nothing for the others. */
export const toleranceText = (s: WorkOrderStep) => (s.kind === 'number' ? rangeText(s) : '');

/** "112 cd/m²". */
export const measuredText = (s: WorkOrderStep) =>
  s.value === null ? '' : `${number(s.value)}${s.unit ? ` ${s.unit}` : ''}`;

export type VerdictTone = 'ok' | 'bad' | 'na';

/** What the step found, in a word or two, as the server judged it. */
export function stepVerdict(s: WorkOrderStep): { text: string; tone: VerdictTone } | null {
  if (s.result === 'na') return { text: 'n/a', tone: 'na' };
  switch (s.kind) {
    case 'number':
      if (s.ok === null) return null;
      return s.ok
        ? { text: 'in tolerance', tone: 'ok' }
        : { text: 'out of tolerance', tone: 'bad' };
    case 'check':
      if (s.result === null) return null;
      return s.result === 'pass' ? { text: 'pass', tone: 'ok' } : { text: 'fail', tone: 'bad' };
    case 'text':
      return s.note.trim() ? { text: 'noted', tone: 'ok' } : null;
    case 'photo':
      return s.attachmentId ? { text: 'photo taken', tone: 'ok' } : null;
  }
}

/** A typed reading: "0,3127" from a European keyboard reads as 0.3127; blanks are no value. */
export function parseReading(text: string): number | null {
  const cleaned = text.trim().replace(',', '.');
  if (cleaned === '') return null;
  const value = Number(cleaned);
  return Number.isFinite(value) ? value : null;
}

// ---------------------------------------------------------------------------------------------
// Who may do what (the server decides; the page only offers what it would allow)

export interface Me {
  id: string | null;
  role: Role | null;
}

export interface Allowed {
  record: boolean;
  start: boolean;
  complete: boolean;
  skip: boolean;
  cancel: boolean;
  review: boolean;
  move: boolean;
}

export const isStaff = (role: Role | null) => role === 'engineer' || role === 'admin';

export function allowed(o: Pick<WorkOrder, 'status' | 'assigneeId'>, me: Me): Allowed {
  const staff = isStaff(me.role);
  // A junior works what is theirs or nobody's; managers only read.
  const performer =
    staff || (me.role === 'junior' && (o.assigneeId === null || o.assigneeId === me.id));
  const active = isToDo(o.status);
  return {
    record: performer && active,
    start: performer && o.status === 'scheduled',
    complete: performer && active,
    skip: staff && active,
    cancel: staff && active,
    review: staff && o.status === 'pending_review',
    move: staff && active,
  };
}

// ---------------------------------------------------------------------------------------------
// The timeline

export type EventTone = 'returned' | 'approved' | 'override' | 'bad' | null;

export interface EventView {
  headline: string;
  body: string;
  tone: EventTone;
}

const to = (e: WorkOrderEvent) =>
  typeof e.detail.to === 'string' && e.detail.to in statusLabels
    ? (e.detail.to as WorkOrderStatus)
    : null;

/** One timeline entry in words: "Sam completed it", then what they wrote. */
export function describeEvent(e: WorkOrderEvent): EventView {
  switch (e.kind) {
    case 'created':
      return { headline: 'created the work order', body: e.text, tone: null };
    case 'scheduled':
      return { headline: 'scheduled it', body: e.text, tone: null };
    case 'moved': {
      const onto = Array.isArray(e.detail.bookings) && e.detail.bookings.length > 0;
      return {
        headline: onto ? 'moved it onto a booking' : 'moved it',
        body: e.text,
        tone: onto ? 'override' : null,
      };
    }
    case 'status': {
      const status = to(e);
      if (status === 'pending_review' || (status === 'done' && e.detail.enteredAt))
        return {
          headline: 'completed it',
          body: e.text === 'Completed' ? '' : e.text,
          tone: null,
        };
      return {
        headline: status ? `moved it to ${statusLabel(status)}` : 'changed its status',
        body: e.text,
        tone: null,
      };
    }
    case 'step':
      return {
        headline: 'recorded a step',
        body: e.text,
        tone: e.detail.ok === false ? 'bad' : null,
      };
    case 'ticket':
      return { headline: 'opened a corrective ticket', body: e.text, tone: 'bad' };
    case 'attachment':
      return { headline: 'added a photo', body: e.text, tone: null };
    case 'review_returned':
      return { headline: 'returned it for rework', body: e.text, tone: 'returned' };
    case 'review_approved':
      return {
        headline: 'approved it',
        body: e.text === 'Approved' ? '' : e.text,
        tone: 'approved',
      };
    case 'assign':
      return { headline: 'assigned it', body: e.text, tone: null };
    case 'comment':
      return { headline: 'commented', body: e.text, tone: null };
  }
}

/**
 * Work recorded from paper: when it was done and, apart, when it was typed in. Null when the
 * two are the same moment (within a minute), as for work recorded as it happens.
 */
export function paperTimes(e: Pick<WorkOrderEvent, 'at' | 'enteredAt'>) {
  const gap = Date.parse(e.enteredAt) - Date.parse(e.at);
  return Math.abs(gap) > minuteMs ? { doneAt: e.at, enteredAt: e.enteredAt } : null;
}

// ---------------------------------------------------------------------------------------------
// The ad-hoc form

export interface AdHocDraft {
  title: string;
  type: WorkOrderType;
  target: 'device' | 'suite';
  deviceId: string;
  suiteId: string;
  /** The due date as a wall clock, as a datetime-local holds it; blank for none. */
  due: string;
  durationMin: number | null;
  assigneeId: string;
  calibrationTemplateId: string;
  steps: StepDraft[];
}

export const emptyAdHoc = (): AdHocDraft => ({
  title: '',
  type: 'preventive',
  target: 'device',
  deviceId: '',
  suiteId: '',
  due: '',
  durationMin: 60,
  assigneeId: '',
  calibrationTemplateId: '',
  steps: [],
});

/** What the server would refuse, under its field names ('title', 'steps[1].tolerance'). */
export function adHocProblems(d: AdHocDraft, timeZone: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const add = (field: string, text: string) => problems.push({ field, text });
  if (d.title.trim() === '') add('title', 'say what the work is');
  if (d.target === 'device' && !d.deviceId) add('deviceId', 'pick the device');
  if (d.target === 'suite' && !d.suiteId) add('suiteId', 'pick the suite');
  if (d.due.trim() !== '' && !zonedToIso(d.due, timeZone)) add('dueAt', 'give a date and time');
  const minutes = d.durationMin;
  if (minutes === null || !Number.isInteger(minutes) || minutes < 1 || minutes > 7 * 24 * 60)
    add('durationMin', 'from 1 minute to 7 days');
  problems.push(...stepProblems(d.steps));
  return problems;
}

export function adHocBody(d: AdHocDraft, timeZone: string): NewWorkOrder {
  return {
    type: d.type,
    title: d.title.trim(),
    ...(d.target === 'device' ? { deviceId: d.deviceId } : { suiteId: d.suiteId }),
    dueAt: d.due.trim() ? zonedToIso(d.due, timeZone) : null,
    durationMin: d.durationMin ?? 0,
    assigneeId: d.assigneeId || null,
    calibrationTemplateId: d.calibrationTemplateId || null,
    steps: stepsBody(d.steps),
  };
}
