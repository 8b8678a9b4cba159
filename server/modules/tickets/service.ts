import type { Db } from '../../db/client.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import type { DeviceKind, Level, Role, TicketCategory } from '../../domain.ts';
import { Conflict, Forbidden, Invalid, NotFound } from '../../errors.ts';
import type { Actor } from '../auth/principal.ts';
import { suggestRunbooks } from '../runbooks/service.ts';
import { serialize } from '../serialize.ts';
import { dues, serializeTimer, slaOf } from './clock.ts';
import * as repo from './repository.ts';
import { resolveNamed, triageFor } from './scope.ts';
import { loadConfig, saveConfig, type HelpdeskConfig } from './settings.ts';
import { effective } from './triage.ts';
import { allowedMoves, isStaff, type Standing } from './workflow.ts';

/** The caller: who to write on the timeline, and what they may do. */
export interface Who {
  actor: Actor;
  role: Role;
}

export function standing(
  who: Who,
  row: Pick<repo.TicketRow, 'assigneeId' | 'reporterId'>,
): Standing {
  return {
    role: who.role,
    isAssignee: who.actor.id !== null && row.assigneeId === who.actor.id,
    isReporter: who.actor.id !== null && row.reporterId === who.actor.id,
  };
}

export function mustWork(who: Who, what: string): void {
  if (who.role === 'manager')
    throw new Forbidden(`managers read tickets and reports; ${what} is for juniors and engineers`);
}

export function mustBeStaff(who: Who, what: string): void {
  if (!isStaff(who.role)) throw new Forbidden(`${what} is for engineers`);
}

export async function found(db: Db, id: string, forUpdate = false) {
  const row = await repo.getTicket(db, id, forUpdate);
  if (!row) throw new NotFound(`ticket ${id} does not exist`);
  return row;
}

export async function assignable(db: Db, id: string, field: string) {
  const user = await repo.activeUser(db, id);
  if (!user || user.disabled) throw new Invalid(`${field}: no enabled user with id ${id}`);
  if (user.role === 'manager')
    throw new Invalid(`${field}: ${user.name} is a manager; tickets go to juniors and engineers`);
  return user;
}

export function checkTeam(config: HelpdeskConfig, team: string | null | undefined, field: string) {
  if (team === null || team === undefined) return team;
  const known = config.teams.find((t) => t.toLowerCase() === team.trim().toLowerCase());
  if (!known)
    throw new Invalid(`${field}: '${team}' is not a team; teams are ${config.teams.join(', ')}`);
  return known;
}

const text = (value: string | undefined) => (value ?? '').trim();

export function cleanTags(tags: string[] | undefined): string[] {
  return [...new Set((tags ?? []).map((t) => t.trim().toLowerCase()).filter((t) => t !== ''))];
}

export interface CreateInput {
  title: string;
  description?: string;
  category?: TicketCategory;
  suiteIds?: string[];
  deviceIds?: string[];
  urgency?: Level;
  tags?: string[];
  reproductionSteps?: string;
  workaround?: string;
  assigneeId?: string;
  team?: string;
  faultIds?: string[];
}

