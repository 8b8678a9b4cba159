import type { Status } from '../probes/types.ts';
import type { DeviceKind, FaultState, ProbeState, Severity } from './domain.ts';

/**
 * Where a fault stands on the alarm console: current (open, not acknowledged), acknowledged,
 * latched (cleared while nobody acknowledged it: stays until dismissed) or closed.
 */
export type ConsoleState = 'current' | 'acknowledged' | 'latched' | 'closed';

/** A fault as the API and the dashboard see it. */
export interface FaultView {
  id: string;
  deviceId: string;
  deviceName: string;
  deviceKind: DeviceKind;
  checkId: string | null;
  condition: string;
  source: 'check' | 'trap' | 'silence';
  severity: Severity;
  peakSeverity: Severity;
  state: FaultState;
  console: ConsoleState;
  message: string;
  openedAt: string;
  restoredAt: string | null;
  clearedAt: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  ackComment: string | null;
  owner: string | null;
  shelvedUntil: string | null;
  shelveReason: string | null;
  shelvedBy: string | null;
  dismissedAt: string | null;
  /** The root fault this one is a consequence of. */
  suppressedBy: string | null;
  /** How many open faults are folded under this one. */
  consequences: number;
  flapping: boolean;
  inMaintenance: boolean;
  notifiedAt: string | null;
  suiteIds: string[];
  roomIds: string[];
  siteIds: string[];
}

export interface Health {
  status: Status;
  deviceId: string | null;
  deviceName: string | null;
  message: string;
  /** When the named device's fault is a consequence of a fault elsewhere: that root fault. */
  rootCause?: RootCause | null;
}

export interface RootCause {
  faultId: string;
  deviceId: string;
  deviceName: string;
  condition: string;
  message: string;
}

/**
 * What the dashboard hears. Every event describes state that is already committed. The
 * dashboard imports these types, so this file must stay free of server-only imports.
 */
export type LiveEvent =
  | { type: 'hello' }
  | { type: 'device.status'; deviceId: string; status: Status; message: string; at: string }
  | { type: 'suite.health'; suiteId: string; health: Health }
  | { type: 'readings'; deviceIds: string[] }
  | {
      type: 'trap';
      trapId: number;
      deviceId: string | null;
      source: string;
      kind: string;
      trapOid: string;
      ifIndex: number | null;
      at: string;
    }
  | {
      type: 'probe.state';
      probeId: string;
      name: string;
      state: ProbeState;
      at: string;
    }
  | { type: 'fault'; fault: FaultView }
  | {
      type: 'changed';
      entity:
        | 'site'
        | 'room'
        | 'suite'
        | 'device'
        | 'check'
        | 'user'
        | 'probe'
        | 'maintenance-window'
        | 'notification-channel'
        | 'booking'
        | 'ticket'
        | 'problem'
        | 'runbook'
        | 'helpdesk-settings'
        | 'meter'
        | 'pm-plan'
        | 'work-order'
        | 'calibration-template'
        | 'maintenance-settings';
      id: string;
    };
