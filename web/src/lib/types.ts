// Shapes of the Suitewatch REST API and live events, as the dashboard uses them.

// The enum lists and live events come from the server's own definitions so the two cannot drift.
export {
  channelTypes,
  deliveryStates,
  deviceKinds,
  notificationKinds,
  probeStates,
  recurrences,
  roles,
  severities,
  statuses,
  suiteKinds,
  webhookFormats,
  windowModes,
  windowScopes,
  type ChannelType,
  type DeliveryState,
  type DeviceKind,
  type NotificationKind,
  type ProbeState,
  type Recurrence,
  type Role,
  type Severity,
  type Status,
  type SuiteKind,
  type WebhookFormat,
  type WindowMode,
  type WindowScope,
} from '../../../server/domain.ts';
export type { ConsoleState, FaultView, Health, LiveEvent } from '../../../server/live-events.ts';
import type {
  ChannelType,
  DeliveryState,
  DeviceKind,
  NotificationKind,
  ProbeState,
  Recurrence,
  Role,
  Severity,
  Status,
  SuiteKind,
  WebhookFormat,
  WindowMode,
  WindowScope,
} from '../../../server/domain.ts';
import type { FaultView, Health } from '../../../server/live-events.ts';

export interface Me {
  id: string | null;
  username: string;
  role: Role | null;
  kind: 'user' | 'probe';
}

export interface LoginResult {
  user: { id: string; username: string; displayName: string; role: Role };
  expiresAt: string;
}

export interface Suite {
  id: string;
  name: string;
  roomId: string | null;
  kind: string;
  notes: string;
  deviceIds: string[];
  health: Health;
  createdAt: string;
  updatedAt: string;
}

export interface NewSuite {
  name: string;
  roomId?: string | null;
  kind?: SuiteKind;
  notes?: string;
  deviceIds?: string[];
}

export interface Device {
  id: string;
  name: string;
  kind: DeviceKind;
  host: string;
  location: string;
  rack: string;
  serial: string;
  notes: string;
  parentId: string | null;
  suiteIds: string[];
  status: Status;
  statusMessage: string;
  statusChangedAt: string;
  createdAt: string;
  updatedAt: string;
}

export interface Reading {
  value: number;
  unit: string;
  at: string;
  checkId: string | null;
  /** The probe's judgement of this reading; null where no rule covers it. */
  status: Status | null;
}

export interface DeviceDetail extends Device {
  readings: Record<string, Reading>;
}

export interface NewDevice {
  name: string;
  kind: DeviceKind;
  host?: string;
  location?: string;
  rack?: string;
  serial?: string;
  notes?: string;
  parentId?: string | null;
  suiteIds?: string[];
}

export interface HttpCheckConfig {
  url: string;
  expectStatus?: string;
  bodyContains?: string;
  timeoutMs?: number;
}

