// The helpdesk as the dashboard shows it: ticket shapes, labels, SLA countdowns, workflow moves
// and the words on the timeline. Everything here is pure (no DOM, no runes), so it is
// unit-tested in Node.
import {
  doneStatuses,
  levels,
  pausedStatuses,
  priorities,
  ticketCategories,
  ticketStatuses,
  type DeviceKind,
  type Level,
  type Priority,
  type ProblemStatus,
  type Role,
  type Severity,
  type TicketCategory,
  type TicketEventKind,
  type TicketStatus,
} from '../../../server/domain.ts';

export {
  levels,
  priorities,
  ticketCategories,
  ticketStatuses,
  type Level,
  type Priority,
  type TicketCategory,
  type TicketEventKind,
  type TicketStatus,
};

// Shapes of the ticket API (server/modules/tickets/schemas.ts), as the dashboard uses them.

interface TicketCommon {
  id: string;
  number: number;
  title: string;
  category: TicketCategory;
  status: TicketStatus;
  impact: Level;
  urgency: Level;
  priority: Priority;
  source: 'manual' | 'fault';
  reporter: string;
  assigneeId: string | null;
  assignee: string | null;
  team: string | null;
  tags: string[];
  respondedAt: string | null;
  resolvedAt: string | null;
  responseDueAt: string | null;
  resolutionDueAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A row of a ticket list. */
export interface TicketItem extends TicketCommon {
  /** Suite names. */
  suites: string[];
  paused: boolean;
  /** The resolution due time has passed (or was missed). */
  breached: boolean;
}

export type TimerState = 'none' | 'running' | 'warning' | 'paused' | 'met' | 'breached';

export interface SlaTimer {
  targetMinutes: number | null;
  dueAt: string | null;
  warnAt: string | null;
  elapsedMinutes: number;
  remainingMinutes: number | null;
  paused: boolean;
  breached: boolean;
  met: boolean | null;
  state: TimerState;
}

export interface Override {
  value: string | number;
  reason: string;
  by: string;
  at: string;
}

export interface Reasons {
  impact: string;
  urgency: string;
}

export interface TriageRecord {
  derived: { impact: Level; urgency: Level; priority: Priority };
  reasons: Reasons;
  proposedUrgency: Level | null;
  overrides: { impact?: Override; urgency?: Override; priority?: Override };
}

export interface TicketAttachment {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  createdBy: string;
  createdAt: string;
}

export interface TicketFault {
  id: string;
  deviceId: string;
  deviceName: string;
  deviceKind: DeviceKind;
  condition: string;
  severity: Severity;
  state: string;
  message: string;
  openedAt: string;
  clearedAt: string | null;
}

export interface Ticket extends TicketCommon {
  description: string;
  triage: TriageRecord;
  reporterId: string | null;
  reproductionSteps: string;
  workaround: string;
  rootCause: string;
  resolution: string;
  problemId: string | null;
  problem: { id: string; number: number; title: string; status: ProblemStatus } | null;
  /** The work order whose failed step opened this ticket. */
  workOrderId: string | null;
  workOrder: { id: string; number: number; title: string; status: string } | null;
  pauses: Array<{ from: string; to: string | null }>;
  resolvedById: string | null;
  closedAt: string | null;
  suites: Array<{ id: string; name: string }>;
  devices: Array<{ id: string; name: string; kind: DeviceKind }>;
  faults: TicketFault[];
  attachments: TicketAttachment[];
  timeSpentMinutes: number;
  sla: { response: SlaTimer; resolution: SlaTimer; paused: boolean };
  /** Where the caller may move the ticket now. */
  allowedMoves: TicketStatus[];
  runbooks: Array<{ id: string; title: string }>;
}

export interface TicketEvent {
  id: number;
  ticketId: string;
  at: string;
  kind: TicketEventKind;
  actorId: string | null;
  actor: string;
  body: string;
  data: Record<string, unknown>;
  minutes: number | null;
}

export interface TicketDraft {
  title: string;
  description: string;
  category: TicketCategory;
  suiteIds: string[];
  deviceIds: string[];
  faultIds: string[];
  triage: { impact: Level; urgency: Level; priority: Priority; reasons: Reasons };
}

export interface TicketPreview {
  impact: Level;
  urgency: Level;
  priority: Priority;
  derived: { impact: Level; urgency: Level; priority: Priority };
  reasons: Reasons;
}

export interface Assignee {
  id: string;
  name: string;
  role: string;
}

export interface Assignees {
  users: Assignee[];
  teams: string[];
}

export interface NewTicket {
  title: string;
  description?: string;
  category?: TicketCategory;
  suiteIds?: string[];
  deviceIds?: string[];
  urgency?: Level;
  tags?: string[];
  reproductionSteps?: string;
  workaround?: string;
  assigneeId?: string;
  team?: string;
  faultIds?: string[];
}

export interface TicketPatch {
  title?: string;
  description?: string;
  category?: TicketCategory;
  suiteIds?: string[];
  deviceIds?: string[];
  reproductionSteps?: string;
  workaround?: string;
  rootCause?: string;
  resolution?: string;
  tags?: string[];
  assigneeId?: string | null;
  team?: string | null;
  urgency?: Level | null;
}

export interface TriageInput {
  impact?: Level | null;
  urgency?: Level | null;
  priority?: Priority | null;
  reason?: string;
  assigneeId?: string | null;
  team?: string | null;
}

export interface MoveInput {
  to: TicketStatus;
  note?: string;
  resolution?: string;
}

export const ticketViews = ['queue', 'new', 'mine', 'review', 'all'] as const;
export type TicketView = (typeof ticketViews)[number];

export const viewLabels: Record<TicketView, string> = {
  queue: 'Queue',
  new: 'New',
  mine: 'Mine',
  review: 'Review',
  all: 'All',
};

/** What each tab holds, for its empty state and tooltip. */
export const viewHints: Record<TicketView, string> = {
  queue: 'Open tickets, most urgent first',
  new: 'Logged, waiting for an engineer to triage',
  mine: 'Open tickets assigned to you',
  review: 'Resolved by a junior, waiting for an engineer to approve or return',
  all: 'Every ticket, newest first',
};

export function isView(value: string | undefined): value is TicketView {
  return (ticketViews as readonly string[]).includes(value ?? '');
}

// Labels

const statusLabels: Record<TicketStatus, string> = {
  new: 'New',
  triaged: 'Triaged',
  in_progress: 'In progress',
  waiting_client: 'Waiting on client',
  waiting_vendor: 'Waiting on vendor',
  pending_review: 'Pending review',
  resolved: 'Resolved',
  closed: 'Closed',
};

export function statusLabel(status: TicketStatus): string {
  return statusLabels[status];
}

export const isPaused = (status: TicketStatus) => pausedStatuses.includes(status);
/** The work is done: the resolution clock has stopped. */
export const isDone = (status: TicketStatus) => doneStatuses.includes(status);
/** Still someone's to act on: not resolved or closed (review is open, it needs an engineer). */
export const isOpen = (status: TicketStatus) => status !== 'resolved' && status !== 'closed';

const priorityNames: Record<Priority, string> = {
  1: 'critical',
  2: 'high',
  3: 'medium',
  4: 'low',
  5: 'planning',
};

/** "P1". */
export function priorityLabel(priority: number): string {
  return `P${priority}`;
}

/** "P1 critical". */
export function priorityTitle(priority: Priority): string {
  return `${priorityLabel(priority)} ${priorityNames[priority]}`;
}

export function isPriority(value: number): value is Priority {
  return (priorities as readonly number[]).includes(value);
}

const categoryLabels: Record<TicketCategory, string> = {
  picture: 'Picture',
  sound: 'Sound',
  storage: 'Storage',
  network: 'Network',
  software: 'Software',
  hardware: 'Hardware',
  facilities: 'Facilities',
  other: 'Other',
};

export function categoryLabel(category: TicketCategory): string {
  return categoryLabels[category];
}

export function isCategory(value: string | undefined): value is TicketCategory {
  return (ticketCategories as readonly string[]).includes(value ?? '');
}

export function isLevel(value: unknown): value is Level {
  return (levels as readonly unknown[]).includes(value);
}

// Time

/** "45 min", "1 h 20 min", "3 h", "2 d 4 h": a span of minutes, to the minute. */
export function durationText(minutes: number): string {
  const total = Math.max(0, Math.round(minutes));
  if (total < 60) return `${total} min`;
  if (total < 24 * 60) {
    const h = Math.floor(total / 60);
    const m = total % 60;
    return m ? `${h} h ${m} min` : `${h} h`;
  }
  const d = Math.floor(total / (24 * 60));
  const h = Math.floor((total % (24 * 60)) / 60);
  return h ? `${d} d ${h} h` : `${d} d`;
}

const minutesBetween = (from: number, to: number) => (to - from) / 60_000;

/**
 * "1 h 20 min left" before the due time, "breached 12 min ago" after it. Under a minute either
 * side reads as "due now", so the text never flips between "0 min left" and "breached 0 min ago".
 */
export function countdown(dueAt: string, now: number): string {
  const left = minutesBetween(now, Date.parse(dueAt));
  if (Math.abs(left) < 1) return 'due now';
  // Floor towards the deadline: "1 min left" until the last minute, never rounded up past it.
  return left > 0
    ? `${durationText(Math.floor(left))} left`
    : `breached ${durationText(Math.floor(-left))} ago`;
}

export type SlaTone = 'none' | 'ok' | 'warning' | 'breached' | 'paused' | 'met';

export interface SlaText {
  text: string;
  tone: SlaTone;
}

/** Under this much time left, a running clock shows as a warning in lists. */
export const warnMinutes = 60;

/**
 * The SLA cell of a ticket list: the resolution clock, counted down to its due time. A stopped
 * clock says whether it was met; a paused one says so (its due time moves on when it resumes).
 */
export function slaCell(
  item: Pick<TicketItem, 'status' | 'paused' | 'resolvedAt' | 'resolutionDueAt'>,
  now: number,
): SlaText {
  const due = item.resolutionDueAt;
  if (item.resolvedAt || isDone(item.status)) {
    if (!due) return { text: '—', tone: 'none' };
    const stop = item.resolvedAt ? Date.parse(item.resolvedAt) : now;
    const late = minutesBetween(Date.parse(due), stop);
    return late > 0
      ? { text: `missed by ${durationText(Math.max(1, Math.floor(late)))}`, tone: 'breached' }
      : { text: 'met', tone: 'met' };
  }
  if (item.paused) return { text: 'paused', tone: 'paused' };
  if (!due) return { text: 'no target', tone: 'none' };
  const left = minutesBetween(now, Date.parse(due));
  const text = countdown(due, now);
  if (left < 0) return { text, tone: 'breached' };
  return { text, tone: left < warnMinutes ? 'warning' : 'ok' };
}

/** A timer on the ticket page: its state in words, counted down live while it runs. */
export function timerText(timer: SlaTimer, now: number): SlaText {
  switch (timer.state) {
    case 'none':
      return { text: 'no target', tone: 'none' };
    case 'paused':
      return { text: 'paused', tone: 'paused' };
    case 'met':
      return { text: 'met', tone: 'met' };
    case 'breached':
      if (timer.met === false && timer.targetMinutes !== null)
        return {
          text: `missed by ${durationText(Math.max(1, timer.elapsedMinutes - timer.targetMinutes))}`,
          tone: 'breached',
        };
      return { text: timer.dueAt ? countdown(timer.dueAt, now) : 'breached', tone: 'breached' };
    case 'running':
    case 'warning': {
      if (!timer.dueAt) return { text: 'running', tone: 'ok' };
      const left = minutesBetween(now, Date.parse(timer.dueAt));
      const tone: SlaTone = left < 0 ? 'breached' : timer.state === 'warning' ? 'warning' : 'ok';
      return { text: countdown(timer.dueAt, now), tone };
    }
  }
}

// Workflow

/** The button that asks for a move, e.g. pending review → closed is "Approve". */
export function moveLabel(from: TicketStatus, to: TicketStatus): string {
  switch (to) {
    case 'triaged':
      return 'Triage';
    case 'in_progress':
      if (from === 'pending_review') return 'Return';
      if (from === 'resolved' || from === 'closed') return 'Reopen';
      if (isPaused(from)) return 'Resume';
      return 'Start';
    case 'waiting_client':
      return 'Wait on client';
    case 'waiting_vendor':
      return 'Wait on vendor';
    case 'resolved':
    case 'pending_review':
      return 'Resolve';
    case 'closed':
      return from === 'pending_review' ? 'Approve' : 'Close';
    case 'new':
      return 'New';
  }
}

/** Where a move lands: a junior's resolve goes to review. */
export function landing(to: TicketStatus, role: Role | null): TicketStatus {
  return to === 'resolved' && role === 'junior' ? 'pending_review' : to;
}

export type MoveNeed = 'resolution' | 'note' | null;

/** What a move needs said, as the server insists: a resolution to resolve, a note to return or reopen. */
export function moveNeed(from: TicketStatus, to: TicketStatus, role: Role | null): MoveNeed {
  const lands = landing(to, role);
  if (lands === 'resolved' || lands === 'pending_review') return 'resolution';
  if (lands === 'closed' && (from === 'new' || from === 'triaged')) return 'resolution';
  if (lands === 'in_progress' && ['pending_review', 'resolved', 'closed'].includes(from))
    return 'note';
  return null;
}

/** The label of the text a move asks for. */
export function needPrompt(from: TicketStatus, to: TicketStatus, role: Role | null): string {
  const need = moveNeed(from, to, role);
  if (need === 'resolution')
    return to === 'closed' ? 'Why close it without a fix' : 'What fixed it (the resolution)';
  if (need === 'note')
    return from === 'pending_review' ? 'What still needs doing (feedback)' : 'Why reopen it';
  return '';
}

/** The move a person most likely wants next is the primary button. */
export function isPrimaryMove(from: TicketStatus, to: TicketStatus): boolean {
  if (from === 'pending_review') return to === 'closed';
  if (from === 'new') return to === 'triaged';
  if (from === 'triaged' || isPaused(from)) return to === 'in_progress';
  if (from === 'in_progress') return to === 'resolved';
  return false;
}

/** The order buttons appear in: forward moves first, closing last. */
const moveOrder: TicketStatus[] = [
  'triaged',
  'in_progress',
  'resolved',
  'waiting_client',
  'waiting_vendor',
  'pending_review',
  'closed',
  'new',
];

export function orderedMoves(from: TicketStatus, moves: TicketStatus[]): TicketStatus[] {
  const rank = (to: TicketStatus) => (isPrimaryMove(from, to) ? -1 : moveOrder.indexOf(to));
  return [...moves].sort((a, b) => rank(a) - rank(b));
}

export const isStaff = (role: Role | null) => role === 'engineer' || role === 'admin';

/** What the caller may do with a ticket, mirroring the server's rules so forms are not offered in vain. */
export function permissions(
  ticket: Pick<Ticket, 'assigneeId' | 'reporterId'>,
  me: { id: string | null; role: Role | null },
) {
  const staff = isStaff(me.role);
  const works = staff || me.role === 'junior';
  const assignee = me.id !== null && ticket.assigneeId === me.id;
  const reporter = me.id !== null && ticket.reporterId === me.id;
  return {
    triage: staff,
    edit: staff || (works && (assignee || reporter)),
    comment: works,
    logWork: staff || (works && assignee),
    escalate: staff || (works && (assignee || reporter)),
    attach: works,
  };
}

// The triage form

export interface TriageForm {
  /** '' follows the derivation; a level overrides it. */
  impact: Level | '';
  urgency: Level | '';
  /** '' follows the matrix. */
  priority: string;
  reason: string;
  /** '' is nobody. */
  assigneeId: string;
  team: string;
}

export function triageForm(ticket: Pick<Ticket, 'triage' | 'assigneeId' | 'team'>): TriageForm {
  const o = ticket.triage.overrides;
  return {
    impact: isLevel(o.impact?.value) ? o.impact.value : '',
    urgency: isLevel(o.urgency?.value) ? o.urgency.value : '',
    priority: o.priority ? String(o.priority.value) : '',
    reason: '',
    assigneeId: ticket.assigneeId ?? '',
    team: ticket.team ?? '',
  };
}

/**
 * The triage request for a form: only what changed. A value set where there was none (or
 * another) overrides and needs a reason; a value emptied clears its override.
 */
export function triageRequest(
  ticket: Pick<Ticket, 'triage' | 'assigneeId' | 'team'>,
  form: TriageForm,
): { body: TriageInput; needsReason: boolean } {
  const body: TriageInput = {};
  const was = triageForm(ticket);
  let needsReason = false;
  if (form.impact !== was.impact) {
    body.impact = form.impact || null;
    needsReason ||= form.impact !== '';
  }
  if (form.urgency !== was.urgency) {
    body.urgency = form.urgency || null;
    needsReason ||= form.urgency !== '';
  }
  if (form.priority !== was.priority) {
    const p = Number(form.priority);
    body.priority = form.priority && isPriority(p) ? p : null;
    needsReason ||= body.priority !== null;
  }
  const reason = form.reason.trim();
  if (reason) body.reason = reason;
  if (form.assigneeId !== was.assigneeId) body.assigneeId = form.assigneeId || null;
  if (form.team !== was.team) body.team = form.team || null;
  return { body, needsReason };
}

// The create form

/** "P1 · shared infrastructure: … · in session: …": the priority a ticket would get, and why. */
export function previewLine(preview: Pick<TicketPreview, 'priority' | 'reasons'>): string {
  return [priorityLabel(preview.priority), preview.reasons.impact, preview.reasons.urgency].join(
    ' · ',
  );
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Where a new ticket starts from: `#/tickets/new?faultId=…` (or deviceId, suiteId). */
export function draftSource(query: Record<string, string>): {
  faultId?: string;
  deviceId?: string;
  suiteId?: string;
} {
  const source: { faultId?: string; deviceId?: string; suiteId?: string } = {};
  for (const key of ['faultId', 'deviceId', 'suiteId'] as const) {
    const value = query[key];
    if (value && uuid.test(value)) source[key] = value;
  }
  return source;
}

/** "NEXIS, sdi  ,Grade 1" → ["nexis", "sdi", "grade 1"], as the server stores tags. */
export function parseTags(text: string): string[] {
  const tags = text
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t !== '');
  return [...new Set(tags)];
}

export function tagsText(tags: string[]): string {
  return tags.join(', ');
}

/**
 * The type-ahead's suggestions: names that start with the query first, then names with a word
 * starting with it, then names containing it; each group by name. Chosen ones are left out.
 */
export function pickMatches<T extends { id: string; name: string }>(
  items: T[],
  query: string,
  exclude: readonly string[] = [],
  limit = 8,
): T[] {
  const q = query.trim().toLowerCase();
  const rank = (name: string) => {
    const n = name.toLowerCase();
    if (!q) return 3;
    if (n.startsWith(q)) return 0;
    if (n.split(/[\s\-_./]+/).some((w) => w.startsWith(q))) return 1;
    if (n.includes(q)) return 2;
    return -1;
  };
  return items
    .filter((item) => !exclude.includes(item.id))
    .map((item) => ({ item, rank: rank(item.name) }))
    .filter((x) => x.rank >= 0)
    .sort(
      (a, b) =>
        a.rank - b.rank ||
        a.item.name.localeCompare(b.item.name, undefined, { numeric: true, sensitivity: 'base' }),
    )
    .slice(0, limit)
    .map((x) => x.item);
}

// Lists

export interface TicketFilter {
  view: TicketView;
  q: string;
  priority: string;
  category: string;
  suiteId: string;
}

/** The list's query string for `GET /api/tickets`. */
export function listQuery(filter: TicketFilter, limit: number): string {
  const params = new URLSearchParams({ view: filter.view });
  if (filter.q.trim()) params.set('q', filter.q.trim());
  if (filter.priority && isPriority(Number(filter.priority)))
    params.set('priority', filter.priority);
  if (isCategory(filter.category)) params.set('category', filter.category);
  if (filter.suiteId && uuid.test(filter.suiteId)) params.set('suiteId', filter.suiteId);
  params.set('limit', String(limit));
  return params.toString();
}

/** The filter a `#/tickets?…` address holds; anything unknown falls back to the queue, unfiltered. */
export function filterFromQuery(query: Record<string, string>): TicketFilter {
  return {
    view: isView(query.view) ? query.view : 'queue',
    q: query.q ?? '',
    priority: query.priority && isPriority(Number(query.priority)) ? query.priority : '',
    category: isCategory(query.category) ? query.category : '',
    suiteId: query.suite && uuid.test(query.suite) ? query.suite : '',
  };
}

/** "tickets-queue-2025-03-04.csv", dated on the local calendar. */
export function csvFilename(view: TicketView, now: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const date = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
  return `tickets-${view}-${date}.csv`;
}

/** "812 B", "14 KB", "3.2 MB". */
export function bytesText(size: number): string {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${Math.round(size / 1024)} KB`;
  const mb = size / (1024 * 1024);
  return `${mb < 10 ? mb.toFixed(1) : Math.round(mb)} MB`;
}

/** Who has the ticket: "sam", "sam · Storage", "Storage", or "—". */
export function ownerText(item: Pick<TicketCommon, 'assignee' | 'team'>): string {
  return [item.assignee, item.team].filter(Boolean).join(' · ') || '—';
}

// The timeline

const fieldLabels: Record<string, string> = {
  title: 'title',
  description: 'description',
  category: 'category',
  suites: 'suites',
  devices: 'devices',
  reproductionSteps: 'reproduction steps',
  workaround: 'workaround',
  rootCause: 'root cause',
  resolution: 'resolution',
  tags: 'tags',
  proposedUrgency: 'proposed urgency',
  impact: 'impact',
  urgency: 'urgency',
  priority: 'priority',
};

export function fieldLabel(field: string): string {
  return fieldLabels[field] ?? field;
}

/** A value from an event's data, in words: lists joined, blanks as "(empty)", priorities as P2. */
export function valueText(value: unknown, field = ''): string {
  if (value === null || value === undefined) return field === 'priority' ? 'matrix' : '—';
  if (Array.isArray(value)) return value.length ? value.map((v) => valueText(v)).join(', ') : '—';
  if (field === 'priority' && typeof value === 'number') return priorityLabel(value);
  if (field === 'category' && typeof value === 'string' && isCategory(value))
    return categoryLabel(value);
  if (typeof value === 'string') return value === '' ? '(empty)' : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

const isStatus = (value: unknown): value is TicketStatus =>
  (ticketStatuses as readonly unknown[]).includes(value);

const record = (value: unknown): Record<string, unknown> =>
  value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};

/** Long texts (a description, a resolution) are shown as changed, not quoted whole in one line. */
const longFields = ['description', 'reproductionSteps', 'workaround', 'rootCause', 'resolution'];

export type EventTone = 'returned' | 'approved' | 'internal' | 'override' | 'status' | null;

/** One timeline entry in words. */
export interface EventView {
  /** What happened, e.g. "moved it to Pending review", "returned it for rework". */
  headline: string;
  /** Free text that came with it: a comment, feedback, a reason, a briefing. */
  body: string;
  /** For field changes: before and after. */
  from?: string;
  to?: string;
  /** The statuses of a move, to show as chips. */
  statusFrom?: TicketStatus;
  statusTo?: TicketStatus;
  tone: EventTone;
}

function assignWords(to: Record<string, unknown>): string {
  const who = typeof to.assignee === 'string' ? to.assignee : null;
  const team = typeof to.team === 'string' ? to.team : null;
  if (who && team) return `${who} (${team})`;
  return who ?? team ?? 'nobody';
}

export function describeEvent(e: TicketEvent): EventView {
  const d = e.data;
  switch (e.kind) {
    case 'created':
      return { headline: 'logged the ticket', body: '', tone: null };
    case 'comment':
      return { headline: 'commented', body: e.body, tone: null };
    case 'note':
      return { headline: 'added an internal note', body: e.body, tone: 'internal' };
    case 'worklog':
      return {
        headline: `logged ${durationText(e.minutes ?? 0)} of work`,
        body: e.body,
        tone: null,
      };
    case 'field': {
      const field = typeof d.field === 'string' ? d.field : '';
      const label = fieldLabel(field);
      if (longFields.includes(field)) {
        const from = valueText(d.from, field);
        const to = valueText(d.to, field);
        return {
          headline: from === '(empty)' ? `wrote the ${label}` : `changed the ${label}`,
          body: '',
          ...(from === '(empty)' ? {} : { from }),
          to,
          tone: null,
        };
      }
      return {
        headline: `changed the ${label}`,
        body: '',
        from: valueText(d.from, field),
        to: valueText(d.to, field),
        tone: null,
      };
    }
    case 'status': {
      const from = isStatus(d.from) ? d.from : undefined;
      const to = isStatus(d.to) ? d.to : undefined;
      const asked = isStatus(d.requested) ? d.requested : undefined;
      const headline =
        to === 'pending_review' && asked === 'resolved'
          ? 'resolved it; it goes to an engineer for review'
          : to
            ? `moved it to ${statusLabel(to)}`
            : 'changed the status';
      return { headline, body: e.body, statusFrom: from, statusTo: to, tone: 'status' };
    }
    case 'triage':
      return { headline: 'triaged it', body: e.body, tone: null };
    case 'override': {
      const field = typeof d.field === 'string' ? d.field : '';
      const cleared = d.to === null || d.to === undefined;
      return {
        headline: cleared
          ? `cleared the ${fieldLabel(field)} override`
          : `overrode the ${fieldLabel(field)}`,
        body: e.body,
        from: valueText(d.from, field),
        to: valueText(d.to, field),
        tone: 'override',
      };
    }
    case 'assign': {
      const to = record(d.to);
      const nobody = !to.assignee && !to.team;
      return {
        headline: nobody ? 'unassigned it' : `assigned it to ${assignWords(to)}`,
        body: e.body,
        tone: null,
      };
    }
    case 'escalate':
      return {
        headline: `escalated it to ${assignWords(record(d.to))}`,
        body: e.body,
        tone: null,
      };
    case 'review_returned':
      return { headline: 'returned it for rework', body: e.body, tone: 'returned' };
    case 'review_approved':
      return { headline: 'approved the fix', body: e.body, tone: 'approved' };
    case 'attachment':
      return {
        headline: d.removed ? 'removed an attachment' : 'attached a file',
        body: e.body,
        tone: null,
      };
    case 'fault': {
      const event = typeof d.event === 'string' ? d.event : '';
      const headline =
        event === 'linked'
          ? 'linked a fault'
          : event === 'cleared'
            ? 'fault cleared'
            : event === 'opened' || event === 'reopened'
              ? 'fault opened'
              : 'fault';
      return { headline, body: e.body, tone: null };
    }
    case 'problem':
      return { headline: 'problem', body: e.body, tone: null };
    case 'sla':
      return { headline: 'SLA', body: e.body, tone: null };
  }
}

/**
 * The timeline as shown: a return's or an approval's note is written on both the status event
 * and the review event; it is shown once, on the review event.
 */
export function foldTimeline(events: TicketEvent[]): TicketEvent[] {
  return events.map((e, i) => {
    if (e.kind !== 'status' || !e.body) return e;
    const review = events
      .slice(i + 1, i + 4)
      .find(
        (r) =>
          (r.kind === 'review_returned' || r.kind === 'review_approved') &&
          r.at === e.at &&
          r.body === e.body,
      );
    return review ? { ...e, body: '' } : e;
  });
}

/** "14:05" today, "3 Mar 14:05" another day, on this screen's clock. */
export function shortTime(iso: string, now: number): string {
  const at = new Date(iso);
  const today = new Date(now);
  const time = at.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
  if (at.toDateString() === today.toDateString()) return time;
  const date = at.toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    ...(at.getFullYear() === today.getFullYear() ? {} : { year: 'numeric' }),
  });
  return `${date} ${time}`;
}
