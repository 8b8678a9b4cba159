import type { Db } from '../../db/client.ts';
import { repairClosed } from '../pm/generator.ts';
import type { Pause, Triage } from '../../db/schema/index.ts';
import {
  levels,
  pausedStatuses,
  type Level,
  type TicketCategory,
  type TicketStatus,
} from '../../domain.ts';
import { Conflict, Forbidden, Invalid } from '../../errors.ts';
import { dues } from './clock.ts';
import * as repo from './repository.ts';
import { resolveNamed, triageFor } from './scope.ts';
import {
  assignable,
  checkTeam,
  cleanTags,
  found,
  mustBeStaff,
  mustWork,
  reason,
  standing,
  type Who,
} from './service.ts';
import { loadConfig, type HelpdeskConfig } from './settings.ts';
import { effective } from './triage.ts';
import { allowedMoves, isStaff, landing, moveNeeds } from './workflow.ts';

const text = (value: string | undefined) => (value ?? '').trim();

function event(
  who: Who,
  ticketId: string,
  now: Date,
  e: Omit<repo.NewEvent, 'ticketId' | 'actor'>,
) {
  return { ticketId, at: now, actorId: who.actor.id, actor: who.actor.label, ...e };
}

const statusWords: Record<TicketStatus, string> = {
  new: 'new',
  triaged: 'triaged',
  in_progress: 'in progress',
  waiting_client: 'waiting on the client',
  waiting_vendor: 'waiting on a vendor',
  pending_review: 'pending review',
  resolved: 'resolved',
  closed: 'closed',
};

/** The pause list after a move: a waiting state opens a pause, leaving one closes it. */
function movePauses(pauses: Pause[], from: TicketStatus, to: TicketStatus, now: Date): Pause[] {
  const wasPaused = pausedStatuses.includes(from);
  const isPaused = pausedStatuses.includes(to);
  if (wasPaused === isPaused) return pauses;
  if (isPaused) return [...pauses, { from: now.toISOString(), to: null }];
  return pauses.map((p) => (p.to === null ? { ...p, to: now.toISOString() } : p));
}

export interface MoveInput {
  to: TicketStatus;
  note?: string;
  resolution?: string;
}

