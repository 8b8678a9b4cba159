import type { FaultPolicy } from '../../config.ts';
import type { Db } from '../../db/client.ts';
import type { downtimes } from '../../db/schema/index.ts';
import { activeWindows } from '../maintenance/service.ts';
import { columnsOf, entryOf, keyOf, newEntry, type Entry } from './book.ts';
import {
  confirm,
  open,
  step,
  type FlapPolicy,
  type Observation,
  type Transition,
} from './engine.ts';
import { noData, observationsOf, type ResultForFaults } from './observe.ts';
import * as repo from './repository.ts';
import { resolveSuppression } from './suppression.ts';

type Windows = Awaited<ReturnType<typeof activeWindows>>;

const flapPolicyOf = (policy: FaultPolicy): FlapPolicy => ({
  changes: policy.flapChanges,
  windowS: policy.flapWindowS,
});

/** The faults one evaluation holds: open ones by device and condition, and every one it touched. */
export class Book {
  readonly open = new Map<string, Entry>();
  readonly touched: Entry[] = [];
  /** Conditions each check has open, for the good observations a result implies. */
  readonly byCheck = new Map<string, Set<string>>();
  /** Conditions that reopened while flapping: their earlier faults are not announced resolved. */
  readonly superseded: Array<{ deviceId: string; condition: string }> = [];

  add(entry: Entry): void {
    if (entry.record.state === 'open') {
      this.open.set(keyOf(entry.record.deviceId, entry.record.condition), entry);
      if (entry.record.checkId) this.conditionsOf(entry.record.checkId).add(entry.record.condition);
    }
    this.touched.push(entry);
  }

  conditionsOf(checkId: string): Set<string> {
    let set = this.byCheck.get(checkId);
    if (!set) this.byCheck.set(checkId, (set = new Set()));
    return set;
  }

  closed(entry: Entry): void {
    this.open.delete(keyOf(entry.record.deviceId, entry.record.condition));
    if (entry.record.checkId)
      this.byCheck.get(entry.record.checkId)?.delete(entry.record.condition);
  }
}

const bad = (status: string | undefined) => status === 'warning' || status === 'critical';
const saysBad = (r: ResultForFaults) => bad(r.status) || r.readings.some((x) => bad(x.status));

/**
 * Runs the engine over stored results inside the ingest transaction, writes what changed, and
 * returns the ids of the faults that changed so the caller can publish them after commit.
 */
export async function evaluateResults(
  tx: Db,
  policy: FaultPolicy,
  results: ResultForFaults[],
  now: Date,
): Promise<string[]> {
  if (results.length === 0) return [];
  const deviceIds = [...new Set(results.map((r) => r.deviceId))];
  const book = new Book();
  for (const row of await repo.openFaults(tx, deviceIds)) book.add(entryOf(row));
  // The common case, everything fine and nothing open, costs one indexed query.
  if (!results.some(saysBad) && book.open.size === 0) return [];

  const windows = await activeWindows(tx, deviceIds, now);
  const ordered = results
    // A result older than the check's last one (a spool replayed late) is history: it is stored,
    // but it cannot open or settle a fault about the present.
    .filter((r) => r.lastRunAtMs == null || r.atMs > r.lastRunAtMs)
    .filter((r) => windows.get(r.deviceId)?.mode !== 'skip')
    .sort((a, b) => a.atMs - b.atMs);
  const history = await flapHistory(tx, policy, ordered, book, now);
  evaluateInMemory(book, ordered, policy, history);
  markMaintenance(book, windows, now);
  return finish(tx, book, now);
}

/**
 * The engine's in-memory work for a batch, in time order: what each result says, given what is
 * open when it arrives, applied to the book. No I/O: the throughput benchmark measures this.
 */
