// Shapes of the Suitewatch REST API and live events, as the dashboard uses them.

// The enum lists and live events come from the server's own definitions so the two cannot drift.
export {
  deviceKinds,
  probeStates,
  roles,
  statuses,
  suiteKinds,
  type DeviceKind,
  type ProbeState,
  type Role,
  type Status,
  type SuiteKind,
} from '../../../server/domain.ts';
export type { Health, LiveEvent } from '../../../server/live-events.ts';
import type { DeviceKind, ProbeState, Role, Status, SuiteKind } from '../../../server/domain.ts';
import type { Health } from '../../../server/live-events.ts';

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