/** Moves a ticket through the workflow; an illegal move is a 409 that lists the legal ones. */
export async function transition(db: Db, who: Who, id: string, input: MoveInput, now = new Date()) {
  mustWork(who, 'working tickets');
  return db.transaction(async (tx) => {
    const row = await found(tx, id, true);
    const me = standing(who, row);
    const allowed = allowedMoves(row.status, me);
    if (allowed.length === 0 && !isStaff(who.role) && !me.isAssignee)
      throw new Forbidden(
        `only the assignee or an engineer can move ticket ${row.number}; escalate or comment instead`,
      );
    if (!allowed.includes(input.to))
      throw new Conflict(
        `ticket ${row.number} is ${statusWords[row.status]}; it cannot go to ${input.to}. Allowed: ${allowed.join(', ') || 'none for you'}`,
        { allowed },
      );
    const to = landing(input.to, me);
    const need = moveNeeds(row.status, to);
    const resolution = text(input.resolution) || row.resolution;
    const note = text(input.note);
    if (need === 'resolution' && resolution === '')
      throw new Invalid(
        'body.resolution: say what fixed it (or why it is closed) before resolving',
      );
    if (need === 'note' && note === '')
      throw new Invalid(
        row.status === 'pending_review'
          ? 'body.note: say what needs doing when returning work for review'
          : 'body.note: say why the ticket is reopened',
      );

    const config = await loadConfig(tx);
    const changes: Partial<repo.NewTicket> = { status: to };
    // Someone other than the reporter picking it up is the response; a reporter who logs a
    // ticket and starts on it themselves has not been answered by anyone.
    if (row.status === 'new' && !row.respondedAt && (isStaff(who.role) || !me.isReporter))
      changes.respondedAt = now;
    changes.pauses = movePauses(row.pauses, row.status, to, now);
    if (to === 'pending_review' || to === 'resolved' || (to === 'closed' && !row.resolvedAt)) {
      changes.resolvedAt = row.resolvedAt ?? now;
      changes.resolvedById = row.resolvedById ?? who.actor.id;
      changes.resolution = resolution;
      changes.respondedAt = changes.respondedAt ?? row.respondedAt ?? now;
    }
    if (to === 'pending_review' || to === 'resolved') {
      changes.resolvedAt = now;
      changes.resolvedById = who.actor.id;
    }
    if (to === 'in_progress' && ['pending_review', 'resolved', 'closed'].includes(row.status)) {
      changes.resolvedAt = null;
      changes.resolvedById = null;
      changes.closedAt = null;
    }
    if (to === 'closed') changes.closedAt = now;
    const next = { ...row, ...changes };
    const updated = await repo.updateTicket(tx, id, { ...changes, ...dues(next, config, now) });
    // A closed repair makes the after-repair plans on its devices due (recalibrate after a fix).
    if (to === 'closed') await repairClosed(tx, id, now);

    const events: repo.NewEvent[] = [
      event(who, id, now, {
        kind: 'status',
        body: note,
        data: { from: row.status, to, requested: input.to },
      }),
    ];
    if (row.status === 'pending_review' && to === 'in_progress')
      events.push(event(who, id, now, { kind: 'review_returned', body: note }));
    if (row.status === 'pending_review' && to === 'closed')
      events.push(event(who, id, now, { kind: 'review_approved', body: note }));
    if (changes.resolution !== undefined && changes.resolution !== row.resolution)
      events.push(
        event(who, id, now, {
          kind: 'field',
          body: '',
          data: { field: 'resolution', from: row.resolution, to: changes.resolution },
        }),
      );
    await repo.insertEvents(tx, events);
    return updated;
  });
}

export interface TriageInput {
  impact?: Level | null;
  urgency?: Level | null;
  priority?: number | null;
  reason?: string;
  assigneeId?: string | null;
  team?: string | null;
}

/**
 * Derives impact and urgency again from the scope and the bookings now, applies the engineer's
 * overrides (each with a reason; null clears one) and marks the ticket triaged.
 */
export async function triage(db: Db, who: Who, id: string, input: TriageInput, now = new Date()) {
  mustBeStaff(who, 'triage');
  return db.transaction(async (tx) => {
    const row = await found(tx, id, true);
    const config = await loadConfig(tx);
    const links = await repo.linksOf(tx, id);
    const named = await resolveNamed(tx, {
      suiteIds: links.suites.map((s) => s.id),
      deviceIds: links.devices.map((d) => d.id),
    });
    const overrides: Triage['overrides'] = { ...row.triage.overrides };
    const events: repo.NewEvent[] = [];
    const given = (['impact', 'urgency', 'priority'] as const).filter(
      (f) => input[f] !== undefined,
    );
    const why = given.some((f) => input[f] !== null) ? reason(input.reason) : text(input.reason);
    for (const field of given) {
      const value = input[field];
      const before = overrides[field]?.value ?? null;
      if (value === null || value === undefined) delete overrides[field];
      else overrides[field] = { value, reason: why, by: who.actor.label, at: now.toISOString() };
      events.push(
        event(who, id, now, {
          kind: 'override',
          body: why,
          data: { field, from: before, to: value },
        }),
      );
    }
    const fresh = await triageFor(tx, config, named, now, {
      overrides,
      proposedUrgency: row.triage.proposedUrgency,
    });
    const values = effective(fresh, config);
    const changes: Partial<repo.NewTicket> = { ...values, triage: fresh };
    if (row.status === 'new') changes.status = 'triaged';
    if (!row.respondedAt) changes.respondedAt = now;
    events.unshift(
      event(who, id, now, {
        kind: 'triage',
        body: `P${values.priority}: impact ${values.impact} (${fresh.reasons.impact}); urgency ${values.urgency} (${fresh.reasons.urgency})`,
        data: {
          from: { impact: row.impact, urgency: row.urgency, priority: row.priority },
          to: values,
        },
      }),
    );
    if (row.status === 'new')
      events.push(
        event(who, id, now, { kind: 'status', body: '', data: { from: 'new', to: 'triaged' } }),
      );
    await assignInto(tx, who, config, row, input, changes, events, now);
    const next = { ...row, ...changes };
    await repo.insertEvents(tx, events);
    return repo.updateTicket(tx, id, { ...changes, ...dues(next, config, now) });
  });
}

