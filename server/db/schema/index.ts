export * from './enums.ts';
export * from './inventory.ts';
export * from './timeseries.ts';
export * from './auth.ts';
export * from './traps.ts';
export * from './probes.ts';
export * from './faults.ts';
export * from './notifications.ts';
