import type { Context } from '../../context.ts';
import { syncFaultTimelines, ticketsFromFaults } from './from-faults.ts';
import { loadConfig } from './settings.ts';
import { slaAlerts } from './sla-alerts.ts';

export interface HelpdeskClock {
  kick(): void;
  stop(): Promise<void>;
}

/**
 * The helpdesk's clock: opens tickets for root faults, copies fault events onto tickets, and
 * sends SLA warnings and breaches. Each step commits before its tickets are announced.
 */
export function startHelpdeskClock(
  ctx: Context,
  hooks: { onNotified?: () => void; onError?: (error: unknown) => void } = {},
): HelpdeskClock {
  let running: Promise<void> | null = null;
  let stopped = false;
  const run = async () => {
    const now = new Date();
    const config = await loadConfig(ctx.db);
    const opened = await ticketsFromFaults(ctx.db, config, ctx.config.notify.groupWaitS, now);
    const synced = await syncFaultTimelines(ctx.db, now);
    const alerts = await ctx.db.transaction((tx) => slaAlerts(tx, config, now));
    for (const id of new Set([...opened, ...synced, ...alerts.tickets]))
      ctx.bus.publish({ type: 'changed', entity: 'ticket', id });
    if (alerts.queued > 0) hooks.onNotified?.();
  };
  const kick = () => {
    if (stopped || running) return;
    running = run()
      .catch((error: unknown) => hooks.onError?.(error))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(kick, Math.max(ctx.config.faults.tickMs, 1000));
  timer.unref();
  return {
    kick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
