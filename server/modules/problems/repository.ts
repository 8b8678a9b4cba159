import { and, asc, desc, eq, ilike, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { problems, ticketEvents, tickets, users } from '../../db/schema/index.ts';
import type { ProblemStatus } from '../../domain.ts';

export type ProblemRow = typeof problems.$inferSelect;
export type ProblemValues = Partial<
  Pick<
    ProblemRow,
    | 'title'
    | 'description'
    | 'status'
    | 'rootCause'
    | 'workaround'
    | 'permanentFix'
    | 'ownerId'
    | 'closedAt'
  >
>;

const p = problems;

/** Tickets that still need work of their own; the rest are resolved or closed. */
const stillOpen = sql`${tickets.status} not in ('resolved', 'closed')`;

// Per-problem incident counts, computed beside each problem row.
const counted = {
  incidents: sql<number>`(select count(*) from ${tickets} where ${tickets.problemId} = ${p.id})`
    .mapWith(Number)
    .as('incidents'),
  openIncidents:
    sql<number>`(select count(*) from ${tickets} where ${tickets.problemId} = ${p.id} and ${stillOpen})`
      .mapWith(Number)
      .as('open_incidents'),
};

function select(db: Db) {
  return db
    .select({ problem: p, owner: users.username, ...counted })
    .from(p)
    .leftJoin(users, eq(users.id, p.ownerId));
}

export function listProblems(db: Db, filter: { status?: ProblemStatus; q?: string }) {
  const where: SQL[] = [];
  if (filter.status) where.push(eq(p.status, filter.status));
  if (filter.q) where.push(ilike(p.title, `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`));
  return select(db)
    .where(and(...where))
    .orderBy(desc(p.number));
}

export async function getProblem(db: Db, id: string) {
  const [row] = await select(db).where(eq(p.id, id));
  return row;
}

/** The problem row, locked until the transaction ends: links and closes take turns. */
export async function lockProblem(db: Db, id: string) {
  const [row] = await db.select().from(p).where(eq(p.id, id)).for('update');
  return row;
}

export async function insertProblem(
  db: Db,
  values: ProblemValues & { title: string; createdById: string | null; createdBy: string },
) {
  const [row] = await db.insert(p).values(values).returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

export async function updateProblem(db: Db, id: string, values: ProblemValues) {
  const [row] = await db
    .update(p)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(p.id, id))
    .returning();
  return row;
}

export async function userExists(db: Db, id: string): Promise<boolean> {
  const [row] = await db.select({ id: users.id }).from(users).where(eq(users.id, id));
  return row !== undefined;
}

const incidentColumns = {
  id: tickets.id,
  number: tickets.number,
  title: tickets.title,
  status: tickets.status,
  priority: tickets.priority,
  createdAt: tickets.createdAt,
};

export function incidentsOf(db: Db, problemId: string) {
  return db
    .select(incidentColumns)
    .from(tickets)
    .where(eq(tickets.problemId, problemId))
    .orderBy(asc(tickets.number));
}

export async function getTicket(db: Db, id: string) {
  const [row] = await db
    .select({ ...incidentColumns, problemId: tickets.problemId })
    .from(tickets)
    .where(eq(tickets.id, id));
  return row;
}

/**
 * Points the ticket at the problem unless another problem holds it already. Returns whether it
 * changed; a check and set in one statement, so two links of one ticket cannot both win.
 */
export async function linkTicket(db: Db, ticketId: string, problemId: string): Promise<boolean> {
  const rows = await db
    .update(tickets)
    .set({ problemId, updatedAt: new Date() })
    .where(and(eq(tickets.id, ticketId), isNull(tickets.problemId)))
    .returning({ id: tickets.id });
  return rows.length > 0;
}

export async function unlinkTicket(db: Db, ticketId: string, problemId: string): Promise<boolean> {
  const rows = await db
    .update(tickets)
    .set({ problemId: null, updatedAt: new Date() })
    .where(and(eq(tickets.id, ticketId), eq(tickets.problemId, problemId)))
    .returning({ id: tickets.id });
  return rows.length > 0;
}

export async function insertTicketEvents(db: Db, events: Array<typeof ticketEvents.$inferInsert>) {
  if (events.length === 0) return;
  await db.insert(ticketEvents).values(events);
}