export function evaluateInMemory(
  book: Book,
  ordered: ResultForFaults[],
  policy: FaultPolicy,
  history: Map<string, Date | number[] | null>,
): void {
  const flap = flapPolicyOf(policy);
  const none = new Set<string>();
  for (const result of ordered) {
    const seen = observationsOf(
      result,
      book.byCheck.get(result.checkId) ?? none,
      policy.holdDownIntervals,
    );
    for (const obs of seen) apply(book, obs, flap, history);
  }
}

/** Recently cleared faults' raw changes, for the conditions results say are bad and not open. */
async function flapHistory(
  tx: Db,
  policy: FaultPolicy,
  results: ResultForFaults[],
  book: Book,
  now: Date,
): Promise<Map<string, Date | number[] | null>> {
  const devices = new Set<string>();
  const conditions = new Set<string>();
  // Only a result that says something is bad can open a fault; the rest need no history.
  for (const r of results.filter(saysBad)) {
    for (const obs of observationsOf(r, new Set(), policy.holdDownIntervals)) {
      if (obs.severity && !book.open.has(keyOf(obs.deviceId, obs.condition))) {
        devices.add(obs.deviceId);
        conditions.add(obs.condition);
      }
    }
  }
  const history = new Map<string, Date | number[] | null>();
  if (devices.size === 0) return history;
  const since = new Date(now.getTime() - policy.flapWindowS * 1000);
  for (const row of await repo.recentlyCleared(tx, [...devices], [...conditions], since)) {
    const key = keyOf(row.deviceId, row.condition);
    if (history.has(key)) continue;
    history.set(
      key,
      row.flapChanges.map((at) => Date.parse(at)),
    );
    history.set(`${key}\u0000notified`, row.flapNotifiedAt);
  }
  return history;
}

function apply(
  book: Book,
  obs: Observation,
  flap: FlapPolicy,
  history: Map<string, Date | number[] | null>,
): void {
  const key = keyOf(obs.deviceId, obs.condition);
  const entry = book.open.get(key);
  if (!entry) {
    if (obs.severity === null) return;
    const past = history.get(key);
    const opened = open({ ...obs, severity: obs.severity }, flap, Array.isArray(past) ? past : []);
    const created = newEntry(opened.fault, opened.transitions);
    // A condition already announced as flapping is not announced again when it reopens: it
    // counts as announced, so that its resolved message comes once it settles.
    const announced = history.get(`${key}\u0000notified`);
    if (created.record.flapping && announced instanceof Date) {
      created.flapNotifiedAt = announced;
      created.notifiedAt = announced;
      created.notifiedSeverity = created.record.severity;
      book.superseded.push({ deviceId: obs.deviceId, condition: obs.condition });
    }
    history.delete(key);
    book.add(created);
    return;
  }
  // One condition, one owner: another check's view of it waits until this fault is gone.
  if (entry.record.source === 'check' && obs.checkId !== entry.record.checkId) return;
  const message = entry.record.message;
  const transitions = step(entry.record, obs, flap);
  entry.transitions.push(...transitions);
  entry.dirty = true;
  if (transitions.length > 0 || entry.record.message !== message) entry.visible = true;
  // Settled from flapping while still bad: it is a plain fault now, and alarms as one.
  if (transitions.some((t) => t.kind === 'steady') && entry.record.state === 'open') {
    entry.notifiedAt = null;
    entry.notifiedSeverity = null;
  }
  if (entry.record.state !== 'open') {
    book.closed(entry);
    history.set(key, entry.record.flapChangesMs);
    history.set(`${key}\u0000notified`, entry.flapNotifiedAt);
  }
}

/**
 * Faults on a device in a window are flagged and kept quiet (in a *skip* window they are also
 * frozen, since nothing is evaluated); outside one, released.
 */
