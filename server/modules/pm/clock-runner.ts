import type { Context } from '../../context.ts';
import { runDigest } from './digest.ts';
import { generate } from './generator.ts';
import { refreshAllBookedHours } from './meters.ts';
import { loadSettings } from './settings.ts';

export interface PlannerClock {
  kick(): void;
  stop(): Promise<void>;
}

const minuteMs = 60_000;

/**
 * The planner's clock: once a minute it brings suites' booked hours up to date and makes the work
 * orders that have come within their lead time. Each work order commits before it is announced.
 * Then, once a day at the digest hour, it queues the digest of due work and wakes the dispatcher
 * (`onNotified`).
 */
export function startPlannerClock(
  ctx: Context,
  hooks: {
    onError?: (error: unknown) => void;
    onNotified?: () => void;
    everyMs?: number;
  } = {},
): PlannerClock {
  let running: Promise<void> | null = null;
  let stopped = false;
  const run = async () => {
    const now = new Date();
    // One read of the settings a minute serves the planner and the digest.
    const settings = await loadSettings(ctx.db);
    const made = await ctx.db.transaction(async (tx) => {
      await refreshAllBookedHours(tx, now);
      return generate(tx, now, { config: settings.config });
    });
    for (const order of made)
      ctx.bus.publish({ type: 'changed', entity: 'work-order', id: order.id });
    // After the work orders: one made this minute is in today's digest.
    const digest = await runDigest(ctx, now, settings);
    if (digest && digest.queued > 0) hooks.onNotified?.();
  };
  const kick = () => {
    if (stopped || running) return;
    running = run()
      .catch((error: unknown) => hooks.onError?.(error))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(kick, hooks.everyMs ?? minuteMs);
  timer.unref();
  kick();
  return {
    kick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
