import type { Trap } from '../../../probes/traps.ts';
import type { Context } from '../../context.ts';
import { serialize } from '../serialize.ts';
import { trapFaults } from '../faults/trap-batch.ts';
import * as repo from './repository.ts';

function linkMessage(trap: Trap): string {
  const port = trap.ifIndex === null ? 'a port' : `port ${trap.ifIndex}`;
  return trap.kind === 'linkDown'
    ? `linkDown trap: ${port} went down`
    : `linkUp trap: ${port} came up`;
}

/**
 * Stores a trap against the device it came from, then tells the dashboards; then a link trap goes
 * to the fault engine, whose fault is stored and published in its turn.
 */
export async function recordTrap(ctx: Context, trap: Trap) {
  const deviceId = await repo.deviceIdByHost(ctx.db, trap.source);
  const receivedAt = new Date(trap.receivedAt);
  const row = await repo.insertTrap(ctx.db, {
    receivedAt,
    source: trap.source,
    deviceId,
    version: trap.version,
    trapOid: trap.trapOid,
    kind: trap.kind,
    ifIndex: trap.ifIndex,
    varbinds: trap.varbinds,
  });
  ctx.metrics.trapsReceived.inc({ kind: trap.kind });
  ctx.bus.publish({
    type: 'trap',
    trapId: row.id,
    deviceId,
    source: trap.source,
    kind: trap.kind,
    trapOid: trap.trapOid,
    ifIndex: trap.ifIndex,
    at: trap.receivedAt,
  });
  if (deviceId && (trap.kind === 'linkDown' || trap.kind === 'linkUp')) {
    await trapFaults(ctx).add({
      deviceId,
      kind: trap.kind,
      ifIndex: trap.ifIndex,
      receivedAtMs: receivedAt.getTime(),
      message: linkMessage(trap),
    });
  }
  return serialize(row);
}

export async function listTraps(
  ctx: Context,
  filter: { deviceId?: string; beforeId?: number; limit: number },
) {
  return (await repo.listTraps(ctx.db, filter)).map(serialize);
}
