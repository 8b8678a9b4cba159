import { and, eq, inArray, isNotNull, lte, notInArray } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import {
  devices,
  rooms,
  suites,
  ticketDevices,
  tickets,
  ticketSuites,
  users,
  type SlaAlerts,
} from '../../db/schema/index.ts';
import { doneStatuses, pausedStatuses, type TicketStatus } from '../../domain.ts';
import { enqueueTicket } from '../notifications/service.ts';
import { nextAlertAt, pendingAlerts, slaOf, type Alert } from './clock.ts';
import type { HelpdeskConfig } from './settings.ts';

const quiet: TicketStatus[] = [...doneStatuses, ...pausedStatuses];

/**
 * Of the messages owed now, what to send: per timer, the breach if it is owed (the warning it
 * makes redundant is marked sent with it), else the warning.
 */
export function toSend(owed: Alert[], now: Date): { send: Alert[]; marked: Alert[] } {
  const due = owed.filter((a) => a.at <= now);
  const send: Alert[] = [];
  const marked: Alert[] = [];
  for (const timer of ['response', 'resolution'] as const) {
    const mine = due.filter((a) => a.timer === timer);
    const breach = mine.find((a) => a.kind === 'sla_breach');
    const chosen = breach ?? mine[0];
    if (!chosen) continue;
    send.push(chosen);
    marked.push(...(breach ? owed.filter((a) => a.timer === timer) : [chosen]));
  }
  return { send, marked };
}

/**
 * Sends the SLA warnings and breaches that are owed through the notification channels, each once
 * per due time, and sets when the ticket next owes one. Paused and finished tickets owe nothing.
 */
export async function slaAlerts(
  db: Db,
  config: HelpdeskConfig,
  now: Date,
): Promise<{ queued: number; tickets: string[] }> {
  const due = await db
    .select({
      ticket: tickets,
      assignee: users.username,
      assigneeName: users.displayName,
    })
    .from(tickets)
    .leftJoin(users, eq(users.id, tickets.assigneeId))
    .where(
      and(isNotNull(tickets.alertAt), lte(tickets.alertAt, now), notInArray(tickets.status, quiet)),
    )
    .limit(200)
    .for('update', { of: tickets, skipLocked: true });
  if (due.length === 0) return { queued: 0, tickets: [] };

  const ids = due.map((d) => d.ticket.id);
  const suiteRows = await db
    .select({ ticketId: ticketSuites.ticketId, name: suites.name, siteId: rooms.siteId })
    .from(ticketSuites)
    .innerJoin(suites, eq(suites.id, ticketSuites.suiteId))
    .leftJoin(rooms, eq(rooms.id, suites.roomId))
    .where(inArray(ticketSuites.ticketId, ids));
  const kindRows = await db
    .select({ ticketId: ticketDevices.ticketId, kind: devices.kind })
    .from(ticketDevices)
    .innerJoin(devices, eq(devices.id, ticketDevices.deviceId))
    .where(inArray(ticketDevices.ticketId, ids));

  let queued = 0;
  for (const { ticket: t, assignee, assigneeName } of due) {
    const owed = pendingAlerts(slaOf(t, config, now), t.alerts);
    const { send, marked } = toSend(owed, now);
    const mine = suiteRows.filter((s) => s.ticketId === t.id);
    for (const alert of send)
      queued += await enqueueTicket(
        db,
        {
          kind: alert.kind,
          ticket: {
            id: t.id,
            number: t.number,
            title: t.title,
            priority: t.priority,
            status: t.status,
            assignee: assignee ? assigneeName || assignee : null,
            team: t.team,
            suites: mine.map((s) => s.name),
            timer: alert.timer,
            dueAt: alert.dueAt.toISOString(),
          },
          siteIds: mine.map((s) => s.siteId).filter((id): id is string => id !== null),
          deviceKinds: kindRows.filter((k) => k.ticketId === t.id).map((k) => k.kind),
        },
        now,
      );
    const alerts: SlaAlerts = { ...t.alerts };
    for (const alert of marked) alerts[alert.key] = alert.dueAt.toISOString();
    const alertAt = nextAlertAt(owed.filter((a) => !marked.includes(a)));
    await db.update(tickets).set({ alerts, alertAt }).where(eq(tickets.id, t.id));
  }
  return { queued, tickets: ids };
}
