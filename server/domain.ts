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

export const notificationKinds = ['alarm', 'repeat', 'resolved', 'flapping', 'test'] as const;
export type NotificationKind = (typeof notificationKinds)[number];

export const deliveryStates = ['pending', 'sent', 'failed'] as const;
export type DeliveryState = (typeof deliveryStates)[number];
