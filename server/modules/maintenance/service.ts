import { IANAZone } from 'luxon';
import type { Db } from '../../db/client.ts';
import type { Recurrence, WindowMode, WindowScope } from '../../domain.ts';
import { Invalid, NotFound } from '../../errors.ts';
import { recordAudit } from '../audit/repository.ts';
import type { Actor } from '../auth/principal.ts';
import { serialize } from '../serialize.ts';
import * as repo from './repository.ts';
import { longestLengthMs, nextOccurrences, occurrenceAt, type Occurrence } from './schedule.ts';

export interface WindowInput {
  scope: WindowScope;
  scopeId: string;
  mode: WindowMode;
  reason: string;
  startsAt: string;
  endsAt: string;
  timezone: string;
  recurrence?: Recurrence;
  weekdays?: number[];
  until?: string | null;
}

/** How many coming occurrences a window's detail lists. */
const shownOccurrences = 5;
const hourMs = 60 * 60 * 1000;

const occurrenceJson = (o: Occurrence) => ({
  start: o.start.toISOString(),
  end: o.end.toISOString(),
});

function shown(row: repo.WindowRow, now: Date) {
  return { ...serialize(row), activeNow: occurrenceAt(row, now) !== null };
}

function detailed(row: repo.WindowRow, now: Date) {
  return {
    ...shown(row, now),
    nextOccurrences: nextOccurrences(row, now, shownOccurrences).map(occurrenceJson),
  };
}

/** The zone's canonical spelling ('europe/london' is Europe/London), or a 400 naming it. */
function canonicalZone(timezone: string): string {
  if (!IANAZone.isValidZone(timezone))
    throw new Invalid(`body.timezone: '${timezone}' is not an IANA time zone`);
  return new Intl.DateTimeFormat('en', { timeZone: timezone }).resolvedOptions().timeZone;
}

function lengthLimit(recurrence: Recurrence, weekdays: readonly number[]): string {
  const limit = longestLengthMs(recurrence, weekdays);
  const span =
    limit < 2 * 24 * hourMs ? `${limit / hourMs} hours` : `${limit / (24 * hourMs)} days`;
  const which = recurrence === 'weekly' && weekdays.length > 1 ? ' on these weekdays' : '';
  return `body.endsAt: a ${recurrence} window${which} may last at most ${span}, or its occurrences would overlap`;
}

/** Checks a whole window, as created or as it would be after a change. */
async function checked(db: Db, input: WindowInput): Promise<repo.WindowValues> {
  const reason = input.reason.trim();
  if (reason === '') throw new Invalid('body.reason: say what the work is; it must not be blank');
  const timezone = canonicalZone(input.timezone);
  const startsAt = new Date(input.startsAt);
  const endsAt = new Date(input.endsAt);
  if (endsAt.getTime() <= startsAt.getTime())
    throw new Invalid('body.endsAt: the window ends before it starts');
  const recurrence = input.recurrence ?? 'none';
  const weekdays = [...(input.weekdays ?? [])].sort((a, b) => a - b);
  if (weekdays.length > 0 && recurrence !== 'weekly')
    throw new Invalid(
      `body.weekdays: only a weekly window has weekdays; this one is ${recurrence}`,
    );
  if (endsAt.getTime() - startsAt.getTime() > longestLengthMs(recurrence, weekdays))
    throw new Invalid(lengthLimit(recurrence, weekdays));
  const until = input.until ? new Date(input.until) : null;
  if (until && recurrence === 'none')
    throw new Invalid('body.until: only a repeating window has an end date');
  if (until && until.getTime() < startsAt.getTime())
    throw new Invalid('body.until: the repeats end before the window first starts');
  if (!(await repo.scopeExists(db, input.scope, input.scopeId)))
    throw new Invalid(`body.scopeId: no ${input.scope} with id ${input.scopeId}`);
  return {
    scope: input.scope,
    scopeId: input.scopeId,
    mode: input.mode,
    reason,
    startsAt,
    endsAt,
    timezone,
    recurrence,
    weekdays,
    until,
  };
}

export async function listWindows(
  db: Db,
  filter: { scope?: WindowScope; scopeId?: string; active?: boolean },
  now = new Date(),
) {
  const rows = await repo.listWindows(db, {
    scope: filter.scope,
    scopeId: filter.scopeId,
    mayRunAt: filter.active ? now : undefined,
  });
  return rows
    .map((row) => shown(row, now))
    .filter((w) => filter.active === undefined || w.activeNow === filter.active);
}

async function found(db: Db, id: string) {
  const row = await repo.getWindow(db, id);
  if (!row) throw new NotFound(`maintenance window ${id} does not exist`);
  return row;
}

export async function getWindow(db: Db, id: string, now = new Date()) {
  return detailed(await found(db, id), now);
}

