import type { Role } from '../db/schema/index.ts';

/** Who may change the inventory (sites, rooms, suites, devices, checks). */
export const editors: readonly Role[] = ['engineer', 'admin'];
/** Who may read the audit log. */
export const auditors: readonly Role[] = ['engineer', 'manager', 'admin'];
