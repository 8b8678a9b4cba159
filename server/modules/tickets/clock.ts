import type { Pause, SlaAlerts } from '../../db/schema/index.ts';
import type { Priority } from '../../domain.ts';
import type { HelpdeskConfig } from './settings.ts';
import { slaTimer, type Interval, type SlaTimer } from './sla.ts';

/** The parts of a ticket its SLA clock reads. */
export interface Clocked {
  priority: Priority;
  createdAt: Date;
  respondedAt: Date | null;
  resolvedAt: Date | null;
  pauses: Pause[];
}

export interface Sla {
  response: SlaTimer;
  resolution: SlaTimer;
  paused: boolean;
}

const intervals = (pauses: Pause[]): Interval[] =>
  pauses.map((p) => ({ from: new Date(p.from), to: p.to === null ? null : new Date(p.to) }));

/** Both timers of a ticket: response (stops at first response) and resolution (stops at resolve). */
export function slaOf(ticket: Clocked, config: HelpdeskConfig, now: Date): Sla {
  const targets = config.sla[`${ticket.priority}`];
  const common = {
    calendar: config.calendar,
    start: ticket.createdAt,
    pauses: intervals(ticket.pauses),
    now,
    warnFraction: config.warnFraction,
  };
  const response = slaTimer({
    ...common,
    target: { minutes: targets.responseMinutes, clock: targets.clock },
    stoppedAt: ticket.respondedAt,
  });
  const resolution = slaTimer({
    ...common,
    target: { minutes: targets.resolutionMinutes, clock: targets.clock },
    stoppedAt: ticket.resolvedAt,
  });
  return { response, resolution, paused: resolution.paused };
}

export type AlertKey = keyof SlaAlerts;

/** An SLA message a ticket owes: a timer's warning or its breach, for the timer's due time. */
export interface Alert {
  key: AlertKey;
  kind: 'sla_warning' | 'sla_breach';
  timer: 'response' | 'resolution';
  at: Date;
  dueAt: Date;
}

/**
 * The messages still owed: for each running timer, its warning and its breach, unless one was
 * already sent for this due time. A stopped or paused timer owes nothing until it runs again.
 */
export function pendingAlerts(sla: Sla, sent: SlaAlerts): Alert[] {
  const out: Alert[] = [];
  for (const timer of ['response', 'resolution'] as const) {
    const t = sla[timer];
    if (t.dueAt === null || t.met !== null || t.paused) continue;
    const due = t.dueAt.toISOString();
    if (t.warnAt && sent[`${timer}_warning`] !== due)
      out.push({
        key: `${timer}_warning`,
        kind: 'sla_warning',
        timer,
        at: t.warnAt,
        dueAt: t.dueAt,
      });
    if (sent[`${timer}_breach`] !== due)
      out.push({ key: `${timer}_breach`, kind: 'sla_breach', timer, at: t.dueAt, dueAt: t.dueAt });
  }
  return out;
}

const earliest = (alerts: Alert[]) =>
  alerts.length ? new Date(Math.min(...alerts.map((a) => a.at.getTime()))) : null;

/** The stored due times the queue sorts by, and when the next SLA message is owed. */
export function dues(ticket: Clocked & { alerts: SlaAlerts }, config: HelpdeskConfig, now: Date) {
  const sla = slaOf(ticket, config, now);
  return {
    responseDueAt: sla.response.dueAt,
    resolutionDueAt: sla.resolution.dueAt,
    alertAt: earliest(pendingAlerts(sla, ticket.alerts)),
  };
}

export { earliest as nextAlertAt };

export const serializeTimer = (t: SlaTimer) => ({
  ...t,
  dueAt: t.dueAt?.toISOString() ?? null,
  warnAt: t.warnAt?.toISOString() ?? null,
});