/** Applies an assignee or team change, with its timeline event. */
async function assignInto(
  tx: Db,
  who: Who,
  config: HelpdeskConfig,
  row: repo.TicketRow,
  input: { assigneeId?: string | null; team?: string | null },
  changes: Partial<repo.NewTicket>,
  events: repo.NewEvent[],
  now: Date,
  kind: 'assign' | 'escalate' = 'assign',
  body = '',
) {
  const assigneeId = input.assigneeId === undefined ? row.assigneeId : input.assigneeId;
  const team = input.team === undefined ? row.team : checkTeam(config, input.team, 'body.team');
  if (assigneeId === row.assigneeId && team === row.team && kind === 'assign') return;
  let name: string | null = null;
  if (assigneeId) name = (await assignable(tx, assigneeId, 'body.assigneeId')).name;
  const before = row.assigneeId
    ? (await repo.userNames(tx, [row.assigneeId])).get(row.assigneeId)
    : null;
  changes.assigneeId = assigneeId;
  changes.team = team ?? null;
  if (!row.respondedAt && !changes.respondedAt && isStaff(who.role)) changes.respondedAt = now;
  events.push(
    event(who, row.id, now, {
      kind,
      body,
      data: {
        from: { assigneeId: row.assigneeId, assignee: before ?? null, team: row.team },
        to: { assigneeId, assignee: name, team: team ?? null },
      },
    }),
  );
}

/** Hands the ticket to a specialist or a group, with a briefing for whoever picks it up. */
export async function escalate(
  db: Db,
  who: Who,
  id: string,
  input: { assigneeId?: string | null; team?: string | null; briefing: string },
  now = new Date(),
) {
  mustWork(who, 'escalating');
  const briefing = text(input.briefing);
  if (briefing === '')
    throw new Invalid('body.briefing: brief the specialist: what you saw, what you tried');
  if (input.assigneeId === undefined && input.team === undefined)
    throw new Invalid('body.assigneeId: name a specialist (assigneeId) or a group (team)');
  return db.transaction(async (tx) => {
    const row = await found(tx, id, true);
    const me = standing(who, row);
    if (!isStaff(who.role)) {
      if (!me.isAssignee && !me.isReporter)
        throw new Forbidden(
          `only the assignee, the reporter or an engineer can escalate ticket ${row.number}`,
        );
      // Escalating hands the work on; taking it or leaving it with nobody is assigning.
      if (input.assigneeId === null || (input.assigneeId && input.assigneeId === who.actor.id))
        throw new Forbidden(
          'body.assigneeId: escalate to someone else or to a team; assigning is for engineers',
        );
    }
    const config = await loadConfig(tx);
    const changes: Partial<repo.NewTicket> = {};
    const events: repo.NewEvent[] = [];
    await assignInto(tx, who, config, row, input, changes, events, now, 'escalate', briefing);
    await repo.insertEvents(tx, events);
    const next = { ...row, ...changes };
    return repo.updateTicket(tx, id, { ...changes, ...dues(next, config, now) });
  });
}

export interface UpdateInput {
  title?: string;
  description?: string;
  category?: TicketCategory;
  suiteIds?: string[];
  deviceIds?: string[];
  reproductionSteps?: string;
  workaround?: string;
  rootCause?: string;
  resolution?: string;
  tags?: string[];
  assigneeId?: string | null;
  team?: string | null;
  urgency?: Level | null;
}

