import type { Db } from '../../db/client.ts';
import type { ProblemStatus } from '../../domain.ts';
import { Conflict, Invalid, NotFound } from '../../errors.ts';
import { recordAudit } from '../audit/repository.ts';
import type { Actor } from '../auth/principal.ts';
import { serialize } from '../serialize.ts';
import * as repo from './repository.ts';

export interface ProblemInput {
  title: string;
  description?: string;
  rootCause?: string;
  workaround?: string;
  permanentFix?: string;
  ownerId?: string | null;
}
export interface ProblemChanges extends Partial<ProblemInput> {
  status?: ProblemStatus;
}

type Listed = NonNullable<Awaited<ReturnType<typeof repo.getProblem>>>;

function view({ problem, owner, incidents, openIncidents }: Listed) {
  return {
    ...serialize(problem),
    owner: owner ?? null,
    incidentCount: incidents,
    openIncidents,
  };
}

const label = (problem: { number: number; title: string }) =>
  `problem #${problem.number}: ${problem.title}`;

async function checked(db: Db, input: Partial<ProblemInput>): Promise<repo.ProblemValues> {
  const values: repo.ProblemValues = {};
  if (input.title !== undefined) {
    values.title = input.title.trim();
    if (values.title === '')
      throw new Invalid('body.title: say what goes wrong; the title must not be blank');
  }
  for (const field of ['description', 'rootCause', 'workaround', 'permanentFix'] as const) {
    const value = input[field];
    if (value !== undefined) values[field] = value.trim();
  }
  if (input.ownerId !== undefined) {
    if (input.ownerId !== null && !(await repo.userExists(db, input.ownerId)))
      throw new Invalid(`body.ownerId: no user with id ${input.ownerId}`);
    values.ownerId = input.ownerId;
  }
  return values;
}

export async function listProblems(db: Db, filter: { status?: ProblemStatus; q?: string }) {
  const rows = await repo.listProblems(db, { status: filter.status, q: filter.q?.trim() });
  return rows.map(view);
}

async function detail(db: Db, id: string) {
  const row = await repo.getProblem(db, id);
  if (!row) throw new NotFound(`problem ${id} does not exist`);
  const incidents = await repo.incidentsOf(db, id);
  return { ...view(row), incidents: incidents.map(serialize) };
}
export type ProblemDetail = Awaited<ReturnType<typeof detail>>;

export async function getProblem(db: Db, id: string) {
  return detail(db, id);
}

async function locked(db: Db, id: string) {
  const row = await repo.lockProblem(db, id);
  if (!row) throw new NotFound(`problem ${id} does not exist`);
  return row;
}

export async function createProblem(db: Db, actor: Actor, input: ProblemInput) {
  return db.transaction(async (tx) => {
    const values = await checked(tx, input);
    const created = await repo.insertProblem(tx, {
      ...values,
      title: values.title ?? '',
      createdById: actor.id,
      createdBy: actor.label,
    });
    await recordAudit(tx, actor, {
      action: 'create',
      entity: 'problem',
      entityId: created.id,
      after: serialize(created),
    });
    return detail(tx, created.id);
  });
}

const isOpenTicket = (status: string) => status !== 'resolved' && status !== 'closed';

/**
 * Changes the record. Closing stamps closed_at and tells each incident on its timeline, but
 * never touches an incident's status: whether service is back is for each ticket to say.
 * Reopening clears closed_at.
 */
