import type { Db } from '../../db/client.ts';
import type { ConsoleState, FaultView } from '../../live-events.ts';
import * as repo from './repository.ts';

const iso = (date: Date | null) => (date ? date.toISOString() : null);

type Listed = Awaited<ReturnType<typeof repo.listFaults>>[number];

export function consoleStateOf(f: Listed['fault']): ConsoleState {
  if (f.acknowledgedAt) return f.state === 'open' ? 'acknowledged' : 'closed';
  if (f.state === 'open') return 'current';
  return f.dismissedAt ? 'closed' : 'latched';
}

export function viewOf(row: Listed): FaultView {
  const f = row.fault;
  return {
    id: f.id,
    deviceId: f.deviceId,
    deviceName: row.deviceName,
    deviceKind: row.deviceKind,
    checkId: f.checkId,
    condition: f.condition,
    source: f.source,
    severity: f.severity,
    peakSeverity: f.peakSeverity,
    state: f.state,
    console: consoleStateOf(f),
    message: f.message,
    openedAt: f.openedAt.toISOString(),
    restoredAt: iso(f.restoredAt),
    clearedAt: iso(f.clearedAt),
    acknowledgedAt: iso(f.acknowledgedAt),
    acknowledgedBy: f.acknowledgedBy,
    ackComment: f.ackComment,
    owner: f.owner,
    shelvedUntil: iso(f.shelvedUntil),
    shelveReason: f.shelveReason,
    shelvedBy: f.shelvedBy,
    dismissedAt: iso(f.dismissedAt),
    suppressedBy: f.suppressedBy,
    consequences: Number(row.consequences),
    flapping: f.flapping,
    inMaintenance: f.inMaintenance,
    notifiedAt: iso(f.notifiedAt),
    suiteIds: row.suiteIds ?? [],
    roomIds: row.roomIds ?? [],
    siteIds: row.siteIds ?? [],
  };
}

export async function faultViews(db: Db, filter: repo.FaultFilter): Promise<FaultView[]> {
  return (await repo.listFaults(db, filter)).map(viewOf);
}
