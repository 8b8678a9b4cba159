// The vocabulary shared by the server, the probes and the dashboard. No imports with runtime
// weight: the dashboard bundles this file.
export { statuses, type Status } from '../probes/types.ts';

export const deviceKinds = [
  'workstation',
  'storage',
  'raid',
  'router',
  'switch',
  'display',
  'audio',
  'other',
] as const;
export type DeviceKind = (typeof deviceKinds)[number];

export const roles = ['junior', 'engineer', 'manager', 'admin'] as const;
export type Role = (typeof roles)[number];

/** new: never heard from; up: heartbeating; down: silent for three heartbeats. */
export const probeStates = ['new', 'up', 'down'] as const;
export type ProbeState = (typeof probeStates)[number];

export const tokenScopes = ['api', 'probe'] as const;
export type TokenScope = (typeof tokenScopes)[number];

export const suiteKinds = [
  'edit',
  'grading',
  'dubbing',
  'mix',
  'vfx',
  'qc',
  'mcr',
  'machine-room',
  'other',
] as const;
export type SuiteKind = (typeof suiteKinds)[number];

/** Fault severities, worst first: the ISA-18.2 / X.733 set that broadcast NMSs use. */
export const severities = ['critical', 'major', 'minor', 'warning'] as const;
export type Severity = (typeof severities)[number];

/** open: the condition is bad now; cleared: the better state held for the hold-down time. */
export const faultStates = ['open', 'cleared'] as const;
export type FaultState = (typeof faultStates)[number];

/** record: faults open, flagged, and stay quiet; skip: the device is not evaluated at all. */
export const windowModes = ['record', 'skip'] as const;
export type WindowMode = (typeof windowModes)[number];

export const windowScopes = ['device', 'suite', 'room'] as const;
export type WindowScope = (typeof windowScopes)[number];

export const recurrences = ['none', 'daily', 'weekly', 'monthly'] as const;
export type Recurrence = (typeof recurrences)[number];

export const channelTypes = ['webhook', 'email'] as const;
export type ChannelType = (typeof channelTypes)[number];

/** generic: Suitewatch's own JSON; chat: the `{text}` body Slack and Teams incoming webhooks take. */
export const webhookFormats = ['generic', 'chat'] as const;
export type WebhookFormat = (typeof webhookFormats)[number];

/** sla_warning and sla_breach are about tickets; the rest about faults. */
export const notificationKinds = [
  'alarm',
  'repeat',
  'resolved',
  'flapping',
  'test',
  'sla_warning',
  'sla_breach',
  'pm_digest',
] as const;
export type NotificationKind = (typeof notificationKinds)[number];

export const deliveryStates = ['pending', 'sent', 'failed'] as const;
export type DeliveryState = (typeof deliveryStates)[number];

export const ticketCategories = [
  'picture',
  'sound',
  'storage',
  'network',
  'software',
  'hardware',
  'facilities',
  'other',
] as const;
export type TicketCategory = (typeof ticketCategories)[number];

/**
 * A ticket's life. waiting_client and waiting_vendor stop the SLA clock; a junior's resolve lands
 * in pending_review until an engineer approves (closed) or returns it (in_progress).
 */
export const ticketStatuses = [
  'new',
  'triaged',
  'in_progress',
  'waiting_client',
  'waiting_vendor',
  'pending_review',
  'resolved',
  'closed',
] as const;
export type TicketStatus = (typeof ticketStatuses)[number];
export const pausedStatuses: readonly TicketStatus[] = ['waiting_client', 'waiting_vendor'];
/** Statuses in which the work is done: the resolution clock has stopped. */
export const doneStatuses: readonly TicketStatus[] = ['pending_review', 'resolved', 'closed'];

/** Impact and urgency, the two axes of the priority matrix. */
export const levels = ['high', 'medium', 'low'] as const;
export type Level = (typeof levels)[number];

/** P1 (critical) to P5 (planning). */
export const priorities = [1, 2, 3, 4, 5] as const;
export type Priority = (typeof priorities)[number];

export const ticketEventKinds = [
  'created',
  'comment',
  'note',
  'worklog',
  'field',
  'status',
  'triage',
  'override',
  'assign',
  'escalate',
  'review_returned',
  'review_approved',
  'attachment',
  'fault',
  'problem',
  'sla',
] as const;
export type TicketEventKind = (typeof ticketEventKinds)[number];

/** open: being investigated; known_error: root cause known, workaround in place. */
export const problemStatuses = ['open', 'known_error', 'resolved', 'closed'] as const;
export type ProblemStatus = (typeof problemStatuses)[number];

/** Preventive work follows a plan; corrective work repairs what a step or a fault found. */
export const workOrderTypes = ['preventive', 'corrective'] as const;
export type WorkOrderType = (typeof workOrderTypes)[number];

/**
 * A work order's life. A junior's completion lands in pending_review until an engineer approves
 * (done) or returns it (in_progress). Overdue is not a status: it is derived from the due date.
 */
export const workOrderStatuses = [
  'scheduled',
  'in_progress',
  'pending_review',
  'done',
  'skipped',
  'cancelled',
] as const;
export type WorkOrderStatus = (typeof workOrderStatuses)[number];
/** Statuses that still hold the plan's one open slot for its target. */
export const openWorkOrderStatuses: readonly WorkOrderStatus[] = [
  'scheduled',
  'in_progress',
  'pending_review',
];

/** What a PM plan points at; a device_kind plan makes one work order per device of that kind. */
export const planTargets = ['device', 'suite', 'room', 'device_kind'] as const;
export type PlanTarget = (typeof planTargets)[number];

export const intervalUnits = ['day', 'week', 'month'] as const;
export type IntervalUnit = (typeof intervalUnits)[number];

/** fixed: due dates step from the start date; floating: the next is counted from the last completion. */
export const planSchedules = ['fixed', 'floating'] as const;
export type PlanSchedule = (typeof planSchedules)[number];

/** check: pass / fail / not applicable; number: a measurement against nominal ± tolerance. */
export const stepKinds = ['check', 'number', 'text', 'photo'] as const;
export type StepKind = (typeof stepKinds)[number];

export const meterSources = ['reading', 'manual', 'booked_hours'] as const;
export type MeterSource = (typeof meterSources)[number];

/** A booking where the client approves the work: the grade or the mix. */
export const signoffKinds = ['grade', 'mix'] as const;
export type SignoffKind = (typeof signoffKinds)[number];

/** What a calibration template calibrates, which decides the sign-off it covers. */
export const calibrationKinds = ['sdr_display', 'hdr_display', 'audio_lineup', 'loudness'] as const;
export type CalibrationKind = (typeof calibrationKinds)[number];

export const feedScopes = ['facility', 'suite', 'user'] as const;
export type FeedScope = (typeof feedScopes)[number];

export const workOrderEventKinds = [
  'created',
  'scheduled',
  'moved',
  'status',
  'step',
  'assign',
  'comment',
  'review_returned',
  'review_approved',
  'ticket',
  'attachment',
] as const;
export type WorkOrderEventKind = (typeof workOrderEventKinds)[number];
