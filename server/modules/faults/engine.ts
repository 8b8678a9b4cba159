import type { Severity } from '../../domain.ts';

/**
 * The fault state machine, free of I/O so it can be tested and measured on its own. It follows
 * AMWA BCP-008: a fault opens, or gets worse, the moment an observation says so; it improves or
 * clears only once the better state has held for the hold-down time.
 */

/** What one check result, trap or silence says about one condition of one device. */
export interface Observation {
  deviceId: string;
  checkId: string | null;
  condition: string;
  source: 'check' | 'trap' | 'silence';
  /** null: the condition is good. */
  severity: Severity | null;
  message: string;
  atMs: number;
  holdDownS: number;
}

export interface FaultRecord {
  /** null until the fault is stored. */
  id: string | null;
  deviceId: string;
  checkId: string | null;
  condition: string;
  source: 'check' | 'trap' | 'silence';
  state: 'open' | 'cleared';
  severity: Severity;
  peakSeverity: Severity;
  message: string;
  openedAtMs: number;
  lastBadAtMs: number;
  lastObservedAtMs: number;
  betterSinceMs: number | null;
  /** The worst state seen since the better state began; null: good throughout. */
  betterSeverity: Severity | null;
  restoredAtMs: number | null;
  clearedAtMs: number | null;
  holdDownS: number;
  flapping: boolean;
  /** Times the raw state crossed between bad and good, oldest first, within the flap window. */
  flapChangesMs: number[];
}

export type TransitionKind = 'opened' | 'worse' | 'improved' | 'cleared' | 'flapping' | 'steady';

export interface Transition {
  kind: TransitionKind;
  atMs: number;
  severity: Severity | null;
  detail: string;
}

export interface FlapPolicy {
  /** Raw changes inside the window that mark a condition flapping. */
  changes: number;
  windowS: number;
}

// Worse is higher: the rank compares an observation with a fault; good (null) is 0.
const ranks: Record<Severity, number> = { warning: 1, minor: 2, major: 3, critical: 4 };
export const rank = (severity: Severity | null): number => (severity ? ranks[severity] : 0);

export function worst(a: Severity | null, b: Severity | null): Severity | null {
  return rank(a) >= rank(b) ? a : b;
}

function recentChanges(changes: number[], nowMs: number, policy: FlapPolicy): number[] {
  const since = nowMs - policy.windowS * 1000;
  return changes.filter((at) => at > since);
}

/**
 * Flapping starts at `changes` raw changes in the window and stops once fewer than half remain:
 * the gap keeps a condition on the edge from toggling the flag itself.
 */
function flappingNow(wasFlapping: boolean, count: number, policy: FlapPolicy): boolean {
  if (count >= policy.changes) return true;
  if (wasFlapping && count >= Math.ceil(policy.changes / 2)) return true;
  return false;
}

/** Opens a fault for a bad observation. `history` carries a recent fault's raw changes on. */
export function open(
  obs: Observation & { severity: Severity },
  policy: FlapPolicy,
  history: number[] = [],
): { fault: FaultRecord; transitions: Transition[] } {
  const flapChangesMs = recentChanges([...history, obs.atMs], obs.atMs, policy);
  const flapping = flappingNow(false, flapChangesMs.length, policy);
  const fault: FaultRecord = {
    id: null,
    deviceId: obs.deviceId,
    checkId: obs.checkId,
    condition: obs.condition,
    source: obs.source,
    state: 'open',
    severity: obs.severity,
    peakSeverity: obs.severity,
    message: obs.message,
    openedAtMs: obs.atMs,
    lastBadAtMs: obs.atMs,
    lastObservedAtMs: obs.atMs,
    betterSinceMs: null,
    betterSeverity: null,
    restoredAtMs: null,
    clearedAtMs: null,
    holdDownS: obs.holdDownS,
    flapping,
    flapChangesMs,
  };
  const transitions: Transition[] = [
    { kind: 'opened', atMs: obs.atMs, severity: obs.severity, detail: obs.message },
  ];
  if (flapping) transitions.push(flapTransition(obs.atMs, flapChangesMs.length, policy));
  return { fault, transitions };
}