export async function updateProblem(db: Db, actor: Actor, id: string, input: ProblemChanges) {
  return db.transaction(async (tx) => {
    const before = await locked(tx, id);
    const values = await checked(tx, input);
    const closing = input.status === 'closed' && before.status !== 'closed';
    const reopening =
      input.status !== undefined && input.status !== 'closed' && before.status === 'closed';
    if (input.status !== undefined) values.status = input.status;
    if (closing) values.closedAt = new Date();
    if (reopening) values.closedAt = null;
    const after = await repo.updateProblem(tx, id, values);
    if (!after) throw new NotFound(`problem ${id} does not exist`);
    if (closing || reopening) {
      const incidents = await repo.incidentsOf(tx, id);
      await repo.insertTicketEvents(
        tx,
        incidents.map((ticket) => ({
          ticketId: ticket.id,
          kind: 'problem' as const,
          actorId: actor.id,
          actor: actor.label,
          body: reopening
            ? `Problem #${after.number} reopened: ${after.title}`
            : isOpenTicket(ticket.status)
              ? `Problem #${after.number} closed; this ticket stays open: close it on its own when service is restored`
              : `Problem #${after.number} closed: ${after.title}`,
          data: {
            problemId: id,
            problemNumber: after.number,
            action: reopening ? 'reopened' : 'closed',
          },
        })),
      );
    }
    await recordAudit(tx, actor, {
      action: closing ? 'close' : reopening ? 'reopen' : 'update',
      entity: 'problem',
      entityId: id,
      before: serialize(before),
      after: serialize(after),
    });
    return detail(tx, id);
  });
}

/**
 * Files a ticket under the problem. A ticket belongs to one problem at most; linking it again to
 * the same one changes nothing. A closed problem takes no new incidents: one that recurs after
 * the fix means the problem is back, and reopening it says so.
 */
export async function linkIncident(db: Db, actor: Actor, id: string, ticketId: string) {
  return db.transaction(async (tx) => {
    const problem = await locked(tx, id);
    const ticket = await repo.getTicket(tx, ticketId);
    if (!ticket) throw new Invalid(`body.ticketId: no ticket with id ${ticketId}`);
    if (ticket.problemId === id) return { changed: false, problem: await detail(tx, id) };
    if (problem.status === 'closed')
      throw new Conflict(
        `${label(problem)} is closed; reopen it before linking ticket #${ticket.number} to it`,
      );
    if (!(await repo.linkTicket(tx, ticketId, id))) {
      const now = await repo.getTicket(tx, ticketId);
      const other = now?.problemId ? await repo.getProblem(tx, now.problemId) : undefined;
      if (other?.problem.id === id) return { changed: false, problem: await detail(tx, id) };
      throw new Conflict(
        other
          ? `ticket #${ticket.number} is already linked to ${label(other.problem)}; unlink it there first`
          : `ticket #${ticket.number} changed while it was being linked; try again`,
        other ? { problemId: other.problem.id, problemNumber: other.problem.number } : undefined,
      );
    }
    await repo.insertTicketEvents(tx, [
      {
        ticketId,
        kind: 'problem',
        actorId: actor.id,
        actor: actor.label,
        body: `Linked to problem #${problem.number}: ${problem.title}`,
        data: { problemId: id, problemNumber: problem.number, action: 'linked' },
      },
    ]);
    await recordAudit(tx, actor, {
      action: 'link-incident',
      entity: 'problem',
      entityId: id,
      after: { ticketId, ticketNumber: ticket.number },
    });
    return { changed: true, problem: await detail(tx, id) };
  });
}

export async function unlinkIncident(db: Db, actor: Actor, id: string, ticketId: string) {
  return db.transaction(async (tx) => {
    const problem = await locked(tx, id);
    const ticket = await repo.getTicket(tx, ticketId);
    if (!ticket || !(await repo.unlinkTicket(tx, ticketId, id)))
      throw new NotFound(`ticket ${ticketId} is not linked to problem #${problem.number}`);
    await repo.insertTicketEvents(tx, [
      {
        ticketId,
        kind: 'problem',
        actorId: actor.id,
        actor: actor.label,
        body: `Unlinked from problem #${problem.number}: ${problem.title}`,
        data: { problemId: id, problemNumber: problem.number, action: 'unlinked' },
      },
    ]);
    await recordAudit(tx, actor, {
      action: 'unlink-incident',
      entity: 'problem',
      entityId: id,
      before: { ticketId, ticketNumber: ticket.number },
    });
    return detail(tx, id);
  });
}