function markMaintenance(book: Book, windows: Windows, now: Date): void {
  for (const entry of book.open.values()) {
    const window = windows.get(entry.record.deviceId);
    if (window && !entry.inMaintenance) {
      entry.inMaintenance = true;
      entry.maintenanceWindowId = window.windowId;
      entry.notes.push({ kind: 'maintenance', detail: window.reason });
      entry.dirty = true;
      entry.visible = true;
    } else if (!window && entry.inMaintenance) {
      release(entry, now);
    }
  }
}

/** The window ended with the fault still open: it stands on its own now, and alarms. */
function release(entry: Entry, now: Date): void {
  entry.inMaintenance = false;
  entry.maintenanceWindowId = null;
  // It has been bad all along, in the window: that is its evidence, so it alarms now rather than
  // after another group wait and another poll.
  entry.rootSince = new Date(Math.min(now.getTime(), entry.record.lastBadAtMs));
  entry.notes.push({ kind: 'maintenance_ended', detail: 'the maintenance window ended' });
  entry.dirty = true;
  entry.visible = true;
}

/**
 * Folds consequences under their roots, then writes every changed fault and its timeline.
 * Returns the faults whose change shows (a transition, a new message, folded or released); a
 * result that only confirms a fault is written but not published.
 */
async function finish(tx: Db, book: Book, now: Date, alsoJudge: Entry[] = []): Promise<string[]> {
  if (!book.touched.some((e) => e.dirty) && alsoJudge.length === 0) return [];
  const extra = await resolveSuppression(tx, book.touched, now, alsoJudge);
  const all = [...book.touched, ...extra.filter((e) => !book.touched.includes(e))];
  const fresh = new Set(all.filter((e) => e.isNew).map((e) => e.id));
  // Order matters for the one-open-fault-per-condition index and the foreign key of
  // `suppressed_by`: first the faults that already exist (one that cleared frees its condition
  // for the fault reopening it), then new ones, unfolded, then every fold that names a new one.
  const foldLater = (e: Entry) => e.suppressedBy !== null && fresh.has(e.suppressedBy);
  for (const entry of all) {
    if (!entry.dirty || entry.isNew) continue;
    await repo.updateFault(tx, entry.id, {
      ...columnsOf(entry),
      suppressedBy: foldLater(entry) ? null : entry.suppressedBy,
    });
  }
  // One statement each for new faults, timeline entries and downtimes: a storm of linkDowns
  // opens hundreds at once.
  const newOnes = all.filter((e) => e.isNew);
  const inserted = await repo.insertFaults(
    tx,
    newOnes.map((e) => ({ ...columnsOf(e), suppressedBy: null })),
  );
  // Another transaction opened the same fault first: its evaluation speaks for this one.
  const dropped = new Set(newOnes.map((e) => e.id).filter((id) => !inserted.has(id)));
  const written: string[] = [];
  const events: repo.FaultEventRow[] = [];
  const opened: Array<typeof downtimes.$inferInsert> = [];
  for (const entry of all) {
    if (!entry.dirty || dropped.has(entry.id)) continue;
    if (entry.suppressedBy && dropped.has(entry.suppressedBy)) entry.suppressedBy = null;
    if (foldLater(entry) || (entry.isNew && entry.suppressedBy)) {
      await repo.updateFault(tx, entry.id, { suppressedBy: entry.suppressedBy });
    }
    await timeline(tx, entry, events, opened);
    if (entry.isNew || entry.visible) written.push(entry.id);
  }
  await repo.insertEvents(tx, events);
  await repo.openDowntimes(tx, opened);
  for (const { deviceId, condition } of book.superseded) {
    await repo.markSuperseded(tx, deviceId, condition, now);
  }
  return written;
}

