import { and, eq, gt, inArray, isNull, lte, notExists, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { devices, faultEvents, faults, ticketFaults, tickets } from '../../db/schema/index.ts';
import { severities } from '../../domain.ts';
import * as repo from './repository.ts';
import { categoryOf, createTicket, type Who } from './service.ts';
import type { HelpdeskConfig } from './settings.ts';

/** The fault engine logs its tickets under this name; it triages like an engineer would. */
export const engineWho: Who = {
  actor: { id: null, label: 'Suitewatch', ip: null },
  role: 'engineer',
};

/** Fault events worth a line on a linked ticket's timeline. */
const told: Record<string, string> = {
  opened: 'opened',
  worse: 'got worse',
  improved: 'improved',
  cleared: 'cleared',
};

/**
 * Opens a ticket for each root fault at or above the configured severity that has stood on its
 * own for the group wait (so a blip that clears at once makes no ticket), or attaches it to the
 * open ticket already tracking the same device and condition. Returns the tickets it touched.
 */
export async function ticketsFromFaults(
  db: Db,
  config: HelpdeskConfig,
  groupWaitS: number,
  now: Date,
): Promise<string[]> {
  if (config.faultTicketSeverity === null) return [];
  const bad = severities.slice(0, severities.indexOf(config.faultTicketSeverity) + 1);
  const candidates = await db
    .select({
      id: faults.id,
      deviceId: faults.deviceId,
      condition: faults.condition,
      message: faults.message,
      severity: faults.severity,
      openedAt: faults.openedAt,
      deviceName: devices.name,
      deviceKind: devices.kind,
    })
    .from(faults)
    .innerJoin(devices, eq(devices.id, faults.deviceId))
    .where(
      and(
        eq(faults.state, 'open'),
        isNull(faults.suppressedBy),
        eq(faults.inMaintenance, false),
        eq(faults.flapping, false),
        inArray(faults.severity, bad),
        lte(faults.rootSince, new Date(now.getTime() - groupWaitS * 1000)),
        notExists(
          db
            .select({ one: sql`1` })
            .from(ticketFaults)
            .where(eq(ticketFaults.faultId, faults.id)),
        ),
      ),
    )
    .orderBy(faults.openedAt)
    .limit(100);

  const touched: string[] = [];
  for (const fault of candidates) {
    try {
      const id = await db.transaction(async (tx) => {
        const open = await repo.openTicketFor(tx, fault.deviceId, fault.condition);
        if (open) {
          await repo.linkFault(tx, open, fault.id);
          await repo.updateTicket(tx, open, {});
          return open;
        }
        const row = await createTicket(
          tx,
          engineWho,
          {
            title: `${fault.deviceName}: ${fault.message || fault.condition}`.slice(0, 200),
            description: `Opened by Suitewatch for a ${fault.severity} fault (${fault.condition}) on ${fault.deviceName}, open since ${fault.openedAt.toISOString()}.`,
            category: categoryOf(fault.deviceKind),
            deviceIds: [fault.deviceId],
            faultIds: [fault.id],
          },
          now,
          'fault',
        );
        return row.id;
      });
      touched.push(id);
    } catch (failure) {
      // Someone linked it by hand in the meantime: nothing left to do for this fault.
      if (!isUniqueViolation(failure)) throw failure;
    }
  }
  return touched;
}

/**
 * Copies linked faults' open, change and clear events onto their tickets' timelines. A fault
 * clearing is noted; it does not close the ticket: someone confirms the service is back.
 */
export async function syncFaultTimelines(db: Db, now: Date): Promise<string[]> {
  const rows = await db
    .select({
      ticketId: ticketFaults.ticketId,
      faultId: ticketFaults.faultId,
      eventId: faultEvents.id,
      kind: faultEvents.kind,
      at: faultEvents.at,
      severity: faultEvents.severity,
      detail: faultEvents.detail,
      condition: faults.condition,
      deviceName: devices.name,
    })
    .from(ticketFaults)
    .innerJoin(
      faultEvents,
      and(
        eq(faultEvents.faultId, ticketFaults.faultId),
        gt(faultEvents.id, ticketFaults.syncedEventId),
      ),
    )
    .innerJoin(faults, eq(faults.id, ticketFaults.faultId))
    .innerJoin(devices, eq(devices.id, faults.deviceId))
    .orderBy(faultEvents.id)
    .limit(1000);
  if (rows.length === 0) return [];
  const events: repo.NewEvent[] = [];
  const cursor = new Map<string, { ticketId: string; eventId: number }>();
  for (const row of rows) {
    cursor.set(row.faultId, { ticketId: row.ticketId, eventId: row.eventId });
    const verb = told[row.kind];
    if (!verb) continue;
    events.push({
      ticketId: row.ticketId,
      at: row.at,
      kind: 'fault',
      actorId: null,
      actor: 'Suitewatch',
      body: `Fault ${verb} on ${row.deviceName}: ${row.condition}${row.severity ? ` (${row.severity})` : ''}${row.detail ? ` · ${row.detail}` : ''}`,
      data: { faultId: row.faultId, event: row.kind, severity: row.severity },
    });
  }
  const touched = [...new Set(events.map((e) => e.ticketId))];
  await db.transaction(async (tx) => {
    await repo.insertEvents(tx, events);
    for (const [faultId, { ticketId, eventId }] of cursor)
      await tx
        .update(ticketFaults)
        .set({ syncedEventId: eventId })
        .where(and(eq(ticketFaults.faultId, faultId), eq(ticketFaults.ticketId, ticketId)));
    if (touched.length > 0)
      await tx.update(tickets).set({ updatedAt: now }).where(inArray(tickets.id, touched));
  });
  return touched;
}