export async function createTicket(
  db: Db,
  who: Who,
  input: CreateInput,
  now = new Date(),
  source: 'manual' | 'fault' = 'manual',
) {
  mustWork(who, 'logging tickets');
  const title = text(input.title);
  if (title === '') throw new Invalid('body.title: say what is wrong; it must not be blank');
  if (input.assigneeId && !isStaff(who.role) && input.assigneeId !== who.actor.id)
    throw new Forbidden(
      'body.assigneeId: a junior can take a ticket themselves, not assign it to others',
    );
  return db.transaction(async (tx) => {
    const config = await loadConfig(tx);
    const named = await resolveNamed(tx, input);
    const team = checkTeam(config, input.team, 'body.team');
    if (input.assigneeId) await assignable(tx, input.assigneeId, 'body.assigneeId');
    const faultIds = [...new Set(input.faultIds ?? [])];
    for (const [i, faultId] of faultIds.entries()) {
      const linked = await repo.faultTicket(tx, faultId);
      if (linked)
        throw new Conflict(`body.faultIds[${i}]: the fault is already on ticket ${linked.number}`, {
          ticketId: linked.ticketId,
        });
    }
    const triage = await triageFor(tx, config, named, now, {
      overrides: {},
      proposedUrgency: input.urgency ?? null,
    });
    const values = effective(triage, config);
    const base = {
      priority: values.priority,
      createdAt: now,
      respondedAt: null,
      resolvedAt: null,
      pauses: [],
      alerts: {},
    };
    const row = await repo.insertTicket(tx, {
      title,
      description: text(input.description),
      category: input.category ?? 'other',
      source,
      ...values,
      triage,
      reporterId: who.actor.id,
      reporter: who.actor.label,
      assigneeId: input.assigneeId ?? null,
      team: team ?? null,
      reproductionSteps: text(input.reproductionSteps),
      workaround: text(input.workaround),
      tags: cleanTags(input.tags),
      createdAt: now,
      updatedAt: now,
      ...dues(base, config, now),
    });
    await repo.setLinks(tx, row.id, named.suiteIds, named.deviceIds);
    await linkFaults(tx, row.id, faultIds, who, now);
    await repo.insertEvents(tx, [
      {
        ticketId: row.id,
        at: now,
        kind: 'created',
        actorId: who.actor.id,
        actor: who.actor.label,
        body: title,
        data: { triage, priority: values.priority },
      },
    ]);
    return row;
  });
}

export async function linkFaults(
  db: Db,
  ticketId: string,
  faultIds: string[],
  who: Who,
  now: Date,
) {
  for (const [i, faultId] of faultIds.entries()) {
    const fault = await repo.faultSummary(db, faultId);
    if (!fault) throw new Invalid(`body.faultIds[${i}]: no fault with id ${faultId}`);
    try {
      await repo.linkFault(db, ticketId, faultId);
    } catch (failure) {
      if (!isUniqueViolation(failure)) throw failure;
      const linked = await repo.faultTicket(db, faultId);
      throw new Conflict(
        `body.faultIds[${i}]: the fault is already on ticket ${linked?.number ?? '(another)'}`,
        { ticketId: linked?.ticketId },
      );
    }
    await repo.insertEvents(db, [
      {
        ticketId,
        at: now,
        kind: 'fault',
        actorId: who.actor.id,
        actor: who.actor.label,
        body: `Linked fault on ${fault.deviceName}: ${fault.message || fault.condition}`,
        data: { faultId, condition: fault.condition, severity: fault.severity, event: 'linked' },
      },
    ]);
  }
}

/** A category from what broke: the device kind says most. */
export function categoryOf(kind: DeviceKind | undefined): TicketCategory {
  switch (kind) {
    case 'storage':
    case 'raid':
      return 'storage';
    case 'switch':
      return 'network';
    case 'router':
    case 'display':
      return 'picture';
    case 'audio':
      return 'sound';
    case 'workstation':
      return 'hardware';
    case 'other':
    case undefined:
      return 'other';
  }
}

/** A ticket filled in from where the user came from: a fault, a device page or a suite page. */
export async function draft(
  db: Db,
  from: { faultId?: string; deviceId?: string; suiteId?: string },
  now = new Date(),
) {
  const config = await loadConfig(db);
  let title = '';
  let description = '';
  let category: TicketCategory = 'other';
  const faultIds: string[] = [];
  let deviceIds = from.deviceId ? [from.deviceId] : [];
  if (from.faultId) {
    const fault = await repo.faultSummary(db, from.faultId);
    if (!fault) throw new Invalid(`querystring.faultId: no fault with id ${from.faultId}`);
    const linked = await repo.faultTicket(db, fault.id);
    if (linked)
      throw new Conflict(`the fault is already on ticket ${linked.number}`, {
        ticketId: linked.ticketId,
      });
    faultIds.push(fault.id);
    deviceIds = [fault.deviceId];
    title = `${fault.deviceName}: ${fault.message || fault.condition}`.slice(0, 200);
    description = `Fault ${fault.condition} (${fault.severity}) on ${fault.deviceName} since ${fault.openedAt.toISOString()}.`;
    category = categoryOf(fault.deviceKind);
  }
  const named = await resolveNamed(
    db,
    { deviceIds, suiteIds: from.suiteId ? [from.suiteId] : undefined },
    'querystring',
  );
  if (!from.faultId && named.devices[0]) category = categoryOf(named.devices[0].kind as DeviceKind);
  const triage = await triageFor(db, config, named, now);
  return {
    title,
    description,
    category,
    suiteIds: named.suiteIds,
    deviceIds: named.deviceIds,
    faultIds,
    triage: { ...effective(triage, config), reasons: triage.reasons },
  };
}

