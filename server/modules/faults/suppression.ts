import type { Db } from '../../db/client.ts';
import { entryOf, type Entry } from './book.ts';
import { noData, unreachable } from './observe.ts';
import * as repo from './repository.ts';

interface Causal {
  id: string;
  deviceId: string;
  condition: string;
}

/**
 * A fault causes faults on the devices that depend on its device when the device is gone from
 * their view: unreachable or silent. Anything else on it (a hot disk, a degraded RAID still
 * serving) leaves its dependants' faults their own.
 */
const isCausal = (e: Entry) =>
  e.record.state === 'open' &&
  (e.record.condition === unreachable || e.record.condition === noData);

const touchesCauses = (e: Entry) => e.isNew || e.record.state !== 'open';

/**
 * Folds each open fault under its root cause: its own device unreachable, else the nearest
 * device it depends on (parent or declared dependency) with a causal fault, followed up to that
 * fault's own root. A fault with neither stands on its own. Returns faults outside `touched`
 * (on dependants) that changed; `touched` entries are changed in place.
 */
export async function resolveSuppression(
  tx: Db,
  touched: Entry[],
  now: Date,
  alsoJudge: Entry[] = [],
): Promise<Entry[]> {
  if (!touched.some(touchesCauses) && alsoJudge.length === 0) return [];
  const edges = await repo.dependencyEdges(tx);
  const parentsOf = new Map<string, string[]>();
  const childrenOf = new Map<string, string[]>();
  for (const { child, parent } of edges) {
    parentsOf.set(child, [...(parentsOf.get(child) ?? []), parent]);
    childrenOf.set(parent, [...(childrenOf.get(parent) ?? []), child]);
  }

  const causes = new Map<string, Causal>(
    (await repo.openCausalFaults(tx)).map((c) => [c.id, c] as const),
  );
  // Faults folded under one that cleared here are judged again even where the edges have moved
  // since (a device re-parented during the outage).
  const closedHere = touched.filter((e) => e.record.state !== 'open').map((e) => e.id);
  for (const e of touched) {
    if (isCausal(e))
      causes.set(e.id, { id: e.id, deviceId: e.record.deviceId, condition: e.record.condition });
    else causes.delete(e.id);
  }
  const causesOn = new Map<string, Causal[]>();
  for (const c of causes.values()) {
    const list = causesOn.get(c.deviceId) ?? [];
    // Unreachable first: it explains everything else on the device.
    if (c.condition === unreachable) list.unshift(c);
    else list.push(c);
    causesOn.set(c.deviceId, list);
  }

  const changedDevices = [...new Set(touched.filter(touchesCauses).map((e) => e.record.deviceId))];
  const dependants = walk(changedDevices, childrenOf);
  const known = new Set([...touched, ...alsoJudge].map((e) => e.id));
  const extra: Entry[] = [...alsoJudge];
  const rows = [
    ...(await repo.openFaults(
      tx,
      dependants.filter((d) => !changedDevices.includes(d)),
    )),
    ...(await repo.foldedUnder(tx, closedHere)),
  ];
  for (const row of rows) {
    if (known.has(row.id)) continue;
    known.add(row.id);
    extra.push(entryOf(row));
  }

  const roots = new Map<string, string | null>();
  const rootOf = (cause: Causal, seen: Set<string>): string => {
    if (!roots.has(cause.id)) {
      roots.set(cause.id, null);
      roots.set(cause.id, causeOf(cause.deviceId, cause.id, seen));
    }
    return roots.get(cause.id) ?? cause.id;
  };
  function causeOf(deviceId: string, faultId: string, seen = new Set<string>()): string | null {
    if (seen.has(faultId)) return null;
    seen.add(faultId);
    const own = causesOn
      .get(deviceId)
      ?.find((c) => c.condition === unreachable && c.id !== faultId);
    if (own) return rootOf(own, seen);
    for (const ancestor of walk([deviceId], parentsOf, false)) {
      const cause = causesOn.get(ancestor)?.[0];
      if (cause) return rootOf(cause, seen);
    }
    return null;
  }

  for (const e of [...touched, ...extra]) {
    if (e.record.state !== 'open') continue;
    const root = causeOf(e.record.deviceId, e.id);
    if (root === e.suppressedBy) continue;
    if (root) e.notes.push({ kind: 'suppressed', detail: `a consequence of fault ${root}` });
    else {
      e.notes.push({ kind: 'root', detail: 'its root cause cleared; it stands on its own' });
      e.rootSince = now;
    }
    e.suppressedBy = root;
    e.dirty = true;
    e.visible = true;
  }
  return extra.filter((e) => e.dirty);
}

/** Devices reachable from `start` along `next`, nearest first; `start` itself only if asked. */
function walk(start: string[], next: Map<string, string[]>, includeStart = true): string[] {
  const seen = new Set<string>(start);
  const order: string[] = includeStart ? [...start] : [];
  const queue = [...start];
  while (queue.length > 0) {
    const device = queue.shift()!;
    for (const n of next.get(device) ?? []) {
      if (seen.has(n)) continue;
      seen.add(n);
      order.push(n);
      queue.push(n);
    }
  }
  return order;
}