export interface Check {
  id: string;
  deviceId: string;
  kind: string;
  intervalS: number;
  config: Record<string, unknown>;
  enabled: boolean;
  lastStatus: Status | null;
  lastMessage: string;
  lastDurationMs: number | null;
  lastRunAt: string | null;
  /** What the last run learned: SNMP `profile`, `profileChosen`, `sysDescr`; Videohub labels. */
  facts: Record<string, string>;
  probeId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface NewHttpCheck {
  deviceId: string;
  kind: 'http';
  intervalS: number;
  config: HttpCheckConfig;
}

export type SnmpVersion = '1' | '2c' | '3';
export type SnmpLevel = 'noAuthNoPriv' | 'authNoPriv' | 'authPriv';

export interface SnmpUser {
  name: string;
  level: SnmpLevel;
  authProtocol?: string;
  authKey?: string;
  privProtocol?: string;
  privKey?: string;
}

export interface SnmpCheckConfig {
  version: SnmpVersion;
  community?: string;
  user?: SnmpUser;
  port?: number;
  profile: string;
}

export interface NewSnmpCheck {
  deviceId: string;
  kind: 'snmp';
  intervalS: number;
  config: SnmpCheckConfig;
  probeId?: string | null;
}

export interface HistorySeries {
  name: string;
  unit: string;
  /** [epoch ms, value], oldest first. */
  points: [number, number][];
}

export interface History {
  bucketS: number;
  series: HistorySeries[];
}

export interface Probe {
  id: string;
  name: string;
  siteId: string | null;
  description: string;
  builtin: boolean;
  state: ProbeState;
  stateChangedAt: string;
  lastSeenAt: string | null;
  lastAddress: string;
  version: string;
  stats: Record<string, number>;
  heartbeatS: number;
  checks: number;
  createdAt: string;
  updatedAt: string;
}

export interface NewProbe {
  name: string;
  siteId?: string | null;
  description?: string;
}

export interface TrapEvent {
  id: number;
  receivedAt: string;
  source: string;
  deviceId: string | null;
  version: string;
  trapOid: string;
  kind: string;
  ifIndex: number | null;
  varbinds: { oid: string; value: string | number | null }[];
}

/** A suite's reference routing on a router: output shows input (both numbered from 1). */
export interface SuiteRoute {
  routerId: string;
  output: number;
  input: number;
  label: string;
}

export interface Site {
  id: string;
  name: string;
  timezone: string;
}

export interface Room {
  id: string;
  siteId: string;
  name: string;
}

export interface RouterReference extends SuiteRoute {
  suiteId: string;
  suite: string;
}

/** One line of a fault's history: opened, worse, acknowledged, shelved, cleared… */
export interface FaultTimelineEntry {
  at: string;
  kind: string;
  severity: Severity | null;
  actor: string;
  detail: string;
}

export interface FaultDetail extends FaultView {
  timeline: FaultTimelineEntry[];
  consequenceFaults: FaultView[];
  /** The outage this fault stands for; end is null while it lasts. */
  downtime: { start: string; end: string | null } | null;
}

/** What an operator can do to a fault, with what the server needs for it. */
export type FaultAction =
  | { kind: 'ack'; comment: string }
  | { kind: 'take' }
  | { kind: 'shelve'; reason: string; minutes: number }
  | { kind: 'unshelve' }
  | { kind: 'dismiss' };

export interface Occurrence {
  start: string;
  end: string;
}

export interface MaintenanceWindow {
  id: string;
  scope: WindowScope;
  scopeId: string;
  mode: WindowMode;
  reason: string;
  startsAt: string;
  endsAt: string;
  timezone: string;
  recurrence: Recurrence;
  /** ISO weekdays, 1 = Monday. */
  weekdays: number[];
  until: string | null;
  createdById: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  activeNow: boolean;
}

export interface MaintenanceWindowDetail extends MaintenanceWindow {
  /** The running occurrence, if any, then the next ones. */
  nextOccurrences: Occurrence[];
}

export interface NewMaintenanceWindow {
  scope: WindowScope;
  scopeId: string;
  mode: WindowMode;
  reason: string;
  startsAt: string;
  endsAt: string;
  timezone: string;
  recurrence?: Recurrence;
  weekdays?: number[];
  until?: string | null;
}

export interface WebhookConfig {
  url: string;
  format: WebhookFormat;
  secret?: string;
}

export interface EmailConfig {
  to: string[];
  from: string;
  smtp: {
    host: string;
    port: number;
    secure: boolean;
    username?: string;
    password?: string;
    verifyTls?: boolean;
  };
}

export interface NotificationChannel {
  id: string;
  name: string;
  type: ChannelType;
  enabled: boolean;
  minSeverity: Severity;
  siteIds: string[];
  deviceKinds: DeviceKind[];
  sendResolved: boolean;
  /** Secrets come back as ********. */
  config: Record<string, unknown>;
  /** Safe to show: a webhook's scheme and host, or the addresses. */
  destination: string;
  lastSentAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface NewNotificationChannel {
  name: string;
  type: ChannelType;
  enabled?: boolean;
  minSeverity?: Severity;
  siteIds?: string[];
  deviceKinds?: DeviceKind[];
  sendResolved?: boolean;
  config: WebhookConfig | EmailConfig;
}

export interface ChannelTestResult {
  delivered: boolean;
  error?: string;
  notificationId: number;
}

/** One message in the outbox. */
export interface Delivery {
  id: number;
  channelId: string;
  channelName: string;
  kind: NotificationKind;
  faultId: string | null;
  severity: Severity | null;
  title: string;
  state: DeliveryState;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}
