import type { Status } from '../probes/types.ts';
import type { ProbeState } from './domain.ts';

export interface Health {
  status: Status;
  deviceId: string | null;
  deviceName: string | null;
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
  | {
      type: 'changed';
      entity: 'site' | 'room' | 'suite' | 'device' | 'check' | 'user' | 'probe';
      id: string;
    };