const staffOnly = ['assigneeId', 'team'] as const;
const reviewedFields = ['resolution', 'rootCause'] as const;
const textFields = [
  'title',
  'description',
  'reproductionSteps',
  'workaround',
  'rootCause',
  'resolution',
] as const;

/** Edits the ticket's fields; each change goes on the timeline. New scope means a new derivation. */
export async function update(db: Db, who: Who, id: string, input: UpdateInput, now = new Date()) {
  mustWork(who, 'editing tickets');
  return db.transaction(async (tx) => {
    const row = await found(tx, id, true);
    const me = standing(who, row);
    if (!isStaff(who.role)) {
      if (!me.isAssignee && !me.isReporter)
        throw new Forbidden(
          `only the reporter, the assignee or an engineer can edit ticket ${row.number}`,
        );
      const field = staffOnly.find((f) => input[f] !== undefined);
      if (field) throw new Forbidden(`body.${field}: assigning is for engineers; escalate instead`);
      // Once the work is in review or done, what fixed it is the reviewed record.
      const sealed = reviewedFields.find((f) => input[f] !== undefined);
      if (sealed && ['pending_review', 'resolved', 'closed'].includes(row.status))
        throw new Forbidden(
          `body.${sealed}: ticket ${row.number} is ${statusWords[row.status]}; an engineer changes it now`,
        );
    }
    const config = await loadConfig(tx);
    const changes: Partial<repo.NewTicket> = {};
    const events: repo.NewEvent[] = [];
    const fieldEvent = (field: string, from: unknown, to: unknown) =>
      events.push(event(who, id, now, { kind: 'field', body: '', data: { field, from, to } }));

    for (const field of textFields) {
      const value = input[field];
      if (value === undefined) continue;
      const clean = value.trim();
      if (field === 'title' && clean === '')
        throw new Invalid('body.title: say what is wrong; it must not be blank');
      if (clean !== row[field]) {
        changes[field] = clean;
        fieldEvent(field, row[field], clean);
      }
    }
    if (input.category !== undefined && input.category !== row.category) {
      changes.category = input.category;
      fieldEvent('category', row.category, input.category);
    }
    if (input.tags !== undefined) {
      const tags = cleanTags(input.tags);
      if (tags.join(',') !== row.tags.join(',')) {
        changes.tags = tags;
        fieldEvent('tags', row.tags, tags);
      }
    }

    const links = await repo.linksOf(tx, id);
    const scopeChanged = input.suiteIds !== undefined || input.deviceIds !== undefined;
    const urgencyChanged =
      input.urgency !== undefined && input.urgency !== row.triage.proposedUrgency;
    if (input.urgency !== undefined && input.urgency !== null && !levels.includes(input.urgency))
      throw new Invalid(`body.urgency: must be one of ${levels.join(', ')}`);
    if (scopeChanged || urgencyChanged) {
      const named = await resolveNamed(tx, {
        suiteIds: input.suiteIds ?? (await carriedSuites(tx, links, input.deviceIds)),
        deviceIds: input.deviceIds ?? links.devices.map((d) => d.id),
      });
      if (scopeChanged) {
        await repo.setLinks(tx, id, named.suiteIds, named.deviceIds);
        const names = (list: Array<{ name: string }>) => list.map((x) => x.name);
        if (input.suiteIds !== undefined)
          fieldEvent('suites', names(links.suites), names(named.suites));
        if (input.deviceIds !== undefined)
          fieldEvent('devices', names(links.devices), names(named.devices));
      }
      const proposedUrgency =
        input.urgency === undefined ? row.triage.proposedUrgency : input.urgency;
      if (urgencyChanged)
        fieldEvent('proposedUrgency', row.triage.proposedUrgency, proposedUrgency);
      const fresh = await triageFor(tx, config, named, now, {
        overrides: row.triage.overrides,
        proposedUrgency,
      });
      const values = effective(fresh, config);
      changes.triage = fresh;
      Object.assign(changes, values);
      if (
        values.priority !== row.priority ||
        values.impact !== row.impact ||
        values.urgency !== row.urgency
      )
        events.push(
          event(who, id, now, {
            kind: 'triage',
            body: `P${values.priority}: impact ${values.impact} (${fresh.reasons.impact}); urgency ${values.urgency} (${fresh.reasons.urgency})`,
            data: {
              from: { impact: row.impact, urgency: row.urgency, priority: row.priority },
              to: values,
            },
          }),
        );
    }
    await assignInto(tx, who, config, row, input, changes, events, now);
    if (events.length === 0) return row;
    await repo.insertEvents(tx, events);
    const next = { ...row, ...changes };
    return repo.updateTicket(tx, id, { ...changes, ...dues(next, config, now) });
  });
}

