import { pgEnum } from 'drizzle-orm/pg-core';
import { deviceKinds, roles, severities, statuses, tokenScopes } from '../../domain.ts';

export * from '../../domain.ts';

export const deviceKindEnum = pgEnum('device_kind', deviceKinds);
export const statusEnum = pgEnum('status', statuses);
export const roleEnum = pgEnum('role', roles);
export const tokenScopeEnum = pgEnum('token_scope', tokenScopes);
export const severityEnum = pgEnum('severity', severities);
