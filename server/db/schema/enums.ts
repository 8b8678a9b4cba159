import { pgEnum } from 'drizzle-orm/pg-core';
import { statuses } from '../../../probes/types.ts';

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

// Statuses are defined with the probes, which produce them.
export { statuses, type Status } from '../../../probes/types.ts';

export const roles = ['junior', 'engineer', 'manager', 'admin'] as const;
export type Role = (typeof roles)[number];

export const tokenScopes = ['api', 'probe'] as const;
export type TokenScope = (typeof tokenScopes)[number];

export const deviceKindEnum = pgEnum('device_kind', deviceKinds);
export const statusEnum = pgEnum('status', statuses);
export const roleEnum = pgEnum('role', roles);
export const tokenScopeEnum = pgEnum('token_scope', tokenScopes);
