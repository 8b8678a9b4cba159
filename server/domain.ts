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