/** Collects an entry's timeline and new downtime; writes the rarer downtime changes at once. */
async function timeline(
  tx: Db,
  entry: Entry,
  events: repo.FaultEventRow[],
  opened: Array<typeof downtimes.$inferInsert>,
): Promise<void> {
  const r = entry.record;
  const noteAt = new Date();
  for (const t of entry.transitions) {
    events.push({
      faultId: entry.id,
      at: new Date(t.atMs),
      kind: t.kind,
      severity: t.severity,
      detail: t.detail,
    });
  }
  for (const n of entry.notes) {
    events.push({ faultId: entry.id, at: noteAt, kind: n.kind, detail: n.detail });
  }
  // An outage that ran into planned work is marked so, for availability that excludes it.
  if (!entry.isNew && entry.notes.some((n) => n.kind === 'maintenance')) {
    await repo.updateDowntime(tx, entry.id, { inMaintenance: true });
  }
  for (const t of entry.transitions) {
    if (t.kind === 'opened') {
      opened.push({
        faultId: entry.id,
        deviceId: r.deviceId,
        condition: r.condition,
        severity: r.peakSeverity,
        startedAt: new Date(r.openedAtMs),
        inMaintenance: entry.inMaintenance,
      });
    } else if (t.kind === 'worse' && !entry.isNew) {
      await repo.updateDowntime(tx, entry.id, { severity: r.peakSeverity });
    } else if (t.kind === 'cleared') {
      const endedAt = new Date(r.restoredAtMs ?? t.atMs);
      const fresh = opened.find((d) => d.faultId === entry.id);
      if (fresh) fresh.endedAt = endedAt;
      else await repo.updateDowntime(tx, entry.id, { endedAt });
    }
  }
  const fresh = opened.find((d) => d.faultId === entry.id);
  if (fresh) fresh.severity = r.peakSeverity;
  entry.transitions = [];
  entry.notes = [];
}

/**
 * What the clock moves rather than a result: a trap's hold-down running out, checks gone silent
 * (or back), faults whose check was deleted or switched off, consequences whose root is gone, a
 * shelf expiring, a maintenance window ending. Returns the faults whose change shows.
 * `since` is when this engine started: a check is not called silent for the time the server
 * itself was down.
 */
export async function tickFaults(
  tx: Db,
  policy: FaultPolicy,
  now: Date,
  since: Date = new Date(0),
): Promise<string[]> {
  const book = new Book();
  for (const row of await repo.faultsDueOnTick(tx)) book.add(entryOf(row));
  const nowMs = now.getTime();
  const orphaned = new Set((await repo.checklessFaults(tx)).map((f) => f.id));
  for (const entry of [...book.open.values()]) {
    let transitions: Transition[] = [];
    if (orphaned.has(entry.id)) {
      transitions = retire(entry, nowMs);
    } else if (entry.record.source !== 'check') {
      transitions = confirm(entry.record, nowMs);
    }
    if (transitions.length > 0) {
      entry.transitions.push(...transitions);
      entry.dirty = true;
      entry.visible = true;
      if (entry.record.state !== 'open') book.closed(entry);
    }
  }

  // Silence is a device's: it holds while any enabled check of the device is silent.
  const silent = await repo.silentChecks(tx, policy.noDataIntervals, now, since);
  const silentDevices = new Map<string, (typeof silent)[number]>();
  for (const check of silent) {
    const seen = silentDevices.get(check.deviceId);
    if (!seen || check.intervalS > seen.intervalS) silentDevices.set(check.deviceId, check);
  }
  const devices = [
    ...new Set([...silentDevices.keys(), ...book.touched.map((e) => e.record.deviceId)]),
  ];
  const windows = await activeWindows(tx, devices, now);
  const flap = flapPolicyOf(policy);
  const history = new Map<string, Date | number[] | null>();
  for (const [deviceId, check] of silentDevices) {
    if (windows.get(deviceId)?.mode === 'skip') continue;
    const silentS = check.intervalS * policy.noDataIntervals;
    apply(
      book,
      silence(
        deviceId,
        check.id,
        'major',
        `no result for ${silentS} s (${policy.noDataIntervals} intervals)`,
        nowMs,
        policy.holdDownIntervals * check.intervalS,
      ),
      flap,
      history,
    );
  }
  for (const entry of [...book.open.values()]) {
    if (entry.record.condition !== noData || silentDevices.has(entry.record.deviceId)) continue;
    apply(
      book,
      silence(entry.record.deviceId, entry.record.checkId, null, '', nowMs, entry.record.holdDownS),
      flap,
      history,
    );
  }
  markMaintenance(book, windows, now);
  const freed = (await repo.foldedUnderClosed(tx)).map(entryOf);
  const changed = await finish(tx, book, now, freed);
  return [...changed, ...(await repo.unshelveDue(tx, now))];
}