/**
 * The suites a ticket keeps when only its devices change: those named for their own sake stay,
 * those that came with the old devices go, and the new devices bring theirs.
 */
async function carriedSuites(
  tx: Db,
  links: Awaited<ReturnType<typeof repo.linksOf>>,
  deviceIds: string[] | undefined,
): Promise<string[]> {
  const current = links.suites.map((s) => s.id);
  if (deviceIds === undefined) return current;
  const old = await repo.deviceScopes(tx, links.devices);
  const fromOld = new Set(old.flatMap((d) => d.suiteIds));
  const added = await repo.deviceScopes(tx, await repo.devicesNamed(tx, deviceIds));
  return [
    ...new Set([...current.filter((id) => !fromOld.has(id)), ...added.flatMap((d) => d.suiteIds)]),
  ];
}

/** A comment for everyone, or an internal note for the engineering team. */
export async function comment(
  db: Db,
  who: Who,
  id: string,
  input: { body: string; internal?: boolean },
  now = new Date(),
) {
  mustWork(who, 'commenting');
  const body = text(input.body);
  if (body === '') throw new Invalid('body.body: the comment is empty');
  return db.transaction(async (tx) => {
    const row = await found(tx, id, true);
    const changes: Partial<repo.NewTicket> = {};
    // An engineer answering someone else's ticket is its first response.
    if (!row.respondedAt && isStaff(who.role) && row.reporterId !== who.actor.id) {
      const config = await loadConfig(tx);
      changes.respondedAt = now;
      Object.assign(changes, dues({ ...row, respondedAt: now }, config, now));
    }
    const created = await repo.insertEvent(
      tx,
      event(who, id, now, { kind: input.internal ? 'note' : 'comment', body }),
    );
    await repo.updateTicket(tx, id, changes);
    return created;
  });
}

/** Time spent on the ticket; the assignee logs their own, engineers anyone's. */
export async function logWork(
  db: Db,
  who: Who,
  id: string,
  input: { minutes: number; note?: string; at?: string },
  now = new Date(),
) {
  mustWork(who, 'logging work');
  return db.transaction(async (tx) => {
    const row = await found(tx, id, true);
    const me = standing(who, row);
    if (!isStaff(who.role) && !me.isAssignee)
      throw new Forbidden(`only the assignee or an engineer logs work on ticket ${row.number}`);
    const at = input.at ? new Date(input.at) : now;
    if (at.getTime() > now.getTime() + 60_000)
      throw new Invalid('body.at: the work is in the future');
    if (at < row.createdAt) throw new Invalid('body.at: the work is before the ticket was logged');
    await repo.insertEvents(tx, [
      {
        ticketId: id,
        at,
        actorId: who.actor.id,
        actor: who.actor.label,
        kind: 'worklog',
        body: text(input.note),
        minutes: input.minutes,
      },
    ]);
    await repo.updateTicket(tx, id, {});
    return { timeSpentMinutes: await repo.timeSpent(tx, id) };
  });
}