/** What the matrix gives for this scope now: the create form shows it while the user types. */
export async function preview(
  db: Db,
  input: { suiteIds?: string[]; deviceIds?: string[]; urgency?: Level },
  now = new Date(),
) {
  const config = await loadConfig(db);
  const named = await resolveNamed(db, input);
  const triage = await triageFor(db, config, named, now, {
    overrides: {},
    proposedUrgency: input.urgency ?? null,
  });
  return { ...effective(triage, config), derived: triage.derived, reasons: triage.reasons };
}

export async function ticketView(db: Db, who: Who, row: repo.TicketRow, now = new Date()) {
  const config = await loadConfig(db);
  const links = await repo.linksOf(db, row.id);
  const ids = [row.assigneeId, row.resolvedById].filter((id): id is string => !!id);
  const names = await repo.userNames(db, ids);
  const sla = slaOf(row, config, now);
  const faultRows = await repo.linkedFaults(db, row.id);
  const { search: _search, ...fields } = row;
  return {
    ...serialize(fields),
    assignee: row.assigneeId ? (names.get(row.assigneeId) ?? null) : null,
    suites: links.suites,
    devices: links.devices,
    faults: faultRows.map(serialize),
    problem: row.problemId ? await repo.problemSummary(db, row.problemId) : null,
    workOrder: row.workOrderId ? await repo.workOrderSummary(db, row.workOrderId) : null,
    attachments: (await repo.attachmentsOf(db, row.id)).map(serialize),
    timeSpentMinutes: await repo.timeSpent(db, row.id),
    sla: {
      response: serializeTimer(sla.response),
      resolution: serializeTimer(sla.resolution),
      paused: sla.paused,
    },
    allowedMoves: allowedMoves(row.status, standing(who, row)),
    runbooks: (
      await suggestRunbooks(db, {
        deviceKinds: links.devices.map((d) => d.kind),
        profiles: await repo.profilesOf(
          db,
          links.devices.map((d) => d.id),
        ),
        conditions: faultRows.map((f) => f.condition),
        categories: [row.category],
      })
    ).map((r) => ({ id: r.id, title: r.title })),
  };
}

export async function getTicket(db: Db, who: Who, id: string) {
  return ticketView(db, who, await found(db, id));
}

export async function listTickets(
  db: Db,
  who: Who,
  filter: Omit<repo.ListFilter, 'userId'>,
  now = new Date(),
) {
  const rows = await repo.listTickets(db, { ...filter, userId: who.actor.id });
  return rows.map(({ pauses, ...r }) => {
    const paused = pauses.some((p) => p.to === null);
    const stop = r.resolvedAt ?? now;
    return {
      ...serialize(r),
      paused,
      breached: r.resolutionDueAt !== null && stop > r.resolutionDueAt,
    };
  });
}

export const reason = (value: string | undefined, field = 'body.reason') => {
  const said = text(value);
  if (said === '') throw new Invalid(`${field}: say why; an override needs a reason`);
  return said;
};

/**
 * Saves the settings and brings every open ticket's stored due times in line with them, in one
 * transaction: the queue's order and the SLA messages follow new targets or hours at once.
 * Priorities stay as triaged; a ticket gets the new matrix when it is triaged again.
 */
export async function saveSettings(
  db: Db,
  actor: Actor,
  patch: Partial<HelpdeskConfig>,
  now = new Date(),
) {
  return db.transaction(async (tx) => {
    const config = await saveConfig(tx, actor, patch);
    for (const row of await repo.openClocks(tx)) {
      const next = dues(row, config, now);
      const same = (a: Date | null, b: Date | null) =>
        (a?.getTime() ?? null) === (b?.getTime() ?? null);
      if (
        !same(next.responseDueAt, row.responseDueAt) ||
        !same(next.resolutionDueAt, row.resolutionDueAt) ||
        !same(next.alertAt, row.alertAt)
      )
        await repo.setDues(tx, row.id, next);
    }
    return config;
  });
}
