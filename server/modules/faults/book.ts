import { randomUUID } from 'node:crypto';
import type { Severity } from '../../domain.ts';
import type { FaultRecord, Transition } from './engine.ts';
import type { FaultRow, NewFault } from './repository.ts';

/**
 * One fault as an evaluation holds it: the engine's record and what the server keeps beside it
 * (what it is folded under, maintenance, notification marks). Written back only when dirty.
 */
export interface Entry {
  id: string;
  isNew: boolean;
  record: FaultRecord;
  suppressedBy: string | null;
  inMaintenance: boolean;
  maintenanceWindowId: string | null;
  rootSince: Date;
  flapNotifiedAt: Date | null;
  notifiedAt: Date | null;
  notifiedSeverity: Severity | null;
  /** Changed in the database. */
  dirty: boolean;
  /** Changed in a way a person sees (not only "still bad"): published after commit. */
  visible: boolean;
  transitions: Transition[];
  /** Timeline entries beyond the engine's own: folded, released from maintenance. */
  notes: Array<{ kind: string; detail: string }>;
}

const ms = (date: Date | null) => (date ? date.getTime() : null);
const date = (value: number | null) => (value === null ? null : new Date(value));

export function entryOf(row: FaultRow): Entry {
  return {
    id: row.id,
    isNew: false,
    record: {
      id: row.id,
      deviceId: row.deviceId,
      checkId: row.checkId,
      condition: row.condition,
      source: row.source,
      state: row.state,
      severity: row.severity,
      peakSeverity: row.peakSeverity,
      message: row.message,
      openedAtMs: row.openedAt.getTime(),
      lastBadAtMs: row.lastBadAt.getTime(),
      lastObservedAtMs: row.lastObservedAt.getTime(),
      betterSinceMs: ms(row.betterSince),
      betterSeverity: row.betterSeverity,
      restoredAtMs: ms(row.restoredAt),
      clearedAtMs: ms(row.clearedAt),
      holdDownS: row.holdDownS,
      flapping: row.flapping,
      flapChangesMs: row.flapChanges.map((at) => Date.parse(at)),
    },
    suppressedBy: row.suppressedBy,
    inMaintenance: row.inMaintenance,
    maintenanceWindowId: row.maintenanceWindowId,
    rootSince: row.rootSince,
    flapNotifiedAt: row.flapNotifiedAt,
    notifiedAt: row.notifiedAt,
    notifiedSeverity: row.notifiedSeverity,
    dirty: false,
    visible: false,
    transitions: [],
    notes: [],
  };
}

export function newEntry(record: FaultRecord, transitions: Transition[]): Entry {
  const id = randomUUID();
  record.id = id;
  return {
    id,
    isNew: true,
    record,
    suppressedBy: null,
    inMaintenance: false,
    maintenanceWindowId: null,
    // Its group wait runs from when it was seen, so a spool replayed late alarms at once.
    rootSince: new Date(record.openedAtMs),
    flapNotifiedAt: null,
    notifiedAt: null,
    notifiedSeverity: null,
    dirty: true,
    visible: true,
    transitions,
    notes: [],
  };
}

/** The columns an entry writes. */
export function columnsOf(entry: Entry): NewFault {
  const r = entry.record;
  return {
    id: entry.id,
    deviceId: r.deviceId,
    checkId: r.checkId,
    condition: r.condition,
    source: r.source,
    state: r.state,
    severity: r.severity,
    peakSeverity: r.peakSeverity,
    message: r.message,
    openedAt: new Date(r.openedAtMs),
    lastBadAt: new Date(r.lastBadAtMs),
    lastObservedAt: new Date(r.lastObservedAtMs),
    betterSince: date(r.betterSinceMs),
    betterSeverity: r.betterSeverity,
    restoredAt: date(r.restoredAtMs),
    clearedAt: date(r.clearedAtMs),
    holdDownS: r.holdDownS,
    flapping: r.flapping,
    flapChanges: r.flapChangesMs.map((at) => new Date(at).toISOString()),
    suppressedBy: entry.suppressedBy,
    inMaintenance: entry.inMaintenance,
    maintenanceWindowId: entry.maintenanceWindowId,
    rootSince: entry.rootSince,
    flapNotifiedAt: entry.flapNotifiedAt,
    notifiedAt: entry.notifiedAt,
    notifiedSeverity: entry.notifiedSeverity,
  };
}

export const keyOf = (deviceId: string, condition: string) => `${deviceId}\u0000${condition}`;
