import { TrapReceiver } from '../probes/traps.ts';
import type { App } from './app.ts';
import type { Context } from './context.ts';
import { recordTrap } from './modules/traps/service.ts';

/**
 * Receives traps in the server process. A trap is stored before it is published; a failure to
 * store one is logged and counted, never fatal to the receiver.
 */
export async function startTrapReceiver(
  app: App,
  ctx: Context,
): Promise<{ receiver: TrapReceiver; port: number }> {
  const log = app.log.child({ component: 'traps' });
  const receiver = new TrapReceiver({
    port: ctx.config.trapPort,
    address: ctx.config.host,
    communities: ctx.config.trapCommunities,
    onTrap: (trap) => {
      recordTrap(ctx, trap).catch((error: unknown) => {
        ctx.metrics.trapsRejected.inc({ reason: 'store_failed' });
        log.error({ err: error, source: trap.source }, 'could not store a trap');
      });
    },
    onReject: (reason, source) => {
      ctx.metrics.trapsRejected.inc({ reason });
      log.warn({ reason, source }, 'refused a trap');
    },
  });
  const port = await receiver.start();
  return { receiver, port };
}
