// The shapes the maintenance API takes and answers, written once for the server and the
// dashboard. Types only, importing nothing but types from domain.ts: the dashboard imports this
// file, and its bundle must not pull in server code.
import type {
  DeviceKind,
  IntervalUnit,
  MeterSource,
  PlanSchedule,
  SignoffKind,
  StepKind,
  WindowMode,
  WindowScope,
  WorkOrderStatus,
  WorkOrderType,
} from '../../domain.ts';

// ---------------------------------------------------------------------------------------------
// Checklist steps. server/db/schema/pm.ts types its jsonb columns with the same shapes.

/** One checklist step as a plan or template defines it. */
export interface StepTemplate {
  label: string;
  kind: StepKind;
  nominal: number | null;
  tolerance: number | null;
  unit: string;
  required: boolean;
  /** A calibration reading's key, e.g. 'white_luminance': the drift chart groups by it. */
  key?: string;
}

/** A step of one work order: the template plus what was found. */
export interface Step extends StepTemplate {
  id: string;
  result: 'pass' | 'fail' | 'na' | null;
  value: number | null;
  note: string;
  attachmentId: string | null;
  /** Number steps: within nominal ± tolerance. Check steps: result pass or na. */
  ok: boolean | null;
  by: string | null;
  at: string | null;
  /** The corrective ticket a failure of this step opened. */
  ticketId?: string | null;
}

// ---------------------------------------------------------------------------------------------
// GET /api/maintenance/calendar

export interface CalendarBooking {
  id: string;
  suiteId: string;
  suiteName: string;
  title: string;
  client: string;
  project: string;
  operator: string;
  start: string;
  end: string;
  signoff: SignoffKind | null;
  signoffRisk: { reason: string; lastPassAt: string | null } | null;
  /** Work an engineer moved onto the session on purpose, with the reason given. */
  movedWork: Array<{ id: string; number: number; title: string; reason: string }>;
}

export interface CalendarWorkOrder {
  id: string;
  number: number;
  title: string;
  type: WorkOrderType;
  status: WorkOrderStatus;
  deviceId: string | null;
  deviceName: string | null;
  suiteId: string | null;
  suiteName: string | null;
  roomId: string | null;
  roomName: string | null;
  durationMin: number;
  scheduledStart: string | null;
  scheduledEnd: string | null;
  dueAt: string | null;
  overdue: boolean;
  proposedStart: string | null;
  proposedEnd: string | null;
  slotNote: string;
  assigneeId: string | null;
  overrideReason: string | null;
}

/** One occurrence of a maintenance window. */
export interface CalendarWindow {
  windowId: string;
  title: string;
  start: string;
  end: string;
  mode: WindowMode;
  scope: WindowScope;
  scopeId: string;
  scopeName: string | null;
  /** The work order whose slot made the window, if one did. */
  workOrderId: string | null;
}

export interface Interval {
  start: string;
  end: string;
}

/** What `GET /api/maintenance/calendar` answers. */
export interface CalendarData {
  from: string;
  to: string;
  timezone: string;
  bookings: CalendarBooking[];
  workOrders: CalendarWorkOrder[];
  windows: CalendarWindow[];
  maintenanceHours: Interval[];
}

// ---------------------------------------------------------------------------------------------
// Plans and work orders

/** The body of POST /api/pm-plans; PATCH and the preview take any part of it. */
export interface PlanInput {
  title: string;
  description?: string;
  deviceId?: string;
  suiteId?: string;
  roomId?: string;
  deviceKind?: DeviceKind;
  siteId?: string;
  every?: { count: number; unit: IntervalUnit } | null;
  schedule?: PlanSchedule;
  meter?: { reading: string; every: number } | null;
  afterRepair?: boolean;
  startsOn: string;
  timezone?: string;
  leadDays?: number;
  graceFraction?: number;
  durationMin: number;
  assigneeId?: string | null;
  team?: string | null;
  required?: boolean;
  calibrationTemplateId?: string | null;
  steps?: StepTemplate[];
  active?: boolean;
}

/** POST /api/meters. */
export interface MeterInput {
  source: MeterSource;
  deviceId?: string;
  suiteId?: string;
  reading?: string;
  label?: string;
  unit?: string;
}

/** POST /api/work-orders: ad-hoc work, placed like planned work. One target at most. */
export interface AdHocInput {
  type: WorkOrderType;
  title: string;
  description?: string;
  deviceId?: string;
  suiteId?: string;
  roomId?: string;
  dueAt?: string | null;
  durationMin: number;
  assigneeId?: string | null;
  team?: string | null;
  calibrationTemplateId?: string | null;
  steps?: StepTemplate[];
}

/** POST /api/work-orders/:id/transition. */
export interface TransitionInput {
  to: WorkOrderStatus;
  reason?: string;
  /** Work done on paper: when it was really done; never in the future. */
  completedAt?: string;
  /** Work done on paper: when it began, so its labour counts; only with completion. */
  startedAt?: string;
}

/** The query of GET /api/work-orders. */
export interface WorkOrderFilter {
  status?: WorkOrderStatus;
  open?: boolean;
  overdue?: boolean;
  dueBefore?: string;
  from?: string;
  to?: string;
  deviceId?: string;
  suiteId?: string;
  assigneeId?: string;
  planId?: string;
  type?: WorkOrderType;
  limit?: number;
}

// ---------------------------------------------------------------------------------------------
// GET /api/maintenance/summary

/** A client sign-off booking whose suite is not calibrated for it, and why. */
export interface SignoffRisk {
  bookingId: string;
  suiteId: string;
  kind: SignoffKind;
  reason: string;
  /** The last passing calibration before the session (the oldest one when several count). */
  lastPassAt: string | null;
}

/** What a suite wall tile says about maintenance: one suite's row of the summary. */
export interface SuiteMaintenance {
  suiteId: string;
  nextWork: {
    id: string;
    number: number;
    title: string;
    /** The scheduled start, or the due date of work not placed in a slot. */
    start: string | null;
    status: WorkOrderStatus;
  } | null;
  overdue: number;
  /** Sign-off bookings in the next week whose calibration is not current. */
  signoffRisks: SignoffRisk[];
}