export async function createWindow(db: Db, actor: Actor, input: WindowInput, now = new Date()) {
  const row = await db.transaction(async (tx) => {
    const created = await repo.insertWindow(tx, {
      ...(await checked(tx, input)),
      createdById: actor.id,
      createdBy: actor.label,
    });
    await recordAudit(tx, actor, {
      action: 'create',
      entity: 'maintenance-window',
      entityId: created.id,
      after: serialize(created),
    });
    return created;
  });
  return detailed(row, now);
}

/** The stored window as input, so that a change is checked as the whole window it makes. */
function asInput(row: repo.WindowRow): WindowInput {
  return {
    ...row,
    startsAt: row.startsAt.toISOString(),
    endsAt: row.endsAt.toISOString(),
    until: row.until?.toISOString() ?? null,
  };
}

export async function updateWindow(
  db: Db,
  actor: Actor,
  id: string,
  input: Partial<WindowInput>,
  now = new Date(),
) {
  const row = await db.transaction(async (tx) => {
    const before = await found(tx, id);
    const merged = { ...asInput(before), ...input };
    // Weekdays and an end date belong to a kind of repeat: changing the kind drops them unless
    // the change gives them again.
    if (input.recurrence !== undefined && input.recurrence !== before.recurrence) {
      if (input.weekdays === undefined) merged.weekdays = [];
      if (input.until === undefined && input.recurrence === 'none') merged.until = null;
    }
    const after = await repo.updateWindow(tx, id, await checked(tx, merged));
    if (!after) throw new NotFound(`maintenance window ${id} does not exist`);
    await recordAudit(tx, actor, {
      action: 'update',
      entity: 'maintenance-window',
      entityId: id,
      before: serialize(before),
      after: serialize(after),
    });
    return after;
  });
  return detailed(row, now);
}

export async function deleteWindow(db: Db, actor: Actor, id: string) {
  await db.transaction(async (tx) => {
    const before = await found(tx, id);
    await repo.deleteWindow(tx, id);
    await recordAudit(tx, actor, {
      action: 'delete',
      entity: 'maintenance-window',
      entityId: id,
      before: serialize(before),
    });
  });
}

export interface ActiveWindow {
  windowId: string;
  mode: WindowMode;
  reason: string;
  /** When the running occurrence ends. */
  endsAt: Date;
}

/** `skip` outranks `record` (not evaluating at all is the stronger wish), then the later end. */
function outranks(a: ActiveWindow, b: ActiveWindow): boolean {
  if (a.mode !== b.mode) return a.mode === 'skip';
  return a.endsAt.getTime() > b.endsAt.getTime();
}

/**
 * For each of `deviceIds` under maintenance at `at`, the window that rules it: through the device
 * itself, a suite it belongs to, or the room of such a suite. Made to run once per ingest batch:
 * one query for the windows that may be running (few at any time), schedule maths in memory, and
 * a second query for suite and room members only when such a window is running.
 */
export async function activeWindows(
  db: Db,
  deviceIds: string[],
  at: Date,
): Promise<Map<string, ActiveWindow>> {
  const ruling = new Map<string, ActiveWindow>();
  if (deviceIds.length === 0) return ruling;
  const running: Array<{ scope: WindowScope; scopeId: string; window: ActiveWindow }> = [];
  for (const row of await repo.listWindows(db, { mayRunAt: at })) {
    const occurrence = occurrenceAt(row, at);
    if (!occurrence) continue;
    running.push({
      scope: row.scope,
      scopeId: row.scopeId,
      window: { windowId: row.id, mode: row.mode, reason: row.reason, endsAt: occurrence.end },
    });
  }
  if (running.length === 0) return ruling;

  const idsOf = (scope: WindowScope) =>
    running.filter((r) => r.scope === scope).map((r) => r.scopeId);
  const bySuite = new Map<string, string[]>();
  const byRoom = new Map<string, string[]>();
  const add = (map: Map<string, string[]>, key: string, deviceId: string) => {
    const list = map.get(key);
    if (list) list.push(deviceId);
    else map.set(key, [deviceId]);
  };
  for (const m of await repo.suiteMembers(db, idsOf('suite'), idsOf('room'))) {
    add(bySuite, m.suiteId, m.deviceId);
    if (m.roomId) add(byRoom, m.roomId, m.deviceId);
  }

  const wanted = new Set(deviceIds);
  for (const { scope, scopeId, window } of running) {
    const covered =
      scope === 'device' ? [scopeId] : ((scope === 'suite' ? bySuite : byRoom).get(scopeId) ?? []);
    for (const deviceId of covered) {
      if (!wanted.has(deviceId)) continue;
      const held = ruling.get(deviceId);
      if (!held || outranks(window, held)) ruling.set(deviceId, window);
    }
  }
  return ruling;
}

/** The devices a window covers now (its device, its suite's members, its room's suites' members). */
export async function devicesInWindow(db: Db, windowId: string): Promise<string[]> {
  const row = await repo.getWindow(db, windowId);
  return row ? repo.devicesInScope(db, row.scope, row.scopeId) : [];
}
