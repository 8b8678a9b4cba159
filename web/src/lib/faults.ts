import { severities, type FaultView, type Severity } from './types.ts';

/** 0 is the worst, matching the server's sort. */
export function severityRank(severity: Severity): number {
  return severities.indexOf(severity);
}

/** Worst first, then oldest first: the order the server lists them in, kept as events arrive. */
export function consoleOrder(a: FaultView, b: FaultView): number {
  return (
    severityRank(a.severity) - severityRank(b.severity) ||
    Date.parse(a.openedAt) - Date.parse(b.openedAt) ||
    a.id.localeCompare(b.id)
  );
}

/**
 * Whether a fault is calling for someone now: on the console, nobody has acknowledged it, it
 * is not shelved or in maintenance (both are quiet by design), and it is not a consequence of
 * another fault (its root is the one to look at). This drives the nav count, the wall strip and
 * the sound, so all three agree.
 */
export function isAlarming(fault: FaultView): boolean {
  return (
    fault.console === 'current' &&
    fault.shelvedUntil === null &&
    !fault.inMaintenance &&
    fault.suppressedBy === null
  );
}

export interface AlarmFilter {
  siteId: string;
  roomId: string;
  suiteId: string;
  deviceKind: string;
  /** The severities shown; all four by default. */
  severities: Severity[];
  showShelved: boolean;
}

export function emptyFilter(): AlarmFilter {
  return {
    siteId: '',
    roomId: '',
    suiteId: '',
    deviceKind: '',
    severities: [...severities],
    showShelved: false,
  };
}

export function matchesFilter(fault: FaultView, filter: AlarmFilter): boolean {
  if (!filter.showShelved && fault.shelvedUntil !== null) return false;
  if (!filter.severities.includes(fault.severity)) return false;
  if (filter.siteId && !fault.siteIds.includes(filter.siteId)) return false;
  if (filter.roomId && !fault.roomIds.includes(filter.roomId)) return false;
  if (filter.suiteId && !fault.suiteIds.includes(filter.suiteId)) return false;
  if (filter.deviceKind && fault.deviceKind !== filter.deviceKind) return false;
  return true;
}

export interface FaultGroup {
  root: FaultView;
  consequences: FaultView[];
}

/**
 * Folds consequences under their root. A consequence whose root is not among `shown` (filtered
 * out, shelved, or gone) stands on its own, so nothing on the console disappears silently.
 * The server points a consequence at the root itself, but a chain is followed to be safe.
 */
export function foldConsequences(shown: FaultView[]): FaultGroup[] {
  const byId = new Map(shown.map((f) => [f.id, f]));
  const topOf = (fault: FaultView): FaultView => {
    let top = fault;
    const seen = new Set<string>([fault.id]);
    while (top.suppressedBy) {
      const parent = byId.get(top.suppressedBy);
      if (!parent || seen.has(parent.id)) break;
      seen.add(parent.id);
      top = parent;
    }
    return top;
  };
  const groups = new Map<string, FaultGroup>();
  for (const fault of [...shown].sort(consoleOrder)) {
    const top = topOf(fault);
    let group = groups.get(top.id);
    if (!group) {
      group = { root: top, consequences: [] };
      groups.set(top.id, group);
    }
    if (top.id !== fault.id) group.consequences.push(fault);
  }
  // A root sorts by itself, not by its worst consequence: the root is what to act on.
  return [...groups.values()].sort((a, b) => consoleOrder(a.root, b.root));
}

export const consoleStateLabels: Record<FaultView['console'], string> = {
  current: 'current',
  acknowledged: 'acknowledged',
  latched: 'latched',
  closed: 'closed',
};

/** 'if.oper_status[eth1]' reads well as it is; the engine's own conditions get words. */
export function conditionLabel(condition: string): string {
  if (condition === 'unreachable') return 'unreachable';
  if (condition === 'no_data') return 'no data';
  if (condition.startsWith('check.')) return `${condition.slice('check.'.length)} check failed`;
  return condition;
}

/** Shelf lengths on offer: a shift's worth at most, so a shelved fault comes back by itself. */
export const shelveDurations = [
  { minutes: 15, label: '15 min' },
  { minutes: 60, label: '1 h' },
  { minutes: 240, label: '4 h' },
  { minutes: 480, label: '8 h' },
  { minutes: 1440, label: '24 h' },
] as const;