function silence(
  deviceId: string,
  checkId: string | null,
  severity: 'major' | null,
  message: string,
  atMs: number,
  holdDownS: number,
): Observation {
  return {
    deviceId,
    checkId,
    condition: noData,
    source: 'silence',
    severity,
    message,
    atMs,
    holdDownS,
  };
}

/** A fault whose check was deleted or switched off: nothing will ever report on it again. */
function retire(entry: Entry, nowMs: number): Transition[] {
  const r = entry.record;
  r.state = 'cleared';
  r.restoredAtMs = nowMs;
  r.clearedAtMs = nowMs;
  r.betterSinceMs = null;
  return [
    {
      kind: 'cleared',
      atMs: nowMs,
      severity: null,
      detail: 'its check was deleted or switched off',
    },
  ];
}

/** A link trap, as the engine reads it. Other traps are kept as events and raise no fault. */
export interface TrapForFaults {
  deviceId: string;
  kind: string;
  ifIndex: number | null;
  receivedAtMs: number;
  message: string;
}

/**
 * linkDown opens a major fault on the interface at once; linkUp starts its hold-down, which the
 * clock settles, since no result will come to confirm it. Traps come in storms (a switch
 * rebooting sends one per port), so they are evaluated in batches, in the order received.
 */
export async function evaluateTraps(
  tx: Db,
  policy: FaultPolicy,
  traps: TrapForFaults[],
  now: Date,
): Promise<string[]> {
  const links = traps.filter((t) => t.kind === 'linkDown' || t.kind === 'linkUp');
  if (links.length === 0) return [];
  const deviceIds = [...new Set(links.map((t) => t.deviceId))];
  const conditions = [...new Set(links.map((t) => conditionOfLink(t.ifIndex)))];
  const book = new Book();
  // Only these ports' faults: a switch with many faults open must not make each trap cost more.
  for (const row of await repo.openFaults(tx, deviceIds, conditions)) book.add(entryOf(row));
  const windows = await activeWindows(tx, deviceIds, now);
  const history = new Map<string, Date | number[] | null>();
  const since = new Date(now.getTime() - policy.flapWindowS * 1000);
  for (const row of await repo.recentlyCleared(tx, deviceIds, conditions, since)) {
    const key = keyOf(row.deviceId, row.condition);
    if (history.has(key)) continue;
    history.set(
      key,
      row.flapChanges.map((at) => Date.parse(at)),
    );
    history.set(`${key}\u0000notified`, row.flapNotifiedAt);
  }
  const flap = flapPolicyOf(policy);
  for (const trap of links) {
    if (windows.get(trap.deviceId)?.mode === 'skip') continue;
    apply(
      book,
      {
        deviceId: trap.deviceId,
        checkId: null,
        condition: conditionOfLink(trap.ifIndex),
        source: 'trap',
        severity: trap.kind === 'linkDown' ? 'major' : null,
        message: trap.message,
        atMs: trap.receivedAtMs,
        holdDownS: policy.trapHoldDownS,
      },
      flap,
      history,
    );
  }
  markMaintenance(book, windows, now);
  return finish(tx, book, now);
}

const conditionOfLink = (ifIndex: number | null) =>
  ifIndex === null ? 'trap.link_down' : `trap.link_down[${ifIndex}]`;
