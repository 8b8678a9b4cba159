// Shapes of the Suitewatch REST API and live events, as the dashboard uses them.

// The enum lists and live events come from the server's own definitions so the two cannot drift.
export {
  deviceKinds,
  roles,
  statuses,
  suiteKinds,
  type DeviceKind,
  type Role,
  type Status,
  type SuiteKind,
} from '../../../server/domain.ts';
export type { Health, LiveEvent } from '../../../server/live-events.ts';
import type { DeviceKind, Role, Status, SuiteKind } from '../../../server/domain.ts';
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
  createdAt: string;
  updatedAt: string;
}

export interface NewHttpCheck {
  deviceId: string;
  kind: 'http';
  intervalS: number;
  config: HttpCheckConfig;
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