const flapTransition = (atMs: number, count: number, policy: FlapPolicy): Transition => ({
  kind: 'flapping',
  atMs,
  severity: null,
  detail: `${count} changes in ${Math.round(policy.windowS / 60)} min`,
});

/**
 * Applies one observation to an open fault. Returns the transitions it caused (none when it only
 * confirmed what was known). The fault is changed in place; a cleared fault takes no more.
 */
export function step(fault: FaultRecord, obs: Observation, policy: FlapPolicy): Transition[] {
  // A result older than one already applied (a probe replaying its spool) cannot change the past.
  if (fault.state !== 'open' || obs.atMs < fault.lastObservedAtMs) return [];
  const transitions: Transition[] = [];
  const wasRawBad = fault.betterSinceMs === null || fault.betterSeverity !== null;
  const isRawBad = obs.severity !== null;
  fault.lastObservedAtMs = obs.atMs;
  fault.holdDownS = obs.holdDownS;
  if (isRawBad !== wasRawBad) fault.flapChangesMs.push(obs.atMs);

  if (rank(obs.severity) >= rank(fault.severity)) {
    if (rank(obs.severity) > rank(fault.severity)) {
      fault.severity = obs.severity!;
      fault.peakSeverity = worst(fault.peakSeverity, fault.severity)!;
      transitions.push({
        kind: 'worse',
        atMs: obs.atMs,
        severity: obs.severity,
        detail: obs.message,
      });
    }
    fault.betterSinceMs = null;
    fault.betterSeverity = null;
    fault.lastBadAtMs = obs.atMs;
    fault.message = obs.message;
  } else {
    if (fault.betterSinceMs === null) {
      fault.betterSinceMs = obs.atMs;
      fault.betterSeverity = obs.severity;
    } else {
      fault.betterSeverity = worst(fault.betterSeverity, obs.severity);
    }
    if (isRawBad) {
      fault.lastBadAtMs = obs.atMs;
      fault.message = obs.message;
    }
    transitions.push(...confirm(fault, obs.atMs));
  }
  transitions.push(...reflap(fault, obs.atMs, policy));
  return transitions;
}

/**
 * Settles a hold-down that has run its time: the fault clears, or improves to the worst state
 * seen during the hold-down. The ticker calls this for faults no check reports on (traps).
 */
export function confirm(fault: FaultRecord, nowMs: number): Transition[] {
  if (fault.state !== 'open' || fault.betterSinceMs === null) return [];
  if (nowMs - fault.betterSinceMs < fault.holdDownS * 1000) return [];
  if (fault.betterSeverity === null) {
    fault.state = 'cleared';
    fault.restoredAtMs = fault.betterSinceMs;
    fault.clearedAtMs = nowMs;
    fault.betterSinceMs = null;
    return [{ kind: 'cleared', atMs: nowMs, severity: null, detail: 'the good state held' }];
  }
  fault.severity = fault.betterSeverity;
  fault.betterSinceMs = null;
  fault.betterSeverity = null;
  return [{ kind: 'improved', atMs: nowMs, severity: fault.severity, detail: fault.message }];
}

function reflap(fault: FaultRecord, nowMs: number, policy: FlapPolicy): Transition[] {
  fault.flapChangesMs = recentChanges(fault.flapChangesMs, nowMs, policy);
  const flapping = flappingNow(fault.flapping, fault.flapChangesMs.length, policy);
  if (flapping === fault.flapping) return [];
  fault.flapping = flapping;
  return flapping
    ? [flapTransition(nowMs, fault.flapChangesMs.length, policy)]
    : [{ kind: 'steady', atMs: nowMs, severity: null, detail: 'no longer flapping' }];
}
